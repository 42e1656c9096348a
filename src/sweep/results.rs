//! One row per training run, as `results.csv`: the file a sweep appends to after every run and
//! reads back to resume, and what the summary is computed from.

use crate::{Error, Result, bail};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::str::FromStr;

/// What a run trained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A member of the ASPL family (index 0 = lowest ASPL, last = ring lattice).
    Graph,
    /// Degree sweep: the annealed graph of another degree.
    DegreeBest,
    /// Degree sweep: the ring lattice of another degree.
    DegreeWorst,
    /// The unmasked network.
    Dense,
    /// Random positions, the same number of kept weights per layer as the graph mask.
    RandomUnstructured,
    /// A random regular graph (no search) as the mask.
    RandomRegular,
    /// The trained dense network pruned by weight magnitude to the same per-layer sparsity, then
    /// fine-tuned.
    Magnitude,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Graph,
        Kind::DegreeBest,
        Kind::DegreeWorst,
        Kind::Dense,
        Kind::RandomUnstructured,
        Kind::RandomRegular,
        Kind::Magnitude,
    ];
    /// The baselines `--baselines all` trains.
    pub const BASELINES: [Kind; 4] = [
        Kind::Dense,
        Kind::RandomUnstructured,
        Kind::RandomRegular,
        Kind::Magnitude,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Graph => "graph",
            Kind::DegreeBest => "degree-best",
            Kind::DegreeWorst => "degree-worst",
            Kind::Dense => "dense",
            Kind::RandomUnstructured => "random-unstructured",
            Kind::RandomRegular => "random-regular",
            Kind::Magnitude => "magnitude",
        }
    }

    /// Whether the run's mask is a graph (so the row has an ASPL).
    pub fn has_graph(self) -> bool {
        matches!(
            self,
            Kind::Graph | Kind::DegreeBest | Kind::DegreeWorst | Kind::RandomRegular
        )
    }
}

impl FromStr for Kind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Kind> {
        match Kind::ALL.iter().find(|k| k.as_str() == s) {
            Some(&k) => Ok(k),
            None => bail!(
                "unknown run kind '{}' (expected one of {})",
                s.chars().take(40).collect::<String>(),
                Kind::ALL.map(|k| k.as_str()).join(", ")
            ),
        }
    }
}

/// Identifies a run within a sweep: resuming skips every run whose key is already in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RunKey {
    pub kind: Kind,
    pub degree: u32,
    pub graph: Option<u32>,
    pub seed: u64,
}

fn nan_if_null<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub kind: Kind,
    /// The degree whose sparsity the run has (baselines: the sweep's degree).
    pub degree: u32,
    /// Graph index within its family (ASPL order), for graph-masked runs.
    pub graph: Option<u32>,
    pub aspl: Option<f64>,
    pub clustering: Option<f64>,
    /// Fingerprint of the graph mask (empty for other kinds).
    pub fingerprint: String,
    /// Training seed (weights and batch order; the random baselines' masks too).
    pub seed: u64,
    /// Test accuracy after the last epoch, in [0, 1].
    pub test_accuracy: f64,
    /// Mean training loss over the last epoch (NaN when unknown: JSON, which has no NaN, gives
    /// null, read back as NaN).
    #[serde(deserialize_with = "nan_if_null")]
    pub train_loss: f64,
    /// Wall-clock seconds of the run.
    pub seconds: f64,
}

pub const HEADER: &str =
    "kind,degree,graph,aspl,clustering,fingerprint,seed,test_accuracy,train_loss,seconds";

impl Row {
    pub fn key(&self) -> RunKey {
        RunKey {
            kind: self.kind,
            degree: self.degree,
            graph: self.graph,
            seed: self.seed,
        }
    }

    /// The row as one CSV line (no newline). Numbers print in their shortest exact form.
    pub fn to_csv(&self) -> String {
        let opt = |x: Option<f64>| x.map_or(String::new(), |v| v.to_string());
        let mut s = String::new();
        let _ = write!(
            s,
            "{},{},{},{},{},{},{},{},{},{:.3}",
            self.kind.as_str(),
            self.degree,
            self.graph.map_or(String::new(), |g| g.to_string()),
            opt(self.aspl),
            opt(self.clustering),
            self.fingerprint,
            self.seed,
            self.test_accuracy,
            self.train_loss,
            self.seconds
        );
        s
    }

