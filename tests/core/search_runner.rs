//! The resumable search API: chunking never changes the result, `stop_after` reproduces a
//! stopped search, every kept state is k-regular and connected, and each search does its job.

use rgp::config::{Direction, GraphConfig, Init, SearchKind};
use rgp::graph::AsplKernel;
use rgp::search::{Runner, run};

fn cfg(n: u32, k: u32, init: Init, search: SearchKind) -> GraphConfig {
    GraphConfig {
        nodes: n,
        degree: k,
        init,
        search,
        seed: 7,
        steps: 3,
        iters: 3000,
        target_aspl: 4.0,
        ..GraphConfig::default()
    }
}

fn all_kinds() -> Vec<GraphConfig> {
    let mut v = Vec::new();
    for init in [Init::Ring, Init::Random] {
        for search in [SearchKind::Paper, SearchKind::Anneal, SearchKind::Target] {
            v.push(cfg(32, 4, init, search));
        }
    }
    v
}

fn finish(r: &mut Runner) {
    while !r.is_done() {
        r.step(1000);
    }
}

#[test]
fn chunking_does_not_change_the_result() {
    for c in all_kinds() {
        let mut whole = Runner::new(&c).unwrap();
        finish(&mut whole);
        let mut ones = Runner::new(&c).unwrap();
        while !ones.is_done() {
            ones.step(1);
        }
        let mut odd = Runner::new(&c).unwrap();
        let mut b = 1;
        while !odd.is_done() {
            odd.step(b);
            b = b * 7 % 101 + 1;
        }
        for r in [&ones, &odd] {
            assert_eq!(r.progress(), whole.progress(), "{c:?}");
            assert_eq!(r.result().fingerprint(), whole.result().fingerprint());
            assert_eq!(r.current().fingerprint(), whole.current().fingerprint());
        }
    }
}

#[test]
fn stop_after_reproduces_a_stopped_search() {
    for c in all_kinds() {
        let mut live = Runner::new(&c).unwrap();
        live.step(777);
        let stopped = live.progress();
        let mut link = c.clone();
        link.stop_after = Some(stopped.iterations);
        let mut replay = Runner::new(&link).unwrap();
        finish(&mut replay);
        let p = replay.progress();
        assert_eq!(p.iterations, stopped.iterations, "{c:?}");
        assert!(p.done);
        assert_eq!(replay.result().fingerprint(), live.result().fingerprint());
        assert_eq!(replay.current().fingerprint(), live.current().fingerprint());
    }
    // Exactly m iterations when the search would run longer.
    let mut c = cfg(64, 4, Init::Ring, SearchKind::Anneal);
    c.stop_after = Some(1234);
    let (_, p) = run(&c, None).unwrap();
    assert_eq!(p.iterations, 1234);
}

#[test]
fn every_kept_state_is_regular_and_connected() {
    let mut kern = AsplKernel::new();
    for c in all_kinds() {
        let mut r = Runner::new(&c).unwrap();
        let mut kept = 0;
        while !r.is_done() && kept < 200 {
            let before = r.progress().accepted;
            let p = r.step(1);
            if p.accepted > before {
                kept += 1;
                let g = r.current();
                g.check().unwrap();
                assert_eq!(g.k(), c.degree);
                let s = kern.stats(g).expect("connected");
                assert_eq!(s.aspl(g.n()), p.aspl);
                let [s1, t1, s2, t2] = p.last_swap.unwrap();
                assert!(g.has_edge(s1, t2) && g.has_edge(s2, t1));
            }
        }
        assert!(kept > 0, "{c:?}");
    }
}

#[test]
fn progress_serialises() {
    let mut r = Runner::new(&cfg(16, 4, Init::Random, SearchKind::Anneal)).unwrap();
    let p = r.step(50);
    let s = serde_json::to_string(&p).unwrap();
    assert!(s.contains("\"best_aspl\"") && s.contains("\"last_swap\""));
    let back: rgp::search::Progress = serde_json::from_str(&s).unwrap();
    assert_eq!(
        (back.iterations, back.accepted, back.last_swap),
        (p.iterations, p.accepted, p.last_swap)
    );
    assert!((back.aspl - p.aspl).abs() < 1e-12 && (back.best_aspl - p.best_aspl).abs() < 1e-12);
}

