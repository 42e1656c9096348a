// "Your data…" (data-testid="data-import"): the user's own folder of images (one sub-folder per
// class) or CSV table. The files are read in the training worker (www/train/user-data.js and the
// training module, as `rgp train --images/--table` reads them), kept in this browser only
// (user-store.js), and recorded in the link by their fingerprint (`data_id`) and the settings
// that shape them. A link naming data this browser does not hold says so and asks for it; other
// data under that link is refused.

import { el } from '../dom.js';
import { coerce, control, labelled, valueOfControl } from '../views/form.js';
import { MAX_BYTES, MAX_FILES, tooLarge, tooMany } from './limits.js';
import { showSummary } from './summary-view.js';
import { DATA_KEYS, keepStart, missingText, startOf, userDataOf } from './run-data.js';
import { loadData, saveData } from './user-store.js';

/** The settings that shape the user's data (the schema's, src/settings/mod.rs), by kind. */
const KEYS = { images: ['color', 'image_size', 'test_split'], table: ['target', 'drop_bad_rows', 'test_split'] };


/**
 * Mounts the control. `ctx`: { app, client, ensureInit() → promise, seed() → the run's seed,
 * setDataset(value) (the training form's dataset control), setBusy(work|null), busy() }.
 * Returns { button, box, runData(), classNames(), datasetChosen(value), startFor(model),
 * keepNetwork(model, bytes, accuracy) }.
 */
export function mountData(ctx) {
  const ui = buildUi();
  const st = { current: null, free: () => {}, imports: 0 };
  ui.button.addEventListener('click', () => {
    ui.box.hidden = !ui.box.hidden;
  });
  ui.folder.addEventListener('change', () => guarded(ctx, ui, () => importFiles(ctx, ui, st, folderRecord(ui.folder.files))));
  ui.file.addEventListener('change', () => guarded(ctx, ui, async () => importFiles(ctx, ui, st, await fileRecord(ctx, ui.file.files?.[0]))));
  ui.box.addEventListener('dragover', (ev) => ev.preventDefault());
  ui.box.addEventListener('drop', (ev) => {
    ev.preventDefault();
    guarded(ctx, ui, async () => importFiles(ctx, ui, st, await droppedRecord(ctx, ev.dataTransfer)));
  });
  ui.settings.addEventListener('change', () => {
    if (st.current) guarded(ctx, ui, () => describeAndShow(ctx, ui, st, st.current.record));
  });
  openFromLink(ctx, ui, st);
  return {
    button: ui.button,
    box: ui.box,
    runData: () => runData(ctx, st),
    classNames: () => st.current?.summary.classes ?? null,
    // [side, channels] of the images (0 for a table), for "Try the network".
    imageShape: () => (st.current ? [st.current.summary.side, st.current.summary.channels] : null),
    startFor: (model) => startFor(ctx, st, model),
    keepNetwork: (model, bytes, accuracy) => keepNetwork(ctx, st, model, bytes, accuracy),
    datasetChosen: (value) => datasetChosen(ctx, ui, st, value),
  };
}

function buildUi() {
  const button = el('button', { type: 'button', 'data-testid': 'data-import', text: 'Your data…', 'aria-expanded': 'false' });
  const folder = el('input', { type: 'file', webkitdirectory: '', multiple: '', 'data-testid': 'data-import-folder' });
  const file = el('input', { type: 'file', accept: '.csv,.tsv,.txt,text/csv,.zip,application/zip', 'data-testid': 'data-import-file' });
  const settings = el('form', { class: 'tp-grid', 'data-testid': 'data-settings', novalidate: '' });
  const progress = el('progress', { 'data-testid': 'data-progress', max: '1', value: '0', hidden: '' });
  const summary = el('div', { class: 'data-summary', 'data-testid': 'data-summary', 'aria-live': 'polite' });
  const box = el(
    'fieldset',
    { class: 'data-box', 'data-testid': 'data-box', hidden: '' },
    el('legend', { text: 'Your data (stays in this browser)' }),
    el('label', {}, 'Image folder (one sub-folder per class) ', folder),
    el('label', {}, 'or a file: a table (CSV, a header row) or a .zip of an image folder ', file),
    el('p', { class: 'note', text: 'or drop a folder, a .zip or a CSV here.' }),
    settings,
    progress,
    summary,
  );
  new MutationObserver(() => button.setAttribute('aria-expanded', String(!box.hidden))).observe(box, { attributes: true, attributeFilter: ['hidden'] });
  return { button, box, folder, file, settings, progress, summary, inputs: {} };
}

