//! Finding a dataset the way the command line names it (`rgp train`, `rgp sweep`).

use crate::data::load_dir;
use crate::data::table::{DEFAULT_TEST_SPLIT, TableOptions};
use crate::data::user::UserDataset;
use crate::data::{Color, Dataset, DatasetName, ImageOptions, UserData, UserDataKind};
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

/// The user's own data instead of a built-in dataset (`rgp train`): a folder of images or a table.
#[derive(clap::Args, Debug, Clone)]
pub struct UserDataFlags {
    /// Train on this folder of images instead of --dataset: one sub-folder per class (PNG, JPEG,
    /// GIF, BMP, WebP of any size), or train/ and test/ each holding the class folders.
    #[arg(long, conflicts_with_all = ["data_dir", "table"])]
    pub images: Option<PathBuf>,
    #[arg(long, requires = "images", help = super::flags::schema_help("image_size"))]
    pub image_size: Option<u32>,
    #[arg(long, value_enum, requires = "images", help = super::flags::schema_help("color"))]
    pub color: Option<Color>,
    /// Train on this CSV table instead of --dataset: comma, semicolon or tab separated, a header
    /// row, numeric feature columns and one --target column (the MLP reads it).
    #[arg(long, requires = "target", conflicts_with = "data_dir")]
    pub table: Option<PathBuf>,
    #[arg(long, requires = "table", help = super::flags::schema_help("target"))]
    pub target: Option<String>,
    #[arg(long, default_value_t = DEFAULT_TEST_SPLIT, help = super::flags::schema_help("test_split"))]
    pub test_split: f64,
    #[arg(long, requires = "table", help = super::flags::schema_help("drop_bad_rows"))]
    pub drop_bad_rows: bool,
}

impl UserDataFlags {
    /// The user's data these flags name; `None` for a built-in dataset.
    pub fn source(&self) -> Option<UserData> {
        let (kind, path) = match (&self.images, &self.table) {
            (Some(p), _) => (UserDataKind::Images, p),
            (_, Some(p)) => (UserDataKind::Table, p),
            _ => return None,
        };
        Some(UserData {
            kind,
            path: path.display().to_string(),
            image_size: self.image_size,
            color: self.color,
            target: self.target.clone(),
            drop_bad_rows: self.drop_bad_rows,
            test_split: self.test_split,
        })
    }
}

/// Reads the user's data: a dataset, and what was left out of it (each with its reason).
pub fn load_user_data(src: &UserData, seed: u64) -> Result<UserDataset> {
    let path = Path::new(&src.path);
    match src.kind {
        UserDataKind::Images => {
            let opts = ImageOptions {
                size: src.image_size,
                color: src.color,
                test_split: src.test_split,
                seed,
            };
            super::images::read_image_folder(path, opts)
        }
        UserDataKind::Table => {
            let opts = TableOptions {
                target: src.target.clone().unwrap_or_default(),
                test_split: src.test_split,
                drop_bad_rows: src.drop_bad_rows,
                seed,
            };
            let bytes = super::files::read_file(path)?;
            let name = path
                .file_name()
                .map_or("table".into(), |n| n.to_string_lossy());
            crate::data::user::table(&name, &bytes, &opts)
                .map_err(|e| crate::Error::new(format!("{}: {e}", path.display())))
        }
    }
}
