//! Datasets: one IDX parser (MNIST, Fashion-MNIST; raw or gzip), the sklearn 8×8 digits
//! fixture, a user's CSV table, a seeded stratified split, and normalisation. Works on byte
//! slices so the browser (which fetches the files) and the command line (which reads them) share it.

#[cfg(feature = "decode")]
pub mod decode;
pub mod digits;
pub mod folder;
pub mod idx;
pub mod images;
pub mod source;
pub mod table;
pub mod user;

pub use digits::parse_digits_csv;
pub use idx::{Idx, parse_idx};
pub use images::{Color, ImageOptions, ImageSet};
pub use source::{UserData, UserDataKind};
pub use table::{Skipped, TableOptions, parse_table};

use crate::graph::Rng;
use crate::{Result, bail};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A split's inputs, row-major (`n × features`).
#[derive(Clone, Debug, PartialEq)]
pub enum Inputs {
    /// Pixels, one byte each (images): standardised with the dataset's `mean` and `std`.
    Bytes(Vec<u8>),
    /// Feature values (a table's numeric columns): standardised per column ([`ColumnNorm`]).
    Floats(Vec<f32>),
}

impl Inputs {
    pub fn len(&self) -> usize {
        match self {
            Inputs::Bytes(v) => v.len(),
            Inputs::Floats(v) => v.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn truncate(&mut self, n: usize) {
        match self {
            Inputs::Bytes(v) => v.truncate(n),
            Inputs::Floats(v) => v.truncate(n),
        }
    }
}

/// Inputs (`n × features`) and their labels (class indices).
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pub x: Inputs,
    pub y: Vec<u16>,
}

impl Split {
    /// Images as bytes with labels 0..255.
    pub fn bytes(x: Vec<u8>, y: Vec<u8>) -> Split {
        Split {
            x: Inputs::Bytes(x),
            y: y.into_iter().map(u16::from).collect(),
        }
    }
    pub fn len(&self) -> usize {
        self.y.len()
    }
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
}

/// A table's per-column standardisation, from its training split (model files keep it:
/// `input_columns`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnNorm {
    pub names: Vec<String>,
    pub mean: Vec<f32>,
    pub std: Vec<f32>,
}

/// The largest class count a dataset may have (labels are `u16`; the bound for images).
pub const MAX_CLASSES: usize = 1000;

/// The class names of the built-in datasets, in label order (Fashion-MNIST's "T-shirt/top" and
/// "Ankle boot" shortened: the page's confusion matrix shows them; the page reads them from here
/// through the generated settings module).
pub fn builtin_class_names(name: &str) -> Vec<String> {
    const FASHION: [&str; 10] = [
        "T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
        "Boot",
    ];
    if name.starts_with("fashion") {
        FASHION.iter().map(|s| s.to_string()).collect()
    } else {
        (0..10).map(|c| c.to_string()).collect()
    }
}

/// A train/test pair of one image shape. Pixels stay bytes (the full MNIST training set is 47 MB
/// as bytes, four times that as floats); [`Dataset::batch`] normalises on the way to the model.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    pub name: String,
    /// Image side (square), one channel; 0 for a table (no image shape: the MLP only).
    pub hw: u32,
    /// Image channels (1 grey, 3 RGB; channel-first); 0 for a table.
    pub channels: u32,
    /// Inputs per sample (`channels · hw²` for images, the feature columns of a table).
    pub inputs: usize,
    pub classes: u32,
    /// Class names in label order (digits for the built-in digit sets).
    pub class_names: Vec<String>,
    pub train: Split,
    pub test: Split,
    /// Pixel value of full ink (255 for IDX, 16 for the digits file).
    pub max_value: f32,
    /// Mean and standard deviation of the training pixels scaled to [0, 1] (about 0.1307 and
    /// 0.3081 for MNIST): inputs are standardised with them.
    pub mean: f32,
    pub std: f32,
    /// A table's per-column standardisation (then `mean` 0, `std` 1, `max_value` 1).
    pub column_norm: Option<ColumnNorm>,
}

impl Dataset {
    pub fn features(&self) -> usize {
        self.inputs
    }