/** Runs `fn` as the panel's 'loading' work; a failure is one line on the page, the state kept. */
async function guarded(ctx, ui, fn) {
  if (ctx.busy()) {
    ctx.app.showError('Your data: the training panel is busy; stop the run first.');
    return;
  }
  ctx.setBusy('loading');
  try {
    await fn();
    ctx.app.showError('');
  } catch (e) {
    ctx.app.showError(`Your data: ${e.message}`);
  } finally {
    ui.progress.hidden = true;
    ctx.setBusy(null);
  }
}

/** A folder picked with the directory input: its name and its files by path inside it. */
function folderRecord(list) {
  const files = [...(list ?? [])];
  if (!files.length) throw new Error('the folder is empty');
  checkCount(files);
  const first = (files[0].webkitRelativePath || files[0].name).split('/')[0];
  const inside = (f) => (f.webkitRelativePath ? f.webkitRelativePath.split('/').slice(1).join('/') : f.name);
  return { kind: 'images', name: first, files: files.map((f) => ({ path: inside(f), blob: f })) };
}

/** A picked or dropped file: a CSV table, or a .zip of an image folder. */
async function fileRecord(ctx, f) {
  if (!f) throw new Error('no file chosen');
  checkSize(f);
  if (!/\.zip$/i.test(f.name)) return { kind: 'table', name: f.name, files: [{ path: f.name, blob: f }] };
  const entries = await ctx.client.unzip(new Uint8Array(await f.arrayBuffer()));
  // A zipped folder holds one top folder (its name); a zip of the class folders does not.
  const tops = new Set(entries.map((e) => e.path.split('/')[0]));
  const strip = tops.size === 1 && entries.every((e) => e.path.includes('/'));
  const name = strip ? [...tops][0] : f.name.replace(/\.zip$/i, '');
  const files = entries.map((e) => ({ path: strip ? e.path.slice(e.path.indexOf('/') + 1) : e.path, blob: new Blob([e.bytes]) }));
  if (!files.length) throw new Error(`${f.name} holds no file`);
  return { kind: 'images', name, files };
}

/** What was dropped: a folder (walked), or one file (fileRecord). */
async function droppedRecord(ctx, dt) {
  const entry = [...(dt?.items ?? [])].map((i) => i.webkitGetAsEntry?.()).find(Boolean);
  if (entry?.isDirectory) {
    const files = [];
    await walkEntry(entry, '', files);
    if (!files.length) throw new Error(`${entry.name} holds no file`);
    return { kind: 'images', name: entry.name, files };
  }
  return fileRecord(ctx, dt?.files?.[0]);
}

/** Every file under a dropped folder entry, with its path inside the folder. */
async function walkEntry(dir, prefix, out) {
  const reader = dir.createReader();
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) return;
    for (const e of batch) {
      const path = `${prefix}${e.name}`;
      if (e.isDirectory) await walkEntry(e, `${path}/`, out);
      else out.push({ path, blob: await new Promise((resolve, reject) => e.file(resolve, reject)) });
      if (out.length > MAX_FILES) throw new Error(tooMany(out.length));
    }
  }
}

/** The count of files picked (their bytes are counted as the worker reads them). */
function checkCount(files) {
  if (files.length > MAX_FILES) throw new Error(tooMany(files.length));
}

/** One file's size (a single round trip). */
function checkSize(f) {
  if (f.size > MAX_BYTES) throw new Error(`${f.name}: ${tooLarge()}`);
}

/** A new folder or table: read, checked against the link's data, stored, and shown. */
async function importFiles(ctx, ui, st, record) {
  st.imports += 1;
  const fresh = { ...record, key: `import-${st.imports}` };
  // Another table's target column is not this one's: a new table starts from its last column,
  // unless the link names its data (then the link's target is the one asked for).
  showSettings(ctx, ui, fresh.kind, null, pendingId(ctx, st) ? undefined : null);
  await describeAndShow(ctx, ui, st, fresh);
}

/** The controls of `kind`'s settings, showing the configuration's values. */
function showSettings(ctx, ui, kind, columns, target = ctx.app.config().target) {
  const cfg = ctx.app.config();
  ui.inputs = {};
  ui.settings.replaceChildren();
  for (const key of KEYS[kind]) {
    const input = key === 'target' ? targetSelect(columns ?? (target ? [target] : []), target) : control(key, coerce(key, cfg[key]), { 'data-testid': `data-${key.replace(/_/g, '-')}` });
    ui.inputs[key] = input;
    ui.settings.append(labelled(key, input));
  }
}

function targetSelect(columns, value) {
  const select = el('select', { name: 'target', 'data-testid': 'data-target' });
  for (const c of columns ?? []) select.append(el('option', { value: c, text: c }));
  if (value && columns?.includes(value)) select.value = value;
  return select;
}

