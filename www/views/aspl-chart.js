// Live ASPL-vs-iteration chart (chart-kit.js's LineChart on uPlot): the current graph's ASPL and
// the best so far, on a log iteration axis (searches make most of their progress early;
// iteration 0 is drawn at 1). Points arrive every ~50 ms; past MAX_POINTS every other point is
// dropped, so a long search keeps its whole history at a bounded cost. uPlot loads on its own,
// after the first graph: its ~50 KB would otherwise be evaluated before the page could start the
// graph engine.

import { LineChart, upTo } from './chart-kit.js';

const MAX_POINTS = 4000;

export class AsplChart {
  constructor(el) {
    this.chart = new LineChart({
      name: 'aspl-curve',
      title: 'ASPL against iteration',
      empty: 'No search yet: the ASPL of each iteration is drawn here while a search runs.',
      height: 220,
      x: { label: 'iteration', log: true },
      y: { label: 'ASPL (hops)', unit: 'hops', format: upTo(4) },
      series: [
        { label: 'current', color: '#8896ab', width: 1 },
        { label: 'best', color: '#e4572e', width: 2 },
      ],
    });
    el.replaceChildren(this.chart.element);
    this.released = false;
    this.reset();
  }

  /** Loads uPlot (a chunk of its own); the page calls it once, when its first graph is shown. */
  release() {
    this.released = true;
    this.dirty = true;
  }

  reset() {
    this.x = [];
    this.cur = [];
    this.best = [];
    this.dirty = true;
  }

  push(iterations, aspl, best) {
    if (!Number.isFinite(aspl) || !Number.isFinite(best)) return;
    const iteration = Math.max(1, iterations);
    const last = this.x.length - 1;
    if (last >= 0 && iteration <= this.x[last]) {
      this.cur[last] = aspl;
      this.best[last] = best;
    } else {
      this.x.push(iteration);
      this.cur.push(aspl);
      this.best.push(best);
    }
    if (this.x.length > MAX_POINTS) {
      const keep = (a) => a.filter((_, i) => i % 2 === 0 || i === a.length - 1);
      this.x = keep(this.x);
      this.cur = keep(this.cur);
      this.best = keep(this.best);
    }
    this.dirty = true;
  }

  /** Hands the points over if anything changed (call once per animation frame). */
  render() {
    if (!this.dirty || !this.released) return;
    this.dirty = false;
    // Copies: uPlot keeps the arrays it is given, and push() changes these in place.
    this.chart.setData([this.x.slice(), this.cur.slice(), this.best.slice()]);
  }

  resize() {
    this.chart.resize();
  }
}
