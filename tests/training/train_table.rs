//! `rgp train --table`: a CSV written here (three classes of points around three centres, one
//! bad row) trains the masked MLP; the output names the classes, counts the samples and lists
//! the row left out; what a table cannot do is refused in one line. A model file keeps the
//! table's columns and their standardisation, so fine-tuning from it reads the table as trained.

#![cfg(feature = "train")]

use super::run_cli::rgp;
use rgp::graph::Rng;

fn table(dir: &std::path::Path) -> std::path::PathBuf {
    let mut rng = Rng::new(5);
    let centres = [
        [2.0, 0.0, 0.0, 1.0],
        [0.0, 2.0, 0.0, -1.0],
        [0.0, 0.0, 2.0, 0.0],
    ];
    let names = ["ash", "birch", "cedar"];
    let mut s = String::from("f1;f2;f3;f4;tree\n");
    for i in 0..300 {
        let c = i % 3;
        let row: Vec<String> = centres[c]
            .iter()
            .map(|m| format!("{:.4}", m + 0.6 * (rng.unit() - 0.5) * 2.0))
            .collect();
        s += &format!("{};{}\n", row.join(";"), names[c]);
    }
    s += "1.0;;0.5;0.1;ash\n"; // line 302: a missing value
    let path = dir.join("trees.csv");
    std::fs::write(&path, s).unwrap();
    path
}

#[test]
fn a_table_trains_the_masked_mlp() {
    let dir = tempfile::tempdir().unwrap();
    let path = table(dir.path());
    let p = path.to_str().unwrap();
    let common = [
        "train", "--table", p, "--target", "tree", "--quiet", "--nodes", "16",
    ];
    let args: Vec<&str> = common
        .iter()
        .copied()
        .chain([
            "--degree", "4", "--hidden", "64,64", "--epochs", "8", "--batch", "16",
        ])
        .chain(["--drop-bad-rows"])
        .collect();
    let out = rgp(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["dataset"], "table");
    assert_eq!(v["classes"], serde_json::json!(["ash", "birch", "cedar"]));
    assert_eq!(
        (v["train_samples"].as_u64(), v["test_samples"].as_u64()),
        (Some(240), Some(60))
    );
    assert_eq!(v["skipped"][0]["item"], "line 302");
    assert!(
        v["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("'f2': missing value")
    );
    let acc = v["test_accuracy"].as_f64().unwrap();
    assert!(acc >= 0.9, "test accuracy {acc}");
    assert_eq!(v["per_class_accuracy"].as_array().unwrap().len(), 3);
    // Masked: the hidden-to-hidden layer keeps degree/nodes of its weights.
    assert!(v["params_pruned"].as_u64() < v["params_dense"].as_u64());

    // Without --drop-bad-rows the bad row is refused; a CNN and a missing target too.
    for (extra, want) in [
        (&[][..], "line 302: column 'f2': missing value"),
        (
            &["--drop-bad-rows", "--model", "cnn"][..],
            "the CNN needs images",
        ),
    ] {
        let args: Vec<&str> = common
            .iter()
            .copied()
            .chain(extra.iter().copied())
            .collect();
        let out = rgp(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {err}");
        assert!(
            err.contains(want) && err.trim().lines().count() == 1,
            "{extra:?}: {err}"
        );
    }
    let out = rgp(&["train", "--table", p, "--target", "species", "--quiet"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no column 'species'"));
}

#[test]
fn a_table_network_saves_with_its_columns_and_fine_tunes_from_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = table(dir.path());
    let p = path.to_str().unwrap();
    let file = dir.path().join("dense.safetensors");
    let f = file.to_str().unwrap();
    let base = [
        "train",
        "--table",
        p,
        "--target",
        "tree",
        "--drop-bad-rows",
        "--quiet",
        "--nodes",
        "16",
        "--degree",
        "4",
        "--hidden",
        "64,64",
        "--batch",
        "16",
    ];
    let run = |extra: &[&str]| {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        let out = rgp(&args);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        (out, err)
    };
    let (out, err) = run(&["--dense", "--epochs", "6", "--save", f]);
    assert!(out.status.success(), "{err}");
    let saved: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bytes = std::fs::read(&file).unwrap();
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(8192)]).into_owned();
    assert!(
        head.contains("input_columns") && head.contains("f4"),
        "{head}"
    );
    // Fine-tuned from the file: as loaded, it scores what it scored when saved.
    let (out, err) = run(&["--init-from", f, "--epochs", "2"]);
    assert!(out.status.success(), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["pretrained_accuracy"], saved["test_accuracy"]);
    assert!(v["test_accuracy"].as_f64().unwrap() >= 0.9, "{v}");
    // Another table's columns are refused, naming both.
    let other = dir.path().join("other.csv");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replacen("f1;f2;f3;f4", "a;b;c;d", 1);
    std::fs::write(&other, text).unwrap();
    let out = rgp(&[
        "train",
        "--table",
        other.to_str().unwrap(),
        "--target",
        "tree",
        "--drop-bad-rows",
        "--quiet",
        "--nodes",
        "16",
        "--degree",
        "4",
        "--hidden",
        "64,64",
        "--init-from",
        f,
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("reads the columns"), "{err}");
}

#[test]
fn a_sweep_runs_on_a_table_and_records_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = table(dir.path());
    let out = dir.path().join("sweep");
    let args = [
        "sweep",
        "--table",
        path.to_str().unwrap(),
        "--target",
        "tree",
        "--drop-bad-rows",
        "--nodes",
        "16",
        "--degree",
        "4",
        "--graphs",
        "2",
        "--seeds",
        "1",
        "--epochs",
        "2",
        "--hidden",
        "32,32",
        "--baselines",
        "dense",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    let o = rgp(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let cfg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(cfg["dataset"], "table");
    assert_eq!(cfg["user_data"]["target"], "tree");
    let rows = std::fs::read_to_string(out.join("results.csv")).unwrap();
    // Two graphs and the dense baseline, one seed each.
    assert_eq!(rows.lines().count(), 1 + 3, "{rows}");
    // Resumed with the same flags: nothing to run again.
    let o = rgp(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // A pretrained start needs a file with one's own data.
    let mut pre = args.to_vec();
    pre.extend(["--start", "pretrained"]);
    let err = String::from_utf8_lossy(&rgp(&pre).stderr).to_string();
    assert!(err.contains("needs --init-from FILE"), "{err}");
}
