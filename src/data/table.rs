//! A user's table: a CSV file (comma, semicolon or tab; a header row) with numeric feature
//! columns and one target column whose values (text or integers) become the classes. A bad row
//! is refused with its line and column, or left out and listed when the user asks; nothing is
//! guessed. Features are standardised with the training split's per-column statistics.

use super::{ColumnNorm, Dataset, Inputs, MAX_CLASSES, Split, stratified_split};
use crate::{Error, Result, bail, bail_at};
use serde::Serialize;

/// The largest table read (rows, and columns with the target).
pub const MAX_ROWS: usize = 1_000_000;
pub const MAX_COLUMNS: usize = 10_001;
/// The fraction of each class kept for testing when none is given, and its bounds (the settings
/// schema's `test_split` reads both).
pub const DEFAULT_TEST_SPLIT: f64 = 0.2;
pub const TEST_SPLIT_RANGE: (f64, f64) = (0.01, 0.99);

/// How a table becomes a dataset.
#[derive(Clone, Debug, PartialEq)]
pub struct TableOptions {
    /// The column holding the class of each row.
    pub target: String,
    /// The fraction of each class kept for testing (a seeded, stratified split).
    pub test_split: f64,
    /// Leave rows with a missing or bad value out (listed in the result) instead of refusing.
    pub drop_bad_rows: bool,
    /// Seed of the split.
    pub seed: u64,
}

/// Something left out of a dataset, and why (`item`: "line 7", a file name).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Skipped {
    pub item: String,
    pub reason: String,
}

/// Values a table may use for "no value": refused or dropped, never read as a number.
const MISSING: [&str; 7] = ["", "NA", "N/A", "NaN", "nan", "null", "?"];

/// Reads the table into a dataset (MLP input only: `hw` is 0) and the rows left out.
pub fn parse_table(
    name: &str,
    bytes: &[u8],
    opts: &TableOptions,
) -> Result<(Dataset, Vec<Skipped>)> {
    let (lo, hi) = TEST_SPLIT_RANGE;
    if !(lo..=hi).contains(&opts.test_split) {
        bail_at!(
            "test_split",
            "test split {} is outside {lo}..{hi} (the fraction of each class kept for testing)",
            opts.test_split
        );
    }
    let (mut rdr, names) = reader(bytes)?;
    let target = columns(&names, &opts.target)?;
    let (x, labels, skipped) = read_rows(&mut rdr, &names, target, opts.drop_bad_rows)?;
    let (class_names, y) = classes(&opts.target, &labels)?;
    let f = names.len() - 1;
    let (tr, te) = stratified_split(&y, class_names.len() as u32, opts.test_split, opts.seed);
    if te.is_empty() || tr.is_empty() {
        bail_at!(
            "test_split",
            "the {} split is empty: {} rows, test split {}",
            if tr.is_empty() { "training" } else { "test" },
            y.len(),
            opts.test_split
        );
    }
    let take = |idx: &[usize]| Split {
        x: Inputs::Floats(
            idx.iter()
                .flat_map(|&i| x[i * f..][..f].iter().copied())
                .collect(),
        ),
        y: idx.iter().map(|&i| y[i]).collect(),
    };
    let (train, test) = (take(&tr), take(&te));
    let Inputs::Floats(train_x) = &train.x else {
        unreachable!("a table's inputs are floats")
    };
    let mut feature_names = names;
    feature_names.remove(target);
    let column_norm = column_norm(feature_names, train_x, f);
    let data = Dataset {
        name: name.into(),
        hw: 0,
        channels: 0,
        inputs: f,
        classes: class_names.len() as u32,
        class_names,
        train,
        test,
        max_value: 1.0,
        mean: 0.0,
        std: 1.0,
        column_norm: Some(column_norm),
    };
    Ok((data, skipped))
}

/// Comma, semicolon or tab: whichever the header line holds most of (comma on a tie).
/// The table's column names (its header row), in order.
pub fn table_columns(bytes: &[u8]) -> Result<Vec<String>> {
    reader(bytes).map(|(_, names)| names)
}

