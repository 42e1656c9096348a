//! Channel groups: a layer with `c` channels is cut into `n` contiguous groups of ⌊c/n⌋ or ⌈c/n⌉.

use crate::{Result, bail};

/// Sizes of the `n` channel groups of a `channels`-wide layer: the first `channels mod n` groups
/// get ⌈c/n⌉ channels, the rest ⌊c/n⌋; they sum to `channels`.
///
/// The reference `compute_size` builds the same multiset of sizes and then permutes it with
/// `np.random.seed(1)`, which only decides *which* nodes own one extra channel. When `n` divides
/// `c` (every configuration the paper trains) all groups are equal and the two agree exactly;
/// otherwise ours is the deterministic, platform-independent choice of the same sizes.
pub fn compute_size(channels: u32, n: u32) -> Result<Vec<u32>> {
    if n == 0 {
        bail!("nodes must be positive");
    }
    if channels < n {
        bail!(
            "a layer with {channels} channels cannot be split into {n} groups (needs at least {n})"
        );
    }
    let (q, r) = (channels / n, channels % n);
    Ok((0..n).map(|i| if i < r { q + 1 } else { q }).collect())
}

/// Group index of every channel, `g(c)`, for contiguous groups of the given sizes.
pub fn group_of(sizes: &[u32]) -> Vec<u32> {
    sizes
        .iter()
        .enumerate()
        .flat_map(|(g, &s)| std::iter::repeat_n(g as u32, s as usize))
        .collect()
}

/// First channel of every group (prefix sums of `sizes`), with the total appended.
pub fn offsets(sizes: &[u32]) -> Vec<u32> {
    let mut o = Vec::with_capacity(sizes.len() + 1);
    let mut acc = 0;
    o.push(0);
    for &s in sizes {
        acc += s;
        o.push(acc);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_sum_and_differ_by_at_most_one() {
        for c in 64..300 {
            let s = compute_size(c, 64).unwrap();
            assert_eq!(s.iter().sum::<u32>(), c);
            let (lo, hi) = (*s.iter().min().unwrap(), *s.iter().max().unwrap());
            assert!(hi - lo <= 1 && lo == c / 64);
        }
        assert_eq!(compute_size(10, 4).unwrap(), vec![3, 3, 2, 2]);
        assert!(compute_size(3, 4).is_err());
    }

    #[test]
    fn groups_are_contiguous() {
        let g = group_of(&[3, 3, 2, 2]);
        assert_eq!(g, vec![0, 0, 0, 1, 1, 1, 2, 2, 3, 3]);
        assert_eq!(offsets(&[3, 3, 2, 2]), vec![0, 3, 6, 8, 10]);
    }
}
