// The configuration in the URL hash: `#v=1&nodes=64&degree=4&...`, flat key=value pairs.
//
// Table-driven: every key is one entry of FIELDS (type, default, range). A feature adds its keys by
// adding entries; parsing, clamping and serializing follow from the table. Nothing read from the
// hash is ever inserted as HTML: messages go through textContent, and values must match a strict
// grammar before they are used at all.

import { LIMITS, checkGraphConfig } from './limits.js';

export const VERSION = '1';
/** A link longer than this is refused outright (real links are ~300 characters). */
export const MAX_HASH_LENGTH = 2000;

/**
 * Field types:
 *  int    decimal integer, clamped to [min, max]
 *  float  finite decimal number (optionally with exponent), clamped to [min, max]
 *  enum   one of `values`
 *  bool   true/false (also 1/0)
 * `optional: true` fields have no default: absent means unset (null) and they are not written.
 * `group` says which part of the app owns the key ('graph' goes to the graph engine).
 */
export const FIELDS = [
  { key: 'nodes', group: 'graph', type: 'int', def: 64, min: LIMITS.minNodes, max: LIMITS.maxNodes },
  { key: 'degree', group: 'graph', type: 'int', def: 4, min: 2, max: LIMITS.maxNodes - 1 },
  { key: 'init', group: 'graph', type: 'enum', def: 'ring', values: ['ring', 'random'] },
  { key: 'seed', group: 'graph', type: 'int', def: 1, min: 0, max: LIMITS.maxSeed },
  // 'family' is the app's name for the family builder (`rgp family`); the engine config then
  // carries the reference rule (see engineConfig).
  { key: 'search', group: 'graph', type: 'enum', def: 'anneal', values: ['none', 'paper', 'anneal', 'target', 'family'] },
  { key: 'direction', group: 'graph', type: 'enum', def: 'min', values: ['min', 'max', 'random'] },
  { key: 'steps', group: 'graph', type: 'int', def: 45, min: 0, max: LIMITS.maxSteps },
  { key: 'interval_down', group: 'graph', type: 'float', def: 0.05, min: 0, max: 1000 },
  { key: 'interval_up', group: 'graph', type: 'float', def: 0.2, min: 0, max: 1000 },
  { key: 'extreme', group: 'graph', type: 'bool', def: false },
  { key: 'iters', group: 'graph', type: 'int', def: 200000, min: 0, max: LIMITS.maxIters },
  { key: 'target_aspl', group: 'graph', type: 'float', def: 4, min: 1, max: LIMITS.maxNodes },
  { key: 'tolerance', group: 'graph', type: 'float', def: 0.01, min: 1e-9, max: 1000 },
  { key: 'trajectories', group: 'graph', type: 'int', def: 6, min: 1, max: LIMITS.maxTrajectories },
  { key: 'stop_after', group: 'graph', type: 'int', def: null, optional: true, min: 0, max: LIMITS.maxIters },
  // Which family member is shown (position in the list sorted by ASPL).
  { key: 'pick', group: 'app', type: 'int', def: null, optional: true, min: 0, max: LIMITS.maxFamily - 1 },
  // Sweep mode (www/sweep/): optional, so links without a sweep stay short; the panel holds the
  // defaults. Nodes, degree, seed and iters of the graph above set the family.
  { key: 'sweep', group: 'sweep', type: 'bool', def: null, optional: true },
  { key: 'sweep_model', group: 'sweep', type: 'enum', def: null, optional: true, values: ['mlp', 'cnn'] },
  { key: 'sweep_dataset', group: 'sweep', type: 'enum', def: null, optional: true, values: ['mnist', 'fashion'] },
  { key: 'sweep_data', group: 'sweep', type: 'enum', def: null, optional: true, values: ['quick', 'full'] },
  { key: 'sweep_graphs', group: 'sweep', type: 'int', def: null, optional: true, min: 2, max: 12 },
  { key: 'sweep_seeds', group: 'sweep', type: 'int', def: null, optional: true, min: 1, max: 10 },
  { key: 'sweep_epochs', group: 'sweep', type: 'int', def: null, optional: true, min: 1, max: 50 },
  { key: 'sweep_lr', group: 'sweep', type: 'float', def: null, optional: true, min: 1e-6, max: 10 },
  { key: 'sweep_degrees', group: 'sweep', type: 'enum', def: null, optional: true, values: ['none', '4-8', '4-8-16', '4-8-16-32', '2-4-8-16'] },
  { key: 'sweep_baselines', group: 'sweep', type: 'enum', def: null, optional: true, values: ['none', 'dense', 'random-regular', 'all'] },
  { key: 'sweep_backend', group: 'sweep', type: 'enum', def: null, optional: true, values: ['auto', 'webgpu', 'cpu'] },
  { key: 'sweep_start', group: 'sweep', type: 'enum', def: null, optional: true, values: ['scratch', 'pretrained'] },
  { key: 'sweep_depth', group: 'sweep', type: 'int', def: null, optional: true, min: 0, max: 16 },
  { key: 'sweep_residual', group: 'sweep', type: 'enum', def: null, optional: true, values: ['no', 'yes'] },
  // Training panel (www/train/): optional like the sweep's, the panel holds the defaults.
  { key: 'model', group: 'train', type: 'enum', def: null, optional: true, values: ['mlp', 'cnn'] },
  { key: 'dataset', group: 'train', type: 'enum', def: null, optional: true, values: ['mnist', 'fashion'] },
  { key: 'data', group: 'train', type: 'enum', def: null, optional: true, values: ['quick', 'full'] },
  { key: 'epochs', group: 'train', type: 'int', def: null, optional: true, min: 1, max: 100 },
  { key: 'batch', group: 'train', type: 'int', def: null, optional: true, min: 1, max: 4096 },
  { key: 'optimizer', group: 'train', type: 'enum', def: null, optional: true, values: ['sgd', 'adam'] },
  { key: 'lr', group: 'train', type: 'float', def: null, optional: true, min: 1e-6, max: 10 },
  { key: 'train_seed', group: 'train', type: 'int', def: null, optional: true, min: 0, max: 4294967295 },
  { key: 'backend', group: 'train', type: 'enum', def: null, optional: true, values: ['auto', 'webgpu', 'cpu'] },
  { key: 'dense', group: 'train', type: 'bool', def: null, optional: true },
  // Deep variants (issue: depth, reachability): L masked hidden layers, skip connections, BatchNorm.
  { key: 'depth', group: 'train', type: 'int', def: null, optional: true, min: 0, max: 16 },
  { key: 'residual', group: 'train', type: 'bool', def: null, optional: true },
  { key: 'norm', group: 'train', type: 'bool', def: null, optional: true },
  // Fine-tuning (www/train/finetune-*.js): start from the pretrained network or from scratch,
  // and the recovery race.
  { key: 'start', group: 'train', type: 'enum', def: null, optional: true, values: ['pretrained', 'scratch'] },
  { key: 'race', group: 'train', type: 'bool', def: null, optional: true },
];

