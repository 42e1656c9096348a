// Charts as SVG built with DOM calls (nothing is parsed as markup): the shared pieces (number
// format, ticks, axes with labels, legend, title) and the line charts' export drawing. The same
// SVG is saved as .svg and rasterised to .png, so both files carry the axes and the legend.

import { grouped } from '../format.js';

export const NS = 'http://www.w3.org/2000/svg';

export function node(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A short label for a tick or value: 1.5M, 120k, 1,000, 2.31 (long numbers would not fit an axis). */
export function compact(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  const a = Math.abs(v);
  const trim = (x) => String(Number(x.toPrecision(3)));
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e4) return `${trim(v / 1e3)}k`;
  if (a >= 1000 || Number.isInteger(v)) return grouped(v);
  return trim(v);
}

/** About five round ticks covering [lo, hi]. */
export function ticks(lo, hi) {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/** The powers of ten in [lo, hi] (lo > 0), for a log axis. */
function logTicks(lo, hi) {
  const out = [];
  for (let e = Math.ceil(Math.log10(lo)); 10 ** e <= hi * (1 + 1e-9); e++) out.push(10 ** e);
  return out.length > 1 ? out : ticks(lo, hi);
}

/** An empty chart of `w`×`h` with its title (a <title> for readers, and drawn at the top). */
export function svgRoot(w, h, title) {
  const svg = node('svg', { xmlns: NS, viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: 'img', 'aria-label': title });
  svg.append(node('title', {}, title), node('rect', { x: 0, y: 0, width: w, height: h, fill: '#ffffff' }));
  return svg;
}

/**
 * The axes of a chart: lines, ticks, grid, tick labels, axis labels and the title.
 * `spec`: {title, xLabel, yLabel, xFormat, yFormat, xLog, yLog, xTicks}; `s`: {x0, x1, y0, y1, px, py, w, h, pad}.
 */
export function axes(spec, s) {
  const { x0, x1, y0, y1, px, py, w, h, pad } = s;
  const fx = spec.xFormat ?? compact;
  const fy = spec.yFormat ?? compact;
  const g = node('g', { 'font-size': 11, 'font-family': 'sans-serif', fill: '#444', class: 'axes' });
  g.append(node('line', { x1: pad.left, y1: h - pad.bottom, x2: w - pad.right, y2: h - pad.bottom, stroke: '#888' }));
  g.append(node('line', { x1: pad.left, y1: pad.top, x2: pad.left, y2: h - pad.bottom, stroke: '#888' }));
  // Categories (a bar chart's) have their own ticks: {at, label}.
  const xt = spec.xTicks ?? (spec.xLog ? logTicks(x0, x1) : ticks(x0, x1)).filter((t) => t >= x0 && t <= x1).map((t) => ({ at: t, label: fx(t) }));
  for (const { at, label } of xt) {
    g.append(node('line', { x1: px(at), y1: h - pad.bottom, x2: px(at), y2: h - pad.bottom + 4, stroke: '#888' }));
    g.append(node('text', { x: px(at), y: h - pad.bottom + 16, 'text-anchor': 'middle' }, label));
  }
  for (const t of spec.yLog ? logTicks(y0, y1) : ticks(y0, y1)) {
    if (t < y0 || t > y1) continue;
    g.append(node('line', { x1: pad.left, y1: py(t), x2: w - pad.right, y2: py(t), stroke: '#eef1f4' }));
    g.append(node('text', { x: pad.left - 6, y: py(t) + 4, 'text-anchor': 'end' }, fy(t)));
  }
  g.append(node('text', { x: (pad.left + w - pad.right) / 2, y: h - 8, 'text-anchor': 'middle', class: 'x-label' }, spec.xLabel));
  const mid = (pad.top + h - pad.bottom) / 2;
  g.append(node('text', { x: 14, y: mid, 'text-anchor': 'middle', transform: `rotate(-90 14 ${mid})`, class: 'y-label' }, spec.yLabel));
  g.append(node('text', { x: pad.left, y: 16, 'font-size': 12, 'font-weight': 'bold', fill: '#222' }, spec.title));
  return g;
}

/** The legend, right-aligned under the title: `items` [{label, color, dashed}]. */
export function legend(items, w, right) {
  const g = node('g', { 'font-size': 11, 'font-family': 'sans-serif', class: 'legend' });
  let x = w - right;
  let y = 30;
  for (const { label, color, dashed } of [...items].reverse()) {
    const width = 22 + label.length * 6;
    if (x - width < 60) {
      x = w - right;
      y += 14;
    }
    x -= width;
    g.append(node('line', { x1: x, y1: y, x2: x + 14, y2: y, stroke: color, 'stroke-width': 2, ...(dashed ? { 'stroke-dasharray': '4 3' } : {}) }));
    g.append(node('text', { x: x + 17, y: y + 4, fill: '#333' }, label));
  }
  return g;
}

const LW = 640;
const LH = 320;
const LPAD = { left: 64, right: 28, top: 58, bottom: 44 };

/** The [lo, hi] of finite `values`, widened a little (and made non-empty). */
export function extent(values, padFrac) {
  const v = values.filter(Number.isFinite);
  if (!v.length) return [0, 1];
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  if (lo === hi) {
    lo -= 0.05 * (Math.abs(lo) || 1);
    hi += 0.05 * (Math.abs(hi) || 1);
  }
  const p = (hi - lo) * padFrac;
  return [lo - p, hi + p];
}

/**
 * A line chart for export: `spec` {title, xLabel, yLabel, xLog, xFormat, yFormat,
 * series: [{label, color, dashed}]} and `cols` [xs, ys of each series] (nulls are gaps).
 */
export function lineSvg(spec, cols) {
  const svg = svgRoot(LW, LH, spec.title);
  const [xs, ...yss] = cols;
  const [x0, x1] = spec.xLog ? [Math.min(...xs), Math.max(...xs) || 1] : extent(xs, 0);
  const [y0, y1] = extent(yss.flat().filter((y) => y !== null), 0.06);
  const lx = (x) => (spec.xLog ? Math.log10(x) : x);
  const span = lx(x1) - lx(x0) || 1;
  const s = { x0, x1, y0, y1, w: LW, h: LH, pad: LPAD,
    px: (x) => LPAD.left + ((lx(x) - lx(x0)) / span) * (LW - LPAD.left - LPAD.right),
    py: (y) => LH - LPAD.bottom - ((y - y0) / (y1 - y0)) * (LH - LPAD.top - LPAD.bottom) };
  svg.append(axes(spec, s));
  spec.series.forEach((sr, i) => {
    const pts = xs.map((x, j) => (yss[i][j] === null || yss[i][j] === undefined ? null : `${s.px(x).toFixed(1)},${s.py(yss[i][j]).toFixed(1)}`)).filter(Boolean);
    svg.append(node('polyline', { points: pts.join(' '), fill: 'none', stroke: sr.color, 'stroke-width': 1.5, 'data-series': sr.label,
      ...(sr.dashed ? { 'stroke-dasharray': '4 3' } : {}) }));
  });
  svg.append(legend(spec.series, LW, LPAD.right));
  return svg;
}

/**
 * Bars on a log scale, in groups: `spec` {title, xLabel, yLabel, series: [{label, color}],
 * groups: [{label, values (one per series, ≥ 1)}]}. Each bar carries its values (data-readout).
 */
export function barSvg(spec) {
  const w = 460;
  const h = 260;
  const pad = { left: 64, right: 16, top: 58, bottom: 44 };
  const svg = svgRoot(w, h, spec.title);
  const all = spec.groups.flatMap((g) => g.values).map((v) => Math.max(1, v));
  const y1 = 10 ** Math.ceil(Math.log10(Math.max(10, ...all)));
  const n = spec.groups.length || 1;
  const band = (w - pad.left - pad.right) / n;
  const s = { x0: 0, x1: n, y0: 1, y1, w, h, pad,
    px: (i) => pad.left + (i + 0.5) * band,
    py: (v) => h - pad.bottom - (Math.log10(Math.max(1, v)) / Math.log10(y1)) * (h - pad.top - pad.bottom) };
  svg.append(axes({ ...spec, yLog: true, xTicks: spec.groups.map((g, i) => ({ at: i, label: g.label })) }, s));
  const bw = (band * 0.8) / spec.series.length;
  spec.groups.forEach((g, i) => {
    g.values.forEach((v, k) => {
      const x = s.px(i) - band * 0.4 + k * bw;
      svg.append(node('rect', { x, y: s.py(v), width: bw * 0.92, height: h - pad.bottom - s.py(v), fill: spec.series[k].color,
        'data-x': x + bw / 2, 'data-y': s.py(v), 'data-readout': `${g.label}, ${spec.series[k].label}: ${compact(v)} ${spec.yLabel.replace(/ \(.*\)$/, '')}` }));
    });
  });
  svg.append(legend(spec.series, w, pad.right));
  return svg;
}

/** The SVG file of a chart. */
export function svgText(svg) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}\n`;
}

/** A PNG (2× scale) of a chart, as a Blob. */
export async function pngBlob(svg) {
  const w = Number(svg.getAttribute('width'));
  const h = Number(svg.getAttribute('height'));
  const url = URL.createObjectURL(new Blob([svgText(svg)], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = w * 2;
    canvas.height = h * 2;
    const ctx = canvas.getContext('2d');
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0, w, h);
    return await new Promise((resolve, reject) => {
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the chart could not be rasterised'))), 'image/png');
    });
  } finally {
    URL.revokeObjectURL(url);
  }
}
