//! Small statistics for sweeps: mean ± sd, Pearson and Spearman correlation with Fisher-z
//! confidence intervals and two-sided p-values (Student t with n−2 degrees of freedom), and
//! Welch's difference of two means with its interval.

use serde::Serialize;

/// 97.5% quantile of the standard normal, for 95% intervals.
const Z_975: f64 = 1.959_963_984_540_054;

pub fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Sample standard deviation (n−1); 0 for fewer than two values.
pub fn sd(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let m = mean(x);
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64).sqrt()
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Correlation {
    pub r: f64,
    pub n: usize,
    /// 95% confidence interval (Fisher z); NaN when n ≤ 3.
    pub ci_low: f64,
    pub ci_high: f64,
    /// Two-sided p-value of r = 0; NaN when n ≤ 2.
    pub p: f64,
}

/// Pearson's r with a Fisher-z 95% interval (standard error 1/√(n−3)).
pub fn pearson(x: &[f64], y: &[f64]) -> Correlation {
    let r = pearson_r(x, y);
    with_interval(r, x.len(), 1.0)
}

/// Spearman's ρ (Pearson on average ranks, so ties are handled) with a Fisher-z interval using
/// the Bonett–Wright standard error √((1 + ρ²/2)/(n−3)).
pub fn spearman(x: &[f64], y: &[f64]) -> Correlation {
    let r = pearson_r(&ranks(x), &ranks(y));
    with_interval(r, x.len(), 1.0 + r * r / 2.0)
}

fn pearson_r(x: &[f64], y: &[f64]) -> f64 {
    assert_eq!(x.len(), y.len(), "correlation needs paired samples");
    let (mx, my) = (mean(x), mean(y));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx == 0.0 || syy == 0.0 {
        return f64::NAN;
    }
    (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0)
}

fn with_interval(r: f64, n: usize, var_factor: f64) -> Correlation {
    let (ci_low, ci_high) = if n > 3 && r.is_finite() {
        let z = r.clamp(-0.999_999_999, 0.999_999_999).atanh();
        let se = (var_factor / (n as f64 - 3.0)).sqrt();
        ((z - Z_975 * se).tanh(), (z + Z_975 * se).tanh())
    } else {
        (f64::NAN, f64::NAN)
    };
    let p = if n > 2 && r.is_finite() {
        if r.abs() >= 1.0 {
            0.0
        } else {
            let df = n as f64 - 2.0;
            let t2 = r * r * df / (1.0 - r * r);
            // P(|T| > t) = I_{df/(df+t²)}(df/2, 1/2).
            inc_beta(df / 2.0, 0.5, df / (df + t2))
        }
    } else {
        f64::NAN
    };
    Correlation {
        r,
        n,
        ci_low,
        ci_high,
        p,
    }
}

/// Difference of two means, `mean(a) − mean(b)`, with Welch's 95% interval and two-sided
/// p-value (unequal variances, Welch–Satterthwaite degrees of freedom).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Difference {
    pub diff: f64,
    /// NaN when either side has fewer than two values or both have zero spread.
    pub ci_low: f64,
    pub ci_high: f64,
    pub p: f64,
    pub df: f64,
}

pub fn welch(a: &[f64], b: &[f64]) -> Difference {
    let diff = mean(a) - mean(b);
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (va, vb) = (sd(a).powi(2) / na, sd(b).powi(2) / nb);
    let se2 = va + vb;
    if a.len() < 2 || b.len() < 2 || se2.is_nan() || se2 <= 0.0 || !diff.is_finite() {
        return Difference {
            diff,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            p: f64::NAN,
            df: f64::NAN,
        };
    }
    let df = se2 * se2 / (va * va / (na - 1.0) + vb * vb / (nb - 1.0));
    let se = se2.sqrt();
    let half = t_quantile(0.975, df) * se;
    let t = diff / se;
    Difference {
        diff,
        ci_low: diff - half,
        ci_high: diff + half,
        p: inc_beta(df / 2.0, 0.5, df / (df + t * t)),
        df,
    }
}

/// Student t CDF with `df` degrees of freedom.
pub fn t_cdf(t: f64, df: f64) -> f64 {
    let tail = 0.5 * inc_beta(df / 2.0, 0.5, df / (df + t * t));
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// Quantile of Student's t (bisection on the CDF; `0 < q < 1`).
pub fn t_quantile(q: f64, df: f64) -> f64 {
    let (mut lo, mut hi) = (-1e3, 1e3);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_cdf(mid, df) < q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Average ranks (1-based); ties share the mean of their positions.
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut out = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            out[k] = rank;
        }
        i = j + 1;
    }
    out
}