/** The settings the data controls hold (key → value). */
function controlValues(ui) {
  const o = {};
  for (const [key, input] of Object.entries(ui.inputs)) o[key] = valueOfControl(input);
  return o;
}

async function describeAndShow(ctx, ui, st, record) {
  await ctx.ensureInit();
  const data = userDataOf({ ...ctx.app.config(), ...controlValues(ui) }, record);
  ui.progress.hidden = false;
  const onProgress = (done, total) => {
    ui.progress.max = total;
    ui.progress.value = done;
  };
  const summary = await ctx.client.describeData({ key: record.key, data, files: record.files }, ctx.seed(), onProgress);
  const pending = pendingId(ctx, st);
  if (pending && summary.data_id !== pending) {
    throw new Error(`this is not the data the link names: it needs data_id ${pending}, ${record.name} is ${summary.data_id}. Load the data the link was made with, or choose a built-in dataset.`);
  }
  // A table's target: the columns are known now (a new table reads its last column).
  if (record.kind === 'table') showSettings(ctx, ui, 'table', summary.columns, summary.target);
  if (!record.id) await saveData({ id: summary.data_id, kind: record.kind, name: record.name, files: record.files });
  st.current = { record: { ...record, id: summary.data_id }, summary };
  adopt(ctx, ui, st);
  await show(ui, st);
}

/** The data on show becomes the configuration's (and the link's). */
function adopt(ctx, ui, st) {
  const { record, summary } = st.current;
  const patch = { dataset: 'user', data_id: record.id, ...controlValues(ui) };
  if (record.kind === 'table') patch.target = summary.target;
  ctx.app.setConfig(patch);
  ctx.setDataset('user');
}

async function show(ui, st) {
  const { record, summary } = st.current;
  const byPath = new Map(record.files.map((f) => [f.path, f.blob]));
  const firstRows = record.kind === 'table' ? (await record.files[0].blob.slice(0, 1024).text()).split('\n').slice(0, 6).join('\n') : null;
  st.free();
  st.free = showSummary(ui.summary, summary, { blobOf: (p) => byPath.get(p), firstRows });
  // How many times data was read and shown (a reader waits for the next one).
  ui.summary.dataset.shown = String(Number(ui.summary.dataset.shown ?? 0) + 1);
}

/** The data_id the link names and this panel does not hold (read from the store), or null. */
function pendingId(ctx, st) {
  const c = ctx.app.config();
  return c.dataset === 'user' && c.data_id && c.data_id !== st.current?.record.id ? c.data_id : null;
}

/** How the data on show becomes a dataset: the store's settings (adopt wrote them there). */
const dataOf = (ctx, st) => userDataOf(ctx.app.config(), st.current.record);

/** What a run on the user's data carries ({ key, data, files }), or an error saying what is missing. */
function runData(ctx, st) {
  const pending = pendingId(ctx, st);
  if (pending || !st.current) throw new Error(pending ? missingText(pending) : 'load your data first: “Your data…” beside the dataset');
  return { key: st.current.record.key, data: dataOf(ctx, st), files: st.current.record.files };
}

/** The start of a fine-tuning run of `model` on the data on show ({ bytes, accuracy }), or null. */
function startFor(ctx, st, model) {
  return st.current ? startOf(st.current.record, model, dataOf(ctx, st)) : null;
}

/** Keeps a network trained on (or loaded for) the data on show as its start for `model`. */
async function keepNetwork(ctx, st, model, bytes, accuracy) {
  if (st.current) st.current.record = await keepStart(st.current.record, model, dataOf(ctx, st), bytes, accuracy);
}

/** The training form's dataset changed to `value`. */
function datasetChosen(ctx, ui, st, value) {
  if (value !== 'user') {
    const patch = {};
    for (const k of DATA_KEYS) patch[k] = null;
    ctx.app.setConfig(patch);
  } else if (st.current) adopt(ctx, ui, st);
  else ui.box.hidden = false;
}

/** A link with dataset=user: the stored data it names, or a message asking for it. */
async function openFromLink(ctx, ui, st) {
  const cfg = ctx.app.config();
  if (cfg.dataset !== 'user') return;
  ui.box.hidden = false;
  const record = cfg.data_id ? await loadData(cfg.data_id).catch(() => null) : null;
  if (!record) {
    ctx.app.showError(missingText(cfg.data_id));
    return;
  }
  showSettings(ctx, ui, record.kind, null);
  await guarded(ctx, ui, () => describeAndShow(ctx, ui, st, { ...record, key: `stored-${record.id}` }));
}