const BY_KEY = new Map(FIELDS.map((f) => [f.key, f]));

export function fieldOf(key) {
  return BY_KEY.get(key);
}

export function defaults() {
  const c = {};
  for (const f of FIELDS) c[f.key] = f.def;
  return c;
}

/** The graph engine's part of a config: the JSON the wasm `GraphConfig` reads. */
export function engineConfig(config) {
  const g = {};
  for (const f of FIELDS) if (f.group === 'graph') g[f.key] = config[f.key];
  if (g.search === 'family') g.search = 'paper';
  return g;
}

const INT = /^-?[0-9]{1,30}$/;
const FLOAT = /^-?[0-9]{1,30}(\.[0-9]{1,30})?([eE][-+]?[0-9]{1,4})?$/;

/**
 * Parses one raw value for a field. Returns { value } (maybe clamped, then `clamped` is set) or
 * { bad: reason } when the text is not a value of that type at all.
 */
export function parseValue(f, text) {
  switch (f.type) {
    case 'int': {
      if (!INT.test(text)) return { bad: 'is not a whole number' };
      const x = Number(text);
      return clampTo(f, x);
    }
    case 'float': {
      if (!FLOAT.test(text)) return { bad: 'is not a number' };
      const x = Number(text);
      if (!Number.isFinite(x)) return { bad: 'is not a finite number' };
      return clampTo(f, x);
    }
    case 'enum':
      return f.values.includes(text) ? { value: text } : { bad: `must be one of ${f.values.join(', ')}` };
    case 'bool':
      if (text === 'true' || text === '1') return { value: true };
      if (text === 'false' || text === '0') return { value: false };
      return { bad: 'must be true or false' };
    default:
      return { bad: 'has an unknown type' };
  }
}

