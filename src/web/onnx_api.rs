//! "Your network (ONNX)" in the training panel: an ONNX file's weight layers under the graph on
//! show — which carry the mask and why, parameters and FLOPs dense and kept — read in the training
//! worker from the file's bytes (the file never leaves the browser).

use super::train_inputs::graph_from_table;
use crate::import::{layers, onnx};
use crate::mapping::{Connectivity, Convention};
use crate::{Error, Result};
use wasm_bindgen::prelude::*;

fn inspect(
    bytes: Vec<u8>,
    name: &str,
    n: u32,
    table: &[u32],
    keep_dense: &[String],
) -> Result<layers::Table> {
    let graph = graph_from_table(n, table)?;
    let conn = Connectivity::from_graph(&graph, false);
    let net = onnx::read_owned(bytes).map_err(|e| Error::new(format!("{name}: {e}")))?;
    layers::table(&net, name, &conn, keep_dense, Convention::Exact)
        .map_err(|e| Error::new(format!("{name}: {e}")))
}

/// The layer table of the ONNX file `bytes` (named `name` in messages) under the graph whose
/// neighbour table is `table` (`n` rows), with the layers named in `keep_dense` left dense; throws
/// the one-line refusal of a file it cannot read.
#[wasm_bindgen]
pub fn inspect_onnx(
    bytes: Vec<u8>,
    name: String,
    n: u32,
    table: Vec<u32>,
    keep_dense: Vec<String>,
) -> std::result::Result<JsValue, JsValue> {
    let t = inspect(bytes, &name, n, &table, &keep_dense).map_err(super::train_api::js_error)?;
    super::to_js(&t).map_err(Into::into)
}
