//! The byte layout of a training run saved between two chunks (`train::checkpoint` makes and
//! resumes them): `RGPRUN01`, the header's length (u32 LE), the header (JSON), each parameter's
//! values (f32 LE, in the network's visiting order), then the optimizer record (burnpack).
//! Written and read here without Burn, so the reader is fuzzed on its own
//! (`fuzz/fuzz_targets/checkpoint.rs`), and every size the bytes state is checked against their
//! length before anything is allocated.

use crate::config::train::TrainConfig;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

pub const MAGIC: &[u8; 8] = b"RGPRUN01";

/// What a checkpoint says of its run: enough to rebuild the network and go on at `step`.
#[derive(Serialize, Deserialize)]
pub struct Header {
    pub config: TrainConfig,
    pub train_samples: usize,
    /// The input normalisation (a fine-tuning run takes its model file's).
    pub input_mean: f32,
    pub input_std: f32,
    pub step: u64,
    pub packing: (bool, bool),
    pub sums: (f64, f64, u64),
    pub history: Vec<Epoch>,
    pub params: Vec<Saved>,
}

/// One parameter (or BatchNorm running statistic): its id and shape.
#[derive(Serialize, Deserialize)]
pub struct Saved {
    pub id: u64,
    pub shape: Vec<usize>,
}

/// One finished epoch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Epoch {
    pub epoch: u32,
    /// Means over the epoch's batches.
    pub train_loss: f64,
    pub train_accuracy: f64,
    /// The test split after the epoch (`None` until the session evaluates it).
    pub test_accuracy: Option<f64>,
    pub test_loss: Option<f64>,
}

/// The bytes of a checkpoint: `header`, then `values` (one list per `header.params` entry, in
/// its order), then the optimizer record `optim`.
pub fn encode(header: &Header, values: &[Vec<f32>], optim: &[u8]) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(header).map_err(|e| Error::new(e.to_string()))?;
    let floats: usize = values.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(12 + json.len() + 4 * floats + optim.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    for v in values.iter().flatten() {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(optim);
    Ok(out)
}

/// A checkpoint read back: the header, each parameter's values and the optimizer record.
pub type Decoded<'a> = (Header, Vec<Vec<f32>>, &'a [u8]);

/// The parts of a checkpoint; an error (never a panic) for bytes that are not a whole one.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>> {
    let bad = || Error::new("not a saved training run (truncated or damaged)");
    let rest = bytes.strip_prefix(MAGIC).ok_or_else(bad)?;
    let (len, rest) = rest.split_first_chunk::<4>().ok_or_else(bad)?;
    let len = u32::from_le_bytes(*len) as usize;
    let (json, mut rest) = rest.split_at_checked(len).ok_or_else(bad)?;
    let h: Header = serde_json::from_slice(json).map_err(|_| bad())?;
    let mut values = Vec::with_capacity(h.params.len());
    for s in &h.params {
        let n = s
            .shape
            .iter()
            .try_fold(4usize, |a, &d| a.checked_mul(d))
            .ok_or_else(bad)?;
        let (v, r) = rest.split_at_checked(n).ok_or_else(bad)?;
        values.push(
            v.chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        );
        rest = r;
    }
    Ok((h, values, rest))
}
