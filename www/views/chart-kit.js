// What every chart of the page offers, in one place: a frame (the plot, a readout of the values
// under the pointer or the keyboard's point, a data table behind a toggle, SVG and PNG export;
// no empty box before there is data) and LineChart, a uPlot line chart in that frame with
// labelled axes, compact tick labels and a legend of live values. SVG charts (the sweep's
// scatters, the parameters per layer) use the frame through pointSource(). uPlot loads as a chunk
// of its own, on the first chart's data.

import { el } from '../dom.js';
import { downloadBytes } from '../files.js';
import { grouped } from '../format.js';
import { compact, lineSvg, node, pngBlob, svgText } from './chart-svg.js';

/** A value with at most `n` decimals (97.25, 2.1667, 3): ticks and readouts that are short and exact enough. */
export const upTo = (n) => (v) => String(Number(v.toFixed(n)));

/** An exact value: integers grouped (88,776), others with at most 4 decimals. */
const exact = (v) => (Number.isInteger(v) ? grouped(v) : upTo(4)(v));

const HINT = 'Point at the chart, or focus it and press the arrow keys, to read its values.';
const MAX_TABLE_ROWS = 200; // a table of a long search shows every n-th point (and the last)

let uplot = null;
/** uPlot's constructor (one chunk, loaded once for every chart); rejects when offline before it was cached. */
export function loadUPlot() {
  if (!uplot) uplot = import(/* webpackChunkName: "uplot" */ 'uplot').then((m) => m.default);
  return uplot;
}

/**
 * A chart's frame. `opts`: {name (the test ids' prefix), title, empty (a sentence shown while there
 * is no data; without one the frame is hidden then)}. Its owner sets `source`: {count(), select(i)
 * (shows point i, returns its text), table() ({head, rows}), svg() (the chart to export)}.
 */
export class ChartFrame {
  constructor({ name, title, empty = null }) {
    this.name = name;
    this.title = title;
    this.source = null;
    this.index = null; // the keyboard's point
    const id = `ck-${name}`;
    this.placeholder = empty ? el('p', { class: 'note ck-empty', 'data-testid': `${name}-empty`, text: empty }) : null;
    this.readout = el('p', { class: 'ck-readout', id: `${id}-readout`, 'aria-live': 'polite', 'data-testid': `${name}-readout`, text: HINT });
    this.plot = el('div', { class: 'ck-plot', tabindex: '0', role: 'group', 'data-testid': `${name}-chart`,
      'aria-label': `${title}: arrow keys move between the points`, 'aria-describedby': `${id}-readout` });
    this.tableBox = el('div', { class: 'ck-table', id: `${id}-table`, hidden: '', role: 'region', tabindex: '0',
      'aria-label': `${title}: data`, 'data-testid': `${name}-table` });
    const button = (text, key, label) => el('button', { type: 'button', 'data-testid': `${name}-${key}`, 'aria-label': label, text });
    this.tableBtn = button('Data table', 'table-toggle', `Data table of ${title}`);
    this.tableBtn.setAttribute('aria-expanded', 'false');
    this.tableBtn.setAttribute('aria-controls', `${id}-table`);
    const svgBtn = button('SVG', 'svg', `Download ${title} as SVG`);
    const pngBtn = button('PNG', 'png', `Download ${title} as PNG`);
    this.body = el('div', { class: 'ck-body', hidden: '' }, this.plot, this.readout,
      el('div', { class: 'buttons ck-tools' }, this.tableBtn, svgBtn, pngBtn), this.tableBox);
    this.element = el('div', { class: 'ck', 'data-testid': name }, ...(this.placeholder ? [this.placeholder] : []), this.body);
    if (!empty) this.element.hidden = true;
    this.tableBtn.addEventListener('click', () => this.toggleTable());
    svgBtn.addEventListener('click', () => this.exportSvg());
    pngBtn.addEventListener('click', () => this.exportPng());
    this.plot.addEventListener('keydown', (e) => this.onKey(e));
  }

  /** Shows the chart (`has` data) or the placeholder (or nothing) in its place. */
  show(has) {
    this.body.hidden = !has;
    if (this.placeholder) this.placeholder.hidden = has;
    else this.element.hidden = !has;
    if (!has) {
      this.index = null;
      this.readout.textContent = HINT;
    }
  }

  get shown() {
    return !this.body.hidden;
  }

  /** Says `text` in the readout (the pointer's or the keyboard's point). */
  say(text) {
    if (text && this.readout.textContent !== text) this.readout.textContent = text;
  }

