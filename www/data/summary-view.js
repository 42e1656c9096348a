// What the page shows of the user's data once read: one line (classes, counts, what was left
// out, data_id), the classes with their counts and a few example images each (or a table's
// first rows), and every file or row left out with its reason. DOM only; text, never HTML.

import { el } from '../dom.js';

const plural = (n, one, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** The one-line summary of `s` (describe_user_data's answer). */
export function summaryLine(s) {
  const unit = s.kind === 'table' ? 'row' : 'image';
  const train = s.train_counts.reduce((a, b) => a + b, 0);
  const test = s.test_counts.reduce((a, b) => a + b, 0);
  const shape = s.kind === 'table' ? `${plural(s.inputs, 'feature')}` : `${s.side}×${s.side} ${s.channels === 3 ? 'RGB' : 'grey'}`;
  const left = s.skipped.length ? `, ${plural(s.skipped.length, s.kind === 'table' ? 'row' : 'file')} skipped` : '';
  return `${s.name}: ${plural(s.classes.length, 'class', 'classes')}, ${plural(train, `training ${unit}`)} and ${test.toLocaleString('en-US')} test (${shape})${left} · data_id ${s.data_id}`;
}

/** The classes with their counts and example images (`blobOf(path)` → the file's Blob). */
function classTable(s, blobOf, urls) {
  const rows = s.classes.map((name, i) => {
    const pics = el('td', { class: 'data-examples' });
    for (const path of s.examples?.[i] ?? []) {
      const blob = blobOf(path);
      if (!blob) continue;
      const url = URL.createObjectURL(blob);
      urls.push(url);
      pics.append(el('img', { src: url, alt: `${name}: ${path}`, width: '32', height: '32' }));
    }
    return el('tr', {}, el('th', { scope: 'row', text: name }), el('td', { text: String(s.train_counts[i]) }), el('td', { text: String(s.test_counts[i]) }), pics);
  });
  const head = el('tr', {}, ...['Class', 'Train', 'Test', s.kind === 'table' ? '' : 'Examples'].map((t) => el('th', { scope: 'col', text: t })));
  return el('table', { class: 'data-classes', 'data-testid': 'data-classes' }, el('thead', {}, head), el('tbody', {}, ...rows));
}

function skippedList(s) {
  const list = el('ul', { class: 'data-skipped', 'data-testid': 'data-skipped' });
  for (const k of s.skipped.slice(0, 200)) list.append(el('li', { text: `${k.item}: ${k.reason}` }));
  if (s.skipped.length > 200) list.append(el('li', { text: `… and ${s.skipped.length - 200} more` }));
  return el('details', { open: '' }, el('summary', { text: `Left out (${s.skipped.length})` }), list);
}

/**
 * Fills `box` with the summary `s`. `blobOf(path)` finds a file of the folder; `firstRows` is a
 * table's first lines. Returns a function that frees the example images' URLs.
 */
export function showSummary(box, s, { blobOf, firstRows }) {
  const urls = [];
  box.replaceChildren(el('p', { 'data-testid': 'data-summary-line', text: summaryLine(s) }), classTable(s, blobOf, urls));
  if (firstRows) box.append(el('pre', { class: 'data-rows', 'data-testid': 'data-rows', text: firstRows }));
  if (s.skipped.length) box.append(skippedList(s));
  return () => urls.forEach((u) => URL.revokeObjectURL(u));
}
