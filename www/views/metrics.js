// The metrics panel and the search readouts. Values are written with textContent only.

import { grouped } from '../format.js';
import { METRIC_HELP } from '../texts.js';

const $ = (id) => document.getElementById(id);

function set(id, text) {
  const el = $(id);
  if (el) el.textContent = text;
}

function fixed(x, digits = 4) {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—';
}

/** Metrics of a finished graph: view = { n, k, fingerprint, metrics }. */
export function showMetrics(view) {
  const m = view.metrics ?? {};
  set('m-fingerprint', view.fingerprint);
  set('m-aspl', fixed(m.aspl));
  set('m-diameter', m.diameter === undefined || m.diameter === null ? '—' : String(m.diameter));
  set('m-moore', fixed(m.moore_bound));
  set('m-gap', fixed(m.gap));
  set('m-clustering', fixed(m.clustering));
  set('m-transitivity', fixed(m.transitivity));
  set('m-gr', m.gr_mean === undefined ? '—' : `${fixed(m.gr_mean, 2)} / ${m.gr_max}`);
  set('m-aopu', fixed(m.aopu));
  const kept = view.k / view.n;
  set('m-kept', `${view.k}/${view.n} = ${fixed(kept, 4)}`);
  set('m-ratio', `${(100 * (1 - kept)).toFixed(2)} %`);
  showReach(m.walk_reach, m.path_reach);
  explainMetrics($('metrics'));
}

/** Gives every metric's name its one-line explanation (www/texts.js): focusable, described for
 *  screen readers, shown on hover and on focus (style.css), so touch and keyboard reach it too. */
function explainMetrics(list) {
  for (const dd of list?.querySelectorAll('dd') ?? []) {
    const key = dd.dataset.testid ?? dd.querySelector('[data-testid]')?.dataset.testid;
    const dt = dd.previousElementSibling;
    const help = METRIC_HELP[key];
    if (!help || dt?.tagName !== 'DT' || dt.dataset.help) continue;
    dt.dataset.help = help;
    dt.tabIndex = 0;
    dt.setAttribute('aria-description', help);
  }
}

const SVG = 'http://www.w3.org/2000/svg';
const CHART = { w: 168, h: 64, pad: 4 };

function svgEl(name, attrs) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** The reach row of the metrics list (made once; index.html stays as it is). */
function reachRow() {
  let dd = $('m-reach');
  if (dd) return dd;
  const dl = $('metrics');
  if (!dl) return null;
  const dt = document.createElement('dt');
  dt.textContent = 'Reach vs depth L';
  dd = document.createElement('dd');
  dd.id = 'm-reach';
  dd.dataset.testid = 'reach';
  dl.append(dt, dd);
  return dd;
}

/** First L (1-based) at which every pair is reached, or null. */
function fullAt(xs) {
  const i = xs.findIndex((v) => v >= 1);
  return i < 0 ? null : i + 1;
}

/** A tiny line chart of walk and path reachability against depth. */
function showReach(walk, path) {
  const dd = reachRow();
  if (!dd) return;
  dd.replaceChildren();
  if (!Array.isArray(walk) || !Array.isArray(path) || walk.length < 2) {
    dd.textContent = '—';
    return;
  }
  const { w, h, pad } = CHART;
  const x = (i) => pad + (i / (walk.length - 1)) * (w - 2 * pad);
  const y = (v) => h - pad - v * (h - 2 * pad);
  const line = (xs) => xs.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const svg = svgEl('svg', { width: w, height: h, viewBox: `0 0 ${w} ${h}`, 'data-testid': 'reach-chart', role: 'img' });
  const fw = fullAt(walk);
  const fp = fullAt(path);
  const label = `walks reach ${(100 * walk[1]).toFixed(0)}% of pairs at L = 2; all pairs from L = ${fw ?? '>16'} ` +
    `(walks), ${fp ?? '>16'} (paths)`;
  svg.setAttribute('aria-label', label);
  svg.append(
    svgEl('rect', { x: 0.5, y: 0.5, width: w - 1, height: h - 1, fill: 'none', stroke: 'currentColor', 'stroke-opacity': 0.25 }),
    svgEl('polyline', { points: line(path), fill: 'none', stroke: 'currentColor', 'stroke-dasharray': '3 2', 'stroke-opacity': 0.6 }),
    svgEl('polyline', { points: line(walk), fill: 'none', stroke: 'currentColor', 'stroke-width': 1.5 }),
  );
  const note = document.createElement('div');
  note.dataset.testid = 'reach-full';
  note.textContent = `all pairs from L = ${fw ?? '>16'} (walks), ${fp ?? '>16'} (paths)`;
  dd.append(svg, note);
}

/** While a search runs, the finished-graph metrics do not apply: show dashes. */
export function showSearching() {
  set('m-fingerprint', 'searching…');
  for (const id of ['m-clustering', 'm-transitivity', 'm-gr', 'm-aopu', 'm-reach']) set(id, '…');
}

/** Live ASPL and diameter of the graph being searched. */
export function showLive(p) {
  set('m-aspl', fixed(p.aspl));
  set('m-diameter', String(p.diameter));
}

export function showProgress(p, evalsPerSec, elapsedMs) {
  set('s-iterations', grouped(p.iterations));
  set('s-aspl', fixed(p.aspl));
  set('s-best', `${fixed(p.best_aspl)} (d=${p.best_diameter})`);
  set('s-accepted', grouped(p.accepted));
  if (typeof evalsPerSec === 'number' && Number.isFinite(evalsPerSec)) set('s-eps', grouped(Math.round(evalsPerSec)));
  if (typeof elapsedMs === 'number') set('s-elapsed', `${(elapsedMs / 1000).toFixed(2)} s`);
}

export function clearProgress() {
  for (const id of ['s-iterations', 's-aspl', 's-best', 's-accepted', 's-eps', 's-elapsed']) set(id, '—');
}
