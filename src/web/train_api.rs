//! Masked training as the training worker (`www/train/worker.js`) sees it. Loaded lazily: this
//! module carries Burn with its wgpu (WebGPU) and flex (CPU) backends.
//!
//! The worker drives the loop: `run(steps)` takes a few steps and resolves with their mean loss
//! and accuracy, so the worker can post progress, adapt the chunk to ~100 ms and honour Stop
//! between chunks. Every device read is asynchronous. Configurations cross as JSON text,
//! results as plain JS objects, failures as a JS `Error` with one line.

use super::start_report::{StartReport, busy};
use super::train_inputs::{Inputs, RunInputs, parse_mask};
use crate::Error;
use crate::config::GraphConfig;
use crate::graph::Graph;
use crate::import::onnx::looks_like;
use crate::import::saved;
use crate::import::write::graph_meta;
use crate::mapping::{Accounting, Connectivity};
use crate::model_file::{Dtype, Layout, encode};
use crate::train::finetune_onnx::{
    OnnxSource, check_save, export_onnx, prepare_onnx, resume_onnx, saved_net,
};
use crate::train::session::Session;
use crate::train::trainer::Evaluation;
use crate::train::{BackendKind, Net, TrainConfig, Trainer, finetune, predict};
use serde::Serialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

// This module's promises reject with `JsValue`s.
pub(super) fn js_error(e: Error) -> JsValue {
    super::js_error(e).into()
}

fn to_js<T: Serialize>(value: &T) -> std::result::Result<JsValue, JsValue> {
    super::to_js(value).map_err(Into::into)
}

/// The default training configuration as JSON.
#[wasm_bindgen]
pub fn default_train_config() -> String {
    serde_json::to_string(&TrainConfig::default()).unwrap_or_default()
}

/// Builds (and searches) the graph a `GraphConfig` describes and returns its neighbour table
/// (`n × k`, row-major), for when the page hands the worker a configuration, not a graph.
#[wasm_bindgen]
pub fn graph_table(config_json: &str) -> std::result::Result<Vec<u32>, JsValue> {
    let cfg: GraphConfig = serde_json::from_str(config_json)
        .map_err(|e| js_error(Error::new(format!("invalid graph configuration: {e}"))))?;
    let (g, _) = crate::search::run(&cfg, None).map_err(js_error)?;
    Ok(g.table().to_vec())
}

/// One training run in the worker.
#[wasm_bindgen]
pub struct TrainSession {
    session: Rc<RefCell<Session>>,
    backend: BackendKind,
    fingerprint: String,
    facts: Facts,
    /// The graph's connectivity (for saving the network with its neighbour table).
    conn: Connectivity,
    degree: u32,
    /// With a pretrained start: the loaded network's and the just-pruned network's evaluation.
    start: Option<StartReport>,
    /// The dense network a pretrained start loaded, before pruning: kept for
    /// [`TrainSession::predict_dense`] (the start report lets its own copy go once measured).
    dense: Option<Net>,
    /// Whether the run can move ([`TrainSession::checkpoint`]): not when pruned by magnitude.
    movable: bool,
    /// A run started from an ONNX network: what writing it back as ONNX needs.
    onnx: Option<Rc<OnnxSource>>,
}

/// What does not change during a run, read once, so the getters never borrow the trainer
/// (a chunk in flight holds it mutably across an await).
struct Facts {
    batch: u32,
    steps_per_epoch: f64,
    total_steps: f64,
    train_samples: u32,
    test_samples: u32,
    accounting: Accounting,
    config: String,
}

impl Facts {
    fn of(t: &Trainer) -> Facts {
        Facts {
            batch: t.batch() as u32,
            steps_per_epoch: t.steps_per_epoch() as f64,
            total_steps: t.total_steps() as f64,
            train_samples: t.dataset().train.len() as u32,
            test_samples: t.dataset().test.len() as u32,
            accounting: t.accounting().clone(),
            config: serde_json::to_string(t.config()).unwrap_or_default(),
        }
    }
}

