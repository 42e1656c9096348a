//! Sweeps across machines: plan, shards, merge. Two shards merged give exactly what one
//! process writes (timings aside); a shard killed mid-sweep and run again loses and duplicates
//! no run; bad shard arguments give one line.

#![cfg(feature = "train")]

use rgp::data::Dataset;
use rgp::sweep::family::FamilySpec;
use rgp::sweep::plan::SweepConfig;
use rgp::sweep::results::{Kind, parse_csv};
use rgp::sweep::run::run_dir;
use rgp::sweep::shard::{Shard, assign, load_plan, merge_dir, plan_dir, run_shard};
use rgp::train::device::cpu;
use rgp::train::{ModelKind, TrainConfig};
use std::path::Path;
use std::process::Command;

fn digits() -> Dataset {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/digits.csv.gz");
    Dataset::digits(&std::fs::read(path).unwrap(), 1).unwrap()
}

fn config() -> SweepConfig {
    SweepConfig {
        dataset: "digits".into(),
        family: FamilySpec {
            nodes: 16,
            degree: 4,
            graphs: 2,
            seed: 2,
            iters: 5_000,
        },
        seeds: 2,
        train: TrainConfig {
            model: ModelKind::Mlp,
            hidden: vec![32, 32],
            batch: 64,
            epochs: 1,
            ..TrainConfig::default()
        },
        finetune_epochs: 1,
        finetune_lr: 0.01,
        ..SweepConfig::default()
    }
}

/// results.csv without its last column (seconds).
fn without_timings(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("results.csv"))
        .unwrap()
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n")
        .collect()
}

#[test]
fn two_shards_merged_equal_one_process() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, many) = (tmp.path().join("one"), tmp.path().join("many"));
    let cfg = config();
    run_dir(&cfg, digits(), cpu(), &one, &mut |_| {}).unwrap();

    let jobs = plan_dir(&cfg, &many, &mut |_| {}).unwrap();
    // 2 graphs + 4 baselines, 2 seeds.
    assert_eq!(jobs.len(), 12);
    let mut ran = 0;
    for index in [1, 0] {
        let shard = Shard { index, count: 2 };
        let (planned, now) = run_shard(&many, shard, digits(), cpu(), &mut |_| {}).unwrap();
        assert_eq!(planned, now);
        ran += now;
        // A finished shard run again runs nothing.
        let (_, again) = run_shard(&many, shard, digits(), cpu(), &mut |_| {}).unwrap();
        assert_eq!(again, 0);
    }
    assert_eq!(ran, 12);
    let merged = merge_dir(&many).unwrap();
    assert_eq!(merged.runs, 12);
    assert_eq!(without_timings(&many), without_timings(&one));
    assert_eq!(
        std::fs::read_to_string(many.join("summary.json")).unwrap(),
        std::fs::read_to_string(one.join("summary.json")).unwrap()
    );
    // Magnitude pruning sits with its seed's dense run.
    let a = assign(&jobs, 2);
    for (j, s) in jobs.iter().zip(&a) {
        if j.kind == Kind::Magnitude {
            let d = jobs
                .iter()
                .position(|d| d.kind == Kind::Dense && d.seed == j.seed)
                .unwrap();
            assert_eq!(*s, a[d]);
        }
    }
}

fn rgp(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rgp"));
    c.args(args);
    c
}

#[test]
fn a_killed_shard_resumed_loses_and_duplicates_no_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let d = dir.to_str().unwrap();
    let out = rgp(&[
        "sweep",
        "plan",
        "--out",
        d,
        "--nodes",
        "16",
        "--degree",
        "4",
        "--graphs",
        "2",
        "--iters",
        "5000",
        "--seeds",
        "4",
        "--hidden",
        "64,64",
        "--epochs",
        "3",
        "--batch",
        "32",
        "--baselines",
        "dense,random-regular",
        "--quiet",
    ])
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, _, jobs) = load_plan(&dir).unwrap();
    let mine: Vec<_> = jobs
        .iter()
        .zip(assign(&jobs, 2))
        .filter(|(_, s)| *s == 1)
        .map(|(j, _)| j.key())
        .collect();
    assert_eq!(mine.len(), 8);

    let file = dir.join("shards/1-of-2.csv");
    let rows = |p: &Path| parse_csv(&std::fs::read_to_string(p).unwrap_or_default()).unwrap();
    let mut child = rgp(&["sweep", "run", "--dir", d, "--shard", "1/2", "--quiet"])
        .spawn()
        .unwrap();
    let t0 = std::time::Instant::now();
    while rows(&file).len() < 2 && t0.elapsed().as_secs() < 120 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let before = rows(&file).len();
    assert!(
        (2..mine.len()).contains(&before),
        "killed after {before} runs"
    );
    // As if killed mid-write: a torn last line.
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("graph,4,0,3.1");
    std::fs::write(&file, text).unwrap();

    // Merging now names what is missing.
    let out = rgp(&["sweep", "merge", "--dir", d]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("missing"), "{err}");

    let out = rgp(&["sweep", "run", "--dir", d, "--shard", "env/2", "--quiet"])
        .env("SLURM_ARRAY_TASK_ID", "2")
        .env("SLURM_ARRAY_TASK_MIN", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after: Vec<_> = rows(&file).iter().map(|r| r.key()).collect();
    let mut want = mine.clone();
    let mut got = after.clone();
    want.sort();
    got.sort();
    assert_eq!(got, want, "each of the shard's runs exactly once");
    // parse_csv keeps one row per key: count the file's own lines, so a run written twice fails.
    let text = std::fs::read_to_string(&file).unwrap();
    let lines = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count();
    assert_eq!(lines, mine.len(), "one line per run in the file:\n{text}");
    assert!(!text.contains("3.1\n"));

    let out = rgp(&["sweep", "run", "--dir", d, "--shard", "env/2", "--quiet"])
        .env("JOB_COMPLETION_INDEX", "0")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = rgp(&["sweep", "merge", "--dir", d]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(rows(&dir.join("results.csv")).len(), 16);
}

#[test]
fn bad_shards_give_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().to_str().unwrap();
    for (args, env, want) in [
        (vec!["run", "--dir", d, "--shard", "2/2"], None, "outside"),
        (vec!["run", "--dir", d, "--shard", "x"], None, "I/N"),
        (
            vec!["run", "--dir", d, "--shard", "env/2"],
            None,
            "SLURM_ARRAY_TASK_ID",
        ),
        (
            vec!["run", "--dir", d, "--shard", "env/2"],
            Some(("JOB_COMPLETION_INDEX", "zz")),
            "whole number",
        ),
        (
            vec!["run", "--dir", d, "--shard", "0/2"],
            None,
            "sweep plan",
        ),
        (vec!["merge", "--dir", d], None, "sweep plan"),
        (
            vec!["plan", "--out", d, "--depths", "2,4"],
            None,
            "per depth",
        ),
    ] {
        let mut c = rgp(&["sweep"]);
        c.args(&args)
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("JOB_COMPLETION_INDEX");
        if let Some((k, v)) = env {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
}
