// The sweep panel's settings: which schema settings it shows (src/settings/mod.rs holds their
// defaults, ranges and labels), what a set of them means for a sweep, the first problem with it,
// the equivalent native command, and the runs this browser keeps for it.

import { DATA_KEYS } from '../data/run-data.js';
import { MODEL_WIDTHS } from '../generated/settings.js';
import { fieldOf, valueOf } from '../url-state.js';
import { rangeProblem } from '../views/form.js';

/** Baselines the browser can train (the others need weight surgery: native `rgp sweep` only). */
export const APP_BASELINES = ['dense', 'random-regular'];

/** `4-8-16` → [4, 8, 16]; 'none' → []. */
function parseDegrees(text) {
  return text === 'none' ? [] : text.split('-').map(Number);
}

function parseBaselines(text) {
  if (text === 'none') return [];
  if (text === 'all') return [...APP_BASELINES];
  return [text];
}

// Form order. Deep networks (rgp sweep --depth L): L masked layers sharing the graph; a depth
// sweep is one sweep per depth.
export const KEYS = [
  'sweep_model', 'sweep_dataset', 'sweep_data', 'sweep_graphs', 'sweep_seeds', 'sweep_epochs', 'sweep_lr',
  'sweep_degrees', 'sweep_baselines', 'sweep_backend', 'sweep_start', 'sweep_depth', 'sweep_residual',
];

/** A sweep from the form's controls and the graph settings above (`config`: the app's). */
export function readSettings(inputs, config) {
  const s = {};
  for (const key of KEYS) {
    const v = inputs[key].value;
    s[key] = fieldOf(key).type === 'enum' ? v : Number(v);
  }
  return {
    link: s,
    nodes: config.nodes,
    degree: config.degree,
    seed: config.seed,
    iters: config.iters,
    model: s.sweep_model,
    dataset: s.sweep_dataset,
    data: s.sweep_data,
    graphs: s.sweep_graphs,
    seeds: s.sweep_seeds,
    epochs: s.sweep_epochs,
    lr: s.sweep_lr,
    degrees: parseDegrees(s.sweep_degrees),
    baselines: parseBaselines(s.sweep_baselines),
    backend: s.sweep_backend,
    start: s.sweep_start,
    depth: s.sweep_depth,
    residual: s.sweep_residual === 'yes',
    // Your data: the configuration's (the training panel's data_id and settings).
    userConfig: s.sweep_dataset === 'user' ? config : null,
  };
}

/** The first problem with a sweep, or ''. */
export function problemOf(s, inputs) {
  for (const key of KEYS) {
    const why = rangeProblem(inputs[key]);
    if (why) return why;
  }
  for (const k of [s.degree, ...s.degrees]) {
    if (k >= s.nodes || (s.nodes * k) % 2 !== 0) return `Degree ${k} does not fit ${s.nodes} nodes (k < n, n·k even); pick another degree sweep or more nodes.`;
  }
  if (s.start === 'pretrained' && (s.depth > 0 || s.residual)) {
    return 'Fine-tuning sweeps start from the pretrained networks, which have the standard layers: set depth 0 and no residual connections.';
  }
  if (s.userConfig && !s.userConfig.data_id) return 'Load your data in the training panel first (“Your data…”): the sweep runs on the data it holds.';
  const width = MODEL_WIDTHS[s.model];
  if (s.nodes > width) return `The ${s.model.toUpperCase()}'s masked layers are ${width} wide: at most ${width} nodes.`;
  return '';
}

/** The data flags of the native command (your data: its folder or table, named by the user). */
function dataFlags(s) {
  const u = s.userConfig;
  if (!u) return `--dataset ${s.dataset}${s.data === 'quick' ? '-quick' : ''}`;
  const split = ` --test-split ${valueOf(u, 'test_split')}`;
  if (u.target) return `--table YOUR_TABLE.csv --target ${u.target}${u.drop_bad_rows ? ' --drop-bad-rows' : ''}${split}`;
  const color = valueOf(u, 'color') === 'auto' ? '' : ` --color ${valueOf(u, 'color')}`;
  return `--images YOUR_FOLDER${u.image_size ? ` --image-size ${u.image_size}` : ''}${color}${split}`;
}

/** The `rgp sweep` command that runs the same sweep natively. */
export function nativeCommand(s) {
  const baselines = s.baselines.length ? s.baselines.join(',') : 'none';
  const degrees = s.degrees.length ? ` --degrees ${s.degrees.join(',')}` : '';
  return `rgp sweep --model ${s.model} ${dataFlags(s)} --nodes ${s.nodes} ` +
    `--degree ${s.degree}${degrees} --graphs ${s.graphs} --seeds ${s.seeds} --epochs ${s.epochs} --lr ${s.lr} ` +
    `--graph-seed ${s.seed} --iters ${s.iters} --baselines ${baselines}${s.start === 'pretrained' ? ' --start pretrained' : ''}` +
    `${s.depth > 0 ? ` --depth ${s.depth}` : ''}${s.residual ? ` --residual${s.model === 'mlp' ? ' --norm' : ''}` : ''} --out sweep-out`;
}

// ---- the runs kept in this browser (localStorage), by what decides them -----------------------

const STORE = 'rgp-sweep/v1:';

// Results saved before fine-tuning and deep sweeps existed keep their key (the defaults add nothing).
// A pretrained start's runs name the recovery they started with (the engine's default: a sweep's
// fine-tuning runs recover the way `rgp sweep --start pretrained` does).
const identity = (s) => JSON.stringify([s.nodes, s.degree, s.seed, s.iters, s.graphs, s.model, s.dataset, s.data, s.epochs, s.lr,
  ...(s.start === 'pretrained' ? ['pretrained', `recover=${fieldOf('recover').def}`] : []),
  ...(s.depth > 0 || s.residual ? [s.depth, s.residual] : []),
  ...(s.userConfig ? ['data', ...DATA_KEYS.map((k) => s.userConfig[k] ?? null)] : [])]);

/** Whether two settings keep their runs under the same key. */
export const sameRuns = (a, b) => identity(a) === identity(b);

export function loadRows(s) {
  try {
    const saved = JSON.parse(localStorage.getItem(STORE + identity(s)) ?? '[]');
    return Array.isArray(saved) ? saved : [];
  } catch {
    return [];
  }
}

export function saveRows(s, rows) {
  try {
    localStorage.setItem(STORE + identity(s), JSON.stringify(rows));
  } catch {
    // Storage full or blocked: the sweep goes on, it just cannot be resumed after a reload.
  }
}

export function forgetRows(s) {
  try {
    localStorage.removeItem(STORE + identity(s));
  } catch {
    // nothing kept
  }
}