function clampTo(f, x) {
  // Integers beyond 2^53 are not exact any more: they are simply "too large".
  const v = Math.min(f.max, Math.max(f.min, x));
  return v === x ? { value: v } : { value: v, clamped: true };
}

/** Makes a piece of hostile text safe and short enough to quote in a message. */
export function quote(text) {
  const clean = String(text).replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 24 ? `${clean.slice(0, 24)}…` : clean;
}

/**
 * Reads a hash (with or without the leading '#'). Returns
 *   { config, messages: [..], fromLink: bool, rejected: bool }
 * Rules: empty hash → defaults, no message. Wrong or missing version, an unknown or repeated key,
 * a value that is not of its type, or a combination the engine refuses → the whole default
 * configuration plus a message. A number outside its range is clamped, with a message.
 */
export function parseHash(hash) {
  const raw = String(hash ?? '').replace(/^#/, '');
  const fallback = (msg) => ({ config: defaults(), messages: [msg], fromLink: false, rejected: true });
  if (raw === '') return { config: defaults(), messages: [], fromLink: false, rejected: false };
  if (raw.length > MAX_HASH_LENGTH) return fallback(`Link ignored: it is longer than ${MAX_HASH_LENGTH} characters. Showing the default configuration.`);

  const seen = new Map();
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return fallback(`Link ignored: "${quote(part)}" is not a key=value pair. Showing the default configuration.`);
    let key;
    let value;
    try {
      key = decodeURIComponent(part.slice(0, eq));
      value = decodeURIComponent(part.slice(eq + 1));
    } catch {
      return fallback('Link ignored: it is not valid URL encoding. Showing the default configuration.');
    }
    if (seen.has(key)) return fallback(`Link ignored: key "${quote(key)}" appears twice. Showing the default configuration.`);
    seen.set(key, value);
  }

  const version = seen.get('v');
  if (version !== VERSION) {
    const what = version === undefined ? 'has no version (v=1)' : `has version "${quote(version)}", this app reads v=${VERSION}`;
    return fallback(`Link ignored: it ${what}. Showing the default configuration.`);
  }
  seen.delete('v');

  const config = defaults();
  const messages = [];
  for (const [key, text] of seen) {
    const f = BY_KEY.get(key);
    if (!f) return fallback(`Link ignored: unknown key "${quote(key)}". Showing the default configuration.`);
    const r = parseValue(f, text);
    if (r.bad) return fallback(`Link ignored: ${key} "${quote(text)}" ${r.bad}. Showing the default configuration.`);
    if (r.clamped) messages.push(`${key} ${quote(text)} is out of range; using ${r.value}.`);
    config[key] = r.value;
  }
  const problem = checkGraphConfig(config);
  if (problem) return fallback(`Link ignored: ${problem.message}. Showing the default configuration.`);
  return { config, messages, fromLink: true, rejected: false };
}

function formatValue(f, v) {
  if (f.type === 'bool') return v ? 'true' : 'false';
  return String(v); // ints print exactly; floats print their shortest round-trip form
}

/** The hash (without '#') for a config: `v=1` first, then every set field in table order. */
export function serialize(config) {
  const parts = [`v=${VERSION}`];
  for (const f of FIELDS) {
    const v = config[f.key];
    if (v === null || v === undefined) continue;
    parts.push(`${f.key}=${encodeURIComponent(formatValue(f, v))}`);
  }
  return parts.join('&');
}

/** Writes the config into the address bar without adding a history entry. */
export function writeToLocation(config) {
  const url = new URL(window.location.href);
  url.hash = serialize(config);
  window.history.replaceState(null, '', url);
  return url.href;
}
