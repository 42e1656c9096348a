//! The linear assignment problem: each row gets one column, every column is taken once, and the
//! total cost is the least possible (the Hungarian method with potentials, O(n³)).

/// `cost` is row-major `n × n`; returns the column of every row. Exact for finite costs.
pub fn min_cost(cost: &[f64], n: usize) -> Vec<usize> {
    debug_assert_eq!(cost.len(), n * n);
    // Rows and columns 1-based; column 0 is the virtual start of each augmenting path.
    let mut u = vec![0f64; n + 1];
    let mut v = vec![0f64; n + 1];
    let mut row_of = vec![0usize; n + 1];
    let mut way = vec![0usize; n + 1];
    for row in 1..=n {
        row_of[0] = row;
        let mut col = 0;
        let mut min_to = vec![f64::INFINITY; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[col] = true;
            let r = row_of[col];
            let (mut delta, mut next) = (f64::INFINITY, 0);
            for j in 1..=n {
                if used[j] {
                    continue;
                }
                let reduced = cost[(r - 1) * n + j - 1] - u[r] - v[j];
                if reduced < min_to[j] {
                    min_to[j] = reduced;
                    way[j] = col;
                }
                if min_to[j] < delta {
                    delta = min_to[j];
                    next = j;
                }
            }
            for j in 0..=n {
                if used[j] {
                    u[row_of[j]] += delta;
                    v[j] -= delta;
                } else {
                    min_to[j] -= delta;
                }
            }
            col = next;
            if row_of[col] == 0 {
                break;
            }
        }
        // Flip the augmenting path.
        while col != 0 {
            let prev = way[col];
            row_of[col] = row_of[prev];
            col = prev;
        }
    }
    let mut out = vec![0usize; n];
    for j in 1..=n {
        out[row_of[j] - 1] = j - 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::min_cost;

    fn total(cost: &[f64], n: usize, a: &[usize]) -> f64 {
        (0..n).map(|r| cost[r * n + a[r]]).sum()
    }

    /// Every permutation of 0..n (n ≤ 6 here).
    fn permutations(n: usize) -> Vec<Vec<usize>> {
        if n == 0 {
            return vec![vec![]];
        }
        let mut out = Vec::new();
        for p in permutations(n - 1) {
            for i in 0..n {
                let mut q = p.clone();
                q.insert(i, n - 1);
                out.push(q);
            }
        }
        out
    }

    #[test]
    fn matches_brute_force_on_random_matrices() {
        let mut rng = crate::graph::Rng::new(7);
        for n in 1..=6 {
            for _ in 0..20 {
                let cost: Vec<f64> = (0..n * n).map(|_| (rng.below(21) as f64) - 10.0).collect();
                let a = min_cost(&cost, n);
                let mut seen = a.clone();
                seen.sort_unstable();
                assert_eq!(seen, (0..n).collect::<Vec<_>>(), "a permutation");
                let best = permutations(n)
                    .iter()
                    .map(|p| total(&cost, n, p))
                    .fold(f64::INFINITY, f64::min);
                assert_eq!(total(&cost, n, &a), best, "n = {n}, cost {cost:?}");
            }
        }
    }
}
