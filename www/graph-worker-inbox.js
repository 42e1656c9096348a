// The graph worker's first module: it holds the messages that arrive while the wasm engine
// loads (the page's boot script posts the link at once; a worker drops messages it has no
// handler for), until graph-worker.js takes them.

const held = [];
self.onmessage = (e) => held.push(e);

/** Hands the held messages, then all later ones, to `handler`. */
export function takeMessages(handler) {
  self.onmessage = handler;
  for (const e of held.splice(0)) handler(e);
}
