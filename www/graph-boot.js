// Starts the graph worker, and with it the graph module's fetch and compile, as early as the page
// can: index.html loads this file on its own (`boot.js`, async: it runs as soon as it arrives,
// while the page is still being laid out and app.js loads), and app.js imports it first as a
// fallback. Whichever runs first starts the worker (one per page, kept on `self`); events that
// arrive before the page takes the worker wait in a queue, so the page misses none.

function boot() {
  const worker = new Worker(new URL('./graph-worker.js', import.meta.url), { type: 'module', name: 'graph' });
  const early = [];
  worker.onmessage = (e) => early.push(['message', e]);
  worker.onerror = (e) => {
    e.preventDefault();
    early.push(['error', e]);
  };
  return { worker, early };
}

self.rgpGraphBoot ??= boot();

/** The graph worker, its events from now on (and those that came before) to the handlers. */
export function takeGraphWorker(onMessage, onError) {
  const { worker, early } = self.rgpGraphBoot;
  worker.onmessage = onMessage;
  worker.onerror = onError;
  for (const [kind, e] of early.splice(0)) (kind === 'message' ? onMessage : onError)(e);
  return worker;
}