#[wasm_bindgen]
impl TrainSession {
    /// Starts a run from `inputs` ([`RunInputs`]: `{config, dataset, files, graph: {n, table,
    /// selfLoops}, backend, start?, mask?}`), resolves to the session. `start`: a model file
    /// (safetensors) of the same architecture to fine-tune from: it is evaluated, recovered for
    /// the graph's mask as the configuration's `recover` says and pruned by the graph (or, with
    /// `mask` = `magnitude`, by one-shot magnitude pruning at the graph's per-layer kept counts),
    /// and evaluated again before the first step; or an ONNX network (`keepDense`, `scratch`).
    pub fn create(inputs: JsValue) -> js_sys::Promise {
        future_to_promise(async move {
            let run = RunInputs::from_js(inputs).map_err(js_error)?;
            let mut i = Inputs::read(&run).await.map_err(js_error)?;
            let mask = parse_mask(run.mask.clone()).map_err(js_error)?;
            let mut onnx = None;
            let (trainer, nets) = match run.start.as_ref().filter(|f| run.builds_on(f)) {
                None => (
                    Trainer::new(i.cfg, i.data, &i.conn, i.device).map_err(js_error)?,
                    None,
                ),
                Some(file) if looks_like(file) => {
                    let how = run.onnx_pruning(mask);
                    let (trainer, nets, source) =
                        prepare_onnx(i.cfg, i.data, &i.conn, how, i.device, file)
                            .await
                            .map_err(js_error)?;
                    onnx = Some(Rc::new(source));
                    (trainer, Some(nets))
                }
                Some(file) => {
                    let file = finetune::read_for(file, &i.cfg, &mut i.data).map_err(js_error)?;
                    let (trainer, nets) =
                        finetune::prepare(i.cfg, i.data, &i.conn, i.device, &file, mask)
                            .await
                            .map_err(js_error)?;
                    (trainer, Some(nets))
                }
            };
            let dense = nets.as_ref().map(|n| n.pretrained().clone());
            let start = nets.map(StartReport::pending);
            let movable = mask == finetune::MaskSource::Graph;
            let mut s = TrainSession::new(
                Session::new(trainer),
                &i.graph,
                i.conn,
                i.backend,
                start,
                movable,
            )
            .with_dense(dense);
            s.onnx = onnx;
            Ok(s.into())
        })
    }

    /// Continues a run that [`TrainSession::checkpoint`] saved (in this module or the other
    /// one): `inputs` are the run's own, as for `create`, an ONNX `start` included (its network is
    /// rebuilt from the file), their backend the one to go on on.
    pub fn resume(inputs: JsValue, checkpoint: js_sys::Uint8Array) -> js_sys::Promise {
        future_to_promise(async move {
            let run = RunInputs::from_js(inputs).map_err(js_error)?;
            let i = Inputs::read(&run).await.map_err(js_error)?;
            let saved = checkpoint.to_vec();
            let (s, onnx) = match &run.start {
                Some(file) if looks_like(file) => {
                    let how = run.onnx_pruning(parse_mask(run.mask.clone()).map_err(js_error)?);
                    let at = (i.device, &file[..]);
                    let r = resume_onnx(i.cfg, i.data, &i.conn, how, at, &saved).await;
                    let (s, source) = r.map_err(js_error)?;
                    (s, Some(Rc::new(source)))
                }
                _ => {
                    let r = Session::resume(i.cfg, i.data, &i.conn, i.device, &saved).await;
                    (r.map_err(js_error)?, None)
                }
            };
            let mut s = TrainSession::new(s, &i.graph, i.conn, i.backend, None, true);
            s.onnx = onnx;
            Ok(s.into())
        })
    }

    /// The run as bytes between two chunks, for [`TrainSession::resume`] on another backend
    /// (taken with `try_borrow*`: an overlapping call gets an error, never a panic).
    #[allow(clippy::await_holding_refcell_ref)]
    pub fn checkpoint(&self) -> js_sys::Promise {
        let s = self.session.clone();
        let movable = self.movable;
        future_to_promise(async move {
            if !movable {
                return Err(js_error(Error::new(
                    "a run pruned by magnitude cannot move to another backend",
                )));
            }
            let s = s.try_borrow().map_err(|e| js_error(busy(e)))?;
            let bytes = s.checkpoint().await.map_err(js_error)?;
            Ok(js_sys::Uint8Array::from(&bytes[..]).into())
        })
    }

    /// Resolves to the `{pretrained, pruned}` evaluations of a run started from a model file
    /// (measured at the first call), or `null`.
    pub fn start_report(&self) -> js_sys::Promise {
        #[derive(Serialize)]
        struct Report {
            pretrained: Evaluation,
            pruned: Evaluation,
        }
        let (start, s) = (self.start.clone(), self.session.clone());
        future_to_promise(async move {
            let Some(start) = start else {
                return Ok(JsValue::NULL);
            };
            let (pretrained, pruned) = start.get(&s).await.map_err(js_error)?;
            to_js(&Report { pretrained, pruned })
        })
    }

