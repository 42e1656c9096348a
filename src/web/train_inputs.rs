//! What a training run in the worker is built from ([`RunInputs`], one object from JavaScript),
//! checked and decoded: the configuration, the data set's files, the graph's neighbour table and
//! the backend's device. Both a new run ([`super::train_api::TrainSession::create`]) and a run
//! moved from another module (`resume`) start here.

use super::user_data::UserRun;
use crate::data::{Dataset, DatasetName};
use crate::graph::Graph;
use crate::mapping::Connectivity;
use crate::train::finetune_onnx::OnnxPruning;
use crate::train::{BackendKind, TrainConfig, device, finetune};
use crate::{Error, Result, bail};
use burn::tensor::Device;
use serde::Deserialize;
use serde_bytes::ByteBuf;

/// What the training worker hands the module for one run (www/train/worker.js), as one object:
/// the configuration, the dataset's files, the graph, the backend, and what the run starts from.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RunInputs {
    /// A `TrainConfig` as JSON text.
    pub config: String,
    /// digits, mnist, fashion, or user (the user's data, `user`).
    pub dataset: String,
    /// The four IDX files (train images, train labels, test images, test labels; raw or
    /// gzipped) or, for digits, the CSV.
    pub files: Vec<ByteBuf>,
    pub graph: GraphTable,
    /// cpu or wgpu.
    pub backend: String,
    /// A model file to fine-tune from.
    #[serde(default)]
    pub start: Option<ByteBuf>,
    /// graph (default) or magnitude: what prunes the `start` network.
    #[serde(default)]
    pub mask: Option<String>,
    /// With an ONNX `start`: the eligible layers the user keeps dense (`rgp train --keep-dense`).
    #[serde(default)]
    pub keep_dense: Vec<String>,
    /// From fresh weights (the race's from-scratch lane): a model-file `start` is not loaded (the
    /// built-in network from random weights); an ONNX `start` gives its architecture, its weights
    /// redrawn.
    #[serde(default)]
    pub scratch: bool,
    /// With `dataset` "user": the user's data (then `files` is empty).
    #[serde(default)]
    pub user: Option<UserRun>,
}

/// The graph a run trains on: its neighbour table (`n × k`, row-major), rebuilt and checked here.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GraphTable {
    pub n: u32,
    pub table: Vec<u32>,
    #[serde(default)]
    pub self_loops: bool,
}

impl RunInputs {
    /// The object from JavaScript, or one line saying what is wrong with it.
    pub fn from_js(value: wasm_bindgen::JsValue) -> Result<RunInputs> {
        serde_wasm_bindgen::from_value(value)
            .map_err(|e| Error::new(format!("invalid run inputs: {e}")))
    }

    /// Whether the run builds on `start` (`scratch` leaves a model file out, an ONNX file not).
    pub fn builds_on(&self, start: &[u8]) -> bool {
        !self.scratch || crate::import::onnx::looks_like(start)
    }

    /// How an ONNX `start` is pruned: by `mask`, less the layers kept dense, maybe from scratch.
    pub fn onnx_pruning(&self, mask: finetune::MaskSource) -> OnnxPruning<'_> {
        OnnxPruning {
            keep_dense: &self.keep_dense,
            mask,
            scratch: self.scratch,
        }
    }
}

/// A run's checked inputs.
pub(super) struct Inputs {
    pub cfg: TrainConfig,
    pub data: Dataset,
    pub graph: Graph,
    pub conn: Connectivity,
    pub backend: BackendKind,
    pub device: Device,
}

impl Inputs {
    /// Checks and decodes `run` (all but its start, which the caller reads).
    pub async fn read(run: &RunInputs) -> Result<Inputs> {
        let cfg = TrainConfig::from_json(&run.config)?;
        cfg.validate()?;
        let data = match (run.dataset.as_str(), &run.user) {
            ("user", Some(user)) => user.read(cfg.seed)?.data,
            ("user", None) => bail!("dataset user needs the user's data"),
            (name, _) => dataset_from(name.parse()?, &run.files, cfg.seed)?,
        };
        let graph = graph_from_table(run.graph.n, &run.graph.table)?;
        let backend: BackendKind = run.backend.parse()?;
        let device = device::device(backend).await?;
        let conn = Connectivity::from_graph(&graph, run.graph.self_loops);
        Ok(Inputs {
            cfg,
            data,
            graph,
            conn,
            backend,
            device,
        })
    }
}

fn dataset_from(name: DatasetName, bytes: &[ByteBuf], seed: u64) -> Result<Dataset> {
    match (name, bytes.len()) {
        (DatasetName::Digits, 1) => Dataset::digits(&bytes[0], seed),
        (DatasetName::Digits, n) => Err(Error::new(format!("digits needs one file, got {n}"))),
        (_, 4) => Dataset::from_idx(name.as_str(), &bytes[0], &bytes[1], &bytes[2], &bytes[3]),
        (_, n) => Err(Error::new(format!(
            "{} needs four IDX files, got {n}",
            name.as_str()
        ))),
    }
}

/// Which mask a fine-tuning run applies to the pretrained network.
pub(super) fn parse_mask(mask: Option<String>) -> Result<finetune::MaskSource> {
    match mask.as_deref() {
        None | Some("graph") => Ok(finetune::MaskSource::Graph),
        Some("magnitude") => Ok(finetune::MaskSource::Magnitude),
        Some(m) => bail!("unknown mask '{m}' (expected graph or magnitude)"),
    }
}

pub(super) fn graph_from_table(n: u32, table: &[u32]) -> Result<Graph> {
    if n == 0 || table.is_empty() || !table.len().is_multiple_of(n as usize) {
        bail!(
            "neighbour table of {} entries does not fit {n} nodes",
            table.len()
        );
    }
    let k = table.len() / n as usize;
    let mut edges = Vec::with_capacity(table.len() / 2);
    for u in 0..n {
        for &v in &table[u as usize * k..][..k] {
            if v >= n {
                bail!("neighbour table names node {v}, outside 0..{n}");
            }
            if u < v {
                edges.push((u, v));
            }
        }
    }
    let g = Graph::from_edges(n, &edges)?;
    if g.k() as usize != k {
        bail!("neighbour table is not symmetric");
    }
    Ok(g)
}
