//! `rgp inspect FILE`: a network's weight layers — which carry the graph's mask and why, and
//! their parameters and FLOPs dense and kept — as JSON, from an ONNX file (under the graph the
//! flags give; `rgp mask --onnx FILE` prints the same) or from one of our model files (its own
//! masks and graph).

use super::files::{is_onnx, read_file};
use super::flags::GraphFlags;
use crate::import::file_table::{Fallback, model_table, saved_table};
use crate::import::{layers, onnx, saved};
use crate::mapping::Convention;
use crate::model_file::decode;
use crate::{Error, Result, bail};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// An ONNX file (opset 9 or later, weights inside the file), or a model file this project
    /// wrote (`rgp train --save`, the app's "Download model"): its own masks and graph, the flags'
    /// graph only where it holds none.
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

/// The table of the ONNX file `file` under the graph `graph` describes, as pretty JSON.
pub fn table_json(
    file: &Path,
    graph: &GraphFlags,
    keep: &OnnxLayerFlags,
    convention: Convention,
) -> Result<String> {
    onnx_json(file, read_file(file)?, graph, keep, convention)
}

fn onnx_json(
    file: &Path,
    bytes: Vec<u8>,
    graph: &GraphFlags,
    keep: &OnnxLayerFlags,
    convention: Convention,
) -> Result<String> {
    let net =
        onnx::read_path(file, bytes).map_err(|e| Error::new(format!("{}: {e}", file.display())))?;
    let (_, conn) = graph.build()?;
    let name = file.file_stem().and_then(|s| s.to_str()).unwrap_or("onnx");
    let t = layers::table(&net, name, &conn, &keep.keep_dense, convention)
        .map_err(|e| Error::new(format!("{}: {e}", file.display())))?;
    Ok(serde_json::to_string_pretty(&t).expect("the table serialises"))
}

/// The table of one of our model files, as pretty JSON.
fn model_file_json(a: &Args, bytes: &[u8]) -> Result<String> {
    if !a.layers.keep_dense.is_empty() {
        bail!("--keep-dense chooses layers of an ONNX network; a model file holds its own masks");
    }
    let (_, conn) = a.graph.build()?;
    let fallback = Fallback {
        conn: &conn,
        convention: a.convention,
    };
    let t = if saved::is_saved_net(bytes) {
        saved_table(&saved::decode(bytes)?, fallback)?
    } else {
        model_table(&decode(bytes, None)?, fallback)?
    };
    Ok(serde_json::to_string_pretty(&t).expect("the table serialises"))
}

pub fn run(a: Args) -> Result<()> {
    let bytes = read_file(&a.file)?;
    let json = if is_onnx(&a.file, &bytes) {
        onnx_json(&a.file, bytes, &a.graph, &a.layers, a.convention)?
    } else {
        model_file_json(&a, &bytes).map_err(|e| Error::new(format!("{}: {e}", a.file.display())))?
    };
    println!("{json}");
    Ok(())
}
