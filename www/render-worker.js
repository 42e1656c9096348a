// The render worker: draws the graph and the heatmap into canvases the page handed over
// (OffscreenCanvas), so even a 500,000-edge drawing never touches the page's main thread.
// Messages: www/views/render-messages.js. Only the latest graph is drawn.

import { drawGraph, drawHeatmap } from './views/draw.js';
import { FROM_RENDER_WORKER, TO_RENDER_WORKER } from './views/render-messages.js';
import { dispatcher, message } from './protocol.js';

let canvases = null;
let colors = null;
let dims = { width: 0, height: 0, side: 0, dpr: 1 };
let latest = null;
let scheduled = false;
let drewGraph = false;
const scratch = new OffscreenCanvas(1, 1);

function render() {
  scheduled = false;
  if (!canvases) return;
  const { graph, heatmap } = canvases;
  const { width, height, side, dpr } = dims;
  const w = Math.round(width * dpr);
  const h = Math.round(height * dpr);
  if (graph.width !== w || graph.height !== h) {
    graph.width = w;
    graph.height = h;
  }
  const s = Math.round(side * dpr);
  if (heatmap.width !== s || heatmap.height !== s) {
    heatmap.width = s;
    heatmap.height = s;
  }
  const g = latest?.graph ?? null;
  const swap = latest?.swap ?? null;
  drawGraph(graph.getContext('2d'), width, height, dpr, g, swap, colors);
  drawHeatmap(heatmap.getContext('2d'), s, g, swap, scratch);
  if (g && !drewGraph) {
    drewGraph = true;
    self.postMessage(message(FROM_RENDER_WORKER, 'drawn')); // the page marks when its first graph is on screen
  }
}

function schedule() {
  if (scheduled) return;
  scheduled = true;
  // Messages that arrive meanwhile replace `latest`; only the newest is drawn.
  setTimeout(render, 0);
}

const handle = dispatcher(TO_RENDER_WORKER, {
  init(m) {
    canvases = { graph: m.graph, heatmap: m.heatmap };
    colors = m.colors;
  },
  size(m) {
    dims = m;
  },
  show(m) {
    latest = m;
  },
});

self.onmessage = (e) => {
  handle(e.data);
  schedule();
};