  onKey(e) {
    const n = this.source?.count() ?? 0;
    if (!n) return;
    const i = this.index;
    const next = { ArrowRight: i === null ? 0 : i + 1, ArrowLeft: i === null ? n - 1 : i - 1, Home: 0, End: n - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    this.index = Math.min(n - 1, Math.max(0, next));
    this.say(this.source.select(this.index));
  }

  toggleTable() {
    const open = this.tableBox.hidden;
    this.tableBox.hidden = !open;
    this.tableBtn.setAttribute('aria-expanded', String(open));
    if (open) this.refreshTable();
  }

  /** Rebuilds the table if it is open (call when the data changed). */
  refreshTable() {
    if (this.tableBox.hidden || !this.source) return;
    const { head, rows } = this.source.table();
    const step = Math.ceil(rows.length / MAX_TABLE_ROWS);
    const shown = step > 1 ? rows.filter((_, i) => i % step === 0 || i === rows.length - 1) : rows;
    const table = el('table', { class: 'ck-data' },
      el('caption', { text: `${this.title}${step > 1 ? ` (every ${step}th of ${rows.length} points)` : ''}` }),
      el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...shown.map((r) => el('tr', {}, ...r.map((c) => el('td', { text: c }))))));
    this.tableBox.replaceChildren(table);
  }

  file(ext) {
    return `rgp-${this.name}.${ext}`;
  }

  exportSvg() {
    const svg = this.source?.svg();
    if (svg) downloadBytes(new TextEncoder().encode(svgText(svg)), this.file('svg'), 'svg');
  }

  async exportPng() {
    const svg = this.source?.svg();
    if (!svg) return;
    try {
      downloadBytes(new Uint8Array(await (await pngBlob(svg)).arrayBuffer()), this.file('png'), 'png');
    } catch (e) {
      this.readout.textContent = `PNG export failed: ${e.message}`;
    }
  }
}

/** The last value of `d` that is not null, or null. */
function lastOf(d) {
  for (let i = d.length - 1; i >= 0; i--) if (d[i] !== null && d[i] !== undefined) return d[i];
  return null;
}

/** Width of the y axis: room for its longest tick label (so none is cut). */
const ySize = (u, values) => 22 + 7 * Math.max(3, ...(values ?? []).map((v) => String(v).length));

/**
 * A line chart: `spec` {name, title, empty, height, x: {label, log, format}, y: {label, unit, format},
 * series: [{label, color, width, dashed}]}; data by setData([xs, ys of each series]) (nulls are gaps).
 */
export class LineChart {
  constructor(spec) {
    this.spec = spec;
    this.fx = spec.x.format ?? exact; // values: in the legend, the readout and the table
    this.fy = spec.y.format ?? compact;
    this.frame = new ChartFrame(spec);
    this.element = this.frame.element;
    this.cols = [[], ...spec.series.map(() => [])];
    this.plot = null;
    this.UPlot = null;
    this.keying = false;
    this.frame.source = {
      count: () => this.cols[0].length,
      select: (i) => this.select(i),
      table: () => this.table(),
      svg: () => lineSvg({ title: spec.title, xLabel: spec.x.label, yLabel: spec.y.label, xLog: spec.x.log, xFormat: compact, yFormat: this.fy,
        series: spec.series }, this.cols),
    };
    new ResizeObserver(() => this.resize()).observe(this.frame.body);
  }

  /** Loads uPlot; the chart draws once it is there. */
  load() {
    if (this.UPlot) return;
    loadUPlot().then((U) => {
      this.UPlot = U;
      this.render();
    }, () => {}); // the chunk did not load (offline before it was cached): the rest of the page works
  }

  /** New data (columns); drawn at the next frame. */
  setData(cols) {
    this.cols = cols;
    this.load();
    if (!this.queued) {
      this.queued = true;
      requestAnimationFrame(() => {
        this.queued = false;
        this.render();
      });
    }
  }

  render() {
    const has = this.cols[0].length > 1;
    this.frame.show(has);
    if (!has || !this.UPlot) return;
    if (!this.plot) this.create();
    else this.plot.setData(this.cols);
    this.frame.refreshTable();
  }

  width() {
    return Math.max(200, this.frame.plot.clientWidth);
  }

  create() {
    const { spec, fx, fy } = this;
    const value = (f) => (u, v, si, idx) => {
      const x = idx === null || idx === undefined ? lastOf(u.data[si]) : v;
      return x === null || x === undefined ? 'not yet' : f(x);
    };
    this.plot = new this.UPlot({
      width: this.width(),
      height: spec.height ?? 200,
      padding: [10, 26, 0, 0], // room at the right for the last x tick label
      cursor: { drag: { x: true, y: false } }, // drag to zoom into a stretch of iterations or steps
      scales: { x: { time: false, distr: spec.x.log ? 3 : 1 } },
      axes: [
        { label: spec.x.label, labelSize: 18, size: 34, values: (u, splits) => splits.map(compact) }, // 1.2M, never a cut 1,200,000
        { label: spec.y.label, labelSize: 18, size: ySize, values: (u, splits) => splits.map(fy) },
      ],
      series: [
        { label: spec.x.label, value: value(fx) },
        ...spec.series.map((s) => ({ label: s.label, stroke: s.color, width: s.width ?? 1.5, dash: s.dashed ? [4, 3] : undefined,
          spanGaps: true, value: value(fy) })), // uPlot shows the points while they are few (a test accuracy per epoch)
      ],
      hooks: { setCursor: [(u) => this.onCursor(u)] },
    }, this.cols, this.frame.plot);
  }

