//! Export (JSON, CSV adjacency, `.npy`) and validated import.
//!
//! Every import goes through [`graph_from_matrix`] or [`graph_from_edge_list`], which name the
//! first thing wrong (shape, a value, the diagonal, symmetry, regularity, connectivity) in one
//! line. Nothing here panics on a malformed file.

pub mod csv;
pub mod json;
pub mod npy;

use crate::config::GraphConfig;
use crate::graph::{AsplKernel, Graph, MAX_NODES, MIN_NODES};
use crate::search::Progress;
use crate::{Result, bail};

pub use json::{GraphDocument, document, to_json_with_elapsed};

/// The JSON document of a graph: configuration, metrics, search counters and edges.
pub fn to_json(cfg: &GraphConfig, graph: &Graph, progress: &Progress) -> String {
    to_json_with_elapsed(cfg, graph, progress, None)
}

/// Dense 0/1 adjacency, one row per line, comma separated.
pub fn to_csv(graph: &Graph) -> String {
    csv::write(graph)
}

/// numpy `.npy` (format 1.0, `<f8`, C order, n × n) that `numpy.load` and the reference code's
/// `--matrix` read.
pub fn to_npy(graph: &Graph) -> Vec<u8> {
    npy::write(graph)
}

/// Reads a graph from `.npy`, `.csv` or `.json` bytes. The format comes from `name_hint`'s
/// extension, or from the content when the name says nothing. JSON documents written by
/// [`to_json`] also give back their configuration.
pub fn import(bytes: &[u8], name_hint: &str) -> Result<(Graph, Option<GraphConfig>)> {
    let lower = name_hint.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    match ext {
        "npy" => Ok((npy::read(bytes)?, None)),
        "csv" | "txt" => Ok((csv::read(bytes)?, None)),
        "json" => json::read(bytes),
        _ if bytes.starts_with(npy::MAGIC) => Ok((npy::read(bytes)?, None)),
        _ if first == Some(b'{') => json::read(bytes),
        _ if first.is_some_and(|b| b.is_ascii_digit()) => Ok((csv::read(bytes)?, None)),
        _ if bytes.is_empty() => bail!("the file is empty"),
        _ => bail!("unrecognised file: expected a .npy, .csv or .json graph"),
    }
}

/// Builds a graph from a dense n × n matrix (row-major `value(i, j)`), checking in order: size,
/// 0/1 entries, zero diagonal, symmetry, regularity, connectivity.
pub fn graph_from_matrix(n: usize, value: impl Fn(usize, usize) -> f64) -> Result<Graph> {
    if n < MIN_NODES as usize || n > MAX_NODES as usize {
        bail!("the matrix is {n} x {n}; graphs need between {MIN_NODES} and {MAX_NODES} nodes");
    }
    for i in 0..n {
        for j in 0..n {
            let x = value(i, j);
            if x != 0.0 && x != 1.0 {
                bail!("entry ({i}, {j}) is {x:?}; an adjacency matrix holds only 0 and 1");
            }
        }
    }
    if let Some(i) = (0..n).find(|&i| value(i, i) != 0.0) {
        bail!("entry ({i}, {i}) on the diagonal is 1; self-loops are not allowed");
    }
    for i in 0..n {
        for j in i + 1..n {
            if value(i, j) != value(j, i) {
                bail!(
                    "the matrix is not symmetric: entry ({i}, {j}) is {} but ({j}, {i}) is {}",
                    value(i, j),
                    value(j, i)
                );
            }
        }
    }
    let mut edges = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            if value(i, j) == 1.0 {
                edges.push((i as u32, j as u32));
            }
        }
    }
    graph_from_edge_list(n as u32, &edges)
}

/// Builds a graph from an edge list, checking that it is simple, k-regular and connected.
pub fn graph_from_edge_list(n: u32, edges: &[(u32, u32)]) -> Result<Graph> {
    if !(MIN_NODES..=MAX_NODES).contains(&n) {
        bail!("the graph has {n} nodes; graphs need between {MIN_NODES} and {MAX_NODES}");
    }
    let mut degree = vec![0u32; n as usize];
    for &(u, v) in edges {
        if u >= n || v >= n {
            bail!("edge ({u}, {v}) names a node outside 0..{n}");
        }
        degree[u as usize] += 1;
        degree[v as usize] += 1;
    }
    if let Some(i) = (1..n as usize).find(|&i| degree[i] != degree[0]) {
        bail!(
            "the graph is not regular: node 0 has degree {} but node {i} has degree {}",
            degree[0],
            degree[i]
        );
    }
    let mut sorted: Vec<(u32, u32)> = edges.iter().map(|&(u, v)| (u.min(v), u.max(v))).collect();
    sorted.sort_unstable();
    let g = Graph::from_edges(n, &sorted)?;
    if AsplKernel::new().stats(&g).is_none() {
        bail!("the graph is disconnected; every pair of nodes must be joined by a path");
    }
    Ok(g)
}
