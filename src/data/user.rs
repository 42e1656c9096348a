//! A user's data as a dataset, whoever read the bytes (`rgp` from the disk, the tab from the
//! browser's files): the folder's plan, the decoded images or the table, and the fingerprint
//! (`data_id`) a link records the data by.

use super::folder::plan;
use super::images::{Decoded, ImageOptions, ImageSet};
use super::{Dataset, Skipped, TableOptions, parse_table};
use crate::fingerprint::Fnv64;
use crate::{Error, Result, bail};

/// The most files one image folder may hold.
pub const MAX_FILES: usize = 1_000_000;

/// A user's data read: the dataset, what was left out and why, and its fingerprint.
#[derive(Debug)]
pub struct UserDataset {
    pub data: Dataset,
    pub skipped: Vec<Skipped>,
    /// 16 hex digits: FNV-1a over the decoded content (each sample's class, split, size and
    /// pixels; a table's bytes), independent of the settings that shape the dataset.
    pub data_id: String,
}

/// One decoded image, RGBA.
pub struct Rgba {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

/// An image folder: `entries` (paths relative to it, and whether each is a folder) planned by
/// [`plan`], each sample decoded by `decode` (its error: why the file is left out).
pub fn image_folder<'a>(
    name: &str,
    entries: impl IntoIterator<Item = (&'a str, bool)>,
    opts: ImageOptions,
    mut decode: impl FnMut(&str) -> std::result::Result<Rgba, String>,
) -> Result<UserDataset> {
    let (files, mut skipped) = plan(entries);
    if files.len() > MAX_FILES {
        bail!("{name} holds more than {MAX_FILES} files");
    }
    let mut set = ImageSet::new(opts)?;
    for f in &files {
        let added = decode(&f.path).and_then(|img| {
            let d = Decoded {
                class: &f.class,
                part: f.part,
                width: img.width,
                height: img.height,
                rgba: &img.rgba,
            };
            set.push(&d).map_err(|e| e.to_string())
        });
        if let Err(reason) = added {
            set.skipped.push(Skipped {
                item: f.path.clone(),
                reason,
            });
        }
    }
    let data_id = set.data_id();
    skipped.append(&mut set.skipped);
    set.skipped = skipped;
    let (data, skipped) = set
        .finish(name)
        .map_err(|e| Error::new(format!("{name}: {e}")))?;
    Ok(UserDataset {
        data,
        skipped,
        data_id,
    })
}

/// A CSV table (`parse_table`), fingerprinted by its bytes.
pub fn table(name: &str, bytes: &[u8], opts: &TableOptions) -> Result<UserDataset> {
    let mut h = Fnv64::default();
    h.bytes(bytes);
    let (data, skipped) =
        parse_table(name, bytes, opts).map_err(|e| Error::new(format!("{name}: {e}")))?;
    Ok(UserDataset {
        data,
        skipped,
        data_id: h.hex(),
    })
}
