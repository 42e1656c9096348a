// The sweep's charts as SVG built with DOM calls (nothing is parsed as markup): a scatter of
// runs with per-group mean ± sd bars, optional horizontal reference lines. The same element is
// shown on the page, saved as .svg, and rasterised to .png.

const NS = 'http://www.w3.org/2000/svg';
const W = 460;
const H = 296;
const PAD = { left: 58, right: 14, top: 44, bottom: 44 };

function node(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
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

function extent(values, padFrac) {
  const v = values.filter(Number.isFinite);
  if (!v.length) return [0, 1];
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  if (lo === hi) {
    lo -= 0.5 * (Math.abs(lo) || 1) * 0.1;
    hi += 0.5 * (Math.abs(hi) || 1) * 0.1;
  }
  const p = (hi - lo) * padFrac;
  return [lo - p, hi + p];
}

/**
 * spec = {
 *   title, xLabel, yLabel,
 *   series: [{ label, color, points: [{x, y}], groups: [{x, mean, sd}] }],
 *   lines: [{ label, y, color }],      horizontal reference lines (e.g. the dense baseline)
 *   yFormat(v), xFormat(v)
 * }
 */
export function scatterSvg(spec) {
  const svg = node('svg', { xmlns: NS, viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: 'sw-chart', role: 'img' });
  svg.append(node('title', {}, spec.title));
  svg.append(node('rect', { x: 0, y: 0, width: W, height: H, fill: '#ffffff' }));
  const scale = scales(spec);
  svg.append(axes(spec, scale));
  const legend = node('g', { 'font-size': 11, 'font-family': 'sans-serif' });
  let lx = W - PAD.right;
  const legendItem = (label, color, dashed) => {
    const width = 22 + label.length * 6;
    lx -= width;
    legend.append(node('line', { x1: lx, y1: 30, x2: lx + 14, y2: 30, stroke: color, 'stroke-width': 2,
      ...(dashed ? { 'stroke-dasharray': '4 3' } : {}) }));
    legend.append(node('text', { x: lx + 17, y: 34, fill: '#333' }, label));
  };
  for (const l of spec.lines ?? []) {
    svg.append(node('line', { x1: PAD.left, y1: scale.py(l.y), x2: W - PAD.right, y2: scale.py(l.y), stroke: l.color,
      'stroke-dasharray': '4 3', 'stroke-width': 1.5 }));
    legendItem(l.label, l.color, true);
  }
  for (const s of [...spec.series].reverse()) legendItem(s.label, s.color, false);
  for (const s of spec.series) svg.append(seriesGroup(s, scale));
  svg.append(legend);
  return svg;
}

/** Pixel positions of data values: the extent of every point, group bar and line, padded. */
function scales(spec) {
  const xs = [];
  const ys = [];
  for (const s of spec.series) {
    for (const p of s.points) {
      xs.push(p.x);
      ys.push(p.y);
    }
    for (const g of s.groups) {
      xs.push(g.x);
      ys.push(g.mean - g.sd, g.mean + g.sd);
    }
  }
  for (const l of spec.lines ?? []) ys.push(l.y);
  const [x0, x1] = extent(xs, 0.06);
  const [y0, y1] = extent(ys, 0.08);
  return {
    x0, x1, y0, y1,
    px: (x) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right),
    py: (y) => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom),
  };
}

/** Axes, ticks, grid lines, axis labels and the title. */
function axes(spec, { x0, x1, y0, y1, px, py }) {
  const fx = spec.xFormat ?? ((v) => String(v));
  const fy = spec.yFormat ?? ((v) => String(v));
  const g = node('g', { 'font-size': 11, 'font-family': 'sans-serif', fill: '#444' });
  g.append(node('line', { x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom, stroke: '#888' }));
  g.append(node('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: H - PAD.bottom, stroke: '#888' }));
  for (const t of ticks(x0, x1)) {
    if (t < x0 || t > x1) continue;
    g.append(node('line', { x1: px(t), y1: H - PAD.bottom, x2: px(t), y2: H - PAD.bottom + 4, stroke: '#888' }));
    g.append(node('text', { x: px(t), y: H - PAD.bottom + 16, 'text-anchor': 'middle' }, fx(t)));
  }
  for (const t of ticks(y0, y1)) {
    if (t < y0 || t > y1) continue;
    g.append(node('line', { x1: PAD.left, y1: py(t), x2: W - PAD.right, y2: py(t), stroke: '#eef1f4' }));
    g.append(node('text', { x: PAD.left - 6, y: py(t) + 4, 'text-anchor': 'end' }, fy(t)));
  }
  g.append(node('text', { x: (PAD.left + W - PAD.right) / 2, y: H - 8, 'text-anchor': 'middle' }, spec.xLabel));
  g.append(node('text', { x: 14, y: (PAD.top + H - PAD.bottom) / 2, 'text-anchor': 'middle',
    transform: `rotate(-90 14 ${(PAD.top + H - PAD.bottom) / 2})` }, spec.yLabel));
  g.append(node('text', { x: PAD.left, y: 16, 'font-size': 12, 'font-weight': 'bold', fill: '#222' }, spec.title));
  return g;
}

/** One series: its points, and its groups' means joined by a line, with ± sd bars. */
function seriesGroup(s, { px, py }) {
  const g = node('g', { 'data-series': s.label });
  for (const p of s.points) {
    g.append(node('circle', { cx: px(p.x), cy: py(p.y), r: 2.2, fill: s.color, 'fill-opacity': 0.35 }));
  }
  const sorted = [...s.groups].sort((a, b) => a.x - b.x);
  if (sorted.length > 1) {
    g.append(node('polyline', { points: sorted.map((m) => `${px(m.x)},${py(m.mean)}`).join(' '), fill: 'none',
      stroke: s.color, 'stroke-width': 1.2, 'stroke-opacity': 0.6 }));
  }
  for (const m of sorted) {
    const x = px(m.x);
    g.append(node('line', { x1: x, y1: py(m.mean - m.sd), x2: x, y2: py(m.mean + m.sd), stroke: s.color, 'stroke-width': 1.5 }));
    for (const y of [m.mean - m.sd, m.mean + m.sd]) {
      g.append(node('line', { x1: x - 4, y1: py(y), x2: x + 4, y2: py(y), stroke: s.color, 'stroke-width': 1.5 }));
    }
    g.append(node('circle', { cx: x, cy: py(m.mean), r: 4, fill: s.color, 'data-mean': m.mean }));
  }
  return g;
}

/** The SVG file of a chart. */
export function svgText(svg) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}\n`;
}

/** A PNG (2× scale) of a chart, as a Blob. */
export async function pngBlob(svg) {
  const url = URL.createObjectURL(new Blob([svgText(svg)], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = W * 2;
    canvas.height = H * 2;
    const ctx = canvas.getContext('2d');
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0, W, H);
    return await new Promise((resolve, reject) => {
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the chart could not be rasterised'))), 'image/png');
    });
  } finally {
    URL.revokeObjectURL(url);
  }
}
