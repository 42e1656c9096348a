//! A folder of images on disk (`rgp train --images DIR`): one sub-folder per class, or `train/`
//! and `test/` each holding the class folders. Files are decoded with the `image` crate (PNG,
//! JPEG, GIF, BMP, WebP); what follows — colour, resize, classes, split — is `data::images`,
//! shared with the tab.

use crate::data::images::{Decoded, ImageOptions, ImageSet, MAX_IMAGE_PIXELS, Part};
use crate::data::{Dataset, Skipped};
use crate::{Error, Result, bail};
use std::path::{Path, PathBuf};

/// The most files one folder may hold.
pub const MAX_FILES: usize = 1_000_000;

/// Reads the folder into a dataset; files that are no usable image are listed, not fatal.
pub fn load_images(dir: &Path, opts: ImageOptions) -> Result<(Dataset, Vec<Skipped>)> {
    if !dir.is_dir() {
        bail!("{} is not a folder", dir.display());
    }
    let mut set = ImageSet::new(opts)?;
    let split = ["train", "test"].map(|p| dir.join(p));
    let parts: Vec<(PathBuf, Option<Part>)> = if split.iter().all(|p| p.is_dir()) {
        let [train, test] = split;
        vec![(train, Some(Part::Train)), (test, Some(Part::Test))]
    } else {
        vec![(dir.to_path_buf(), None)]
    };
    let mut count = 0;
    for (root, part) in parts {
        for entry in sorted_entries(&root)? {
            let name = entry
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.starts_with('.') {
                continue;
            }
            if !entry.is_dir() {
                set.skipped
                    .push(skip(&entry, dir, "not inside a class folder"));
                continue;
            }
            let files = files_under(&entry)?;
            if files.is_empty() {
                set.skipped.push(skip(&entry, dir, "empty class folder"));
                continue;
            }
            for file in files {
                count += 1;
                if count > MAX_FILES {
                    bail!("{} holds more than {MAX_FILES} files", dir.display());
                }
                if let Err(reason) = add(&mut set, &file, &name, part) {
                    set.skipped.push(skip(&file, dir, &reason));
                }
            }
        }
    }
    let name = dir
        .file_name()
        .map_or("images".into(), |n| n.to_string_lossy().into_owned());
    set.finish(&name)
        .map_err(|e| Error::new(format!("{}: {e}", dir.display())))
}

fn skip(path: &Path, root: &Path, reason: &str) -> Skipped {
    Skipped {
        item: path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string(),
        reason: reason.into(),
    }
}

/// One file decoded into the set, or why it could not be.
fn add(
    set: &mut ImageSet,
    file: &Path,
    class: &str,
    part: Option<Part>,
) -> std::result::Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read: {e}"))?;
    let mut reader = image::ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read: {e}"))?;
    if reader.format().is_none() {
        return Err("not an image (PNG, JPEG, GIF, BMP or WebP)".into());
    }
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_IMAGE_PIXELS * 4);
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|e| format!("cannot decode: {e}"))?
        .to_rgba8();
    let decoded = Decoded {
        class,
        part,
        width: img.width(),
        height: img.height(),
        rgba: img.as_raw(),
    };
    set.push(&decoded).map_err(|e| e.to_string())
}

/// A folder's entries in name order (so the same folder gives the same order everywhere).
fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let read = std::fs::read_dir(dir)
        .map_err(|e| Error::new(format!("cannot read {}: {e}", dir.display())))?;
    let mut out: Vec<PathBuf> = read.filter_map(|e| e.ok().map(|e| e.path())).collect();
    out.sort();
    Ok(out)
}

/// The files under a class folder, at any depth, in name order, hidden ones left out.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in sorted_entries(dir)? {
        if p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        if p.is_dir() {
            out.extend(files_under(&p)?);
        } else {
            out.push(p);
        }
    }
    Ok(out)
}
