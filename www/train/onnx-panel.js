// "Your network (ONNX)": a user's ONNX file laid out under the graph on show — each weight layer,
// whether the graph's mask applies and why not, parameters and FLOPs dense and kept (the exact
// convention of `rgp mask`) — read by the training module in its worker, from the file's bytes
// (the file never leaves the browser). A layer's box turns its mask off (`rgp inspect
// --keep-dense`). The table follows the graph on show; during a run it waits for the run to end.
// "Prune and fine-tune" trains the network on show, masked as its table says, on the data set of
// the training settings; "Download model" then saves it as ONNX (dense, or packed: smaller and
// faster in ONNX Runtime). "Race the masks" runs the recovery race on it.

import { el } from '../dom.js';
import { grouped } from '../format.js';

const COLUMNS = ['Layer', 'Op', 'Weight', 'In → out', 'Mask', 'Parameters dense → kept', 'FLOPs dense → kept'];

/**
 * `ctx`: {app, client, ensureInit(pref), settings(), busy(), fineTune(file), race(file)}, a file
 * being {name, start: {bytes, keepDense}}.
 * Returns {element, sync(blocked)}:
 * `sync` is called when a run or the graph side starts or ends.
 */
export function mountOnnx(ctx) {
  const ui = onnxControls();
  // The file and the layers the user left dense: the inputs of the table on show.
  const st = { file: null, keepDense: new Set(), stale: false, seq: 0 };
  const refresh = () => inspect(ctx, ui, st);
  ui.input.addEventListener('change', async () => {
    const f = ui.input.files && ui.input.files[0];
    if (!f) return;
    ui.error.textContent = '';
    const bytes = await f.arrayBuffer();
    st.next = { name: f.name, size: f.size, bytes };
    refresh();
  });
  ui.table.addEventListener('change', (ev) => {
    const name = ev.target.dataset.layer;
    if (!name) return;
    if (ev.target.checked) st.keepDense.delete(name);
    else st.keepDense.add(name);
    refresh();
  });
  // What a run or race starts from: the file's bytes with the layers the user kept dense.
  const chosen = () => ({ name: st.file.name, start: { bytes: new Uint8Array(st.file.bytes), keepDense: [...st.keepDense] } });
  ui.train.addEventListener('click', () => st.file && ctx.fineTune(chosen()));
  ui.race.addEventListener('click', () => st.file && ctx.race(chosen()));
  ctx.app.onGraph(() => refresh());
  const sync = (blocked) => {
    ui.input.disabled = blocked;
    showButtons(ctx, ui, st);
    if (!blocked && st.stale) refresh();
  };
  return { element: ui.element, sync };
}

/** Prune and fine-tune, Race the masks: on while a table is on show and nothing runs. */
function showButtons(ctx, ui, st) {
  ui.train.disabled = ui.race.disabled = ctx.busy() || !st.file;
}

function onnxControls() {
  const ui = {
    input: el('input', { type: 'file', accept: '.onnx', 'data-testid': 'onnx-file', 'aria-label': 'Open an ONNX network' }),
    status: el('p', { class: 'note', 'data-testid': 'onnx-status', role: 'status' }),
    error: el('p', { class: 'error', 'data-testid': 'onnx-error', role: 'alert' }),
    table: el('table', { class: 'tp-onnx-table', 'data-testid': 'onnx-layers', hidden: true }),
    train: el('button', { type: 'button', 'data-testid': 'onnx-train', disabled: true, text: 'Prune and fine-tune' }),
    race: el('button', { type: 'button', 'data-testid': 'onnx-race', disabled: true, text: 'Race the masks' }),
  };
  ui.element = el('div', { class: 'tp-onnx' },
    el('h3', { text: 'Your network (ONNX)' }),
    el('p', { class: 'note', text: 'Open an ONNX file (opset 9 or later, weights inside): the layers the graph on show prunes and what they keep. The first layer and the classifier stay dense, as in the paper; untick a layer to keep it dense. The file stays in this browser.' }),
    el('label', { class: 'tp-load' }, 'ONNX file ', ui.input), ui.status, ui.error, el('div', { class: 'table-scroll' }, ui.table),
    el('p', { class: 'note', text: 'Prune and fine-tune trains this network, masked as the table says, on the data set chosen above (its inputs and classes must fit); Download model then saves it as ONNX. Race the masks fine-tunes it side by side under the graph on show, a ring lattice, a random regular graph of the same size and magnitude pruning at the same sparsity, beside the same pruned network trained from random weights (the recovery race).' }),
    el('div', { class: 'buttons' }, ui.train, ui.race));
  return ui;
}

