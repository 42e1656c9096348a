//! The settings schema: every setting a user can give, once, with its link key, type, default,
//! range, allowed values and one line of help. `rgp settings` prints it; the build writes it into
//! the page (`rgp-settings-module` → `www/generated/settings.js`), where the link parser and the panels' forms are built
//! from it. Defaults come from the configurations' `Default` impls where a configuration owns
//! the setting; the page-only settings (dataset size, backend, start) are declared here.
//!
//! The order is the order in which a link writes its keys: keep it (existing links stay equal).

use crate::config::graph::{GraphConfig, MAX_ITERS, MAX_STEPS, MAX_TRAJECTORIES};
use crate::config::train::{MAX_DEPTH, OptimizerKind, Recovery, TrainConfig};
use crate::data::images::{Color, IMAGE_SIZE_RANGE};
use crate::data::table::{DEFAULT_TEST_SPLIT, TEST_SPLIT_RANGE};
use crate::graph::{MAX_NODES, MIN_NODES};
use crate::search::family::MAX_MEMBERS;
use crate::sweep::family::{DEFAULT_SEEDS, FamilySpec};
use serde_json::{Value, json};

mod presenter;
mod setting;
pub use setting::{Group, Kind, Setting};

fn lower(v: impl std::fmt::Debug) -> String {
    format!("{v:?}").to_lowercase()
}

/// The browser's own limits where they are tighter than the engine's: a tab trains one network
/// at a time on one thread, so longer runs belong to `rgp train` / `rgp sweep`.
pub const PAGE_MAX_EPOCHS: u32 = 100;
pub const PAGE_MAX_BATCH: u32 = 4096;
pub const PAGE_MAX_SWEEP_EPOCHS: u32 = 50;
pub const PAGE_MAX_SWEEP_GRAPHS: u32 = 12;
pub const PAGE_MAX_SWEEP_SEEDS: u32 = 10;
/// The largest model file the page's Load weights reads (the largest network the panel builds is
/// far smaller; the command line reads any size).
pub const PAGE_MAX_MODEL_FILE_BYTES: u64 = 64 << 20;
/// A browser sweep trains fewer epochs than `rgp sweep` by default (one tab, one network at a time).
pub const PAGE_SWEEP_EPOCHS: u32 = 2;

fn graph_settings() -> Vec<Setting> {
    use Group::Graph as G;
    let d = GraphConfig::default();
    let nodes = (MIN_NODES as f64, MAX_NODES as f64);
    vec![
        Setting::int("nodes", G, d.nodes, nodes)
            .label("Nodes n")
            .help("channel groups per layer"),
        Setting::int("degree", G, d.degree, (2.0, MAX_NODES as f64 - 1.0))
            .label("Degree k")
            .help("every group reads k others: k/n of the masked weights are kept (n·k even)"),
        Setting::choice(
            "init",
            G,
            &lower(d.init),
            &[("ring", "ring lattice"), ("random", "random regular")],
        )
        .label("Start graph")
        .help("the graph the search starts from"),
        Setting::int("seed", G, d.seed, (0.0, u32::MAX as f64))
            .label("Seed")
            .help("every random choice of the graph flows from it"),
        // 'family' is the app's name for the family builder (`rgp family`); the engine then
        // runs the reference rule.
        Setting::choice(
            "search",
            G,
            &lower(d.search),
            &[
                ("none", "none (start graph)"),
                ("paper", "paper (reference)"),
                ("anneal", "anneal (lowest)"),
                ("target", "target ASPL"),
                ("family", "family (as published)"),
            ],
        )
        .label("Method")
        .help("the edge-swap search; family builds graphs the way the published ones were made"),
        Setting::choice(
            "direction",
            G,
            &lower(d.direction),
            &[
                ("min", "min (lower ASPL)"),
                ("max", "max (higher ASPL)"),
                ("random", "random"),
            ],
        )
        .label("Direction")
        .help("which way the reference rule moves the ASPL (paper, family)"),
        Setting::int("steps", G, d.steps, (0.0, MAX_STEPS as f64))
            .label("Steps")
            .help("chained reference calls, each up to n(n-1) attempts (a family: graphs per trajectory)"),
        Setting::float("interval_down", G, d.interval_down, (0.0, 1000.0))
            .label("ASPL step ≥")
            .help("the reference rule accepts a swap that changes the ASPL by at least this"),
        Setting::float("interval_up", G, d.interval_up, (0.0, 1000.0))
            .label("ASPL step <")
            .help("... and by less than this"),
        Setting::flag("extreme", G, d.extreme)
            .label("Extreme")
            .help("the reference rule never returns early"),
        Setting::int("iters", G, d.iters, (0.0, MAX_ITERS as f64))
            .label("Iterations")
            .help("iteration budget of the search (anneal, target)"),
        Setting::float("target_aspl", G, d.target_aspl, (1.0, MAX_NODES as f64))
            .label("Target ASPL")
            .help("the ASPL the target search aims at"),
        Setting::float("tolerance", G, d.tolerance, (1e-9, 1000.0))
            .label("Tolerance")
            .help("accepted distance to the target ASPL"),
        Setting::int(
            "trajectories",
            G,
            d.trajectories,
            (1.0, MAX_TRAJECTORIES as f64),
        )
        .label("Trajectories")
        .help("independent walks of a family, each keeping its steps"),
        Setting::int("stop_after", G, Value::Null, (0.0, MAX_ITERS as f64))
            .unset()
            .label("Stop after")
            .help("iterations after which a search was stopped (the link reproduces that graph)"),
    ]
}

