//! Masked Burn models and the training loop. The same code runs natively (`rgp train`) and in
//! the browser's training worker: the loop is ours (no `burn-train` Learner), steps are queued
//! synchronously, and every read of device data is asynchronous (`into_data_async`), which is
//! what WebGPU requires.

pub mod checkpoint;
pub mod custom_masks;
pub mod device;
mod evaluate;
pub mod finetune;
#[cfg(feature = "onnx")]
pub mod finetune_onnx;
pub mod host;
#[cfg(feature = "onnx")]
pub mod imported;
#[cfg(all(test, feature = "onnx"))]
mod imported_finetune_tests;
#[cfg(feature = "onnx")]
mod imported_init;
#[cfg(feature = "onnx")]
mod imported_ops;
#[cfg(all(test, feature = "onnx"))]
mod imported_tests;
pub mod layers;
pub mod model;
pub mod packed;
pub mod predict;
pub mod recover;
pub mod session;
#[cfg(feature = "wgpu")]
mod tile_kernels;
pub mod tile_matmul;
pub mod trainer;
pub mod weights;

pub use device::BackendKind;
pub use layers::{MaskedConv2d, MaskedLinear};
pub use model::Net;
pub use session::Session;
pub use trainer::{Chunk, Evaluation, Trainer};

pub use crate::config::train::{
    Kernel, MAX_BATCH, MAX_DEPTH, MAX_EPOCHS, MAX_WIDTH, OptimizerKind, Recovery, TrainConfig,
};
pub use crate::mapping::ModelKind;

impl Kernel {
    /// `(linear, conv)`: whether each layer kind uses the packed layout on this device.
    pub fn packing(self, device: &burn::tensor::Device) -> (bool, bool) {
        match self {
            Kernel::Packed => (true, true),
            Kernel::Masked => (false, false),
            Kernel::Auto => {
                let cpu = device::is_cpu(device);
                (cpu, !cpu)
            }
        }
    }
}

impl TrainConfig {
    /// The deep-variant options the networks are built with.
    pub fn deep(&self) -> model::Deep {
        model::Deep {
            residual: self.residual,
            norm: self.norm,
        }
    }
}
