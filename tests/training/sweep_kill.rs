//! Kill -9: a native `rgp sweep` killed with SIGKILL mid-run, twice, then resumed, ends with the
//! same runs as an uninterrupted sweep of the same configuration: none lost, none counted twice,
//! the same accuracies (timings aside).

#![cfg(all(feature = "train", feature = "cli"))]

use rgp::sweep::results::{Row, RunKey, parse_csv};
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// 3 family graphs + the dense and random-regular baselines, 2 seeds: 10 runs on digits.
const SWEEP: &[&str] = &[
    "sweep",
    "--dataset",
    "digits",
    "--nodes",
    "16",
    "--degree",
    "4",
    "--graphs",
    "3",
    "--seeds",
    "2",
    "--iters",
    "5000",
    "--baselines",
    "dense,random-regular",
    "--epochs",
    "2",
    "--hidden",
    "64,64",
    "--batch",
    "32",
];
const RUNS: usize = 10;

fn sweep(out: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rgp"));
    c.args(SWEEP).arg("--out").arg(out);
    c
}

/// Starts the sweep and SIGKILLs it when `when` says so (it sees each progress line on stderr).
/// Returns the progress lines seen.
fn run_and_kill(out: &Path, when: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut child = sweep(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rgp starts");
    let mut lines = Vec::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        let kill = when(&line);
        lines.push(line);
        if kill {
            child.kill().expect("SIGKILL"); // Child::kill sends SIGKILL on Unix
            break;
        }
    }
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the sweep finished before it was killed: {lines:?}"
    );
    lines
}

fn rows_of(dir: &Path) -> (Vec<Row>, usize) {
    let text = std::fs::read_to_string(dir.join("results.csv")).unwrap();
    let complete = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count();
    (parse_csv(&text).unwrap(), complete)
}

/// `plan: N runs, K already in results.csv, …` → K.
fn skipped(lines: &[String]) -> usize {
    let plan = lines
        .iter()
        .find(|l| l.starts_with("plan:"))
        .expect("a plan line");
    plan.split(", ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn a_sweep_killed_twice_and_resumed_matches_an_uninterrupted_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (killed, whole) = (tmp.path().join("killed"), tmp.path().join("whole"));

    // 1. Killed right after the second run's row is appended (summary.json being rewritten).
    let first = run_and_kill(&killed, &|l: &str| {
        l.starts_with("[2/") && l.contains("done")
    });
    let (rows, lines) = rows_of(&killed);
    assert!(rows.len() >= 2 && rows.len() == lines, "{rows:?}");
    let after_first = rows.len();

    // 2. Resumed, then killed about halfway through its second run's training.
    let half = Duration::from_secs_f64(rows[0].seconds / 2.0);
    let second = run_and_kill(&killed, &|l: &str| {
        let kill = l.starts_with("[2/") && l.ends_with("...");
        if kill {
            std::thread::sleep(half);
        }
        kill
    });
    assert_eq!(
        skipped(&second),
        after_first,
        "the resume counts exactly the rows on disk: {first:?} / {second:?}"
    );
    let (rows, lines) = rows_of(&killed);
    assert_eq!(rows.len(), lines, "no torn or unreadable line");
    // The first run of the resumed process is on disk; the second was in flight when killed
    // (a digits run takes tens of milliseconds, so on a busy machine it may have finished).
    assert!(
        (after_first + 1..=after_first + 2).contains(&rows.len()),
        "killed in its second run: {} rows after {after_first}",
        rows.len()
    );

    // 3. Resumed to the end.
    let out = sweep(&killed).stderr(Stdio::piped()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: Vec<String> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .map(String::from)
        .collect();
    let (resumed, resumed_lines) = rows_of(&killed);

    // The same sweep, never interrupted.
    let out = sweep(&whole).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (reference, _) = rows_of(&whole);

    assert_eq!(reference.len(), RUNS);
    assert_eq!(
        resumed_lines, RUNS,
        "a run was written twice or lost: {log:?}"
    );
    let keys = |rows: &[Row]| rows.iter().map(Row::key).collect::<HashSet<RunKey>>();
    assert_eq!(keys(&resumed), keys(&reference));
    for r in &reference {
        let k = resumed.iter().find(|x| x.key() == r.key()).unwrap();
        let same = |a: &Row| (a.fingerprint.clone(), a.test_accuracy, a.train_loss, a.aspl);
        assert_eq!(
            same(k),
            same(r),
            "{:?} differs from the uninterrupted sweep",
            r.key()
        );
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(killed.join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["summary"]["runs"], RUNS);
}