#[test]
fn paper_min_steps_stay_in_the_window() {
    // Each call lowers the ASPL by at most interval_up relative to its start; a call that
    // returns early lowered it by a step inside (down, up).
    let mut c = cfg(64, 4, Init::Ring, SearchKind::Paper);
    c.steps = 1;
    let mut aspl = Runner::new(&c).unwrap().progress().aspl;
    for steps in 1..=12 {
        c.steps = steps;
        let (_, p) = run(&c, None).unwrap();
        let drop = aspl - p.aspl;
        assert!(
            (0.0..=c.interval_up).contains(&drop),
            "step {steps}: {aspl} -> {}",
            p.aspl
        );
        aspl = p.aspl;
    }
    assert!(aspl < 8.381 - 12.0 * c.interval_down);
}

#[test]
fn paper_max_and_random_directions() {
    let mut c = cfg(64, 4, Init::Random, SearchKind::Paper);
    c.direction = Direction::Max;
    c.steps = 5;
    let start = Runner::new(&c).unwrap().progress().aspl;
    let (_, p) = run(&c, None).unwrap();
    assert!(
        p.aspl > start + 5.0 * c.interval_down,
        "{start} -> {}",
        p.aspl
    );
    c.direction = Direction::Random;
    c.steps = 1;
    let (_, p) = run(&c, None).unwrap();
    let d = (p.aspl - start).abs();
    assert!(
        c.interval_down < d && d < c.interval_up,
        "{start} -> {}",
        p.aspl
    );
}

#[test]
fn anneal_reaches_the_moore_bound_where_it_is_easy() {
    // (32,8) and (64,16): diameter-2 graphs exist; the bound is 2 - k/(n-1).
    for (n, k, iters) in [(32u32, 8u32, 30_000u64), (64, 16, 60_000)] {
        let mut c = cfg(n, k, Init::Random, SearchKind::Anneal);
        c.iters = iters;
        let (g, p) = run(&c, None).unwrap();
        let bound = 2.0 - k as f64 / (n as f64 - 1.0);
        assert!(
            (p.best_aspl - bound).abs() < 1e-12,
            "({n},{k}): {}",
            p.best_aspl
        );
        assert_eq!(rgp::graph::Metrics::compute(&g).gap, 0.0);
    }
}

#[test]
fn target_reaches_from_above_and_below() {
    for (init, goal) in [(Init::Ring, 4.0), (Init::Random, 5.0), (Init::Ring, 3.3)] {
        let mut c = cfg(64, 4, init, SearchKind::Target);
        c.target_aspl = goal;
        c.iters = 200_000;
        let (_, p) = run(&c, None).unwrap();
        assert!(
            (p.best_aspl - goal).abs() <= c.tolerance,
            "{init:?} {goal}: {}",
            p.best_aspl
        );
    }
    let mut c = cfg(64, 4, Init::Ring, SearchKind::Target);
    c.target_aspl = 2.5;
    let e = Runner::new(&c).err().unwrap();
    assert!(e.message().contains("below"), "{e}");
}

#[test]
fn none_keeps_the_start_graph() {
    let c = cfg(64, 6, Init::Random, SearchKind::None);
    let (g, p) = run(&c, None).unwrap();
    assert!(p.done && p.iterations == 0);
    assert_eq!(g, rgp::graph::generate::random(64, 6, 7).unwrap());
}

#[test]
fn bad_configs_are_one_line_errors() {
    for (n, k) in [(64u32, 64u32), (63, 5), (2000, 4), (3, 2), (64, 1)] {
        let c = cfg(n, k, Init::Ring, SearchKind::Anneal);
        let e = Runner::new(&c).err().unwrap();
        assert!(!e.message().contains('\n'));
    }
}
