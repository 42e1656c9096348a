// A sweep's graphs and run order, in a worker of its own with a module of their own
// (src/web/sweep_graphs_api.rs, pkg/sweep-graphs): the graph worker's module, which every visitor
// loads first, does not carry this code.
// Messages: www/sweep/graphs-messages.js.

import * as rgp from 'rgp-sweep-graphs';
import { FROM_SWEEP_GRAPHS_WORKER, TO_SWEEP_GRAPHS_WORKER } from './graphs-messages.js';
import { dispatcher, message } from '../protocol.js';

const post = ({ type, ...fields }) => self.postMessage(message(FROM_SWEEP_GRAPHS_WORKER, type, fields));

const handle = dispatcher(TO_SWEEP_GRAPHS_WORKER, {
  graphs({ request }) {
    const progress = (done, total) => post({ type: 'progress', done, total });
    post({ type: 'reply', ok: true, value: rgp.sweep_graphs(JSON.stringify(request), progress) });
  },
});

self.onmessage = ({ data }) => {
  try {
    handle(data);
  } catch (e) {
    post({ type: 'reply', ok: false, error: typeof e?.message === 'string' ? e.message : String(e) });
  }
};

// Messages sent before the module has loaded would find no handler: the page waits for this.
post({ type: 'ready' });
