// The training panel's fine-tuning controls: the recovery race (RGP graph on show, ring lattice,
// random regular, one-shot magnitude, all from the same pretrained network at the same per-layer
// kept counts) and the model files (download the last run's model; load weights from a file).

import { el } from '../dom.js';
import { download, drawLines, pretrainedRef, raceLegend } from './finetune-view.js';

const LANES = ['rgp', 'ring', 'random', 'magnitude'];

/**
 * `ctx`: {app, client, settings(), runConfig(s), busy(), setBusy(bool), setState(text), ensureInit(pref)}.
 * Returns {element, startRace} (startRace runs the race now, e.g. for a link with race=true).
 */
export function mountFinetune(ctx) {
  const raceBtn = el('button', { type: 'button', 'data-testid': 'race-start', text: 'Race the masks' });
  const chart = el('canvas', { class: 'tp-chart', 'data-testid': 'race-chart', width: '600', height: '150' });
  const legend = raceLegend(LANES);
  const raceNote = el('p', { class: 'note', 'data-testid': 'race-state', text: 'Fine-tunes four masks of the same sparsity from the pretrained network, in turn.' });

  const kind = el('select', { 'data-testid': 'model-format', 'aria-label': 'Model file format' },
    el('option', { value: 'dense', text: 'safetensors, dense' }),
    el('option', { value: 'packed', text: 'safetensors, packed' }),
    el('option', { value: 'onnx-dense', text: 'ONNX, dense' }),
    el('option', { value: 'onnx-packed', text: 'ONNX, packed' }));
  const saveBtn = el('button', { type: 'button', 'data-testid': 'model-download', text: 'Download model' });
  const load = el('input', { type: 'file', accept: '.safetensors', 'data-testid': 'weights-file', 'aria-label': 'Load weights (safetensors)' });
  const loaded = el('span', { 'data-testid': 'weights-accuracy', text: '' });
  const fileError = el('p', { class: 'error', 'data-testid': 'weights-error', role: 'alert' });

  async function startRace() {
    if (ctx.busy()) return;
    const graph = ctx.app.graph();
    const s = ctx.settings();
    if (!ctx.standard(s)) {
      ctx.app.showError('The race fine-tunes the pretrained network, which has the standard layers: set depth 0, no residual connections, no BatchNorm.');
      return;
    }
    const start = await pretrainedRef(s.model, s.dataset);
    if (!graph || !start) {
      ctx.app.showError(graph ? `No pretrained ${s.model} for ${s.dataset}.` : 'Build a graph first: the race prunes by it.');
      return;
    }
    ctx.app.setConfig({ ...s, race: true });
    ctx.setBusy(true);
    const series = new Map(LANES.map((l) => [l, []]));
    const base = { nodes: graph.n, degree: graph.k, search: 'none', seed: s.train_seed };
    const lanes = [
      { label: 'rgp', n: graph.n, table: graph.table, mask: 'graph' },
      { label: 'ring', n: graph.n, graph: { ...base, init: 'ring' }, mask: 'graph' },
      { label: 'random', n: graph.n, graph: { ...base, init: 'random' }, mask: 'graph' },
      { label: 'magnitude', n: graph.n, table: graph.table, mask: 'magnitude' },
    ];
    raceNote.textContent = 'Racing…';
    ctx.setState('racing');
    try {
      await ctx.ensureInit(s.backend);
      const r = await ctx.client.race(ctx.runConfig(s), {
        dataset: s.dataset,
        variant: s.data,
        lanes,
        start,
        onRacePoint: (p) => {
          series.get(p.lane).push([p.step, p.accuracy]);
          legend.set(p.lane, p.accuracy);
          drawLines(chart, series, { level: p.pretrained ?? start.accuracy, title: 'test accuracy' });
        },
      });
      raceNote.textContent = r.stopped ? 'Race stopped.' : 'Race finished.';
      ctx.setState(r.stopped ? 'stopped' : 'done');
    } catch (e) {
      ctx.setState('error');
      ctx.app.showError(`Race failed: ${e.message}`);
    } finally {
      ctx.setBusy(false);
    }
  }

  raceBtn.addEventListener('click', startRace);

  saveBtn.addEventListener('click', async () => {
    fileError.textContent = '';
    try {
      const k = kind.value;
      const bytes = await ctx.client.saveModel(k, location.hash);
      const s = ctx.settings();
      download(bytes, `rgp-${s.model}-${s.dataset}-${k}.${k.startsWith('onnx') ? 'onnx' : 'safetensors'}`);
    } catch (e) {
      fileError.textContent = e.message;
    }
  });

  load.addEventListener('change', async () => {
    const f = load.files && load.files[0];
    if (!f || ctx.busy()) return;
    fileError.textContent = '';
    const graph = ctx.app.graph();
    const s = ctx.settings();
    try {
      if (!graph) throw new Error('build a graph first');
      await ctx.ensureInit(s.backend);
      const bytes = new Uint8Array(await f.arrayBuffer());
      const r = await ctx.client.loadWeights({ ...ctx.runConfig(s), dense: true }, { dataset: s.dataset, variant: s.data, graph, bytes });
      loaded.textContent = `${f.name}: test accuracy ${(100 * r.accuracy).toFixed(1)}%`;
    } catch (e) {
      // The model on show stays: the worker keeps its last model when a file is refused.
      fileError.textContent = `${f.name}: ${e.message}`;
    } finally {
      load.value = '';
    }
  });

  const element = el('div', { class: 'tp-finetune' },
    el('h3', { text: 'Recovery race' }), el('div', { class: 'buttons' }, raceBtn), raceNote, chart, legend.element,
    el('h3', { text: 'Model files' }),
    el('div', { class: 'buttons' }, kind, saveBtn),
    el('label', { class: 'tp-load' }, 'Load weights ', load), loaded, fileError);
  return { element, startRace };
}
