// Pinned fingerprints of seeded configurations. Any change to the generators, the random
// stream, the search rules or their floating-point math changes these, and with them every
// shared link. The wasm32 build is checked against the same table (tests/wasm-fingerprints, run by scripts/test.sh).

use rgp::config::{GraphConfig, Init, SearchKind};

/// (init, search, nodes, degree, seed, fingerprint of the result, its ASPL). Row widths of 1, 2
/// and 4 words. The reference rule from a random 200-node graph is left out: hardly any single
/// swap moves its ASPL by 0.05, so each step runs nearly all n(n-1) attempts.
#[rustfmt::skip]
pub const PINNED: &[(Init, SearchKind, u32, u32, u32, &str, f64)] = &[
    (Init::Ring, SearchKind::None, 64, 4, 1, "d1c77a31957f0611", 8.380952380952381),
    (Init::Ring, SearchKind::None, 100, 6, 42, "9294ecab660874a7", 8.757575757575758),
    (Init::Ring, SearchKind::None, 200, 8, 7, "6909f89fe747dc45", 12.93969849246231),
    (Init::Ring, SearchKind::Paper, 64, 4, 1, "5373d76b956f3b01", 7.662698412698413),
    (Init::Ring, SearchKind::Paper, 100, 6, 42, "9ecc57a49ae7b0f7", 8.247878787878788),
    (Init::Ring, SearchKind::Paper, 200, 8, 7, "c49052a949d01a55", 12.261105527638192),
    (Init::Ring, SearchKind::Anneal, 64, 4, 1, "290e38c9fc299971", 2.9285714285714284),
    (Init::Ring, SearchKind::Anneal, 100, 6, 42, "57497925351001a7", 2.5995959595959595),
    (Init::Ring, SearchKind::Anneal, 200, 8, 7, "d6c9cd64eb29e995", 2.6646733668341707),
    (Init::Ring, SearchKind::Target, 64, 4, 1, "618c9e63efcfc1d1", 4.004464285714286),
    (Init::Ring, SearchKind::Target, 100, 6, 42, "c0fbdcb2420d3577", 3.990707070707071),
    (Init::Ring, SearchKind::Target, 200, 8, 7, "46bf2f4e57eb93a5", 3.9976884422110555),
    (Init::Random, SearchKind::None, 64, 4, 1, "9b43defa16848381", 3.1512896825396823),
    (Init::Random, SearchKind::None, 100, 6, 42, "d1d2e2a88aad4737", 2.735757575757576),
    (Init::Random, SearchKind::None, 200, 8, 7, "e424f72ecec70485", 2.7588442211055275),
    (Init::Random, SearchKind::Paper, 64, 4, 1, "edaa271bde7e8be1", 3.0094246031746033),
    (Init::Random, SearchKind::Paper, 100, 6, 42, "d610bcfe98986ca7", 2.716969696969697),
    (Init::Random, SearchKind::Anneal, 64, 4, 1, "e1edc4e2b2527971", 2.9260912698412698),
    (Init::Random, SearchKind::Anneal, 100, 6, 42, "1406df6e2d2b64a7", 2.6016161616161617),
    (Init::Random, SearchKind::Anneal, 200, 8, 7, "582853be73905e05", 2.6646231155778897),
    (Init::Random, SearchKind::Target, 64, 4, 1, "d32e7a35c0320d21", 3.9930555555555554),
    (Init::Random, SearchKind::Target, 100, 6, 42, "bd745329abae0b07", 3.9903030303030302),
    (Init::Random, SearchKind::Target, 200, 8, 7, "183f26f2cdec0fa5", 3.7938693467336684),
];

/// The configuration of one row: 5 reference steps, 20 000 annealing / target iterations,
/// target ASPL 4.0.
pub fn config(init: Init, search: SearchKind, n: u32, k: u32, seed: u32) -> GraphConfig {
    GraphConfig {
        nodes: n,
        degree: k,
        init,
        search,
        seed,
        steps: 5,
        iters: 20_000,
        target_aspl: 4.0,
        ..GraphConfig::default()
    }
}

/// Checks row `i` of [`PINNED`]; the error says what came out instead.
pub fn check_row(i: usize) -> Result<(), String> {
    let (init, search, n, k, seed, fp, aspl) = PINNED[i];
    match rgp::search::run(&config(init, search, n, k, seed), None) {
        Ok((g, p)) if g.fingerprint() == fp && p.best_aspl == aspl => Ok(()),
        Ok((g, p)) => Err(format!(
            "{init:?} {search:?} ({n},{k}) seed {seed}: {} {} (pinned {fp} {aspl})",
            g.fingerprint(),
            p.best_aspl
        )),
        Err(e) => Err(format!("{init:?} {search:?} ({n},{k}): {e}")),
    }
}

#[test]
fn seeded_configurations_give_the_pinned_graphs() {
    let bad: Vec<String> = (0..PINNED.len())
        .filter_map(|i| check_row(i).err())
        .collect();
    assert!(bad.is_empty(), "fingerprints moved:\n{}", bad.join("\n"));
}
