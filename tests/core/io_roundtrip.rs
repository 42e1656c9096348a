//! Export / import: round trips and a few bad files (the full list is in tests/core/io_import.rs).

use super::documented::GRAPH_JSON_KEYS;
use rgp::config::{GraphConfig, Init, SearchKind};
use rgp::graph::generate;
use rgp::io;
use rgp::search::Runner;

#[test]
fn npy_csv_json_round_trip() {
    let cfg = GraphConfig {
        nodes: 70,
        degree: 6,
        init: Init::Random,
        search: SearchKind::Anneal,
        iters: 500,
        ..GraphConfig::default()
    };
    let mut r = Runner::new(&cfg).unwrap();
    let p = r.step(500);
    let g = r.result().clone();
    let (a, none) = io::import(&io::to_npy(&g), "m.npy").unwrap();
    assert_eq!(a, g);
    assert!(none.is_none());
    let (b, _) = io::import(io::to_csv(&g).as_bytes(), "m.csv").unwrap();
    assert_eq!(b.edges(), g.edges());
    let json = io::to_json(&cfg, &g, &p);
    let (c, back) = io::import(json.as_bytes(), "g.json").unwrap();
    assert_eq!(c.edges(), g.edges());
    assert_eq!(back.unwrap(), cfg);
    // Content sniffing without a helpful name.
    assert_eq!(io::import(&io::to_npy(&g), "upload").unwrap().0, g);
    assert_eq!(
        io::import(json.as_bytes(), "upload").unwrap().0.edges(),
        g.edges()
    );
}

#[test]
fn json_has_the_documented_keys() {
    let cfg = GraphConfig::default();
    let g = generate::ring(64, 4).unwrap();
    let p = Runner::with_start(
        &GraphConfig {
            search: SearchKind::None,
            ..cfg.clone()
        },
        g.clone(),
    )
    .unwrap()
    .progress();
    let v: serde_json::Value = serde_json::from_str(&io::to_json(&cfg, &g, &p)).unwrap();
    for key in GRAPH_JSON_KEYS {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["edges"].as_array().unwrap().len(), 128);
    assert_eq!(v["gr"], 16.0);
    assert_eq!(v["aopu"], 430.0);
    assert_eq!(v["edges"][0], serde_json::json!([0, 1]));
}
