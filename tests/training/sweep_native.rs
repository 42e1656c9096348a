//! A tiny sweep on the digits fixture, end to end on the CPU backend: graphs, every baseline,
//! results.csv, summary.json, resuming, and the baselines' masks.

#![cfg(feature = "train")]

use rgp::data::Dataset;
use rgp::sweep::family::FamilySpec;
use rgp::sweep::plan::{Job, SweepConfig, build_graphs};
use rgp::sweep::results::{Kind, Row, parse_csv};
use rgp::sweep::run::{Event, Executor, run_dir};
use rgp::sweep::stats::mean;
use rgp::train::custom_masks::kept_per_layer;
use rgp::train::device::cpu;
use rgp::train::trainer::block_on;
use rgp::train::{ModelKind, TrainConfig};
use std::path::Path;

fn digits() -> Dataset {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/digits.csv.gz");
    Dataset::digits(&std::fs::read(path).unwrap(), 1).unwrap()
}

fn config(seeds: u32) -> SweepConfig {
    SweepConfig {
        dataset: "digits".into(),
        family: FamilySpec {
            nodes: 16,
            degree: 4,
            graphs: 3,
            seed: 2,
            iters: 20_000,
        },
        degrees: vec![4, 8],
        seeds,
        train: TrainConfig {
            model: ModelKind::Mlp,
            hidden: vec![32, 32],
            batch: 64,
            epochs: 1,
            lr: 0.05,
            ..TrainConfig::default()
        },
        finetune_epochs: 1,
        finetune_lr: 0.01,
        ..SweepConfig::default()
    }
}

fn read_rows(dir: &Path) -> Vec<Row> {
    parse_csv(&std::fs::read_to_string(dir.join("results.csv")).unwrap()).unwrap()
}

fn run(cfg: &SweepConfig, dir: &Path) -> (rgp::sweep::summary::Summary, usize, usize) {
    let (mut planned, mut skipped) = (0, 0);
    let s = run_dir(cfg, digits(), cpu(), dir, &mut |e| {
        if let Event::Plan { total, skipped: k } = e {
            planned = total;
            skipped = k;
        }
    })
    .unwrap();
    (s, planned, skipped)
}

#[test]
fn tiny_sweep_runs_end_to_end_and_resumes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sweep");
    let cfg = config(2);
    let (s, planned, skipped) = run(&cfg, &dir);
    // 3 family graphs + 2 degree-8 graphs + 4 baselines, for 2 seeds.
    assert_eq!((planned, skipped), (18, 0));
    let rows = read_rows(&dir);
    assert_eq!(rows.len(), 18);
    for k in Kind::BASELINES {
        assert_eq!(rows.iter().filter(|r| r.kind == k).count(), 2, "{k:?}");
    }
    for r in &rows {
        // Far above chance (10%) after one epoch, for every kind of mask.
        assert!(
            r.test_accuracy > 0.4,
            "{} seed {}: {}",
            r.kind.as_str(),
            r.seed,
            r.test_accuracy
        );
        assert!(r.train_loss.is_finite() && r.train_loss > 0.0);
        assert_eq!(r.kind.has_graph(), r.aspl.is_some());
        assert_eq!(r.kind.has_graph(), r.fingerprint.len() == 16);
    }

    // The summary agrees with the rows it was computed from.
    assert_eq!(s.runs, 18);
    assert_eq!(s.graphs.len(), 3);
    for g in &s.graphs {
        let acc: Vec<f64> = rows
            .iter()
            .filter(|r| r.kind == Kind::Graph && r.graph == Some(g.index))
            .map(|r| r.test_accuracy)
            .collect();
        assert_eq!(acc.len(), 2);
        assert!((g.accuracy.mean - mean(&acc)).abs() < 1e-12);
    }
    assert!(s.graphs[0].accuracy.aspl < s.graphs[2].accuracy.aspl);
    let a = s.accuracy_vs_aspl.as_ref().unwrap();
    assert_eq!(
        (a.runs.pearson.n, a.means.pearson.n, a.means.spearman.n),
        (6, 3, 3)
    );
    assert!(a.runs.pearson.r.abs() <= 1.0 && a.runs.pearson.ci_low <= a.runs.pearson.r);
    assert!(s.accuracy_vs_clustering.is_some() && s.aspl_vs_clustering.is_some());
    let b = s.best_vs_ring.as_ref().unwrap();
    assert_eq!((b.best_index, b.ring_index), (0, 2));
    assert!((b.gain.points - 100.0 * (b.best.mean - b.ring.mean)).abs() < 1e-9);
    let kinds: Vec<&str> = s.baselines.iter().map(|b| b.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "ring",
            "dense",
            "random-unstructured",
            "random-regular",
            "magnitude"
        ]
    );
    let degrees: Vec<u32> = s.degrees.iter().map(|d| d.degree).collect();
    assert_eq!(degrees, [4, 8]);
    assert!(
        s.degrees
            .iter()
            .all(|d| d.best.as_ref().unwrap().runs == 2 && d.gain.is_some())
    );
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(file["summary"]["runs"], 18);
    assert_eq!(file["graphs"].as_array().unwrap().len(), 5);

    // Resuming a finished sweep runs nothing.
    let (_, planned, skipped) = run(&cfg, &dir);
    assert_eq!((planned, skipped), (18, 18));
    assert_eq!(read_rows(&dir), rows);

    // An interrupted sweep (two runs missing, the last line torn) runs exactly what is missing.
    let text = std::fs::read_to_string(dir.join("results.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let cut = format!(
        "{}\n{}",
        lines[..lines.len() - 2].join("\n"),
        &lines[lines.len() - 2][..10]
    );
    std::fs::write(dir.join("results.csv"), cut).unwrap();
    let (_, _, skipped) = run(&cfg, &dir);
    assert_eq!(skipped, 16);
    let again = read_rows(&dir);
    assert_eq!(again.len(), 18);
    assert_eq!(again[..16], rows[..16]);

    // More seeds add only the new seed's runs.
    let (s3, planned, skipped) = run(&config(3), &dir);
    assert_eq!((planned, skipped), (27, 18));
    assert_eq!(s3.runs, 27);

    // Fewer seeds than the file holds: refused, as the shards refuse a run their plan lacks
    // (it was summarised beside the plan before).
    let e = run_dir(&config(2), digits(), cpu(), &dir, &mut |_| {}).unwrap_err();
    assert!(
        e.message().contains("does not plan") && e.message().contains(" seed "),
        "{e}"
    );

    // Another configuration in the same folder is refused with one line.
    let mut other = config(2);
    other.train.lr = 0.1;
    let e = run_dir(&other, digits(), cpu(), &dir, &mut |_| {}).unwrap_err();
    assert!(
        e.message().contains("different configuration") && e.message().contains("lr"),
        "{e}"
    );
}