    /// Builds a dataset from the four IDX files (raw or gzipped).
    pub fn from_idx(
        name: &str,
        train_images: &[u8],
        train_labels: &[u8],
        test_images: &[u8],
        test_labels: &[u8],
    ) -> Result<Dataset> {
        let (hw, train) = idx::images_and_labels("training", train_images, train_labels)?;
        let (hw2, test) = idx::images_and_labels("test", test_images, test_labels)?;
        if hw != hw2 {
            bail!("training images are {hw}x{hw} but test images are {hw2}x{hw2}");
        }
        Ok(Dataset::new(name, hw, train, test, 255.0))
    }

    /// The 8×8 digits fixture with a seeded, stratified 80/20 split (1438/359 for the full file).
    pub fn digits(csv_gz: &[u8], seed: u64) -> Result<Dataset> {
        let (x, y) = parse_digits_csv(csv_gz)?;
        let labels: Vec<u16> = y.iter().map(|&l| u16::from(l)).collect();
        let (tr, te) = stratified_split(&labels, 10, 0.2, seed);
        let take = |idx: &[usize]| {
            Split::bytes(
                idx.iter()
                    .flat_map(|&i| x[i * 64..(i + 1) * 64].iter().copied())
                    .collect(),
                idx.iter().map(|&i| y[i]).collect(),
            )
        };
        Ok(Dataset::new("digits", 8, take(&tr), take(&te), 16.0))
    }

    /// A dataset from raw pixel bytes (0..255) and labels (0..9), e.g. for calibration runs.
    pub fn from_raw(
        name: &str,
        hw: u32,
        train_x: Vec<u8>,
        train_y: Vec<u8>,
        test_x: Vec<u8>,
        test_y: Vec<u8>,
    ) -> Result<Dataset> {
        let f = (hw * hw) as usize;
        for (what, x, y) in [("training", &train_x, &train_y), ("test", &test_x, &test_y)] {
            if y.is_empty() || x.len() != y.len() * f || y.iter().any(|&l| l > 9) {
                bail!(
                    "{what} split: {} pixels and {} labels do not form {hw}x{hw} images with labels 0..9",
                    x.len(),
                    y.len()
                );
            }
        }
        Ok(Dataset::new(
            name,
            hw,
            Split::bytes(train_x, train_y),
            Split::bytes(test_x, test_y),
            255.0,
        ))
    }

    /// Images of side `hw` with `channels` (channel-first pixels) and named classes.
    pub fn images(
        name: &str,
        hw: u32,
        channels: u32,
        class_names: Vec<String>,
        train: Split,
        test: Split,
    ) -> Dataset {
        Dataset {
            channels,
            inputs: (channels * hw * hw) as usize,
            classes: class_names.len() as u32,
            class_names,
            ..Dataset::new(name, hw, train, test, 255.0)
        }
    }

    /// Images of side `hw` with labels 0..9.
    fn new(name: &str, hw: u32, train: Split, test: Split, max_value: f32) -> Dataset {
        let (mean, std) = match &train.x {
            Inputs::Bytes(px) => mean_std(px, max_value),
            Inputs::Floats(_) => (0.0, 1.0),
        };
        Dataset {
            name: name.into(),
            hw,
            channels: 1,
            inputs: (hw * hw) as usize,
            classes: 10,
            class_names: builtin_class_names(name),
            train,
            test,
            max_value,
            mean,
            std,
            column_norm: None,
        }
    }

    /// Writes the standardised pixels of the samples `idx` of `split` into `out`
    /// (`idx.len() × features`, row-major).
    pub fn batch(&self, split: &Split, idx: &[u32], out: &mut Vec<f32>) {
        let f = self.features();
        out.clear();
        out.reserve(idx.len() * f);
        match (&split.x, &self.column_norm) {
            (Inputs::Bytes(x), _) => {
                let (scale, mean, inv_std) = (1.0 / self.max_value, self.mean, 1.0 / self.std);
                for &i in idx {
                    let px = &x[i as usize * f..][..f];
                    out.extend(px.iter().map(|&p| (p as f32 * scale - mean) * inv_std));
                }
            }
            (Inputs::Floats(x), Some(norm)) => {
                for &i in idx {
                    let row = &x[i as usize * f..][..f];
                    let cols = row.iter().zip(&norm.mean).zip(&norm.std);
                    out.extend(cols.map(|((&v, &m), &s)| (v - m) / s));
                }
            }
            (Inputs::Floats(x), None) => {
                for &i in idx {
                    out.extend_from_slice(&x[i as usize * f..][..f]);
                }
            }
        }
    }

