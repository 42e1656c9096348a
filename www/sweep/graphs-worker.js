// A sweep's graphs and run order, in a worker of its own with a module of their own
// (src/web/sweep_graphs_api.rs, pkg/sweep-graphs): the graph worker's module, which every visitor
// loads first, does not carry this code.
// Protocol: worker → main { type: 'ready' } once the module is loaded; main → worker { request };
// worker → main { type: 'progress', done, total } after each graph, then
// { type: 'reply', ok, value | error }.

import * as rgp from 'rgp-sweep-graphs';

self.onmessage = ({ data }) => {
  const progress = (done, total) => self.postMessage({ type: 'progress', done, total });
  try {
    self.postMessage({ type: 'reply', ok: true, value: rgp.sweep_graphs(JSON.stringify(data.request), progress) });
  } catch (e) {
    self.postMessage({ type: 'reply', ok: false, error: typeof e?.message === 'string' ? e.message : String(e) });
  }
};

// Messages sent before the module has loaded would find no handler: the page waits for this.
self.postMessage({ type: 'ready' });
