//! Inputs the fuzz targets (fuzz/, scripts/fuzz.sh) found crashing, kept as tests.

use rgp::config::GraphConfig;
use rgp::search::Runner;

/// `graph_config`, crash-a13cd35d: a target ASPL far beyond any graph's overflowed the target
/// search's pruning bound: a panic with overflow checks on; without them the bound wrapped to 0,
/// every swap was refused and the search never moved.
#[test]
fn a_target_beyond_every_graph_keeps_swaps_instead_of_overflowing() {
    let json = r#"{"search": "target", "target_aspl": 99999999999999999999999999999999999993.0,
                   "nodes": 32, "degree": 6, "init": "random", "iters": 3000}"#;
    let cfg: GraphConfig = serde_json::from_str(json).unwrap();
    cfg.validate().unwrap();
    let mut run = Runner::new(&cfg).unwrap();
    let p = run.step(3000);
    // With the bound wrapped to 0 no swap was ever kept. (At 1e38 every graph is equally far in
    // f64, so the walk keeps ties and wanders; it need not climb.)
    assert!(p.accepted > 0, "no swap was kept");
    assert_eq!(p.iterations, 3000);
}
