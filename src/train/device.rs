//! Backends: Burn's `flex` CPU backend everywhere, and `wgpu` (WebGPU in the browser; Vulkan,
//! Metal or GL natively) when the feature is on. Both with autodiff.

use crate::{Error, Result};
use burn::tensor::Device;

pub use crate::config::train::BackendKind;

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
        BackendKind::Wgpu => Err(Error::new(
            "this build has no wgpu backend (feature `wgpu`)",
        )),
    }
}
