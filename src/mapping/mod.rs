//! From a graph to a network: channel groups, block masks, and exact parameter/FLOP accounting.
//!
//! A layer's channels are split into `n` contiguous groups ([`groups::compute_size`]); output
//! group `i` reads input group `j` exactly when the graph has the edge `(i, j)`
//! ([`Connectivity`]). One adjacency is shared by every masked layer. Nothing here needs Burn.

pub mod accounting;
pub mod arch;
pub mod groups;
pub mod mask;
pub mod reference_nets;

pub use accounting::{Accounting, Convention, LayerRow, account};
pub use arch::{Arch, ArchName, CnnSpec, Layer, LayerKind, MaskOptions, MlpSpec, ModelKind, Op};
pub use groups::{compute_size, group_of};
pub use mask::{Connectivity, PackedBlocks, mask_matrix};
