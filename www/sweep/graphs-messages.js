// The sweep graphs worker's messages (www/sweep/graphs-worker.js), declared once (www/protocol.js).

/** What the sweep panel (sweep/graphs.js) sends the worker. */
export const TO_SWEEP_GRAPHS_WORKER = {
  graphs: { fields: ['request'], doc: "a sweep's family, degrees, seeds and baselines; answered by progress, then reply" },
};

/** What the worker posts back. */
export const FROM_SWEEP_GRAPHS_WORKER = {
  ready: { fields: [], doc: 'the module loaded: messages sent before would find no handler' },
  progress: { fields: ['done', 'total'], doc: 'after each graph' },
  reply: { fields: ['ok', 'value?', 'error?'], doc: 'the graphs and the run order, or one line saying why not' },
};