fn sweep_settings() -> Vec<Setting> {
    use Group::Sweep as S;
    let t = TrainConfig::default();
    let f = FamilySpec::default();
    let depth = (0.0, MAX_DEPTH as f64);
    vec![
        Setting::flag("sweep", S, false)
            .unset()
            .help("the link opens the sweep panel"),
        Setting::choice("sweep_model", S, t.model.as_str(), &MODELS).label("Model"),
        Setting::choice("sweep_dataset", S, "mnist", &TRAIN_DATASETS)
            .label("Dataset")
            .help("your data: the data the training panel holds (its data_id and settings)"),
        Setting::choice("sweep_data", S, "quick", &SIZES).label("Data"),
        Setting::int(
            "sweep_graphs",
            S,
            f.graphs,
            (2.0, PAGE_MAX_SWEEP_GRAPHS as f64),
        )
        .label("Graphs"),
        Setting::int(
            "sweep_seeds",
            S,
            DEFAULT_SEEDS,
            (1.0, PAGE_MAX_SWEEP_SEEDS as f64),
        )
        .label("Seeds"),
        Setting::int(
            "sweep_epochs",
            S,
            PAGE_SWEEP_EPOCHS,
            (1.0, PAGE_MAX_SWEEP_EPOCHS as f64),
        )
        .label("Epochs"),
        Setting::float("sweep_lr", S, t.lr, (1e-6, 10.0)).label("Learning rate"),
        Setting::choice(
            "sweep_degrees",
            S,
            "4-8-16",
            &[
                ("none", "none"),
                ("4-8", "4-8"),
                ("4-8-16", "4-8-16"),
                ("4-8-16-32", "4-8-16-32"),
                ("2-4-8-16", "2-4-8-16"),
            ],
        )
        .label("Degree sweep"),
        Setting::choice(
            "sweep_baselines",
            S,
            "all",
            &[
                ("none", "none"),
                ("dense", "dense"),
                ("random-regular", "random-regular"),
                ("all", "all"),
            ],
        )
        .label("Baselines"),
        Setting::choice("sweep_backend", S, "auto", &BACKENDS).label("Backend"),
        Setting::choice(
            "sweep_start",
            S,
            "scratch",
            &[("scratch", "scratch"), ("pretrained", "pretrained")],
        )
        .label("Start from"),
        Setting::int("sweep_depth", S, t.depth, depth).label("Depth L (0: as listed)"),
        Setting::choice("sweep_residual", S, "no", &[("no", "no"), ("yes", "yes")])
            .label("Residual + BatchNorm")
            .help("residual stacks come with BatchNorm: without it they diverge from L = 8"),
    ]
    .into_iter()
    .map(Setting::optional)
    .collect()
}

