//! The page's measure of its backends: milliseconds per training step of the default MLP on
//! each, which picks the faster one (a software WebGPU adapter can be far slower than the CPU).

use super::train_api::js_error;
use crate::data::Dataset;
use crate::graph::Rng;
use crate::mapping::Connectivity;
use crate::train::{BackendKind, TrainConfig, Trainer, device};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// Milliseconds per training step of the default MLP (batch 128) on `backend`, measured over
/// `steps` steps after one warm-up step (which also compiles the GPU kernels). The page picks
/// the faster backend with it: a software WebGPU adapter can be far slower than the CPU.
#[wasm_bindgen]
pub fn calibrate(backend: String, steps: u32) -> js_sys::Promise {
    future_to_promise(async move {
        let kind: BackendKind = backend.parse().map_err(js_error)?;
        let dev = device::device(kind).await.map_err(js_error)?;
        // Synthetic 28×28 images from a fixed seed: the timing needs shapes, not meaning.
        let mut rng = Rng::derive(1, "calibration");
        let n = 512usize;
        let x: Vec<u8> = (0..n * 784).map(|_| rng.below(256) as u8).collect();
        let y: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
        let data =
            Dataset::from_raw("calibration", 28, x.clone(), y.clone(), x, y).map_err(js_error)?;
        let g = crate::graph::generate::ring(64, 4).map_err(js_error)?;
        let cfg = TrainConfig {
            epochs: 100,
            ..TrainConfig::default()
        };
        let mut t =
            Trainer::new(cfg, data, &Connectivity::from_graph(&g, false), dev).map_err(js_error)?;
        t.run(1).await.map_err(js_error)?;
        let t0 = js_sys::Date::now();
        t.run(steps.max(1)).await.map_err(js_error)?;
        Ok(JsValue::from_f64(
            (js_sys::Date::now() - t0) / steps.max(1) as f64,
        ))
    })
}
