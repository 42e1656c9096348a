//! The architecture a model file holds, and the tensors (names and shapes) it must therefore
//! contain. Shapes come from the same `mapping` specs the trainer builds its layers from.

use crate::mapping::arch::Arch;
use crate::mapping::{CnnSpec, LayerKind, MaskOptions, MlpSpec, ModelKind};
use crate::{Result, bail};
use serde::{Deserialize, Serialize};

/// Most weights one layer of a model file may have (256 MB of f32). A packed file stores a
/// fraction of its layers' weights and is unpacked into all of them: this bound is checked before
/// any allocation, so a small file cannot ask for gigabytes.
pub const MAX_LAYER_WEIGHTS: usize = 1 << 26;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchSpec {
    pub model: ModelKind,
    /// Input features (pixels of one image).
    pub inputs: u32,
    /// Image side (the CNN reshapes its input to `channels × input_hw × input_hw`, the channels
    /// being `inputs / input_hw²`: 1 grey, 3 RGB).
    pub input_hw: u32,
    pub classes: u32,
    /// MLP hidden widths or CNN conv widths.
    pub widths: Vec<u32>,
}

/// One tensor the architecture needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorSpec {
    pub name: String,
    pub shape: Vec<usize>,
    /// Index of the weight layer this tensor belongs to, for `.weight` of weight layers.
    pub layer: Option<usize>,
}

impl TensorSpec {
    pub fn is_weight(&self) -> bool {
        self.layer.is_some()
    }
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One weight layer's geometry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightLayer {
    pub name: String,
    pub kind: LayerKind,
    pub out: usize,
    pub inp: usize,
    pub kernel: usize,
    pub stride: usize,
    pub bias: bool,
}

impl WeightLayer {
    pub fn shape(&self) -> Vec<usize> {
        match self.kind {
            LayerKind::Linear => vec![self.out, self.inp],
            LayerKind::Conv => vec![self.out, self.inp, self.kernel, self.kernel],
        }
    }
    pub fn kk(&self) -> usize {
        self.kernel * self.kernel
    }
}

impl ArchSpec {
    /// The CNN's input channels (1 grey, 3 RGB); 1 where the inputs are no image.
    pub fn in_channels(&self) -> u32 {
        let px = self.input_hw as u64 * self.input_hw as u64;
        if px > 0 && self.inputs as u64 == 3 * px {
            3
        } else {
            1
        }
    }

    /// The network as the mapping builds it (masks as the default options place them), checked:
    /// a sane number of layers, none over [`MAX_LAYER_WEIGHTS`].
    pub fn arch(&self) -> Result<Arch> {
        if self.widths.is_empty() || self.widths.len() > 64 {
            bail!("the architecture needs between 1 and 64 hidden layers");
        }
        if self.inputs == 0 || self.classes == 0 {
            bail!("the architecture needs at least one input and one class");
        }
        // Masking does not change shapes; the default options are enough here.
        let opts = MaskOptions::default();
        let arch = match self.model {
            ModelKind::Mlp => MlpSpec {
                inputs: self.inputs,
                hidden: self.widths.clone(),
                classes: self.classes,
            }
            .arch(&opts)?,
            ModelKind::Cnn => {
                let px = self.input_hw as u64 * self.input_hw as u64;
                if px == 0 || ![1, 3].map(|c| c * px).contains(&(self.inputs as u64)) {
                    bail!(
                        "the CNN needs square grey or RGB images: {} inputs is not {}² or 3·{}²",
                        self.inputs,
                        self.input_hw,
                        self.input_hw
                    );
                }
                CnnSpec {
                    in_ch: self.in_channels(),
                    input_hw: self.input_hw,
                    channels: self.widths.clone(),
                    classes: self.classes,
                }
                .arch(&opts)?
            }
        };
        for l in arch.layers() {
            let weights = [l.in_ch as usize, l.kernel as usize, l.kernel as usize]
                .iter()
                .try_fold(l.out_ch as usize, |a, &b| a.checked_mul(b));
            if weights.is_none_or(|w| w > MAX_LAYER_WEIGHTS) {
                bail!(
                    "the architecture has a {} x {} layer, over the {MAX_LAYER_WEIGHTS} weights a layer may have",
                    l.out_ch,
                    l.in_ch
                );
            }
        }
        Ok(arch)
    }

    /// Weight layers in forward order, named as in the file.
    pub fn weight_layer_list(&self) -> Result<Vec<WeightLayer>> {
        let arch = self.arch()?;
        let count = arch.layers().count();
        Ok(arch
            .layers()
            .enumerate()
            .map(|(i, l)| WeightLayer {
                name: match (self.model, l.kind) {
                    (ModelKind::Mlp, _) => format!("layers.{i}"),
                    (ModelKind::Cnn, LayerKind::Conv) => format!("convs.{i}"),
                    (ModelKind::Cnn, LayerKind::Linear) => {
                        debug_assert_eq!(i + 1, count);
                        "head".into()
                    }
                },
                kind: l.kind,
                out: l.out_ch as usize,
                inp: l.in_ch as usize,
                kernel: l.kernel as usize,
                stride: l.stride as usize,
                bias: l.bias,
            })
            .collect())
    }

    pub fn weight_layers(&self) -> usize {
        self.weight_layer_list().map_or(0, |l| l.len())
    }

    /// BatchNorm layers (the CNN's, one per conv).
    pub fn norm_layers(&self) -> usize {
        match self.model {
            ModelKind::Mlp => 0,
            ModelKind::Cnn => self.widths.len(),
        }
    }

    /// Every tensor of the dense layout (masks aside), in file order.
    pub fn tensors(&self) -> Result<Vec<TensorSpec>> {
        let mut out = Vec::new();
        for (i, l) in self.weight_layer_list()?.into_iter().enumerate() {
            out.push(TensorSpec {
                name: format!("{}.weight", l.name),
                shape: l.shape(),
                layer: Some(i),
            });
            if l.bias {
                out.push(TensorSpec {
                    name: format!("{}.bias", l.name),
                    shape: vec![l.out],
                    layer: None,
                });
            }
        }
        for i in 0..self.norm_layers() {
            for what in ["weight", "bias", "running_mean", "running_var"] {
                out.push(TensorSpec {
                    name: format!("norms.{i}.{what}"),
                    shape: vec![self.widths[i] as usize],
                    layer: None,
                });
            }
        }
        Ok(out)
    }

    /// One line: `mlp 784-256-256-256-10` or `cnn 28x28 64,64,64 → 10`.
    pub fn describe(&self) -> String {
        let w: Vec<String> = self.widths.iter().map(|w| w.to_string()).collect();
        match self.model {
            ModelKind::Mlp => format!("mlp {}-{}-{}", self.inputs, w.join("-"), self.classes),
            ModelKind::Cnn => format!(
                "cnn {0}x{0} channels {1} classes {2}",
                self.input_hw,
                w.join(","),
                self.classes
            ),
        }
    }
}
