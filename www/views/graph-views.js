// The graph drawing and the adjacency heatmap. Small graphs are drawn here, once per animation
// frame. The first graph with more than WORKER_EDGES edges hands both canvases
// to a render worker (OffscreenCanvas, where the browser has it), which draws every graph from then
// on, so even a 500,000-edge drawing never holds up the page. Starting that worker up front cost
// the page's first graph ~200 ms on two busy cores (a thread, an isolate, a canvas handover).

import { drawGraph, drawHeatmap } from './draw.js';
import { TO_RENDER_WORKER } from './render-messages.js';
import { message } from '../protocol.js';

/** A declared message to the render worker. */
const toWorker = ({ type, ...fields }) => message(TO_RENDER_WORKER, type, fields);

/** Sizes above which drawing moves to the render worker: edges and nodes (the heatmap is n × n
 *  pixels). Measured here: a drawing of 128 edges ~1 ms on the page, of 2,048 edges 8–25 ms, of
 *  8,192 edges 30–55 ms (a long task). */
const WORKER_EDGES = 2048;
const WORKER_NODES = 256;

function colorsOf(el) {
  const style = getComputedStyle(el);
  const get = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  return { edge: get('--edge', '#3e4c59'), node: get('--node', '#1f2933'), accent: get('--accent', '#e4572e') };
}

const canOffload = () =>
  typeof HTMLCanvasElement.prototype.transferControlToOffscreen === 'function' && typeof OffscreenCanvas === 'function';

/** A swap is highlighted only if its new edges are in the graph drawn (snapshots can lag). */
export function validSwap(v, swap) {
  if (!swap || swap.length !== 4) return null;
  const [s1, t1, s2, t2] = swap;
  const has = (a, b) => a < v.n && v.table.subarray(a * v.k, (a + 1) * v.k).includes(b);
  return has(s1, t2) && has(s2, t1) ? swap : null;
}

export class GraphViews {
  constructor(graphCanvas, heatCanvas) {
    this.graphCanvas = graphCanvas;
    this.heatCanvas = heatCanvas;
    this.latest = null;
    this.dirty = false;
    this.worker = null;
    this.scratch = document.createElement('canvas');
    /** Resolves once the first graph is on the canvas. */
    this.firstDrawn = new Promise((resolve) => {
      this.resolveDrawn = resolve;
    });
    this.resize();
  }

  /** graph = { n, k, table: Uint32Array }, swap = [s1, t1, s2, t2] or null. The table is copied. */
  show(graph, swap = null) {
    this.latest = { graph, swap };
    const big = (graph.n * graph.k) / 2 > WORKER_EDGES || graph.n > WORKER_NODES;
    if (big && !this.worker && canOffload()) this.startWorker();
    if (this.worker) {
      const table = graph.table.slice();
      this.worker.postMessage(toWorker({ type: 'show', graph: { n: graph.n, k: graph.k, table }, swap }), [table.buffer]);
    } else this.dirty = true;
  }

  /** Hands fresh copies of both canvases to a render worker (a canvas that has been drawn on
   *  here cannot be handed over). */
  startWorker() {
    try {
      const fresh = (c) => {
        const copy = c.cloneNode(false);
        c.replaceWith(copy);
        return copy;
      };
      this.graphCanvas = fresh(this.graphCanvas);
      this.heatCanvas = fresh(this.heatCanvas);
      const graph = this.graphCanvas.transferControlToOffscreen();
      const heatmap = this.heatCanvas.transferControlToOffscreen();
      this.worker = new Worker(new URL('../render-worker.js', import.meta.url), { type: 'module', name: 'render' });
      this.worker.onmessage = (e) => {
        if (e.data?.type === 'drawn') this.markDrawn();
      };
      this.worker.postMessage(toWorker({ type: 'init', graph, heatmap, colors: colorsOf(this.graphCanvas) }), [graph, heatmap]);
      this.worker.postMessage(toWorker({ type: 'size', ...this.dims }));
    } catch {
      this.worker = null;
    }
  }

  resize() {
    const width = this.graphCanvas.clientWidth;
    const height = this.graphCanvas.clientHeight;
    const side = Math.min(this.heatCanvas.clientWidth, this.heatCanvas.clientHeight);
    const dpr = window.devicePixelRatio || 1;
    this.dims = { width, height, side, dpr };
    if (this.worker) this.worker.postMessage(toWorker({ type: 'size', width, height, side, dpr }));
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
    this.colors ??= colorsOf(g);
    drawGraph(g.getContext('2d'), width, height, dpr, graph, swap, this.colors);
    drawHeatmap(this.heatCanvas.getContext('2d'), s, graph, swap, this.scratch);
    if (graph) this.markDrawn();
  }

  markDrawn() {
    if (this.drewGraph) return;
    this.drewGraph = true;
    performance.mark('rgp-first-graph-drawn');
    this.resolveDrawn();
  }
}
