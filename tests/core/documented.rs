//! What the docs promise of the graph JSON (README, "Command line"), for the tests of `rgp graph`
//! and of the library's export.

/// Every key of a graph's JSON.
pub const GRAPH_JSON_KEYS: [&str; 15] = [
    "nodes",
    "degree",
    "seed",
    "aspl",
    "diameter",
    "moore_bound",
    "gap",
    "clustering",
    "transitivity",
    "gr",
    "aopu",
    "evaluations",
    "elapsed_ms",
    "fingerprint",
    "edges",
];