  /** The pointer moved: the readout says the point under it. */
  onCursor(u) {
    if (this.keying || u.cursor.idx === null || u.cursor.idx === undefined) return;
    this.frame.index = u.cursor.idx;
    this.frame.say(this.describe(u.cursor.idx));
  }

  describe(i) {
    const { spec } = this;
    const unit = spec.y.unit ? ` ${spec.y.unit}` : '';
    const ys = spec.series.map((s, k) => `${s.label} ${this.cols[k + 1][i] === null ? 'none' : `${this.fy(this.cols[k + 1][i])}${unit}`}`);
    return `${spec.x.label} ${this.fx(this.cols[0][i])}: ${ys.join(', ')}`;
  }

  /** The keyboard's point `i`: the cursor moves there and its values are said. */
  select(i) {
    if (this.plot) {
      const y = this.cols.slice(1).map((c) => c[i]).find((v) => v !== null && v !== undefined);
      this.keying = true;
      this.plot.setCursor({ left: this.plot.valToPos(this.cols[0][i], 'x'), top: y === undefined ? 0 : this.plot.valToPos(y, 'y') });
      this.keying = false;
    }
    return this.describe(i);
  }

  table() {
    const { spec } = this;
    const unit = spec.y.unit ? ` (${spec.y.unit})` : '';
    return {
      head: [spec.x.label, ...spec.series.map((s) => `${s.label}${unit}`)],
      rows: this.cols[0].map((x, i) => [this.fx(x), ...this.cols.slice(1).map((c) => (c[i] === null ? '' : this.fy(c[i])))]),
    };
  }

  resize() {
    if (this.plot && this.frame.shown && this.plot.width !== this.width()) this.plot.setSize({ width: this.width(), height: this.spec.height ?? 200 });
  }
}

/** Columns for setData from `lines` (label → [[x, y], ...], in `labels` order): the union of the xs, null where a line has no point. */
export function align(lines, labels) {
  const xs = [...new Set(labels.flatMap((l) => (lines.get(l) ?? []).map((p) => p[0])))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const cols = labels.map(() => new Array(xs.length).fill(null));
  labels.forEach((l, k) => {
    for (const [x, y] of lines.get(l) ?? []) cols[k][at.get(x)] = y;
  });
  return [xs, ...cols];
}

/**
 * Frame source for an SVG whose points carry data-readout (the sweep's scatters): the pointer
 * and the keyboard (points in x order) mark a point and say its values. `table`: {head, rows}.
 */
export function pointSource(frame, svg, table) {
  // Where a point is: a circle's centre, or the data-x/data-y its chart gave it (a bar's top).
  const at = (p) => [Number(p.dataset.x ?? p.getAttribute('cx')), Number(p.dataset.y ?? p.getAttribute('cy'))];
  const points = [...svg.querySelectorAll('[data-readout]')].sort((a, b) => at(a)[0] - at(b)[0]);
  const mark = node('circle', { r: 7, fill: 'none', stroke: '#222', 'stroke-width': 1.5, class: 'ck-mark', visibility: 'hidden' });
  svg.append(mark);
  frame.plot.replaceChildren(svg);
  const select = (i) => {
    const [x, y] = at(points[i]);
    mark.setAttribute('cx', x);
    mark.setAttribute('cy', y);
    mark.setAttribute('visibility', 'visible');
    return points[i].dataset.readout;
  };
  svg.addEventListener('pointermove', (e) => {
    const m = svg.getScreenCTM();
    if (!m || !points.length) return;
    const q = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
    let best = 0;
    const d = (p) => (at(p)[0] - q.x) ** 2 + (at(p)[1] - q.y) ** 2;
    points.forEach((p, i) => {
      if (d(p) < d(points[best])) best = i;
    });
    frame.index = best;
    frame.say(select(best));
  });
  frame.source = {
    count: () => points.length,
    select,
    table: () => table,
    svg: () => {
      const copy = svg.cloneNode(true);
      copy.querySelector('.ck-mark')?.remove();
      return copy;
    },
  };
  frame.index = null;
  frame.show(points.length > 0);
  frame.refreshTable();
}
