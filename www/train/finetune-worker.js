// The training worker's fine-tuning side: pretrained networks (fetched once, checked against
// their SHA-256), the recovery race (several masks fine-tuned from the same pretrained weights,
// chunk by chunk in turn), and the model the last run left (saved on request).

import { runInputs } from './messages.js';

const pretrained = new Map(); // url → promise of bytes

async function sha256Hex(bytes) {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...d].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The bytes of a start file: `{bytes}` as given (a user's file), or `{url, sha256, base}` fetched
 * once and checked. Resolves to undefined for a start from scratch. */
export async function startBytes(start, fetchBytes) {
  if (!start) return undefined;
  if (start.bytes) return start.bytes;
  const url = new URL(start.url, start.base).href;
  if (!pretrained.has(url)) {
    const p = fetchBytes(url).then(async (bytes) => {
      const hex = await sha256Hex(bytes);
      if (hex !== start.sha256) {
        throw new Error(`the pretrained network ${start.url} does not match its SHA-256 (got ${hex.slice(0, 16)}…)`);
      }
      return bytes;
    });
    pretrained.set(url, p);
    p.catch(() => pretrained.delete(url));
  }
  return pretrained.get(url);
}

/** Keeps the session of the last finished run (for "Download model"), freeing the one before. */
export const kept = {
  session: null,
  replace(s) {
    if (this.session && this.session !== s) {
      try {
        this.session.free();
      } catch {
        /* freed already or the module trapped */
      }
    }
    this.session = s;
  },
};

/**
 * The recovery race: one session per lane, all from the same pretrained bytes, each pruned by its
 * lane's graph (or by magnitude), fine-tuned `chunk` steps at a time in turn, with the test
 * accuracy (first `evalLimit` images) posted after every chunk. Lanes: {label, n, table, mask}.
 * From a user's ONNX network (`msg.start.keepDense` names its layers kept dense) the scratch lane
 * is its architecture from fresh weights.
 * `user`: the user's data (RunInputs' `user`) when the race runs on it.
 */
export async function race(m, msg, files, bytes, backend, { post, stopped, yieldToEvents, user }) {
  const lanes = [];
  try {
    for (const lane of msg.lanes) {
      // Stop holds while the lanes are built too (each builds a network and measures its start).
      if (stopped()) break;
      // The scratch lane: the same graph and settings from random weights (the module leaves a
      // model file out; an ONNX network gives its architecture, its weights redrawn).
      const graph = { n: lane.n, table: lane.table, selfLoops: false };
      const inputs = { start: bytes, mask: lane.mask, backend, graph, user, scratch: lane.scratch };
      const s = await m.TrainSession.create(runInputs(msg, files, inputs));
      lanes.push({ label: lane.label, s, done: false, step: 0, accuracy: null });
      const l = lanes[lanes.length - 1];
      if (lane.scratch) {
        l.accuracy = (await s.evaluate(msg.evalLimit || 1000)).accuracy;
        post({ type: 'race-point', lane: lane.label, step: 0, accuracy: l.accuracy });
        continue;
      }
      const r = await s.start_report();
      l.accuracy = r.pruned.accuracy;
      post({ type: 'race-point', lane: lane.label, step: 0, accuracy: r.pruned.accuracy, pretrained: r.pretrained.accuracy });
    }
    const chunk = msg.chunk || 20;
    while (!stopped() && lanes.some((l) => !l.done)) {
      for (const l of lanes) {
        if (l.done || stopped()) continue;
        const c = await l.s.run(chunk);
        l.done = c.done;
        l.step = c.step;
        l.accuracy = (await l.s.evaluate(msg.evalLimit || 1000)).accuracy;
        post({ type: 'race-point', lane: l.label, step: c.step, accuracy: l.accuracy });
        await yieldToEvents();
      }
    }
    return { stopped: stopped(), lanes: lanes.map(({ label, step, accuracy, done }) => ({ label, step, accuracy, done })) };
  } finally {
    for (const l of lanes) {
      try {
        l.s.free();
      } catch {
        /* the module trapped; the client replaces this worker */
      }
    }
  }
}
