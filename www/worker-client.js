// Main-thread side of the graph worker: runs are fire-and-forget with events; one-off requests
// (export, import, check) are promises. Messages: www/graph-messages.js.

import { TO_GRAPH_WORKER } from './graph-messages.js';
import { message } from './protocol.js';

/** A declared message to the graph worker. */
const toWorker = ({ type, ...fields }) => message(TO_GRAPH_WORKER, type, fields);

export class GraphWorker {
  /** `onEvent(msg)` receives every message that is not a reply to a request, in order (an
   *  `opened` before the events of the run it started); `boot` is the worker graph-boot.js
   *  started (takeGraphWorker), whose events flow from `attach()` on. */
  constructor(onEvent, boot) {
    this.onEvent = onEvent;
    this.nextId = 1; // 0: the link's run, started by the worker itself (graph-boot.js)
    this.nextReq = 1;
    this.pending = new Map();
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // The worker's verdict on the page's link (graph-boot.js posted it).
    this.opened = new Promise((resolve) => {
      this.resolveOpened = resolve;
    });
    this.worker = boot.worker;
    this.boot = boot;
  }

  /** Starts handing the worker's events over, those that came before first. */
  attach() {
    this.boot.attach(
      (e) => this.receive(e.data),
      (e) => {
        e.preventDefault();
        const message = `The graph engine failed to load: ${e.message || 'worker error'}`;
        this.rejectReady(new Error(message));
        this.onEvent({ type: 'error', id: null, message });
      },
    );
  }

  receive(m) {
    if (m.type === 'reply') {
      const p = this.pending.get(m.req);
      this.pending.delete(m.req);
      if (p) (m.ok ? p.resolve(m.value) : p.reject(new Error(m.error)));
      return;
    }
    if (m.type === 'ready') this.resolveReady(m);
    if (m.type === 'opened') this.resolveOpened(m);
    this.onEvent(m);
  }

  request(type, payload = {}, transfer = []) {
    const req = this.nextReq++;
    return new Promise((resolve, reject) => {
      this.pending.set(req, { resolve, reject });
      this.worker.postMessage(toWorker({ type, req, ...payload }), transfer);
    });
  }

  /** Starts a run (replacing any in progress); returns its id. */
  run(config, search) {
    const id = this.nextId++;
    this.worker.postMessage(toWorker({ type: 'run', id, config, search }));
    return id;
  }

  /** Builds a family; `pick` (optional) is the member to show when it is done. */
  family(config, pick = null) {
    const id = this.nextId++;
    this.worker.postMessage(toWorker({ type: 'family', id, config, pick }));
    return id;
  }

  pick(index) {
    const id = this.nextId++;
    this.worker.postMessage(toWorker({ type: 'pick', id, index }));
    return id;
  }

  stop(id) {
    this.worker.postMessage(toWorker({ type: 'stop', id }));
  }

  exportGraph(format) {
    return this.request('export', { format });
  }

  /** Returns { id, done }: `done` resolves when the file was accepted (a 'graph' event with
   *  phase 'imported' and this id follows) and rejects with the engine's message otherwise. */
  importGraph(name, buffer) {
    const id = this.nextId++;
    return { id, done: this.request('import', { id, name, bytes: buffer }, [buffer]) };
  }

  /** The engine's first problem with a graph configuration: null or { field, message }. */
  check(config, family) {
    return this.request('check', { config, family });
  }
}
