//! Running a depth sweep natively: one ordinary sweep per depth in `OUT/depth-L/` (resumable
//! like any sweep), then `OUT/depth-summary.json` from their rows and graphs.

use super::depth::{DepthRuns, DepthSummary, MAX_DEPTHS, summarize_depths};
use super::family::SweepGraphs;
use super::files::pretty;
use super::plan::{SweepConfig, plan};
use super::results::parse_csv;
use super::run::{Event, run_dir};
use crate::data::Dataset;
use crate::graph::reach;
use crate::{Error, Result, bail};
use burn::tensor::Device;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

#[derive(Serialize)]
struct DepthFile<'a> {
    /// The configuration of every depth (its `train.depth` aside).
    config: &'a SweepConfig,
    depths: &'a [u32],
    summary: &'a DepthSummary,
}

/// Checks a list of depths (each 1..=MAX_DEPTH, at most [`MAX_DEPTHS`], no repeats).
pub fn check_depths(depths: &[u32]) -> Result<()> {
    if depths.len() > MAX_DEPTHS {
        bail!("at most {MAX_DEPTHS} depths (got {})", depths.len());
    }
    for (i, &l) in depths.iter().enumerate() {
        if !(1..=crate::train::MAX_DEPTH).contains(&l) {
            bail!(
                "depths must be between 1 and {} (got {l})",
                crate::train::MAX_DEPTH
            );
        }
        if depths[..i].contains(&l) {
            bail!("depth {l} is listed twice");
        }
    }
    Ok(())
}

/// Runs the sweep `cfg` at every depth in `depths`; `report(depth, event)`.
pub fn run_depths(
    cfg: &SweepConfig,
    depths: &[u32],
    data: Dataset,
    device: Device,
    out: &Path,
    report: &mut dyn FnMut(u32, Event),
) -> Result<DepthSummary> {
    check_depths(depths)?;
    let mut runs = Vec::new();
    for &l in depths {
        let mut c = cfg.clone();
        c.train.depth = l;
        let dir = out.join(format!("depth-{l}"));
        run_dir(&c, data.clone(), device.clone(), &dir, &mut |e| {
            report(l, e)
        })?;
        runs.push(depth_runs(&c, &dir)?);
    }
    let summary = summarize_depths(&runs);
    let path = out.join("depth-summary.json");
    let doc = DepthFile {
        config: cfg,
        depths,
        summary: &summary,
    };
    super::results::write_atomic(&path, pretty(&doc).as_bytes())
        .map_err(|e| Error::new(format!("cannot write {}: {e}", path.display())))?;
    Ok(summary)
}

/// The rows of one depth's folder and the reachability of its graphs at that depth.
pub fn depth_runs(cfg: &SweepConfig, dir: &Path) -> Result<DepthRuns> {
    let read = |name: &str| {
        let p = dir.join(name);
        std::fs::read_to_string(&p)
            .map_err(|e| Error::new(format!("cannot read {}: {e}", p.display())))
    };
    let rows = parse_csv(&read("results.csv")?)?;
    let graphs: SweepGraphs = serde_json::from_str(&read("graphs.json")?)
        .map_err(|e| Error::new(format!("{}: {e}", dir.join("graphs.json").display())))?;
    let l = cfg.train.depth.max(1);
    let mut by_fp = HashMap::new();
    for job in plan(cfg, &graphs)? {
        if let Some(g) = job.graph
            && !by_fp.contains_key(&g.fingerprint)
        {
            let r = reach(&g.graph()?, l);
            let v = if cfg.train.residual { r.path } else { r.walk };
            by_fp.insert(g.fingerprint.clone(), v[l as usize - 1]);
        }
    }
    Ok(DepthRuns {
        depth: l,
        rows,
        reach: by_fp,
    })
}
