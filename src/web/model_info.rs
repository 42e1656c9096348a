//! Before Load weights uses a model file: the graph its masks came from must be the graph on
//! show (the page never evaluates a network in another graph). Read from the file's header only.

use crate::model_file::read_meta;
use crate::{Result, bail};
use wasm_bindgen::prelude::*;

/// Refuses a file pruned by a graph other than `fingerprint`, naming both and the file's own
/// link; a dense file (no graph) or a file of the same graph passes.
fn check(bytes: &[u8], fingerprint: &str) -> Result<()> {
    let Some(meta) = read_meta(bytes)? else {
        return Ok(());
    };
    match meta.fingerprint {
        Some(own) if own != fingerprint => {
            let size = match (meta.nodes, meta.degree) {
                (Some(n), Some(k)) => format!(", {n} nodes, degree {k}"),
                _ => String::new(),
            };
            let link = meta
                .link
                .map(|l| format!(" Open its link to see it on its own graph: {l}"))
                .unwrap_or_default();
            bail!(
                "this network was pruned by another graph (fingerprint {own}{size}); the page shows {fingerprint}.{link}"
            )
        }
        _ => Ok(()),
    }
}

/// [`check`] for the training worker: throws the one-line refusal.
#[wasm_bindgen]
pub fn check_model_graph(bytes: &[u8], fingerprint: &str) -> std::result::Result<(), JsValue> {
    check(bytes, fingerprint).map_err(super::train_api::js_error)
}
