// The render worker's messages (www/render-worker.js), declared once (www/protocol.js).

/** What the page (views/graph-views.js) sends the worker. */
export const TO_RENDER_WORKER = {
  init: { fields: ['graph', 'heatmap', 'colors'], doc: 'the two OffscreenCanvases to draw into, and the colours' },
  size: { fields: ['width', 'height', 'side', 'dpr'], doc: "the canvases' size in CSS pixels and the device pixel ratio" },
  show: { fields: ['graph', 'swap'], doc: 'a graph {n, k, table} and its last swap; only the latest is drawn' },
};

/** What the worker posts back. */
export const FROM_RENDER_WORKER = {
  drawn: { fields: [], doc: 'the first graph is on the canvas' },
};