#[test]
fn baselines_keep_the_graph_masks_sparsity_and_their_zeros() {
    let cfg = config(1);
    let graphs = build_graphs(&cfg, &mut |_, _| {}).unwrap();
    let mut ex = Executor::new(cfg.clone(), digits(), &graphs, cpu(), Box::new(|| 0.0)).unwrap();
    let job = |kind, graph: Option<usize>| Job {
        kind,
        degree: 4,
        graph: graph.map(|i| graphs.family[i].clone()),
        seed: 1,
    };
    block_on(async {
        let graph_run = ex.start(job(Kind::Graph, Some(0))).await.unwrap();
        let want = kept_per_layer(graph_run.trainer().model()).await.unwrap();
        // hidden 32 -> 32 over 16 groups of 2, degree 4: 32 * 4 * 2 kept weights.
        assert_eq!(want, vec![256]);
        ex.run(job(Kind::Dense, None), &mut |_| {}).await.unwrap();
        for kind in [Kind::RandomUnstructured, Kind::Magnitude] {
            let mut r = ex.start(job(kind, None)).await.unwrap();
            assert_eq!(
                kept_per_layer(r.trainer().model()).await.unwrap(),
                want,
                "{kind:?}"
            );
            while !r.done() {
                ex.advance(&mut r, 7).await.unwrap();
            }
            let (max, count) = r.trainer().pruned_weight_check().await.unwrap();
            assert_eq!((max, count), (0.0, 1024 - 256), "{kind:?}");
            let row = ex.finish(r).await.unwrap();
            assert!(row.test_accuracy > 0.4, "{kind:?}: {}", row.test_accuracy);
        }
    });
}

#[test]
fn cli_rejects_bad_sweeps_with_one_line() {
    let bin = env!("CARGO_BIN_EXE_rgp");
    for (args, want) in [
        (vec!["--dataset", "cifar"], "unknown dataset"),
        (vec!["--dataset", "digits-quick"], "no quick subset"),
        (vec!["--baselines", "dense,oops"], "unknown run kind"),
        (vec!["--baselines", "graph"], "not a baseline"),
        (vec!["--graphs", "1"], "between 2 and"),
        (vec!["--seeds", "0"], "seeds must be"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let out = std::process::Command::new(bin)
            .arg("sweep")
            .args(&args)
            .args(["--out", tmp.path().join("o").to_str().unwrap(), "--quiet"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.starts_with("error: ") && err.contains(want),
            "{args:?}: {err}"
        );
    }
}