    fn parse(line: &str) -> Result<Row> {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 10 {
            bail!("expected 10 fields, found {}", f.len());
        }
        fn num<T: FromStr>(name: &str, s: &str) -> Result<T> {
            s.trim().parse().map_err(|_| {
                Error::new(format!(
                    "{name} '{}' is not a number",
                    s.chars().take(30).collect::<String>()
                ))
            })
        }
        fn opt<T: FromStr>(name: &str, s: &str) -> Result<Option<T>> {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                num(name, s).map(Some)
            }
        }
        let fp = f[5].trim();
        // Empty for a run without a graph (dense, magnitude); else the engine's 16 hex digits.
        if !fp.is_empty() && (fp.len() != 16 || !fp.chars().all(|c| c.is_ascii_hexdigit())) {
            bail!(
                "fingerprint '{}' is not 16 hex digits",
                fp.chars().take(30).collect::<String>()
            );
        }
        let row = Row {
            kind: f[0].trim().parse()?,
            degree: num("degree", f[1])?,
            graph: opt("graph", f[2])?,
            aspl: opt("aspl", f[3])?,
            clustering: opt("clustering", f[4])?,
            fingerprint: fp.to_string(),
            seed: num("seed", f[6])?,
            test_accuracy: num("test_accuracy", f[7])?,
            train_loss: num("train_loss", f[8])?,
            seconds: num("seconds", f[9])?,
        };
        row.check()?;
        Ok(row)
    }

    /// The values a run can have: an accuracy in [0, 1], a loss ≥ 0 (NaN when training
    /// diverged), seconds ≥ 0, an ASPL ≥ 1 and a clustering in [0, 1] when there is a graph.
    fn check(&self) -> Result<()> {
        let bad = |name: &str, x: f64| -> Result<()> {
            Err(Error::new(format!("{name} {x} is out of range")))
        };
        if !(0.0..=1.0).contains(&self.test_accuracy) {
            return bad("test_accuracy", self.test_accuracy);
        }
        if self.train_loss < 0.0 || self.train_loss == f64::INFINITY {
            return bad("train_loss", self.train_loss);
        }
        if !(self.seconds >= 0.0 && self.seconds.is_finite()) {
            return bad("seconds", self.seconds);
        }
        if let Some(a) = self.aspl.filter(|a| !(*a >= 1.0 && a.is_finite())) {
            return bad("aspl", a);
        }
        if let Some(c) = self.clustering.filter(|c| !(0.0..=1.0).contains(c)) {
            return bad("clustering", c);
        }
        Ok(())
    }
}

/// Reads a `results.csv`. A last line without its newline is a run that was being written when
/// the sweep was interrupted: it is dropped (and will run again). A key seen twice keeps the
/// first row.
pub fn parse_csv(text: &str) -> Result<Vec<Row>> {
    let complete = match text.rfind('\n') {
        Some(i) => &text[..=i],
        None => "",
    };
    let mut lines = complete.lines();
    match lines.next() {
        None => return Ok(Vec::new()),
        Some(h) if h.trim() == HEADER => {}
        Some(_) => bail!("results.csv does not start with the header '{HEADER}'"),
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let r =
            Row::parse(line).map_err(|e| Error::new(format!("results.csv line {}: {e}", i + 2)))?;
        if seen.insert(r.key()) {
            rows.push(r);
        }
    }
    Ok(rows)
}

/// The whole file for `rows`.
pub fn to_csv(rows: &[Row]) -> String {
    let mut s = String::from(HEADER);
    s.push('\n');
    for r in rows {
        s.push_str(&r.to_csv());
        s.push('\n');
    }
    s
}

/// Writes `bytes` to `path` through a temporary file in the same folder, fsynced, then a rename
/// and an fsync of the folder, so a process killed mid-write or a power cut leaves the old file or
/// the new one, never a torn one; two writers never share a temporary file.
#[cfg(not(target_family = "wasm"))]
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::sync::atomic::{AtomicU64, Ordering};
    // A name of its own per writer (process and call), in the target's folder so the rename
    // stays on one file system; the data reaches the disk before the rename, and the rename
    // before we return, so a power cut leaves the old file or the new one.
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(
        ".{}-{}.tmp",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed)
    ));
    let tmp = std::path::PathBuf::from(tmp);
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
        return written;
    }
    sync_dir(path)
}