    /// The current network as a model file: `layout` dense or packed, `dtype` f32 or f16;
    /// `link` is the app link of the graph (written into the metadata).
    pub fn save(&self, layout: String, dtype: String, link: Option<String>) -> js_sys::Promise {
        self.file_bytes(layout, dtype, link, false)
    }

    /// The current network as an ONNX model (`layout` dense or packed), f32.
    pub fn onnx(&self, layout: String) -> js_sys::Promise {
        self.file_bytes(layout, "f32".into(), None, true)
    }

    pub fn backend(&self) -> String {
        self.backend.as_str().into()
    }

    pub fn fingerprint(&self) -> String {
        self.fingerprint.clone()
    }

    pub fn batch(&self) -> u32 {
        self.facts.batch
    }

    pub fn steps_per_epoch(&self) -> f64 {
        self.facts.steps_per_epoch
    }

    pub fn total_steps(&self) -> f64 {
        self.facts.total_steps
    }

    pub fn train_samples(&self) -> u32 {
        self.facts.train_samples
    }

    pub fn test_samples(&self) -> u32 {
        self.facts.test_samples
    }

    /// Parameters and FLOPs per layer, dense against pruned (exact convention).
    pub fn accounting(&self) -> std::result::Result<JsValue, JsValue> {
        to_js(&self.facts.accounting)
    }

    /// The configuration in use, as JSON.
    pub fn config(&self) -> String {
        self.facts.config.clone()
    }

    /// Takes up to `max_steps` steps (stopping at an epoch's end) and resolves to the chunk's
    /// mean loss and accuracy, plus `ended`: the epoch it ended, with its means
    /// (`src/train/session.rs`). Calls must not overlap.
    // The borrow is taken with `try_borrow*`: an overlapping call gets an error, never a panic.
    #[allow(clippy::await_holding_refcell_ref)]
    pub fn run(&self, max_steps: u32) -> js_sys::Promise {
        let s = self.session.clone();
        future_to_promise(async move {
            let mut s = s.try_borrow_mut().map_err(|e| js_error(busy(e)))?;
            let a = s.advance(max_steps).await.map_err(js_error)?;
            to_js(&a)
        })
    }

    /// Evaluates the test split after the epoch that just ended; resolves to that epoch's row
    /// (means and test numbers).
    // The borrow is taken with `try_borrow*`: an overlapping call gets an error, never a panic.
    #[allow(clippy::await_holding_refcell_ref)]
    pub fn evaluate_epoch(&self) -> js_sys::Promise {
        let s = self.session.clone();
        future_to_promise(async move {
            let mut s = s.try_borrow_mut().map_err(|e| js_error(busy(e)))?;
            to_js(&s.evaluate_epoch().await.map_err(js_error)?)
        })
    }

    /// Evaluates on the test split (the first `limit` samples, or all: the epoch's evaluation
    /// when nothing trained since): accuracy, loss, confusion matrix, per-class accuracy.
    // The borrow is taken with `try_borrow*`: an overlapping call gets an error, never a panic.
    #[allow(clippy::await_holding_refcell_ref)]
    pub fn evaluate(&self, limit: Option<u32>) -> js_sys::Promise {
        let s = self.session.clone();
        future_to_promise(async move {
            let mut s = s.try_borrow_mut().map_err(|e| js_error(busy(e)))?;
            let e = match limit {
                Some(l) => s.trainer().evaluate(Some(l as usize)).await,
                None => s.evaluation().await,
            }
            .map_err(js_error)?;
            to_js(&e)
        })
    }

    /// Class probabilities (softmax) of the run's network for one image: `pixels` in [0, 1],
    /// full ink 1, in the dataset's shape (28×28 grey for MNIST), normalised as in training.
    pub fn predict(&self, pixels: Vec<f32>) -> js_sys::Promise {
        self.probabilities(pixels, None)
    }

    /// [`TrainSession::predict`] with the dense network the run was pruned from (a pretrained
    /// start); resolves to `null` for a run from random weights, which has none.
    pub fn predict_dense(&self, pixels: Vec<f32>) -> js_sys::Promise {
        match &self.dense {
            Some(net) => self.probabilities(pixels, Some(net.clone())),
            None => js_sys::Promise::resolve(&JsValue::NULL),
        }
    }

