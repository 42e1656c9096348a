//! Progress of a graph search on stderr (`rgp graph`, `rgp family`).

use crate::search::Progress;
use std::time::Instant;

/// Progress lines on stderr, at most four a second.
pub struct Meter {
    quiet: bool,
    start: Instant,
    last: Option<Instant>,
}

impl Meter {
    pub fn new(quiet: bool) -> Meter {
        Meter {
            quiet,
            start: Instant::now(),
            last: None,
        }
    }

    pub fn report(&mut self, p: &Progress) {
        if self.quiet || self.last.is_some_and(|t| t.elapsed().as_millis() < 250) {
            return;
        }
        self.last = Some(Instant::now());
        let secs = self.start.elapsed().as_secs_f64().max(1e-9);
        eprintln!(
            "iter {:>10}  aspl {:.4} (diameter {})  best {:.4} (diameter {})  {:.0} evals/s",
            p.iterations,
            p.aspl,
            p.diameter,
            p.best_aspl,
            p.best_diameter,
            p.evaluations as f64 / secs
        );
    }

    pub fn finish(&self, p: &Progress, elapsed_ms: f64) {
        if !self.quiet {
            eprintln!(
                "done: {} iterations, {} evaluations, {} kept, ASPL {:.6} (diameter {}) in {:.0} ms",
                p.iterations, p.evaluations, p.accepted, p.best_aspl, p.best_diameter, elapsed_ms
            );
        }
    }
}
