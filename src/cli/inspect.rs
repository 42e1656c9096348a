//! `rgp inspect FILE`: an ONNX network's weight layers — which carry the graph's mask and why, and
//! their parameters and FLOPs dense and kept — as JSON. `rgp mask --onnx FILE` prints the same.

use super::files::read_file;
use super::flags::GraphFlags;
use crate::import::{layers, onnx};
use crate::mapping::Convention;
use crate::{Error, Result};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// An ONNX file (opset 9 or later, weights inside the file).
    pub file: PathBuf,
    /// `exact`: what the masked network holds and computes; `paper`: the reference `cal_flops`.
    #[arg(long, value_enum, default_value_t = Convention::default())]
    pub convention: Convention,
    #[command(flatten)]
    pub layers: OnnxLayerFlags,
    #[command(flatten)]
    pub graph: GraphFlags,
}

#[derive(clap::Args, Debug, Default)]
pub struct OnnxLayerFlags {
    /// Eligible layers to leave dense, by the names the table lists (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub keep_dense: Vec<String>,
}

/// The table of `file` under the graph `graph` describes, as pretty JSON.
pub fn table_json(
    file: &Path,
    graph: &GraphFlags,
    keep: &OnnxLayerFlags,
    convention: Convention,
) -> Result<String> {
    let bytes = read_file(file)?;
    let net =
        onnx::read_path(file, bytes).map_err(|e| Error::new(format!("{}: {e}", file.display())))?;
    let (_, conn) = graph.build()?;
    let name = file.file_stem().and_then(|s| s.to_str()).unwrap_or("onnx");
    let t = layers::table(&net, name, &conn, &keep.keep_dense, convention)
        .map_err(|e| Error::new(format!("{}: {e}", file.display())))?;
    Ok(serde_json::to_string_pretty(&t).expect("the table serialises"))
}

pub fn run(a: Args) -> Result<()> {
    println!(
        "{}",
        table_json(&a.file, &a.graph, &a.layers, a.convention)?
    );
    Ok(())
}