    /// `{max_abs, count}`: the largest |weight| among pruned positions (always 0) and their number.
    // The borrow is taken with `try_borrow*`: an overlapping call gets an error, never a panic.
    #[allow(clippy::await_holding_refcell_ref)]
    pub fn pruned_check(&self) -> js_sys::Promise {
        let s = self.session.clone();
        future_to_promise(async move {
            let s = s.try_borrow().map_err(|e| js_error(busy(e)))?;
            let (max_abs, count) = s.trainer().pruned_weight_check().await.map_err(js_error)?;
            #[derive(Serialize)]
            struct Check {
                max_abs: f32,
                count: usize,
            }
            to_js(&Check { max_abs, count })
        })
    }
}

impl TrainSession {
    fn new(
        session: Session,
        g: &Graph,
        conn: Connectivity,
        backend: BackendKind,
        start: Option<StartReport>,
        movable: bool,
    ) -> TrainSession {
        TrainSession {
            facts: Facts::of(session.trainer()),
            session: Rc::new(RefCell::new(session)),
            backend,
            fingerprint: g.fingerprint(),
            conn,
            degree: g.k(),
            start,
            dense: None,
            movable,
            onnx: None,
        }
    }

    fn with_dense(mut self, dense: Option<Net>) -> TrainSession {
        self.dense = dense;
        self
    }

    // The borrow is taken with `try_borrow*`: an overlapping call gets an error, never a panic.
    #[allow(clippy::await_holding_refcell_ref)]
    fn probabilities(&self, pixels: Vec<f32>, net: Option<Net>) -> js_sys::Promise {
        let s = self.session.clone();
        future_to_promise(async move {
            let s = s.try_borrow().map_err(|e| js_error(busy(e)))?;
            let t = s.trainer();
            let net = net.as_ref().unwrap_or(t.model());
            let p = predict::probabilities(net, t.dataset(), t.device(), &pixels)
                .await
                .map_err(js_error)?;
            Ok(js_sys::Float32Array::from(&p[..]).into())
        })
    }

    // The borrow is taken with `try_borrow*`: an overlapping call gets an error, never a panic.
    #[allow(clippy::await_holding_refcell_ref)]
    fn file_bytes(
        &self,
        layout: String,
        dtype: String,
        link: Option<String>,
        onnx: bool,
    ) -> js_sys::Promise {
        let s = self.session.clone();
        let conn = self.conn.clone();
        let onnx_source = self.onnx.clone();
        let g = finetune::GraphMeta {
            fingerprint: self.fingerprint.clone(),
            link,
            degree: self.degree,
        };
        future_to_promise(async move {
            let layout = match layout.as_str() {
                "dense" => Layout::Dense,
                "packed" => Layout::Packed,
                l => return Err(js_error(Error::new(format!("unknown layout '{l}'")))),
            };
            let dtype = match dtype.as_str() {
                "f32" => Dtype::F32,
                "f16" => Dtype::F16,
                d => return Err(js_error(Error::new(format!("unknown dtype '{d}'")))),
            };
            // Refused before the network is evaluated for the file's metadata.
            if onnx_source.is_some() {
                check_save(onnx, layout, dtype).map_err(js_error)?;
            }
            let mut s = s.try_borrow_mut().map_err(|e| js_error(busy(e)))?;
            let e = s.evaluation().await.map_err(js_error)?;
            if let Some(source) = &onnx_source {
                let (fingerprint, link) = (g.fingerprint.clone(), g.link.clone());
                let meta = graph_meta(conn.n(), g.degree, fingerprint, link, Some(e.accuracy));
                let bytes = match onnx {
                    true => export_onnx(s.trainer(), &conn, source, layout, &meta)
                        .await
                        .map(|w| w.bytes),
                    false => saved_net(s.trainer(), &conn, source, &meta)
                        .await
                        .and_then(|n| saved::encode(&n)),
                }
                .map_err(js_error)?;
                return Ok(js_sys::Uint8Array::from(&bytes[..]).into());
            }
            let f = finetune::snapshot(s.trainer(), &conn, Some(g), Some(e.accuracy))
                .await
                .map_err(js_error)?;
            let bytes = if onnx {
                crate::model_file::onnx::export(&f, layout, dtype)
            } else {
                encode(&f, layout, dtype)
            }
            .map_err(js_error)?;
            Ok(js_sys::Uint8Array::from(&bytes[..]).into())
        })
    }
}
