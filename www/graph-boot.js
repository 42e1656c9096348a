// Starts the graph worker, and with it the graph module's fetch and compile, as early as the page
// can: index.html loads this file on its own (`boot.js`, parser-blocking, so the worker starts
// before the page is laid out), and app.js imports it first as a fallback. Whichever runs first
// starts the worker (one per page, kept on `self`) and posts it the page's link at once: the
// worker starts the link's run (id LINK_RUN) as soon as its engine loads, with no round trip
// through the page. Events that arrive before the page takes the worker wait in a queue.

/** The id of the run the worker starts from the page's link (the page's own runs count from 1). */
const LINK_RUN = 0;

function boot() {
  const worker = new Worker(new URL('./graph-worker.js', import.meta.url), { type: 'module', name: 'graph' });
  const early = [];
  worker.onmessage = (e) => early.push(['message', e]);
  worker.onerror = (e) => {
    e.preventDefault();
    early.push(['error', e]);
  };
  // An embed (embed.html) may open on its start graph only (www/embed/policy.js): the worker asks.
  const embed = self.document?.documentElement.hasAttribute('data-embed') ?? false;
  worker.postMessage({ type: 'open', id: LINK_RUN, hash: self.location.hash, embed });
  return { worker, early };
}

self.rgpGraphBoot ??= boot();

/** The graph worker; `attach(onMessage, onError)` hands it the events from then on, after those
 * that came before (in order). */
export function takeGraphWorker() {
  const { worker, early } = self.rgpGraphBoot;
  return {
    worker,
    attach(onMessage, onError) {
      for (const [kind, e] of early.splice(0)) (kind === 'message' ? onMessage : onError)(e);
      worker.onmessage = onMessage;
      worker.onerror = onError;
    },
  };
}
