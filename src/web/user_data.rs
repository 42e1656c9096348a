//! The user's data in the tab: the folder's files or a CSV's bytes, as the training worker read
//! them (www/train/user-data.js), decoded and read into a dataset by `data::decode` and
//! `data::user`, as `rgp train --images/--table` does it: the same layout, pixels, split,
//! normalisation and `data_id`.

use super::train_api::js_error;
use crate::data::decode::decode_image;
use crate::data::folder::plan;
use crate::data::images::ImageOptions;
use crate::data::user::{Rgba, UserDataset, image_folder, table};
use crate::data::{Skipped, TableOptions, UserData, UserDataKind, table::table_columns};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

/// What the worker hands over: how the data becomes a dataset (`data.path` is the folder's or
/// file's name), and the folder's files or the table's bytes.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserRun {
    pub data: UserData,
    #[serde(default)]
    pub images: Vec<FolderFile>,
    #[serde(default)]
    pub table: Option<ByteBuf>,
}

/// One file of the folder: its path inside it and its bytes (or why the browser could not read it).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FolderFile {
    pub path: String,
    #[serde(default)]
    pub bytes: Option<ByteBuf>,
    #[serde(default)]
    pub error: Option<String>,
}

impl UserRun {
    /// The dataset, split with `seed` (the run's seed, as `rgp train --seed`).
    pub fn read(&self, seed: u64) -> Result<UserDataset> {
        let d = &self.data;
        match d.kind {
            UserDataKind::Images => {
                let opts = ImageOptions {
                    size: d.image_size,
                    color: d.color,
                    test_split: d.test_split,
                    seed,
                };
                let by_path: HashMap<&str, &FolderFile> =
                    self.images.iter().map(|i| (i.path.as_str(), i)).collect();
                let listed = self.images.iter().map(|i| (i.path.as_str(), false));
                image_folder(&d.path, listed, opts, |path| decoded(by_path[path]))
            }
            UserDataKind::Table => {
                let bytes = self
                    .table
                    .as_deref()
                    .ok_or_else(|| Error::new("a table run needs the table's bytes"))?;
                let opts = TableOptions {
                    target: d.target.clone().unwrap_or_default(),
                    test_split: d.test_split,
                    drop_bad_rows: d.drop_bad_rows,
                    seed,
                };
                table(&d.path, bytes, &opts)
            }
        }
    }
}

fn decoded(file: &FolderFile) -> std::result::Result<Rgba, String> {
    match (&file.error, &file.bytes) {
        (Some(e), _) => Err(e.clone()),
        (None, Some(bytes)) => decode_image(bytes),
        (None, None) => Err("no bytes".into()),
    }
}

/// What the page shows of the data before any run.
#[derive(Serialize)]
struct Summary<'a> {
    data_id: &'a str,
    name: &'a str,
    kind: &'a str,
    classes: &'a [String],
    train_counts: Vec<usize>,
    test_counts: Vec<usize>,
    skipped: &'a [Skipped],
    /// Inputs per sample; images: side and channels (0 for a table).
    inputs: usize,
    side: u32,
    channels: u32,
    /// Images: up to [`EXAMPLES`] files per class (paths in the folder), for the page's grid.
    examples: Vec<Vec<String>>,
}

/// How many example files per class the summary names.
const EXAMPLES: usize = 4;

/// The data as the next run will read it (with `seed`): classes, counts, what was left out,
/// and the fingerprint the link records.
#[wasm_bindgen]
pub fn describe_user_data(run: JsValue, seed: f64) -> std::result::Result<JsValue, JsValue> {
    let run: UserRun = serde_wasm_bindgen::from_value(run)
        .map_err(|e| js_error(Error::new(format!("invalid data: {e}"))))?;
    let u = run.read(seed as u64).map_err(js_error)?;
    let d = &u.data;
    let counts = |y: &[u16]| {
        let mut c = vec![0; d.class_names.len()];
        for &l in y {
            c[l as usize] += 1;
        }
        c
    };
    let mut examples = vec![Vec::new(); d.class_names.len()];
    if run.data.kind == UserDataKind::Images {
        let left_out: std::collections::HashSet<&str> =
            u.skipped.iter().map(|s| s.item.as_str()).collect();
        let (files, _) = plan(run.images.iter().map(|i| (i.path.as_str(), false)));
        for f in files.iter().filter(|f| !left_out.contains(f.path.as_str())) {
            if let Ok(i) = d.class_names.binary_search(&f.class)
                && examples[i].len() < EXAMPLES
            {
                examples[i].push(f.path.clone());
            }
        }
    }
    let summary = Summary {
        data_id: &u.data_id,
        name: &d.name,
        kind: run.data.kind.as_str(),
        classes: &d.class_names,
        train_counts: counts(&d.train.y),
        test_counts: counts(&d.test.y),
        skipped: &u.skipped,
        inputs: d.inputs,
        side: d.hw,
        channels: d.channels,
        examples,
    };
    super::to_js(&summary).map_err(Into::into)
}

/// A CSV's column names (its header row), for the target column's choice.
#[wasm_bindgen]
pub fn user_table_columns(bytes: &[u8]) -> std::result::Result<Vec<String>, JsValue> {
    table_columns(bytes).map_err(js_error)
}
