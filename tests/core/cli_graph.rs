//! The `rgp graph` and `rgp family` binaries: JSON on stdout, progress on stderr, and exit 2 with
//! exactly one `error:` line for every bad input.
#![cfg(feature = "cli")]

use super::documented::GRAPH_JSON_KEYS;
use super::run_cli::{json, rgp};
use std::path::Path;

/// Runs, expects exit 2 and a single `error: ...` line mentioning `word`; nothing on stdout.
fn fails(args: &[&str], word: &str) {
    let out = rgp(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{args:?}: {err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(
        lines[0].to_lowercase().contains(word),
        "{args:?}: '{err}' lacks '{word}'"
    );
}

#[test]
fn graph_prints_the_documented_json() {
    let v = json(&rgp(&[
        "graph", "--nodes", "64", "--degree", "4", "--search", "none", "--quiet",
    ]));
    for key in GRAPH_JSON_KEYS {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["nodes"], 64);
    assert!((v["aspl"].as_f64().unwrap() - 8.380952).abs() < 1e-6);
    assert_eq!(v["aopu"], 430.0);
    let edges = v["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 128);
    assert!(edges.iter().all(|e| e[0].as_u64() < e[1].as_u64()));
}

#[test]
fn searches_run_and_report_progress_on_stderr() {
    let out = rgp(&[
        "graph", "--nodes", "64", "--degree", "6", "--init", "random", "--seed", "3", "--iters",
        "300000",
    ]);
    let v = json(&out);
    assert!(v["aspl"].as_f64().unwrap() < 2.45);
    assert!(String::from_utf8_lossy(&out.stderr).contains("done:"));
    let v = json(&rgp(&[
        "graph", "--search", "paper", "--steps", "10", "--quiet",
    ]));
    let a = v["aspl"].as_f64().unwrap();
    assert!(
        (8.381 - 10.0 * 0.2 - 1e-9..8.381 - 10.0 * 0.05).contains(&a),
        "{a}"
    );
    let v = json(&rgp(&["graph", "--target-aspl", "5", "--quiet"]));
    assert!((v["aspl"].as_f64().unwrap() - 5.0).abs() <= 0.01);
    assert_eq!(v["config"]["search"], "target");
}

#[test]
fn the_json_config_reproduces_a_timed_run() {
    let v = json(&rgp(&[
        "graph",
        "--nodes",
        "48",
        "--degree",
        "4",
        "--init",
        "random",
        "--time-ms",
        "300",
        "--quiet",
    ]));
    let iters = v["config"]["iters"].as_u64().unwrap().to_string();
    let mut args = vec![
        "graph", "--nodes", "48", "--degree", "4", "--init", "random", "--iters", &iters, "--quiet",
    ];
    let stop;
    if let Some(s) = v["config"]["stop_after"].as_u64() {
        stop = s.to_string();
        args.extend(["--stop-after", &stop]);
    }
    let again = json(&rgp(&args));
    assert_eq!(again["fingerprint"], v["fingerprint"]);
}

#[test]
fn exports_and_imports_files() {
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("g.npy");
    let p = npy.to_str().unwrap();
    let v = json(&rgp(&[
        "graph", "--nodes", "32", "--degree", "6", "--init", "random", "--search", "none",
        "--format", "npy", "--out", p, "--quiet",
    ]));
    let back = json(&rgp(&["graph", "--import", p, "--quiet"]));
    assert_eq!(back["fingerprint"], v["fingerprint"]);
    assert_eq!(back["degree"], 6);
    // CSV on stdout, then imported again.
    let out = rgp(&["graph", "--import", p, "--format", "csv", "--quiet"]);
    assert!(out.status.success());
    let csv = dir.path().join("g.csv");
    std::fs::write(&csv, &out.stdout).unwrap();
    let again = json(&rgp(&[
        "graph",
        "--import",
        csv.to_str().unwrap(),
        "--quiet",
    ]));
    assert_eq!(again["fingerprint"], v["fingerprint"]);
    // An imported graph can be searched further.
    let s = json(&rgp(&[
        "graph", "--import", p, "--search", "anneal", "--iters", "20000", "--quiet",
    ]));
    assert!(s["aspl"].as_f64() <= v["aspl"].as_f64());
}

#[test]
fn family_writes_a_sorted_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fam");
    let o = out.to_str().unwrap();
    let v = json(&rgp(&[
        "family",
        "--nodes",
        "32",
        "--degree",
        "4",
        "--trajectories",
        "2",
        "--steps",
        "4",
        "--out",
        o,
        "--quiet",
    ]));
    assert_eq!(v["graphs"], 8);
    let index = std::fs::read_to_string(out.join("index.csv")).unwrap();
    let rows: Vec<&str> = index.lines().skip(1).collect();
    assert_eq!(rows.len(), 8);
    let aspl: Vec<f64> = rows
        .iter()
        .map(|r| r.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    assert!(aspl.windows(2).all(|w| w[0] <= w[1]));
    for i in 0..8 {
        assert!(Path::new(&out.join(format!("M{i}.npy"))).exists());
    }
}

#[test]
fn every_bad_input_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.npy");
    std::fs::write(&garbage, b"\x93NUMPY\x01\x00\xff").unwrap();
    let asym = dir.path().join("asym.csv");
    std::fs::write(&asym, "0,1,1,0\n1,0,0,1\n1,0,0,1\n1,1,1,0\n").unwrap();
    let g = garbage.to_str().unwrap();
    let a = asym.to_str().unwrap();
    let missing = dir.path().join("nope.npy");
    let m = missing.to_str().unwrap();
    let no_dir = dir.path().join("no/such/dir/out.npy");
    let nd = no_dir.to_str().unwrap();
    fails(&["graph", "--nodes", "64", "--degree", "64"], "degree");
    fails(&["graph", "--nodes", "64", "--degree", "70"], "degree");
    fails(&["graph", "--nodes", "63", "--degree", "5"], "even");
    fails(&["graph", "--nodes", "2000", "--degree", "4"], "1024");
    fails(&["graph", "--nodes", "3", "--degree", "2"], "nodes");
    fails(&["graph", "--degree", "1"], "degree");
    fails(&["graph", "--nodes", "abc"], "invalid value");
    fails(&["graph", "--nodes", "-5"], "unexpected argument");
    fails(&["graph", "--init", "star"], "invalid value");
    fails(&["graph", "--search", "greedy"], "invalid value");
    fails(&["graph", "--bogus"], "unexpected argument");
    fails(&["graph", "--import", m], "cannot read");
    fails(&["graph", "--import", g], "truncated");
    fails(&["graph", "--import", a], "symmetric");
    fails(&["graph", "--import", g, "--nodes", "8"], "truncated");
    fails(&["graph", "--format", "npy"], "--out");
    fails(
        &["graph", "--search", "none", "--format", "npy", "--out", nd],
        "cannot write",
    );
    fails(&["graph", "--time-ms", "0"], "positive");
    fails(&["graph", "--target-aspl", "1.5"], "below");
    fails(&["graph", "--target-aspl", "nan"], "target");
    fails(
        &[
            "graph",
            "--interval-down",
            "0.3",
            "--interval-up",
            "0.2",
            "--search",
            "paper",
        ],
        "interval",
    );
    fails(
        &["graph", "--tolerance=-1", "--search", "target"],
        "tolerance",
    );
    fails(
        &["graph", "--steps", "99999999", "--search", "paper"],
        "steps",
    );
    let fam = dir.path().join("fam");
    let f = fam.to_str().unwrap();
    fails(
        &["family", "--nodes", "63", "--degree", "3", "--out", f],
        "even",
    );
    fails(&["family", "--trajectories", "0", "--out", f], "trajectory");
    assert!(!fam.exists());
    fails(&["family", "--nodes", "64"], "--out");
    fails(&["family", "--out", g], "not a folder");
}