/// Makes a rename or a new file in `path`'s folder durable (a no-op where folders cannot be opened).
#[cfg(not(target_family = "wasm"))]
fn sync_dir(path: &std::path::Path) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    match std::fs::File::open(dir) {
        Ok(d) => d.sync_all().or(Ok(())), // some file systems refuse fsync on a folder
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_out_of_range_are_refused_with_the_field_named() {
        let good = "graph,4,0,2.1,0.1,0123456789abcdef,1,0.9,0.3,1.5";
        assert!(Row::parse(good).is_ok());
        assert!(
            Row::parse("dense,4,,,,,1,0.9,NaN,1.5").is_ok(),
            "no graph; a diverged loss"
        );
        for (line, field) in [
            (
                "graph,4,0,2.1,0.1,0123456789abcdef,1,NaN,0.3,1.5",
                "test_accuracy",
            ),
            (
                "graph,4,0,2.1,0.1,0123456789abcdef,1,1.5,0.3,1.5",
                "test_accuracy",
            ),
            (
                "graph,4,0,2.1,0.1,0123456789abcdef,1,0.9,-1,1.5",
                "train_loss",
            ),
            ("graph,4,0,2.1,0.1,0123456789abcdef,1,0.9,0.3,-2", "seconds"),
            (
                "graph,4,0,2.1,0.1,0123456789abcdef,1,0.9,0.3,inf",
                "seconds",
            ),
            ("graph,4,0,0.5,0.1,0123456789abcdef,1,0.9,0.3,1.5", "aspl"),
            ("graph,4,0,2.1,0.1,0123,1,0.9,0.3,1.5", "fingerprint"),
        ] {
            let e = Row::parse(line).unwrap_err().to_string();
            assert!(e.contains(field), "{line}: {e}");
        }
    }

    #[test]
    fn writers_at_once_leave_one_whole_file_and_no_temporary_one() {
        let dir = std::env::temp_dir().join(format!("rgp-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("results.csv");
        let texts: Vec<String> = (0..8).map(|i| format!("{i}\n").repeat(10_000)).collect();
        std::thread::scope(|s| {
            for t in &texts {
                let path = &path;
                s.spawn(move || write_atomic(path, t.as_bytes()).unwrap());
            }
        });
        let got = std::fs::read_to_string(&path).unwrap();
        assert!(texts.contains(&got), "one writer's whole text");
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names,
            vec![std::ffi::OsString::from("results.csv")],
            "no temporary file left"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn rows_read_from_json_take_a_null_loss_as_nan() {
        // The page keeps its rows as JSON, which writes NaN as null.
        let r: Row = serde_json::from_str(
            r#"{"kind":"dense","degree":4,"graph":null,"aspl":null,"clustering":null,"fingerprint":"","seed":2,"test_accuracy":0.9,"train_loss":null,"seconds":1.5}"#,
        )
        .unwrap();
        assert!(r.train_loss.is_nan());
        assert_eq!((r.kind, r.seed, r.graph), (Kind::Dense, 2, None));
        let back = parse_csv(&to_csv(std::slice::from_ref(&r))).unwrap();
        assert!(back[0].train_loss.is_nan());
        assert!(serde_json::from_str::<Row>(r#"{"kind":"nope"}"#).is_err());
    }

    fn row(kind: Kind, graph: Option<u32>, seed: u64, acc: f64) -> Row {
        Row {
            kind,
            degree: 4,
            graph,
            aspl: graph.map(|g| 3.0 + g as f64 / 3.0),
            clustering: graph.map(|_| 0.25),
            fingerprint: if graph.is_some() {
                "00ff00ff00ff00ff".into()
            } else {
                String::new()
            },
            seed,
            test_accuracy: acc,
            train_loss: 0.125,
            seconds: 1.5,
        }
    }

    #[test]
    fn csv_round_trips_and_drops_a_torn_last_line() {
        let rows = vec![
            row(Kind::Graph, Some(0), 1, 0.9123),
            row(Kind::Dense, None, 1, 0.95),
            row(Kind::Magnitude, None, 2, 1.0 / 3.0),
        ];
        let text = to_csv(&rows);
        assert_eq!(parse_csv(&text).unwrap(), rows);
        let torn = format!("{text}graph,4,1,3.3");
        assert_eq!(parse_csv(&torn).unwrap(), rows);
        // Duplicates keep the first.
        let dup = format!("{text}{}\n", row(Kind::Dense, None, 1, 0.5).to_csv());
        assert_eq!(parse_csv(&dup).unwrap(), rows);
        assert_eq!(parse_csv("").unwrap(), vec![]);
    }

    #[test]
    fn bad_files_give_one_line() {
        let e = parse_csv("a,b\n").unwrap_err();
        assert!(e.message().contains("header"));
        let e = parse_csv(&format!("{HEADER}\nbogus,4,,,,,1,0.5,0.1,1\n")).unwrap_err();
        assert!(
            e.message().contains("line 2") && e.message().contains("bogus"),
            "{e}"
        );
        let e = parse_csv(&format!("{HEADER}\ndense,4,,,,,x,0.5,0.1,1\n")).unwrap_err();
        assert!(e.message().contains("seed"), "{e}");
        let e = parse_csv(&format!("{HEADER}\ndense,4,,,,<script>,1,0.5,0.1,1\n")).unwrap_err();
        assert!(e.message().contains("fingerprint"), "{e}");
    }
}
