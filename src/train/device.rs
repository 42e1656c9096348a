//! Backends: Burn's `flex` CPU backend everywhere, and `wgpu` (WebGPU in the browser; Vulkan,
//! Metal or GL natively) when the feature is on. Both with autodiff.

use crate::{Error, Result, bail};
use burn::tensor::Device;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The CLI spells them as [`FromStr`] does (`flex`, `webgpu` and `gpu` are aliases).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// Burn flex.
    #[cfg_attr(feature = "cli", value(alias = "flex"))]
    Cpu,
    /// WebGPU in the browser; Vulkan, Metal or GL natively.
    #[cfg_attr(feature = "cli", value(aliases = ["webgpu", "gpu"]))]
    Wgpu,
}

impl BackendKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BackendKind::Cpu => "cpu",
            BackendKind::Wgpu => "wgpu",
        }
    }
}

impl FromStr for BackendKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<BackendKind> {
        match s {
            "cpu" | "flex" => Ok(BackendKind::Cpu),
            "wgpu" | "webgpu" | "gpu" => Ok(BackendKind::Wgpu),
            _ => bail!("unknown backend '{s}' (expected cpu or wgpu)"),
        }
    }
}

/// Whether `device` is the CPU (flex) backend. Burn's device is type-erased; its debug form
/// names the backend it wraps.
pub fn is_cpu(device: &Device) -> bool {
    format!("{device:?}").contains("Flex")
}

/// The CPU device (Burn `flex`), with autodiff.
pub fn cpu() -> Device {
    Device::flex().autodiff()
}

#[cfg(feature = "wgpu")]
static WGPU: std::sync::Mutex<Option<std::result::Result<Device, String>>> =
    std::sync::Mutex::new(None);

/// The wgpu device with autodiff. The runtime can be initialised only once per process, so the
/// first outcome (device or error) is kept and returned on every later call.
#[cfg(feature = "wgpu")]
pub async fn wgpu() -> Result<Device> {
    if let Some(r) = WGPU.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
        return r.clone().map_err(Error::new);
    }
    let r = Device::wgpu_options()
        .init_async()
        .await
        .map(|d| d.autodiff())
        .map_err(|e| format!("no usable WebGPU/wgpu adapter: {e}"));
    *WGPU.lock().unwrap_or_else(|e| e.into_inner()) = Some(r.clone());
    r.map_err(Error::new)
}

/// The device for `kind`.
pub async fn device(kind: BackendKind) -> Result<Device> {
    match kind {
        BackendKind::Cpu => Ok(cpu()),
        #[cfg(feature = "wgpu")]
        BackendKind::Wgpu => wgpu().await,
        #[cfg(not(feature = "wgpu"))]
        BackendKind::Wgpu => bail!("this build has no wgpu backend (feature `wgpu`)"),
    }
}