const MODELS: [(&str, &str); 2] = [
    ("mlp", "MLP 784-256-256-256-10"),
    ("cnn", "CNN 3×conv64 + global max pool"),
];
const DATASETS: [(&str, &str); 2] = [("mnist", "MNIST"), ("fashion", "Fashion-MNIST")];
/// The datasets of the training panel and the sweep: the built-in ones and the user's own (`data_id`).
const TRAIN_DATASETS: [(&str, &str); 3] = [DATASETS[0], DATASETS[1], ("user", "your data")];
/// The longest column name a link may name as the target.
pub const MAX_TARGET_LEN: usize = 200;
const SIZES: [(&str, &str); 2] = [
    ("quick", "quick (6000 / 1000)"),
    ("full", "full (60000 / 10000)"),
];
const BACKENDS: [(&str, &str); 3] = [
    ("auto", "auto (measured)"),
    ("webgpu", "WebGPU"),
    ("cpu", "CPU"),
];

fn train_settings() -> Vec<Setting> {
    use Group::Train as T;
    let t = TrainConfig::default();
    let optimizer = match t.optimizer {
        OptimizerKind::Sgd => "sgd",
        OptimizerKind::Adam => "adam",
    };
    vec![
        Setting::choice("model", T, t.model.as_str(), &MODELS)
            .label("Model")
            .help("the network the graph is mapped onto"),
        Setting::choice("dataset", T, "mnist", &TRAIN_DATASETS)
            .label("Dataset")
            .help("the data the network trains on; your own: a folder of images or a CSV table"),
        Setting::choice("data", T, "quick", &SIZES).label("Size"),
        Setting::int("epochs", T, t.epochs, (1.0, PAGE_MAX_EPOCHS as f64))
            .label("Epochs")
            .help("passes over the training set"),
        Setting::int("batch", T, t.batch, (1.0, PAGE_MAX_BATCH as f64))
            .label("Batch")
            .help("samples per step"),
        Setting::choice(
            "optimizer",
            T,
            optimizer,
            &[("sgd", "SGD momentum, cosine"), ("adam", "Adam, cosine")],
        )
        .label("Optimizer")
        .help("SGD with momentum 0.9, or Adam; both with a cosine schedule to zero"),
        Setting::float("lr", T, t.lr, (1e-6, 10.0))
            .label("Learning rate")
            .help("initial rate of the cosine schedule; unset: the optimizer's default")
            .default_by(
                "optimizer",
                &[
                    ("sgd", OptimizerKind::Sgd.default_lr()),
                    ("adam", OptimizerKind::Adam.default_lr()),
                ],
            ),
        Setting::int("train_seed", T, t.seed, (0.0, u32::MAX as f64))
            .label("Seed")
            .help("seed of the weights and the batch order"),
        Setting::choice("backend", T, "auto", &BACKENDS).label("Backend"),
        Setting::flag("dense", T, t.dense)
            .label("Dense baseline")
            .help("train the dense network instead of the masked one"),
        Setting::int("depth", T, t.depth, (0.0, MAX_DEPTH as f64))
            .label("Depth L (masked layers; 0 = as listed)")
            .help("masked hidden-to-hidden layers of the first width"),
        Setting::flag("residual", T, t.residual)
            .label("Residual connections")
            .help("skips around equal-width hidden layers"),
        Setting::flag("norm", T, t.norm)
            .label("BatchNorm (MLP)")
            .help("BatchNorm after every hidden layer of the MLP"),
        // Fine-tuning from the pretrained network is the default: the drop and the recovery
        // are the point.
        Setting::choice(
            "start",
            T,
            "pretrained",
            &[
                ("pretrained", "pretrained network (fine-tune)"),
                ("scratch", "random weights (from scratch)"),
            ],
        )
        .label("Start from"),
        Setting::choice(
            "recover",
            T,
            t.recover.as_str(),
            &Recovery::ALL.map(|r| (r.as_str(), r.label())),
        )
        .label("Recovery")
        .help("how the pretrained network is brought back after masking, before fine-tuning"),
        Setting::flag("race", T, false)
            .label("Recovery race")
            .help("the link runs the recovery race: masks of one sparsity fine-tuned from the pretrained network"),
    ]
    .into_iter()
    .map(Setting::optional)
    .collect()
}

