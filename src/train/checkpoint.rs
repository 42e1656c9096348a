//! A run's state between two chunks, as bytes, so the run can go on elsewhere: the page moves a
//! CPU run to WebGPU mid-run (when the background comparison finds WebGPU faster, or when the
//! user picks it), which means another wasm module and another device.
//!
//! What it holds: every parameter with its id (the optimizer keys its state by id), Burn's own
//! record of the optimizer state (momentum or Adam moments), the step, the layout (a moved run
//! keeps it, so shapes match) and the epoch bookkeeping. What it does not: the data order,
//! which is replayed from the seed ([`Trainer::skip_to`]), and the masks, which come from the
//! graph again (so a run pruned by magnitude, whose masks are not the graph's, cannot move).
//!
//! Layout: [`crate::model_file::checkpoint`] (free of Burn, and fuzzed).

use super::session::Session;
use super::trainer::Trainer;
use super::{TrainConfig, host::read};
use crate::data::Dataset;
use crate::mapping::Connectivity;
use crate::model_file::checkpoint::{Header, Saved, decode, encode};
use crate::{Error, Result, bail};
use burn::module::{Module, ModuleMapper, ModuleVisitor, Param, ParamId};
use burn::tensor::{Bytes, Device, Tensor, TensorData};

/// Collects the network's float parameters, flattened, in visiting order.
struct Collect(Vec<(u64, Vec<usize>, Tensor<1>)>);

impl ModuleVisitor for Collect {
    fn visit_float<const D: usize>(&mut self, p: &Param<Tensor<D>>) {
        let t = p.val().detach();
        let shape = t.dims().to_vec();
        let n = shape.iter().product::<usize>();
        self.0.push((p.id.val(), shape, t.reshape([n])));
    }
}

/// Gives a freshly built network the saved values and ids, in the same visiting order.
struct Restore<'a> {
    saved: std::vec::IntoIter<(Saved, Vec<f32>)>,
    device: &'a Device,
    error: Option<Error>,
}

impl ModuleMapper for Restore<'_> {
    fn map_float<const D: usize>(&mut self, p: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let dims = p.val().dims().to_vec();
        match self.saved.next() {
            Some((s, values)) if s.shape == dims => {
                let t = Tensor::<D>::from_data(TensorData::new(values, s.shape), self.device);
                let mut q = Param::from_tensor(t);
                q.id = ParamId::from(s.id);
                q
            }
            other => {
                let got = other.map_or("nothing".into(), |(s, _)| format!("shape {:?}", s.shape));
                self.error.get_or_insert_with(|| {
                    Error::new(format!(
                        "the saved run does not fit this network (a parameter of shape {dims:?} got {got})"
                    ))
                });
                p
            }
        }
    }
}

impl Session {
    /// This run between two chunks, as bytes (see the module's documentation).
    pub async fn checkpoint(&self) -> Result<Vec<u8>> {
        let t = &self.trainer;
        let mut params = Collect(Vec::new());
        t.model().visit(&mut params);
        let optim = t
            .optim
            .into_bytes()
            .map_err(|e| Error::new(format!("saving the optimizer state failed: {e:?}")))?;
        let header = Header {
            config: t.config().clone(),
            train_samples: t.dataset().train.len(),
            input_mean: t.dataset().mean,
            input_std: t.dataset().std,
            step: t.step_count(),
            packing: t.packing,
            sums: self.sums,
            history: self.history.clone(),
            params: params
                .0
                .iter()
                .map(|(id, shape, _)| Saved {
                    id: *id,
                    shape: shape.clone(),
                })
                .collect(),
        };
        let mut values = Vec::with_capacity(params.0.len());
        for (_, _, v) in params.0 {
            values.push(read(v).await?);
        }
        encode(&header, &values, &optim)
    }

    /// The run `bytes` saved, continued on `device`. `cfg`, `data` and `conn` must be the run's
    /// own (the same configuration, data set and graph).
    pub async fn resume(
        cfg: TrainConfig,
        mut data: Dataset,
        conn: &Connectivity,
        device: Device,
        bytes: &[u8],
    ) -> Result<Session> {
        let saved = SavedRun::open(bytes, &mut data)?;
        let t = Trainer::with_packing(cfg, data, conn, device.clone(), saved.packing())?;
        saved.into_session(t, &device)
    }
}

/// A decoded checkpoint, before the trainer it goes into is built: a built-in network's from
/// the configuration and graph ([`Session::resume`]), an imported one's from its ONNX file.
pub struct SavedRun {
    header: Header,
    values: Vec<Vec<f32>>,
    optim: Vec<u8>,
}

impl SavedRun {
    /// Decodes `bytes`; `data` takes the run's input normalisation.
    pub fn open(bytes: &[u8], data: &mut Dataset) -> Result<SavedRun> {
        let (header, values, optim) = decode(bytes)?;
        (data.mean, data.std) = (header.input_mean, header.input_std);
        Ok(SavedRun {
            header,
            values,
            optim: optim.to_vec(),
        })
    }

    /// The layout the run had (a moved run keeps it, so shapes match).
    pub fn packing(&self) -> (bool, bool) {
        self.header.packing
    }

    /// The run continued in `t`, a fresh trainer of the run's own configuration, data and network.
    pub fn into_session(self, mut t: Trainer, device: &Device) -> Result<Session> {
        let h = self.header;
        if h.config != *t.config() || h.train_samples != t.dataset().train.len() {
            bail!("the saved run belongs to another configuration or data set");
        }
        let mut restore = Restore {
            saved: h
                .params
                .into_iter()
                .zip(self.values)
                .collect::<Vec<_>>()
                .into_iter(),
            device,
            error: None,
        };
        let model = t
            .model
            .take()
            .expect("a new trainer has its model")
            .map(&mut restore);
        if let Some(e) = restore.error {
            return Err(e);
        }
        if restore.saved.next().is_some() {
            bail!("the saved run has more parameters than this network");
        }
        t.model = Some(model);
        t.optim = t
            .optim
            .clone()
            .from_bytes(Bytes::from_bytes_vec(self.optim))
            .map_err(|e| Error::new(format!("the saved optimizer state is unreadable: {e:?}")))?;
        t.skip_to(h.step)?;
        Ok(Session {
            trainer: t,
            sums: h.sums,
            history: h.history,
            last_eval: None,
        })
    }
}
