// The sweep's charts as SVG (www/views/chart-svg.js): a scatter of runs with per-group mean ± sd
// bars, optional horizontal reference lines. The same element is shown on the page, saved as
// .svg and rasterised to .png; each point carries its values (data-readout) for the pointer and
// keyboard readout of www/views/chart-kit.js.

import { axes, extent, legend, node, svgRoot } from '../views/chart-svg.js';

const W = 460;
const H = 296;
const PAD = { left: 58, right: 14, top: 44, bottom: 44 };

/**
 * spec = {
 *   title, xLabel, yLabel,
 *   series: [{ label, color, points: [{x, y}], groups: [{x, mean, sd}] }],
 *   lines: [{ label, y, color }],      horizontal reference lines (e.g. the dense baseline)
 *   yFormat(v), xFormat(v)
 * }
 */
export function scatterSvg(spec) {
  const svg = svgRoot(W, H, spec.title);
  svg.setAttribute('class', 'sw-chart');
  const scale = scales(spec);
  svg.append(axes(spec, scale));
  const items = [];
  for (const l of spec.lines ?? []) {
    svg.append(node('line', { x1: PAD.left, y1: scale.py(l.y), x2: W - PAD.right, y2: scale.py(l.y), stroke: l.color,
      'stroke-dasharray': '4 3', 'stroke-width': 1.5 }));
    items.push({ label: l.label, color: l.color, dashed: true });
  }
  for (const s of spec.series) svg.append(seriesGroup(s, scale, spec));
  svg.append(legend([...spec.series, ...items], W, PAD.right));
  return svg;
}

/** The chart's data as a table: one row per run and per group mean. */
export function scatterTable(spec) {
  const fx = spec.xFormat ?? String;
  const fy = spec.yFormat ?? String;
  const rows = [];
  for (const s of spec.series) {
    for (const p of s.points) rows.push([s.label, 'run', fx(p.x), fy(p.y), '']);
    for (const g of s.groups) rows.push([s.label, 'mean', fx(g.x), fy(g.mean), fy(g.sd)]);
  }
  for (const l of spec.lines ?? []) rows.push([l.label, 'reference', '', fy(l.y), '']);
  return { head: ['series', 'point', spec.xLabel, spec.yLabel, 'sd'], rows };
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
    x0, x1, y0, y1, w: W, h: H, pad: PAD,
    px: (x) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right),
    py: (y) => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom),
  };
}

/** One series: its points, and its groups' means joined by a line, with ± sd bars. */
function seriesGroup(s, { px, py }, spec) {
  const fx = spec.xFormat ?? String;
  const fy = spec.yFormat ?? String;
  const g = node('g', { 'data-series': s.label });
  for (const p of s.points) {
    g.append(node('circle', { cx: px(p.x), cy: py(p.y), r: 2.2, fill: s.color, 'fill-opacity': 0.35,
      'data-readout': `${s.label}, one run: ${spec.xLabel} ${fx(p.x)}, ${spec.yLabel} ${fy(p.y)}` }));
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
    g.append(node('circle', { cx: x, cy: py(m.mean), r: 4, fill: s.color, 'data-mean': m.mean,
      'data-readout': `${s.label}, mean: ${spec.xLabel} ${fx(m.x)}, ${spec.yLabel} ${fy(m.mean)} ± ${fy(m.sd)}` }));
  }
  return g;
}
