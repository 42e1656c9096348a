//! The one source of randomness. Every random choice in the crate flows from a seed through
//! [`Rng`], and every draw is made in 32/64-bit integers we control, so the same seed gives the
//! same sequence on x86_64 and wasm32 (rand's `usize` ranges differ between the two).

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng as _, SeedableRng};

#[derive(Clone, Debug)]
pub struct Rng(Xoshiro256PlusPlus);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(Xoshiro256PlusPlus::seed_from_u64(seed))
    }

    /// An independent stream for one purpose (`tag`), so that adding draws to one part of the
    /// pipeline (say weight init) never shifts another (say the graph).
    pub fn derive(seed: u64, tag: &str) -> Self {
        let mut h = splitmix64(seed);
        for b in tag.bytes() {
            h = splitmix64(h ^ b as u64);
        }
        Rng::new(h)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    pub fn next_u32(&mut self) -> u32 {
        (self.0.next_u64() >> 32) as u32
    }

    /// Uniform integer in `0..n` (Lemire's nearly-divisionless method, unbiased). `n > 0`.
    pub fn below(&mut self, n: u32) -> u32 {
        debug_assert!(n > 0);
        let mut m = self.next_u32() as u64 * n as u64;
        if (m as u32) < n {
            let t = n.wrapping_neg() % n;
            while (m as u32) < t {
                m = self.next_u32() as u64 * n as u64;
            }
        }
        (m >> 32) as u32
    }

    /// Uniform `f64` in `[0, 1)` with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u32 + 1) as usize;
            items.swap(i, j);
        }
    }
}

/// SplitMix64 finaliser: a cheap, well-mixed bijection on `u64`.
pub fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_known_values() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        // Pinned so that a change of generator (which would change every shared link) is caught.
        let mut r = Rng::new(1);
        let first: Vec<u32> = (0..4).map(|_| r.below(1000)).collect();
        assert_eq!(first, PINNED_BELOW_1000_SEED_1);
    }

    const PINNED_BELOW_1000_SEED_1: [u32; 4] = [811, 747, 100, 746];

    #[test]
    fn below_is_in_range_and_covers() {
        let mut r = Rng::new(3);
        let mut seen = [false; 7];
        for _ in 0..1000 {
            let x = r.below(7);
            assert!(x < 7);
            seen[x as usize] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }

    #[test]
    fn derived_streams_differ() {
        assert_ne!(
            Rng::derive(5, "graph").next_u64(),
            Rng::derive(5, "init").next_u64()
        );
    }
}