/// The user's own data (images or a table): how it becomes a dataset.
fn user_data_settings() -> Vec<Setting> {
    use Group::Train as T;
    vec![
        Setting::choice(
            "color",
            T,
            "auto",
            &[
                ("auto", "auto (RGB if any image has colour)"),
                ("grey", "grey"),
                ("rgb", "RGB"),
            ],
        )
        .label("Colour")
        .help("your images as grey or RGB inputs"),
        Setting::int(
            "image_size",
            T,
            Value::Null,
            (IMAGE_SIZE_RANGE.0 as f64, IMAGE_SIZE_RANGE.1 as f64),
        )
        .label("Image size")
        .help("side your images are resized to")
        .default_by(
            "color",
            &[
                ("grey", Color::Grey.default_size() as f64),
                ("rgb", Color::Rgb.default_size() as f64),
            ],
        ),
        Setting::float("test_split", T, DEFAULT_TEST_SPLIT, TEST_SPLIT_RANGE)
            .label("Test split")
            .help(
                "fraction of each class of your data kept for testing (a seeded, stratified split)",
            ),
        Setting::text("data_id", T, Some("^[0-9a-f]{16}$"), 16)
            .label("Data")
            .help("the fingerprint of your data (16 hex digits; rgp train prints it as data_id)"),
        Setting::text("target", T, None, MAX_TARGET_LEN)
            .label("Target column")
            .help("the table's column holding each row's class (text or integers)"),
        Setting::flag("drop_bad_rows", T, false)
            .label("Drop bad rows")
            .help("leave table rows with a missing or non-numeric value out (listed as skipped) instead of refusing the table"),
    ]
    .into_iter()
    .map(Setting::optional)
    .collect()
}

/// Every setting, in link order.
pub fn settings() -> Vec<Setting> {
    let mut all = graph_settings();
    // Which family member is shown (position in the list sorted by ASPL).
    all.push(
        Setting::int(
            "pick",
            Group::App,
            Value::Null,
            (0.0, MAX_MEMBERS as f64 - 1.0),
        )
        .unset()
        .help("the family member on show"),
    );
    all.extend(sweep_settings());
    all.extend(train_settings());
    all.extend(user_data_settings());
    all.extend(presenter::settings());
    all
}

/// The app link (URL hash) that reproduces the graph `cfg` describes: `#v=1&`, then every graph
/// setting that has a value, in the schema's order, written as the page's serializer writes it
/// (`www/url-state.js`: the same keys, order and number forms).
pub fn graph_link(cfg: &GraphConfig) -> String {
    let values = serde_json::to_value(cfg).unwrap_or_default();
    let mut parts = vec!["v=1".to_string()];
    for s in settings().iter().filter(|s| s.group == Group::Graph) {
        let text = match &values[s.key] {
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => match (n.as_u64(), n.as_f64()) {
                (Some(u), _) => u.to_string(),
                // Rust's and JavaScript's shortest round-trip forms agree in the schema's ranges.
                (None, Some(x)) => x.to_string(),
                (None, None) => continue,
            },
            Value::String(v) => v.clone(),
            _ => continue,
        };
        parts.push(format!("{}={text}", s.key));
    }
    format!("#{}", parts.join("&"))
}

/// The setting with this link key.
pub fn setting(key: &str) -> Option<Setting> {
    settings().into_iter().find(|s| s.key == key)
}

/// The schema as a JavaScript module for the page (`www/generated/settings.js`).
pub fn javascript_module() -> String {
    let json = serde_json::to_string_pretty(&settings()).unwrap_or_default();
    // The models' masked widths (the first hidden layer and conv), which bound the nodes.
    let t = TrainConfig::default();
    let widths = json!({ "mlp": t.hidden.first(), "cnn": t.channels.first() });
    let classes = json!({
        "mnist": crate::data::builtin_class_names("mnist"),
        "fashion": crate::data::builtin_class_names("fashion"),
    });
    format!(
        "// Generated from src/settings/mod.rs by rgp-settings-module (scripts/build-web.sh); do not edit.\n\
         export const SETTINGS = {json};\n\
         export const MODEL_WIDTHS = {widths};\n\
         export const CLASS_NAMES = {classes};\n\
         export const MAX_MODEL_FILE_BYTES = {PAGE_MAX_MODEL_FILE_BYTES};\n"
    )
}

#[cfg(test)]
mod tests;
