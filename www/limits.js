// The graph engine's limits and its configuration rules, mirrored in JS so the page can explain a
// bad value next to its control while the user types. The engine (wasm `parse_config`, i.e.
// `GraphConfig::validate`) stays the authority; the end-to-end suite checks that these constants
// equal the engine's `limits()`.

export const LIMITS = Object.freeze({
  minNodes: 4,
  maxNodes: 1024,
  maxSeed: 4294967295,
  maxSteps: 10000,
  maxIters: 1000000000,
  maxTrajectories: 1000,
  maxFamily: 20000,
});

/** A family keeps every graph it makes; past this many bytes of graphs a tab may run out of memory. */
export const MAX_FAMILY_BYTES = 512 * 1024 * 1024;

/**
 * The first problem with a graph configuration as { field, message }, or null when it is valid.
 * Same rules, same order and the same wording as the engine.
 */
export function checkGraphConfig(c) {
  const n = c.nodes;
  const k = c.degree;
  if (!(n >= LIMITS.minNodes && n <= LIMITS.maxNodes)) {
    return { field: 'nodes', message: `nodes must be between ${LIMITS.minNodes} and ${LIMITS.maxNodes} (got ${n})` };
  }
  if (!(k >= 2 && k < n)) {
    return { field: 'degree', message: `degree must be between 2 and nodes-1 = ${n - 1} (got ${k})` };
  }
  if ((n * k) % 2 !== 0) {
    return { field: 'degree', message: `nodes x degree must be even for a regular graph to exist (got ${n} x ${k})` };
  }
  if (c.steps > LIMITS.maxSteps) {
    return { field: 'steps', message: `steps must be at most ${LIMITS.maxSteps} (got ${c.steps})` };
  }
  if (c.iters > LIMITS.maxIters) {
    return { field: 'iters', message: `iters must be at most ${LIMITS.maxIters} (got ${c.iters})` };
  }
  if (c.trajectories > LIMITS.maxTrajectories) {
    return { field: 'trajectories', message: `trajectories must be at most ${LIMITS.maxTrajectories} (got ${c.trajectories})` };
  }
  const ok = (x) => Number.isFinite(x) && x >= 0;
  if (!ok(c.interval_down) || !ok(c.interval_up) || c.interval_down >= c.interval_up) {
    return {
      field: 'interval_up',
      message: `intervals must satisfy 0 <= interval_down < interval_up (got ${c.interval_down} and ${c.interval_up})`,
    };
  }
  if (c.search === 'target' && !(Number.isFinite(c.target_aspl) && c.target_aspl >= 1)) {
    return { field: 'target_aspl', message: `target ASPL must be a number >= 1 (got ${c.target_aspl})` };
  }
  if (!(Number.isFinite(c.tolerance) && c.tolerance > 0)) {
    return { field: 'tolerance', message: `tolerance must be a positive number (got ${c.tolerance})` };
  }
  if (c.search === 'family') return checkFamily(c);
  return null;
}

/** The family builder's own rules, plus what fits in a browser tab. */
function checkFamily(c) {
  if (c.trajectories < 1 || c.steps < 1) {
    return { field: 'steps', message: 'a family needs at least one trajectory and one graph per trajectory' };
  }
  const graphs = c.trajectories * c.steps;
  if (graphs > LIMITS.maxFamily) {
    return { field: 'trajectories', message: `a family holds at most ${LIMITS.maxFamily} graphs (asked for ${c.trajectories} x ${c.steps})` };
  }
  const bytes = graphs * (4 * c.nodes * c.degree + 8 * c.nodes * Math.ceil(c.nodes / 64));
  if (bytes > MAX_FAMILY_BYTES) {
    return {
      field: 'trajectories',
      message: `${graphs} graphs of ${c.nodes} nodes need about ${Math.round(bytes / 2 ** 20)} MB, more than a tab can hold (${MAX_FAMILY_BYTES / 2 ** 20} MB); use fewer trajectories or steps, or rgp family`,
    };
  }
  return null;
}

/** Which control an engine error message belongs to (its first word names the field). */
export function fieldOfMessage(message) {
  const m = /^(nodes x degree|nodes|degree|steps|iters|trajectories|intervals|target ASPL|tolerance|seed|a family)\b/.exec(message);
  if (!m) return null;
  return {
    'nodes x degree': 'degree',
    nodes: 'nodes',
    degree: 'degree',
    steps: 'steps',
    iters: 'iters',
    intervals: 'interval_up',
    'target ASPL': 'target_aspl',
    tolerance: 'tolerance',
    seed: 'seed',
    trajectories: 'trajectories',
    'a family': 'trajectories',
  }[m[1]];
}

/** Pruning ratio (fraction of masked weights removed) for a degree: 1 - k/n. */
export function pruningRatio(n, k) {
  return 1 - k / n;
}

/**
 * The valid degree nearest to a requested pruning ratio: k ≈ (1 - ratio)·n, 2 <= k <= n-1, and
 * n·k even (for odd n the degree must be even). Ties go to the larger degree (less pruning).
 */
export function degreeForRatio(n, ratio) {
  const want = (1 - ratio) * n;
  let best = null;
  for (let k = 2; k < n; k++) {
    if ((n * k) % 2 !== 0) continue;
    const d = Math.abs(k - want);
    if (best === null || d < best.d || (d === best.d && k > best.k)) best = { k, d };
  }
  return best ? best.k : null;
}
