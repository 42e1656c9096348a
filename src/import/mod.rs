//! Users' own networks: ONNX files read with Burn's ONNX parser (`onnx-ir`), checked against the
//! ops we can train and prune, and laid out as a table of weight layers.

pub mod file_table;
pub mod layers;
pub mod lower;
mod lower_values;
pub mod net;
pub mod net_shapes;
pub mod onnx;
mod pack;
pub mod saved;
pub mod shapes;
pub mod write;

#[cfg(test)]
pub(crate) mod test_models;
#[cfg(test)]
mod tests;
