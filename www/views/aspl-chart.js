// Live ASPL-vs-iteration chart (uPlot): the current graph's ASPL and the best so far, on a log
// iteration axis (searches make most of their progress early; iteration 0 is drawn at 1).
// Points arrive every ~50 ms; past MAX_POINTS every other point is dropped, so a long search keeps
// its whole history at a bounded cost. uPlot loads on its own, after the first graph: its ~50 KB
// would otherwise be evaluated before the page could start the graph engine.

const MAX_POINTS = 4000;

export class AsplChart {
  constructor(el) {
    this.el = el;
    this.x = [];
    this.cur = [];
    this.best = [];
    this.plot = null;
    this.UPlot = null; // uPlot's constructor, once release() has loaded it
    this.dirty = false;
  }

  /** Loads uPlot (a chunk of its own); the page calls it once, when its first graph is shown. */
  release() {
    import(/* webpackChunkName: "uplot" */ 'uplot').then(
      (m) => {
        this.UPlot = m.default;
        this.dirty = true;
      },
      () => {}, // the chunk did not load (offline before it was cached): the page works without the chart
    );
  }

  /** Creates the plot once uPlot is loaded; false until then (the points wait in the arrays). */
  ensure() {
    if (this.plot) return true;
    if (!this.UPlot) return false;
    const width = Math.max(200, this.el.clientWidth);
    this.plot = new this.UPlot(
      {
        width,
        height: 220,
        legend: { show: true },
        cursor: { drag: { x: true, y: false } },
        scales: { x: { time: false, distr: 3 } },
        axes: [
          { label: 'iteration', size: 40 },
          { label: 'ASPL', size: 56 },
        ],
        series: [
          { label: 'iteration' },
          { label: 'current', stroke: '#8896ab', width: 1, points: { show: false } },
          { label: 'best', stroke: '#e4572e', width: 2, points: { show: false } },
        ],
      },
      [this.x, this.cur, this.best],
      this.el,
    );
    return true;
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

  /** Redraws if anything changed (call once per animation frame). */
  render() {
    if (!this.dirty || !this.ensure()) return;
    this.dirty = false;
    this.plot.setData([this.x, this.cur, this.best]);
  }

  resize() {
    if (this.plot) this.plot.setSize({ width: Math.max(200, this.el.clientWidth), height: 220 });
  }
}
