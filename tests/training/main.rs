//! Integration tests of training (CPU and wgpu), fine-tuning, checkpoints and sweeps: one test
//! binary, so a change to the crate links Burn once here, not once per file. A file per subject;
//! run one with `cargo test --release --test training SUBJECT::`.

mod finetune_cpu;
mod predict_cpu;
// Only the training tests run the binary (and the graph-core step builds without training).
#[cfg(all(feature = "cli", feature = "train"))]
#[path = "../common/run_cli.rs"]
mod run_cli;
mod sweep_kill;
mod sweep_native;
mod sweep_pretrained;
mod sweep_shards;
mod tile_matmul;
mod train_checkpoint;
mod train_cpu;
mod train_deep;
mod train_images;
mod train_table;
mod train_wgpu;
