//! What a model file says about the graph it was pruned by, read before the file is used: the
//! page refuses to evaluate a network in a graph other than its own (Load weights).

use super::train_api::to_js;
use crate::model_file::decode;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[derive(Serialize)]
struct FileGraph {
    fingerprint: String,
    nodes: Option<u32>,
    degree: Option<u32>,
    link: Option<String>,
}

/// The graph a model file's masks came from — `{fingerprint, nodes, degree, link}` — or null
/// for a dense network (which the graph on show may prune). A file that is not a model file is
/// refused with its one-line error.
#[wasm_bindgen]
pub fn model_file_graph(bytes: &[u8]) -> Result<JsValue, JsValue> {
    let f = decode(bytes, None).map_err(super::train_api::js_error)?;
    match f.meta.fingerprint {
        None => Ok(JsValue::NULL),
        Some(fingerprint) => to_js(&FileGraph {
            fingerprint,
            nodes: f.meta.nodes,
            degree: f.meta.degree,
            link: f.meta.link,
        }),
    }
}
