//! Reading and writing the files a subcommand names, with one-line errors that name the path.

use crate::graph::Graph;
use crate::{Error, Result, io};
use std::path::Path;

pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::new(format!("cannot read {}: {e}", path.display())))
}

/// An ONNX file: named so, or starting as one does ([`crate::import::onnx::looks_like`]).
pub fn is_onnx(path: &Path, bytes: &[u8]) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("onnx"))
        || crate::import::onnx::looks_like(bytes)
}

pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes)
        .map_err(|e| Error::new(format!("cannot write {}: {e}", path.display())))
}

/// SHA-256 of `bytes`, lower-case hex (what `sha256sum` prints).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The file formats of a graph (`rgp graph --format`, `rgp family --format`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphFormat {
    Json,
    Csv,
    Npy,
}

impl GraphFormat {
    /// The file name extension.
    pub fn ext(self) -> &'static str {
        match self {
            GraphFormat::Json => "json",
            GraphFormat::Csv => "csv",
            GraphFormat::Npy => "npy",
        }
    }
}

/// Reads and validates a graph file; every failure is one line naming the file.
pub fn read_graph(path: &Path) -> Result<Graph> {
    let bytes = read_file(path)?;
    let name = path.file_name().and_then(|s| s.to_str()).unwrap_or("");
    io::import(&bytes, name)
        .map(|(g, _)| g)
        .map_err(|e| Error::new(format!("{}: {e}", path.display())))
}