/// Regularised incomplete beta I_x(a, b) (continued fraction, Lentz's method).
fn inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * beta_cf(a, b, x) / a
    } else {
        1.0 - ln_front.exp() * beta_cf(b, a, 1.0 - x) / b
    }
}

fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    d = if d.abs() < TINY { TINY } else { d };
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        for aa in [
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ] {
            d = 1.0 + aa * d;
            d = if d.abs() < TINY { TINY } else { d };
            c = 1.0 + aa / c;
            c = if c.abs() < TINY { TINY } else { c };
            d = 1.0 / d;
            h *= d * c;
        }
        if (d * c - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9).
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let s: f64 = C[0]
        + C[1..]
            .iter()
            .enumerate()
            .map(|(i, c)| c / (x + i as f64 + 1.0))
            .sum::<f64>();
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + s.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol * b.abs().max(1e-300), "{a} vs {b}");
    }

    // Reference values from scipy.stats 1.x (pearsonr, its confidence_interval, spearmanr).
    const ASPL: [f64; 11] = [
        3.046, 3.505, 4.062, 5.032, 5.538, 6.028, 6.561, 7.049, 7.569, 8.101, 8.381,
    ];
    const ACC: [f64; 11] = [
        91.8, 91.5, 91.6, 91.2, 91.0, 90.9, 90.7, 90.8, 90.6, 90.5, 90.4,
    ];

    #[test]
    fn pearson_matches_scipy() {
        let c = pearson(&ASPL, &ACC);
        close(c.r, -0.981_869_570_661_189_8, 1e-12);
        close(c.ci_low, -0.995_434_586_370_335_6, 1e-9);
        close(c.ci_high, -0.929_424_934_633_453_9, 1e-9);
        close(c.p, 8.297_332_076_261_252e-8, 1e-6);
        let c = pearson(&[1.0, 2.0, 2.0, 3.0, 4.0], &[2.0, 1.0, 3.0, 3.0, 5.0]);
        close(c.r, 0.798_271_734_585_261_5, 1e-12);
        close(c.p, 0.105_410_866_487_384_54, 1e-6);
        close(c.ci_low, -0.284_042_550_025_437_66, 1e-9);
        close(c.ci_high, 0.986_064_453_400_218_6, 1e-9);
    }

    #[test]
    fn spearman_matches_scipy_with_ties() {
        close(spearman(&ASPL, &ACC).r, -0.981_818_181_818_181_8, 1e-12);
        close(spearman(&ASPL, &ACC).p, 8.403_066_433_955_256e-8, 1e-6);
        let c = spearman(&[1.0, 2.0, 2.0, 3.0, 4.0], &[2.0, 1.0, 3.0, 3.0, 5.0]);
        close(c.r, 0.763_157_894_736_842_1, 1e-12);
        close(c.p, 0.133_339_119_531_806_24, 1e-6);
    }

    #[test]
    fn welch_and_t_quantiles_match_scipy() {
        // scipy.stats.t.ppf
        for (q, df, want) in [
            (0.975, 4.0, 2.776_445_105_197_793_4),
            (0.975, 10.0, 2.228_138_851_986_274),
            (0.975, 2.5, 3.574_654_842_003_681_7),
            (0.975, 100.0, 1.983_971_518_523_551_8),
            (0.995, 3.0, 5.840_909_309_733_355),
        ] {
            close(t_quantile(q, df), want, 1e-9);
        }
        // scipy.stats.ttest_ind(a, b, equal_var=False) and its confidence_interval()
        let d = welch(&[91.2, 91.5, 91.0], &[90.1, 90.6, 90.3, 90.0]);
        close(d.diff, 0.983_333_333_333_334_3, 1e-12);
        close(d.df, 4.588_221_325_100_912, 1e-9);
        close(d.p, 0.005_178_101_778_528_616, 1e-6);
        close(d.ci_low, 0.464_277_165_579_635_94, 1e-8);
        close(d.ci_high, 1.502_389_501_087_032_7, 1e-8);
        assert!(welch(&[1.0], &[1.0, 2.0]).ci_low.is_nan());
        assert!(welch(&[1.0, 1.0], &[2.0, 2.0]).p.is_nan());
    }

    #[test]
    fn ranks_average_ties_and_degenerate_cases() {
        assert_eq!(ranks(&[10.0, 20.0, 10.0, 5.0]), vec![2.5, 4.0, 2.5, 1.0]);
        assert!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]).r.is_nan());
        assert!(pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 7.0]).ci_low.is_nan());
        assert_eq!(sd(&[5.0]), 0.0);
        close(sd(&[1.0, 2.0, 3.0, 4.0]), 1.290_994_448_735_805_6, 1e-12);
    }
}