/// A reader past the header row (a leading BOM dropped, the delimiter sniffed), and the names.
fn reader(bytes: &[u8]) -> Result<(csv::Reader<&[u8]>, Vec<String>)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(bytes)?)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let names: Vec<String> = rdr
        .headers()
        .map_err(|e| Error::new(format!("table header: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    Ok((rdr, names))
}

fn sniff_delimiter(bytes: &[u8]) -> Result<u8> {
    let header = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let count = |d: u8| header.iter().filter(|&&b| b == d).count();
    let best = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&d| (count(d), d == b','))
        .unwrap_or(b',');
    if count(best) == 0 {
        bail!(
            "the table's first line has one column: expected a header row of comma-, semicolon- or tab-separated names"
        );
    }
    Ok(best)
}

/// The target column's index, after checking the header.
fn columns(names: &[String], target: &str) -> Result<usize> {
    if names.len() > MAX_COLUMNS {
        bail!(
            "the table has {} columns; at most {MAX_COLUMNS} are read",
            names.len()
        );
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = names.iter().find(|n| !seen.insert(n.as_str())) {
        bail!("the header names column '{twice}' twice");
    }
    let Some(t) = names.iter().position(|n| n == target) else {
        let shown: Vec<&str> = names.iter().take(12).map(String::as_str).collect();
        let more = if names.len() > 12 { ", ..." } else { "" };
        bail_at!(
            "target",
            "no column '{target}' in the header (columns: {}{more})",
            shown.join(", ")
        );
    };
    if names.len() < 2 {
        bail!("the table has no feature column beside the target '{target}'");
    }
    Ok(t)
}

type Rows = (Vec<f32>, Vec<String>, Vec<Skipped>);

/// Every data row: its features (row-major) and target text, or why it was left out.
fn read_rows(
    rdr: &mut csv::Reader<&[u8]>,
    names: &[String],
    target: usize,
    drop_bad_rows: bool,
) -> Result<Rows> {
    let (mut x, mut labels, mut skipped) = (Vec::new(), Vec::new(), Vec::new());
    // Per column: a value that was not a number, where first seen, and whether any value was.
    let mut numeric = vec![false; names.len()];
    let mut first_text: Vec<Option<(u64, String)>> = vec![None; names.len()];
    let mut record = csv::StringRecord::new();
    let mut values = Vec::with_capacity(names.len());
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => bail!("table: {e}"),
        }
        let line = record.position().map_or(0, |p| p.line());
        if labels.len() >= MAX_ROWS {
            bail!("the table has more than {MAX_ROWS} rows");
        }
        let reason = parse_row(
            &record,
            names,
            target,
            &mut values,
            &mut numeric,
            &mut first_text,
            line,
        );
        match reason {
            None => {
                x.extend_from_slice(&values);
                labels.push(record[target].to_string());
            }
            Some(reason) if drop_bad_rows => skipped.push(Skipped {
                item: format!("line {line}"),
                reason,
            }),
            Some(reason) => {
                bail!(
                    "line {line}: {reason} (rows with bad values can be left out: --drop-bad-rows)"
                )
            }
        }
    }
    for c in (0..names.len()).filter(|&c| c != target && !numeric[c]) {
        if let Some((line, text)) = &first_text[c] {
            bail!(
                "column '{}' is not numeric (line {line}: '{text}'): remove it, or make it the target",
                names[c]
            );
        }
    }
    if labels.is_empty() {
        bail!(
            "the table has no usable row ({} left out{})",
            skipped.len(),
            skipped.first().map_or(String::new(), |s| format!(
                "; first: {}, {}",
                s.item, s.reason
            ))
        );
    }
    Ok((x, labels, skipped))
}

/// Parses one row's features into `values`; returns why the row is bad, if it is.
fn parse_row(
    record: &csv::StringRecord,
    names: &[String],
    target: usize,
    values: &mut Vec<f32>,
    numeric: &mut [bool],
    first_text: &mut [Option<(u64, String)>],
    line: u64,
) -> Option<String> {
    if record.len() != names.len() {
        return Some(format!(
            "{} fields, the header has {}",
            record.len(),
            names.len()
        ));
    }
    values.clear();
    let mut reason = None;
    for (c, cell) in record.iter().enumerate() {
        let bad = if MISSING.contains(&cell) {
            Some(format!("column '{}': missing value", names[c]))
        } else if c == target {
            None
        } else {
            match cell.parse::<f32>() {
                Ok(v) if v.is_finite() => {
                    numeric[c] = true;
                    values.push(v);
                    None
                }
                _ => {
                    first_text[c].get_or_insert_with(|| (line, cell.to_string()));
                    // A decimal comma is named, not guessed.
                    let hint = match cell.replacen(',', ".", 1).parse::<f32>() {
                        Ok(v) => format!(" (a decimal comma: write {v})"),
                        Err(_) => String::new(),
                    };
                    Some(format!(
                        "column '{}': '{cell}' is not a number{hint}",
                        names[c]
                    ))
                }
            }
        };
        reason = reason.or(bad);
    }
    reason
}

/// The classes (integers in numeric order, otherwise text in lexical order) and each row's index.
fn classes(target: &str, labels: &[String]) -> Result<(Vec<String>, Vec<u16>)> {
    let mut names: Vec<String> = labels.to_vec();
    names.sort_unstable();
    names.dedup();
    if names.len() > MAX_CLASSES {
        bail_at!(
            "target",
            "the target column '{target}' has {} distinct values; at most {MAX_CLASSES} classes are supported",
            names.len()
        );
    }
    if names.len() < 2 {
        bail_at!(
            "target",
            "the target column '{target}' has a single class ('{}'): a classifier needs two or more",
            names[0]
        );
    }
    let ints: Option<Vec<i64>> = names.iter().map(|n| n.parse().ok()).collect();
    if let Some(ints) = ints {
        let mut order: Vec<usize> = (0..names.len()).collect();
        order.sort_by_key(|&i| ints[i]);
        names = order.into_iter().map(|i| names[i].clone()).collect();
    }
    let index: std::collections::HashMap<&str, u16> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i as u16))
        .collect();
    let y = labels.iter().map(|l| index[l.as_str()]).collect();
    Ok((names, y))
}

/// Mean and standard deviation of each column over the training rows (a constant column: 1).
fn column_norm(names: Vec<String>, x: &[f32], f: usize) -> ColumnNorm {
    let n = (x.len() / f.max(1)).max(1) as f64;
    let mut mean = vec![0f64; f];
    let mut sq = vec![0f64; f];
    for row in x.chunks(f) {
        for (c, &v) in row.iter().enumerate() {
            mean[c] += v as f64;
        }
    }
    mean.iter_mut().for_each(|m| *m /= n);
    for row in x.chunks(f) {
        for (c, &v) in row.iter().enumerate() {
            sq[c] += (v as f64 - mean[c]).powi(2);
        }
    }
    let std = sq
        .iter()
        .map(|&s| {
            let sd = (s / n).sqrt();
            if sd > 1e-12 { sd as f32 } else { 1.0 }
        })
        .collect();
    ColumnNorm {
        names,
        mean: mean.into_iter().map(|m| m as f32).collect(),
        std,
    }
}