    /// Keeps the first `train` / `test` samples of each split (for quick runs and tests).
    pub fn truncate(&mut self, train: usize, test: usize) {
        let f = self.features();
        for (s, m) in [(&mut self.train, train), (&mut self.test, test)] {
            let m = m.min(s.len());
            s.y.truncate(m);
            s.x.truncate(m * f);
        }
    }
}

fn mean_std(x: &[u8], max_value: f32) -> (f32, f32) {
    let mut hist = [0u64; 256];
    for &v in x {
        hist[v as usize] += 1;
    }
    let n = x.len().max(1) as f64;
    let scale = 1.0 / max_value as f64;
    let mean = hist
        .iter()
        .enumerate()
        .map(|(v, &c)| v as f64 * scale * c as f64)
        .sum::<f64>()
        / n;
    let var = hist
        .iter()
        .enumerate()
        .map(|(v, &c)| (v as f64 * scale - mean).powi(2) * c as f64)
        .sum::<f64>()
        / n;
    (mean as f32, (var.sqrt() as f32).max(1e-6))
}

/// Seeded stratified split: in every class, a fraction `test_fraction` (rounded) of its samples,
/// drawn by a Fisher–Yates shuffle from `Rng::derive(seed, "split")`, goes to the test set.
/// Returns sorted train and test indices.
pub fn stratified_split(
    labels: &[u16],
    classes: u32,
    test_fraction: f64,
    seed: u64,
) -> (Vec<usize>, Vec<usize>) {
    let mut rng = Rng::derive(seed, "split");
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for c in 0..classes {
        let mut idx: Vec<usize> = (0..labels.len())
            .filter(|&i| labels[i] as u32 == c)
            .collect();
        rng.shuffle(&mut idx);
        let k = (idx.len() as f64 * test_fraction).round() as usize;
        test.extend_from_slice(&idx[..k]);
        train.extend_from_slice(&idx[k..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    (train, test)
}

/// The datasets the command line and the app know by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum DatasetName {
    /// The 8×8 digits fixture.
    Digits,
    Mnist,
    /// Fashion-MNIST.
    Fashion,
}

impl DatasetName {
    pub fn as_str(self) -> &'static str {
        match self {
            DatasetName::Digits => "digits",
            DatasetName::Mnist => "mnist",
            DatasetName::Fashion => "fashion",
        }
    }
}

impl FromStr for DatasetName {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<DatasetName> {
        Ok(match s {
            "digits" => DatasetName::Digits,
            "mnist" => DatasetName::Mnist,
            "fashion" => DatasetName::Fashion,
            _ => bail!("unknown dataset '{s}' (expected digits, mnist or fashion)"),
        })
    }
}

/// The four IDX file names of a data folder, in [`Dataset::from_idx`] order.
pub const IDX_FILES: [&str; 4] = [
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
];

/// Reads a folder holding the four IDX files (gzipped, or raw without the `.gz`).
#[cfg(not(target_family = "wasm"))]
pub fn load_dir(name: &str, dir: &std::path::Path) -> Result<Dataset> {
    let read = |f: &str| -> Result<Vec<u8>> {
        let gz = dir.join(f);
        let raw = dir.join(f.trim_end_matches(".gz"));
        std::fs::read(&gz)
            .or_else(|_| std::fs::read(&raw))
            .map_err(|e| {
                crate::Error::new(format!(
                    "cannot read {} (or {}): {e}",
                    gz.display(),
                    raw.display()
                ))
            })
    };
    let b: Vec<Vec<u8>> = IDX_FILES.iter().map(|f| read(f)).collect::<Result<_>>()?;
    Dataset::from_idx(name, &b[0], &b[1], &b[2], &b[3])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stratified_split_keeps_class_balance_and_is_seeded() {
        let labels: Vec<u16> = (0..1000).map(|i| (i % 10) as u16).collect();
        let (tr, te) = stratified_split(&labels, 10, 0.2, 3);
        assert_eq!((tr.len(), te.len()), (800, 200));
        for c in 0..10 {
            assert_eq!(te.iter().filter(|&&i| labels[i] == c).count(), 20);
        }
        assert_eq!(stratified_split(&labels, 10, 0.2, 3).1, te);
        assert_ne!(stratified_split(&labels, 10, 0.2, 4).1, te);
    }
}
