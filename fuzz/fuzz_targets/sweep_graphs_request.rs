//! The sweep panel's request for its graphs (page → the sweep graphs worker): any bytes either
//! parse to a checked request or are refused with an error; a small request's runs each point
//! at a graph the reply holds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rgp::sweep::family::GraphAt;
use rgp::web::sweep_graphs_api::{GraphsRequest, graphs};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(req) = GraphsRequest::parse(text) else { return };
    // Building graphs is the search's work (fuzzed by graph_config); only small ones here.
    let f = &req.family;
    if f.nodes > 24 || f.iters > 500 || f.graphs > 4 || req.degrees.len() > 2 || req.seeds > 3 {
        return;
    }
    let Ok(reply) = graphs(&req, &mut |_, _| {}) else { return };
    for r in &reply.runs {
        match r.graph {
            Some(GraphAt::Family(i)) => assert!(i < reply.graphs.family.len()),
            Some(GraphAt::Degree(i, j)) => assert!(reply.graphs.degrees.get(i).is_some_and(|d| j < d.len())),
            Some(GraphAt::Random(s)) => assert!(s >= 1 && s as usize <= reply.randoms.len()),
            None => {}
        }
    }
});
