// How the training panel writes its numbers: accuracies as percentages, counts with thousands
// separators, durations in seconds or minutes; '—' where there is no value yet.

import { grouped } from '../format.js';

export const pct = (x) => (x === null || x === undefined || Number.isNaN(x) ? '—' : `${(100 * x).toFixed(1)}%`);
/** An accuracy (0..1) in percent for a chart; null (not measured) stays null. */
export const percent = (x) => (x === null || x === undefined ? null : 100 * x);
export const num = (x) => (x === null || x === undefined ? '—' : grouped(x));
export const secs = (s) => (!Number.isFinite(s) ? '—' : s < 90 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`);
