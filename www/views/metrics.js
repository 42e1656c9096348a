// The metrics panel and the search readouts. Values are written with textContent only.

const $ = (id) => document.getElementById(id);
const num = new Intl.NumberFormat('en-US');

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
}

/** While a search runs, the finished-graph metrics do not apply: show dashes. */
export function showSearching() {
  set('m-fingerprint', 'searching…');
  for (const id of ['m-clustering', 'm-transitivity', 'm-gr', 'm-aopu']) set(id, '…');
}

/** Live ASPL and diameter of the graph being searched. */
export function showLive(p) {
  set('m-aspl', fixed(p.aspl));
  set('m-diameter', String(p.diameter));
}

export function showProgress(p, evalsPerSec, elapsedMs) {
  set('s-iterations', num.format(p.iterations));
  set('s-aspl', fixed(p.aspl));
  set('s-best', `${fixed(p.best_aspl)} (d=${p.best_diameter})`);
  set('s-accepted', num.format(p.accepted));
  if (typeof evalsPerSec === 'number' && Number.isFinite(evalsPerSec)) set('s-eps', num.format(Math.round(evalsPerSec)));
  if (typeof elapsedMs === 'number') set('s-elapsed', `${(elapsedMs / 1000).toFixed(2)} s`);
}

export function clearProgress() {
  for (const id of ['s-iterations', 's-aspl', 's-best', 's-accepted', 's-eps', 's-elapsed']) set(id, '—');
}