/** Reads the chosen file (or the one on show) under the graph on show, unless a run holds the
 *  training module; a refused file leaves the table on show as it was. */
async function inspect(ctx, ui, st) {
  const file = st.next ?? st.file;
  if (!file) return;
  const graph = ctx.app.graph();
  if (ctx.busy() || !graph) {
    st.stale = true;
    ui.status.textContent = graph ? 'The layer table waits for the run to end.' : 'The layer table waits for the graph.';
    return;
  }
  st.stale = false;
  const seq = ++st.seq;
  const keep = file === st.file ? [...st.keepDense] : [];
  ui.status.textContent = `Reading ${file.name}…`;
  try {
    await ctx.ensureInit(ctx.settings().backend);
    const r = await ctx.client.inspectOnnx(file.bytes, file.name, graph, keep);
    if (seq !== st.seq) return;
    if (file !== st.file) {
      st.file = file;
      st.keepDense = new Set();
    }
    st.next = null;
    ui.error.textContent = '';
    showButtons(ctx, ui, st);
    drawTable(ui.table, r.table, st.keepDense);
    const mb = (file.size / 1e6).toFixed(1);
    ui.status.textContent = `${file.name} (${mb} MB, opset ${r.table.opset}): ${summary(r.table)}; read in ${(r.ms / 1000).toFixed(2)} s.`;
    // For benchmarks: the module's read time and its memory after it (the wasm heap's peak).
    ui.status.dataset.ms = String(Math.round(r.ms));
    ui.status.dataset.memory = String(r.memory);
  } catch (e) {
    if (seq !== st.seq) return;
    st.next = null;
    ui.error.textContent = e.message;
    ui.status.textContent = st.file ? `${st.file.name} stays on show.` : '';
  }
}

function summary(t) {
  const masked = t.layers.filter((l) => l.masked).length;
  const a = t.accounting;
  return `${t.layers.length} weight layers, ${masked} masked; ${grouped(a.params_dense)} → ${grouped(a.params_pruned)} parameters`;
}

/** `keepDense`: the layers the user turned off (eligible, masked but for that choice). */
function drawTable(table, t, keepDense) {
  const rows = t.layers.map((l, i) => {
    const acc = t.accounting.layers.find((r) => r.name === l.name) ?? t.accounting.layers[i];
    const box = el('input', { type: 'checkbox', 'data-layer': l.name, 'aria-label': `Mask ${l.name}` });
    box.checked = l.masked;
    // Only an eligible layer that is not the first or the classifier may carry the mask.
    box.disabled = !l.masked && !keepDense.has(l.name);
    return el('tr', { 'data-testid': 'onnx-layer', 'data-masked': String(l.masked) },
      el('th', { scope: 'row', text: l.name }),
      el('td', { text: l.op }),
      el('td', { text: l.weight_shape.join('×') }),
      el('td', { text: `${l.in_ch} → ${l.out_ch}` }),
      el('td', {}, el('label', {}, box, ` ${l.masked ? 'masked' : 'dense'}`), l.note ? el('span', { class: 'note', text: ` — ${l.note}` }) : ''),
      el('td', { text: `${grouped(acc.params_dense)} → ${grouped(acc.params_pruned)}` }),
      el('td', { text: `${grouped(acc.flops_dense)} → ${grouped(acc.flops_pruned)}` }));
  });
  table.replaceChildren(
    el('caption', { text: 'Weight layers under the graph on show' }),
    el('thead', {}, el('tr', {}, ...COLUMNS.map((c) => el('th', { scope: 'col', text: c })))),
    el('tbody', {}, ...rows));
  table.hidden = false;
}
