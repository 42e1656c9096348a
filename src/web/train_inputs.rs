//! What a training run in the worker is built from, checked and decoded: the configuration
//! (JSON), the data set's files, the graph's neighbour table and the backend's device. Both a new
//! run ([`super::train_api::TrainSession::create`]) and a run moved from another module
//! (`resume`) start here.

use crate::data::{Dataset, DatasetName};
use crate::graph::Graph;
use crate::mapping::Connectivity;
use crate::train::{BackendKind, TrainConfig, device, finetune};
use crate::{Error, Result, bail};
use burn::tensor::Device;

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
    /// `files`: the four IDX files (or, for digits, the CSV); `table`: the graph's neighbour
    /// table on `nodes` nodes; `backend`: cpu or wgpu.
    pub async fn read(
        config_json: &str,
        dataset: &str,
        files: &[js_sys::Uint8Array],
        (nodes, table, self_loops): (u32, &[u32], bool),
        backend: &str,
    ) -> Result<Inputs> {
        let cfg = TrainConfig::from_json(config_json)?;
        cfg.validate()?;
        let name: DatasetName = dataset.parse()?;
        let bytes: Vec<Vec<u8>> = files.iter().map(|f| f.to_vec()).collect();
        let data = dataset_from(name, &bytes, cfg.seed)?;
        let graph = graph_from_table(nodes, table)?;
        let backend: BackendKind = backend.parse()?;
        let device = device::device(backend).await?;
        let conn = Connectivity::from_graph(&graph, self_loops);
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

fn dataset_from(name: DatasetName, bytes: &[Vec<u8>], seed: u64) -> Result<Dataset> {
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

fn graph_from_table(n: u32, table: &[u32]) -> Result<Graph> {
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
