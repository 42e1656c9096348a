// Mount point of the training panel (www/train/panel.js), loaded lazily after the graph is on
// screen so the graph module always loads first. The build resolves 'rgp-train-panel' to
// www/train/panel.js when it exists and to www/no-training.js otherwise.
//
// Contract: panel.js exports `mount(section, app)`, where `section` is <section id="training">
// and `app` is:
//   graph()            → { n, k, table: Uint32Array (n×k neighbours), fingerprint, metrics } | null
//                        (null while a search or load runs: nothing trains on a search's start graph)
//   onGraph(fn)        → unsubscribe; fn(graph) after every finished, stopped, picked or imported graph
//   activity()         → 'searching' | 'loading' | null: what the graph side is doing
//   onActivity(fn)     → unsubscribe; fn(activity) whenever it starts or ends
//   config()           → the whole configuration (every key of the settings schema, url-state.js)
//   setConfig(patch)   → merges keys into the configuration and the link
//   network()          → the network "Download model" saves: { fingerprint, link, from } | null
//   setNetwork(n)      → records the network a run or a loaded file left (link: null for an imported graph)
//   graphLink()        → the link that reproduces the graph on show, or null (an imported graph)
//   work()             → { train, sweep }: what the panels are doing, each null when idle
//   setWork(patch)     → says what a panel now does
// All of it is the page's one store (www/store.js); the panel keeps no copy.
//   showError(text)    → the page's error line

import { valueOf } from './url-state.js';

export function mountTraining(section, app) {
  // Fetch and compile the CPU training module while the graph runs, so that "Train" (or a link
  // that trains) does not wait for it (a separate worker; the panel's client adopts it).
  import(/* webpackChunkName: "train-client" */ 'rgp-train-client')
    .then((m) => {
      const c = app.config();
      m.prewarm?.({ dataset: valueOf(c, 'dataset'), variant: valueOf(c, 'data') });
    })
    .catch((e) => console.warn('training prewarm:', e));
  const note = section.querySelector('#training-note');
  const load = () =>
    import(/* webpackChunkName: "train-panel" */ 'rgp-train-panel')
      .then((m) => {
        if (note) note.remove();
        return m.mount(section, app);
      })
      .catch((e) => {
        if (note) note.textContent = `The training panel could not be loaded: ${e.message}`;
        console.warn('training panel:', e);
      });
  if ('requestIdleCallback' in window) requestIdleCallback(load, { timeout: 2000 });
  else setTimeout(load, 200);
}
