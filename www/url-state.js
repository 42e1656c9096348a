// The configuration in the URL hash: `#v=1&nodes=64&degree=4&...`, flat key=value pairs.
//
// Table-driven: every key is one setting of the schema that Rust declares once
// (src/settings/mod.rs; the build writes it to www/generated/settings.js). Parsing, clamping and
// serializing follow from the table. Nothing read from the hash is ever inserted as HTML:
// messages go through textContent, and values must match a strict grammar before they are used.
// The rules that tie settings together (degree below nodes, n·k even, ...) are the engine's:
// the app asks the graph worker (`check`) before it uses a link's configuration.

import { SETTINGS } from './generated/settings.js';

const VERSION = '1';
/** A link longer than this is refused outright (real links are ~300 characters). */
export const MAX_HASH_LENGTH = 2000;

/**
 * Every setting: { key, group: 'graph'|'app'|'train'|'sweep', type: 'int'|'float'|'enum'|'bool'|'text',
 * def, optional, min?, max? (a text's length), values?, labels?, pattern?, label, help }. `optional` keys are absent from a
 * link (null in a config) unless set; their panel shows `def`. 'graph' keys go to the engine.
 */
export const FIELDS = SETTINGS;

/** The settings that decide the graph, which the graph form shows: the schema's graph group but
 *  the stop point, which only a stopped search writes. */
export const GRAPH_KEYS = FIELDS.filter((f) => f.group === 'graph' && f.key !== 'stop_after').map((f) => f.key);

const BY_KEY = new Map(FIELDS.map((f) => [f.key, f]));

export function fieldOf(key) {
  return BY_KEY.get(key);
}

/** The configuration of a link without keys: optional keys unset (null). */
export function defaults() {
  const c = {};
  for (const f of FIELDS) c[f.key] = f.optional ? null : f.def;
  return c;
}

/** A setting's value in a configuration, or its default when the configuration leaves it unset. */
export function valueOf(config, key) {
  const v = config?.[key];
  return v === null || v === undefined ? fieldOf(key).def : v;
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
    case 'text':
      return textProblem(f, text) ? { bad: textProblem(f, text) } : { value: text };
    default:
      return { bad: 'has an unknown type' };
  }
}

/** Why `text` is not a value of text setting `f`, or ''. Control characters are never a value. */
export function textProblem(f, text) {
  if (text.length > f.max) return `is longer than ${f.max} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(text)) return 'holds control characters';
  if (f.pattern && !new RegExp(f.pattern).test(text)) return `is not of the form ${f.pattern}`;
  return '';
}

function clampTo(f, x) {
  // Integers beyond 2^53 are not exact any more: they are simply "too large".
  const v = Math.min(f.max, Math.max(f.min, x));
  return v === x ? { value: v } : { value: v, clamped: true };
}

/** Makes a piece of hostile text safe and short enough to quote in a message. */
function quote(text) {
  const clean = String(text).replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 24 ? `${clean.slice(0, 24)}…` : clean;
}

/**
 * Reads a hash (with or without the leading '#'). Returns
 *   { config, messages: [..], fromLink: bool, rejected: bool }
 * Rules: empty hash → defaults, no message. Wrong or missing version, an unknown or repeated key,
 * or a value that is not of its type → the whole default configuration plus a message. A number
 * outside its range is clamped, with a message. A combination the engine refuses is the caller's
 * to ask about (`refuseLink` then gives the same fallback).
 */
export function parseHash(hash) {
  const raw = String(hash ?? '').replace(/^#/, '');
  if (raw === '') return { config: defaults(), messages: [], fromLink: false, rejected: false };
  if (raw.length > MAX_HASH_LENGTH) return refused(`Link ignored: it is longer than ${MAX_HASH_LENGTH} characters. Showing the default configuration.`);

  const seen = new Map();
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return refused(`Link ignored: "${quote(part)}" is not a key=value pair. Showing the default configuration.`);
    let key;
    let value;
    try {
      key = decodeURIComponent(part.slice(0, eq));
      value = decodeURIComponent(part.slice(eq + 1));
    } catch {
      return refused('Link ignored: it is not valid URL encoding. Showing the default configuration.');
    }
    if (seen.has(key)) return refused(`Link ignored: key "${quote(key)}" appears twice. Showing the default configuration.`);
    seen.set(key, value);
  }

  const version = seen.get('v');
  if (version !== VERSION) {
    const what = version === undefined ? 'has no version (v=1)' : `has version "${quote(version)}", this app reads v=${VERSION}`;
    return refused(`Link ignored: it ${what}. Showing the default configuration.`);
  }
  seen.delete('v');

  const config = defaults();
  const messages = [];
  for (const [key, text] of seen) {
    const f = BY_KEY.get(key);
    if (!f) return refused(`Link ignored: unknown key "${quote(key)}". Showing the default configuration.`);
    const r = parseValue(f, text);
    if (r.bad) return refused(`Link ignored: ${key} "${quote(text)}" ${r.bad}. Showing the default configuration.`);
    if (r.clamped) messages.push(`${key} ${quote(text)} is out of range; using ${r.value}.`);
    config[key] = r.value;
  }
  return { config, messages, fromLink: true, rejected: false };
}

function refused(message) {
  return { config: defaults(), messages: [message], fromLink: false, rejected: true };
}

/** What parseHash gives for a link whose configuration the engine refuses ({ field, message }). */
export function refuseLink(problem) {
  return refused(`Link ignored: ${problem.message}. Showing the default configuration.`);
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
