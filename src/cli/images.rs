//! A folder of images on disk (`rgp train --images DIR`): walked here; the layout
//! (`data::folder`), the decoding (`data::decode`) and what follows — colour, resize, classes,
//! split, fingerprint — are `data::user` and `data::images`, shared with the tab.

use crate::data::decode::decode_image;
use crate::data::images::ImageOptions;
use crate::data::user::{MAX_FILES, Rgba, UserDataset, image_folder};
use crate::data::{Dataset, Skipped};
use crate::{Error, Result, bail};
use std::path::Path;

/// Reads the folder into a dataset; files that are no usable image are listed, not fatal.
pub fn load_images(dir: &Path, opts: ImageOptions) -> Result<(Dataset, Vec<Skipped>)> {
    read_image_folder(dir, opts).map(|u| (u.data, u.skipped))
}

/// The folder as a dataset, with what was left out and its fingerprint.
pub fn read_image_folder(dir: &Path, opts: ImageOptions) -> Result<UserDataset> {
    if !dir.is_dir() {
        bail!("{} is not a folder", dir.display());
    }
    let mut entries = Vec::new();
    walk(dir, "", &mut entries)?;
    let name = dir
        .file_name()
        .map_or("images".into(), |n| n.to_string_lossy().into_owned());
    let listed = entries.iter().map(|(p, d)| (p.as_str(), *d));
    image_folder(&name, listed, opts, |rel| decode(&dir.join(rel)))
        .map_err(|e| Error::new(format!("{}: {e}", dir.display())))
}

/// Every entry under `dir` as a '/'-separated path relative to the root, and whether it is a
/// folder (hidden ones are not entered).
fn walk(dir: &Path, rel: &str, out: &mut Vec<(String, bool)>) -> Result<()> {
    let read = std::fs::read_dir(dir)
        .map_err(|e| Error::new(format!("cannot read {}: {e}", dir.display())))?;
    for entry in read.filter_map(|e| e.ok()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        let is_dir = entry.path().is_dir();
        out.push((path.clone(), is_dir));
        if out.len() > MAX_FILES {
            bail!("{} holds more than {MAX_FILES} files", dir.display());
        }
        if is_dir {
            walk(&entry.path(), &path, out)?;
        }
    }
    Ok(())
}

/// One file decoded to RGBA, or why it could not be.
fn decode(file: &Path) -> std::result::Result<Rgba, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read: {e}"))?;
    decode_image(&bytes)
}
