// The graph drawing and the adjacency heatmap. Where the browser can hand canvases to a worker
// (OffscreenCanvas), a render worker draws them and the page only forwards graphs; otherwise
// they are drawn here, once per animation frame.

import { drawGraph, drawHeatmap } from './draw.js';

function colorsOf(el) {
  const style = getComputedStyle(el);
  const get = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  return { edge: get('--edge', '#3e4c59'), node: get('--node', '#1f2933'), accent: get('--accent', '#e4572e') };
}

export class GraphViews {
  constructor(graphCanvas, heatCanvas) {
    this.graphCanvas = graphCanvas;
    this.heatCanvas = heatCanvas;
    this.latest = null;
    this.dirty = false;
    this.worker = null;
    if (typeof graphCanvas.transferControlToOffscreen === 'function' && typeof OffscreenCanvas === 'function') {
      try {
        const graph = graphCanvas.transferControlToOffscreen();
        const heatmap = heatCanvas.transferControlToOffscreen();
        this.worker = new Worker(new URL('../render-worker.js', import.meta.url), { type: 'module', name: 'render' });
        this.worker.postMessage({ type: 'init', graph, heatmap, colors: colorsOf(graphCanvas) }, [graph, heatmap]);
      } catch {
        this.worker = null;
      }
    }
    if (!this.worker) this.scratch = document.createElement('canvas');
    this.resize();
  }

  /** graph = { n, k, table: Uint32Array }, swap = [s1, t1, s2, t2] or null. The table is copied. */
  show(graph, swap = null) {
    this.latest = { graph, swap };
    if (this.worker) {
      const table = graph.table.slice();
      this.worker.postMessage({ type: 'show', graph: { n: graph.n, k: graph.k, table }, swap }, [table.buffer]);
    } else this.dirty = true;
  }

  resize() {
    const width = this.graphCanvas.clientWidth;
    const height = this.graphCanvas.clientHeight;
    const side = Math.min(this.heatCanvas.clientWidth, this.heatCanvas.clientHeight);
    const dpr = window.devicePixelRatio || 1;
    this.dims = { width, height, side, dpr };
    if (this.worker) this.worker.postMessage({ type: 'size', width, height, side, dpr });
    else this.dirty = true;
  }

  /** Call once per animation frame (draws here only without the render worker). */
  render() {
    if (this.worker || !this.dirty) return;
    this.dirty = false;
    const { width, height, side, dpr } = this.dims;
    const g = this.graphCanvas;
    if (g.width !== Math.round(width * dpr)) g.width = Math.round(width * dpr);
    if (g.height !== Math.round(height * dpr)) g.height = Math.round(height * dpr);
    const s = Math.round(side * dpr);
    if (this.heatCanvas.width !== s) {
      this.heatCanvas.width = s;
      this.heatCanvas.height = s;
    }
    const { graph, swap } = this.latest ?? {};
    drawGraph(g.getContext('2d'), width, height, dpr, graph, swap, colorsOf(g));
    drawHeatmap(this.heatCanvas.getContext('2d'), s, graph, swap, this.scratch);
  }
}
