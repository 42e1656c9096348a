// Statistics of a sweep, the same as src/sweep/stats.rs and src/sweep/summary.rs (the native
// `rgp sweep` writes the same summary): mean ± sd, Pearson and Spearman correlation with
// Fisher-z 95% intervals and two-sided p-values, Welch's difference of means, and the summary
// of a list of result rows. tests/e2e/sweep-stats.spec.mjs checks them against scipy.

const Z_975 = 1.959963984540054;

export function mean(x) {
  return x.reduce((a, b) => a + b, 0) / x.length;
}

/** Sample standard deviation (n−1); 0 for fewer than two values. */
export function sd(x) {
  if (x.length < 2) return 0;
  const m = mean(x);
  return Math.sqrt(x.reduce((a, v) => a + (v - m) * (v - m), 0) / (x.length - 1));
}

function pearsonR(x, y) {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

function withInterval(r, n, varFactor) {
  let lo = NaN;
  let hi = NaN;
  if (n > 3 && Number.isFinite(r)) {
    const z = Math.atanh(Math.max(-0.999999999, Math.min(0.999999999, r)));
    const se = Math.sqrt(varFactor / (n - 3));
    lo = Math.tanh(z - Z_975 * se);
    hi = Math.tanh(z + Z_975 * se);
  }
  let p = NaN;
  if (n > 2 && Number.isFinite(r)) {
    if (Math.abs(r) >= 1) p = 0;
    else {
      const df = n - 2;
      const t2 = (r * r * df) / (1 - r * r);
      p = incBeta(df / 2, 0.5, df / (df + t2));
    }
  }
  return { r, n, ci_low: lo, ci_high: hi, p };
}

/** Pearson's r with a Fisher-z 95% interval. */
export function pearson(x, y) {
  return withInterval(pearsonR(x, y), x.length, 1);
}

/** Spearman's ρ (Pearson on average ranks) with the Bonett–Wright interval. */
export function spearman(x, y) {
  const r = pearsonR(ranks(x), ranks(y));
  return withInterval(r, x.length, 1 + (r * r) / 2);
}

/** Average ranks (1-based), ties share the mean of their positions. */
export function ranks(x) {
  const idx = x.map((_, i) => i).sort((a, b) => x[a] - x[b]);
  const out = new Array(x.length).fill(0);
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && x[idx[j + 1]] === x[idx[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[idx[k]] = rank;
    i = j + 1;
  }
  return out;
}

/** Regularised incomplete beta I_x(a, b) (continued fraction, Lentz). */
export function incBeta(a, b, x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(front) * betaCf(a, b, x)) / a;
  return 1 - (Math.exp(front) * betaCf(b, a, 1 - x)) / b;
}

function betaCf(a, b, x) {
  const TINY = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 300; m++) {
    const m2 = 2 * m;
    for (const aa of [(m * (b - m) * x) / ((qam + m2) * (a + m2)), (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2))]) {
      d = 1 + aa * d;
      if (Math.abs(d) < TINY) d = TINY;
      c = 1 + aa / c;
      if (Math.abs(c) < TINY) c = TINY;
      d = 1 / d;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}

const LANCZOS = [0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
  12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7];

function lnGamma(x) {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const y = x - 1;
  const t = y + 7.5;
  let s = LANCZOS[0];
  for (let i = 1; i < 9; i++) s += LANCZOS[i] / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(s);
}

export function tCdf(t, df) {
  const tail = 0.5 * incBeta(df / 2, 0.5, df / (df + t * t));
  return t >= 0 ? 1 - tail : tail;
}

export function tQuantile(q, df) {
  let lo = -1e3;
  let hi = 1e3;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (tCdf(mid, df) < q) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** mean(a) − mean(b) with Welch's 95% interval and two-sided p-value. */
export function welch(a, b) {
  const diff = mean(a) - mean(b);
  const va = sd(a) ** 2 / a.length;
  const vb = sd(b) ** 2 / b.length;
  const se2 = va + vb;
  if (a.length < 2 || b.length < 2 || !(se2 > 0) || !Number.isFinite(diff)) {
    return { diff, ci_low: NaN, ci_high: NaN, p: NaN, df: NaN };
  }
  const df = (se2 * se2) / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  const se = Math.sqrt(se2);
  const half = tQuantile(0.975, df) * se;
  const t = diff / se;
  return { diff, ci_low: diff - half, ci_high: diff + half, p: incBeta(df / 2, 0.5, df / (df + t * t)), df };
}

// ---- summary of result rows (src/sweep/summary.rs) -----------------------------------------

export const CONFOUND_NOTE = 'ASPL and clustering fall together in these families (edge swaps that shorten paths also break ' +
  'triangles), so a correlation of accuracy with either one is also a correlation with the other; these sweeps cannot ' +
  'tell which of the two matters.';

const BASELINES = ['dense', 'random-unstructured', 'random-regular', 'magnitude'];

function group(rows) {
  const acc = rows.map((r) => r.test_accuracy);
  const avg = (k) => {
    const v = rows.map((r) => r[k]).filter((x) => x !== null && x !== undefined);
    return v.length ? mean(v) : null;
  };
  return {
    runs: acc.length, mean: mean(acc), sd: sd(acc), min: Math.min(...acc), max: Math.max(...acc),
    aspl: avg('aspl'), clustering: avg('clustering'),
  };
}

function gain(a, b) {
  const d = welch(a.map((r) => 100 * r.test_accuracy), b.map((r) => 100 * r.test_accuracy));
  return { points: d.diff, ci_low: d.ci_low, ci_high: d.ci_high, p: d.p };
}

const both = (x, y) => ({ pearson: pearson(x, y), spearman: spearman(x, y) });

/**
 * The summary of rows {kind, degree, graph, aspl, clustering, fingerprint, seed, test_accuracy,
 * train_loss, seconds} of a sweep over `nodes` nodes whose family has degree `degree`.
 */
export function summarize(rows, nodes, degree) {
  const family = rows.filter((r) => r.kind === 'graph' && r.degree === degree && r.graph !== null);
  const byGraph = new Map();
  for (const r of family) {
    if (!byGraph.has(r.graph)) byGraph.set(r.graph, []);
    byGraph.get(r.graph).push(r);
  }
  const indices = [...byGraph.keys()].sort((a, b) => a - b);
  const graphs = indices.map((index) => ({ index, fingerprint: byGraph.get(index)[0].fingerprint, ...group(byGraph.get(index)) }));

  const against = (key) => {
    const runs = family.filter((r) => r[key] !== null);
    const means = graphs.filter((g) => g[key] !== null);
    if (means.length < 2) return null;
    return {
      runs: both(runs.map((r) => r[key]), runs.map((r) => r.test_accuracy)),
      means: both(means.map((g) => g[key]), means.map((g) => g.mean)),
    };
  };
  const withBoth = graphs.filter((g) => g.aspl !== null && g.clustering !== null);

  const lowest = indices.length ? indices[0] : null;
  const highest = indices.length ? indices[indices.length - 1] : null;
  const bestRows = lowest === null ? [] : byGraph.get(lowest);
  const ringRows = highest === null ? [] : byGraph.get(highest);
  const bestVsRing = lowest !== null && lowest !== highest
    ? { best_index: lowest, ring_index: highest, best: group(bestRows), ring: group(ringRows), gain: gain(bestRows, ringRows) }
    : null;

  const baselines = [];
  const add = (kind, rs) => {
    if (!rs.length) return;
    baselines.push({ kind, ...group(rs), minus_best: bestRows.length ? gain(rs, bestRows) : null });
  };
  add('ring', ringRows);
  for (const k of BASELINES) add(k, rows.filter((r) => r.kind === k && r.degree === degree));

  const deg = new Map();
  const slot = (k) => {
    if (!deg.has(k)) deg.set(k, { best: [], worst: [] });
    return deg.get(k);
  };
  for (const r of rows) {
    if (r.kind === 'degree-best') slot(r.degree).best.push(r);
    if (r.kind === 'degree-worst') slot(r.degree).worst.push(r);
  }
  if (bestVsRing) {
    slot(degree).best.push(...bestRows);
    slot(degree).worst.push(...ringRows);
  }
  const degrees = [...deg.keys()].sort((a, b) => a - b).map((k) => {
    const { best, worst } = deg.get(k);
    return {
      degree: k,
      kept_fraction: k / nodes,
      best: best.length ? group(best) : null,
      worst: worst.length ? group(worst) : null,
      gain: best.length && worst.length ? gain(best, worst) : null,
    };
  });

  return {
    runs: rows.length,
    nodes,
    degree,
    graphs,
    accuracy_vs_aspl: against('aspl'),
    accuracy_vs_clustering: against('clustering'),
    aspl_vs_clustering: withBoth.length >= 2 ? both(withBoth.map((g) => g.aspl), withBoth.map((g) => g.clustering)) : null,
    confound_note: CONFOUND_NOTE,
    best_vs_ring: bestVsRing,
    baselines,
    degrees,
  };
}
