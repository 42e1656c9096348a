//! Sweeps that fine-tune (`rgp sweep --init-from FILE`): every run starts from the file's
//! network — a dense run at a vanishing learning rate keeps the pretrained accuracy — the
//! random-unstructured baseline is left out (or refused when asked for), and a start file
//! changed under a planned sweep is refused.

#![cfg(feature = "train")]

use rgp::sweep::results::{Kind, parse_csv};
use std::path::Path;
use std::process::{Command, Output};

fn rgp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rgp"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn ok(args: &[&str]) -> serde_json::Value {
    let o = rgp(args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn refused(args: &[&str]) -> String {
    let o = rgp(args);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let e = String::from_utf8_lossy(&o.stderr).trim().to_string();
    assert_eq!(e.lines().count(), 1, "one line: {e}");
    e
}

const NET: [&str; 6] = ["--dataset", "digits", "--hidden", "32,32", "--seed", "1"];

fn sweep_args<'a>(file: &'a str, out: &'a str, lr: &'a str) -> Vec<&'a str> {
    let mut a = vec![
        "sweep",
        "--quiet",
        "--init-from",
        file,
        "--out",
        out,
        "--lr",
        lr,
    ];
    a.extend(NET[..4].iter());
    a.extend([
        "--nodes", "16", "--degree", "4", "--graphs", "2", "--seeds", "1", "--iters", "2000",
        "--epochs", "1",
    ]);
    a
}

#[test]
fn a_pretrained_sweep_starts_every_run_from_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("pre.safetensors");
    let file = file.to_str().unwrap();
    let mut train = vec![
        "train", "--quiet", "--dense", "--epochs", "3", "--nodes", "16", "--save", file,
    ];
    train.extend(NET);
    let pre = ok(&train)["test_accuracy"].as_f64().unwrap();
    assert!(pre > 0.8, "the pretrained network learned: {pre}");

    let out = tmp.path().join("s");
    let out = out.to_str().unwrap();
    ok(&sweep_args(file, out, "1e-6"));
    let rows =
        parse_csv(&std::fs::read_to_string(Path::new(out).join("results.csv")).unwrap()).unwrap();
    assert!(rows.iter().all(|r| r.kind != Kind::RandomUnstructured));
    let dense = rows.iter().find(|r| r.kind == Kind::Dense).unwrap();
    assert!(
        (dense.test_accuracy - pre).abs() < 0.02,
        "a dense run at lr 1e-6 keeps the pretrained accuracy: {} vs {pre}",
        dense.test_accuracy
    );
    assert!(rows.iter().any(|r| r.kind == Kind::Magnitude));
    let cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(Path::new(out).join("sweep.json")).unwrap())
            .unwrap();
    assert_eq!(cfg["start"]["sha256"].as_str().unwrap().len(), 64);

    let mut asked = sweep_args(file, out, "1e-6");
    asked.extend(["--baselines", "random-unstructured"]);
    assert!(refused(&asked).contains("draws fresh weights"));

    // A planned sweep whose start file changed is refused on every machine.
    let plan = tmp.path().join("p");
    let plan = plan.to_str().unwrap();
    let mut p = sweep_args(file, plan, "0.05");
    p[0] = "sweep";
    p.insert(1, "plan");
    ok(&p);
    std::fs::write(file, b"changed").unwrap();
    let e = refused(&["sweep", "run", "--dir", plan, "--shard", "0/2", "--quiet"]);
    assert!(e.contains("changed since the sweep was planned"), "{e}");
}

#[test]
fn a_missing_pretrained_network_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    let e = refused(&[
        "sweep",
        "--start",
        "pretrained",
        "--dataset",
        "digits",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(e.contains("no pretrained mlp for digits"), "{e}");
}
