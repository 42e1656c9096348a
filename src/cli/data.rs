//! Finding a dataset the way the command line names it (`rgp train`, `rgp sweep`).

use crate::data::{Dataset, DatasetName, load_dir};
use crate::{Result, bail};
use std::path::{Path, PathBuf};

/// The dataset `rgp train` and `rgp sweep` use when none is named (the small fixture).
pub const DEFAULT_DATASET: DatasetName = DatasetName::Digits;

/// `rel` from the working directory, or else from the crate's folder (so the fixtures are found
/// from anywhere in a checkout).
fn repo_path(rel: &str) -> PathBuf {
    let p = PathBuf::from(rel);
    if p.exists() {
        p
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
    }
}

/// Loads a dataset: the digits fixture, or the four IDX files in `dir` (default
/// `data/<name>`, or `data/<name>-quick` with `quick`).
pub fn load_dataset(
    name: DatasetName,
    dir: Option<&Path>,
    quick: bool,
    seed: u64,
) -> Result<Dataset> {
    match name {
        DatasetName::Digits => {
            let path = dir.map_or_else(
                || repo_path("fixtures/digits.csv.gz"),
                |d| d.join("digits.csv.gz"),
            );
            Dataset::digits(&super::files::read_file(&path)?, seed)
        }
        _ => {
            let dir = match dir {
                Some(d) => d.to_path_buf(),
                None => repo_path(&format!(
                    "data/{}{}",
                    name.as_str(),
                    if quick { "-quick" } else { "" }
                )),
            };
            if !dir.is_dir() {
                bail!(
                    "{} not found: run scripts/fetch-data.sh first (or give --data-dir)",
                    dir.display()
                );
            }
            load_dir(name.as_str(), &dir)
        }
    }
}

/// Keeps the first `limit` training images (at least one), all the test images.
pub fn limit_train(data: &mut Dataset, limit: Option<usize>) {
    if let Some(n) = limit {
        let t = data.test.len();
        data.truncate(n.max(1), t);
    }
}
