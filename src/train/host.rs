//! Reading tensors back to the host. Its own module because the layers, the trainer and the
//! weight files all need it (and the trainer depends on the model, which depends on the layers).

use crate::{Error, Result};
use burn::tensor::Tensor;

/// Reads a tensor back to the host (asynchronously, as WebGPU requires).
pub async fn read(t: Tensor<1>) -> Result<Vec<f32>> {
    let d = t
        .into_data_async()
        .await
        .map_err(|e| Error::new(format!("reading data from the device failed: {e}")))?;
    d.try_into_vec::<f32>()
        .map_err(|e| Error::new(format!("unexpected tensor data: {e:?}")))
}
