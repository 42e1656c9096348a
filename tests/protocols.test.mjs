// The messages between the page and its workers are declared once (www/*/messages.js) and
// checked on both sides (www/protocol.js). Here: the helpers refuse what is not declared, and every
// message type the sources name is declared, and every declared message is used.
//   node --test tests/protocols.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dispatcher, message } from '../www/protocol.js';
import { FROM_TRAIN_WORKER, TO_TRAIN_WORKER } from '../www/train/messages.js';
import { FROM_GRAPH_WORKER, TO_GRAPH_WORKER } from '../www/graph-messages.js';
import { FROM_RENDER_WORKER, TO_RENDER_WORKER } from '../www/views/render-messages.js';
import { FROM_SWEEP_GRAPHS_WORKER, TO_SWEEP_GRAPHS_WORKER } from '../www/sweep/graphs-messages.js';

const read = (f) => readFileSync(new URL(`../www/${f}`, import.meta.url), 'utf8');

/** Each worker pair: its declarations, the files that send to it and the files it posts from. */
const PAIRS = [
  {
    name: 'training worker',
    to: TO_TRAIN_WORKER,
    from: FROM_TRAIN_WORKER,
    senders: ['train/client.js'],
    worker: ['train/worker.js', 'train/finetune-worker.js'],
  },
  {
    name: 'graph worker',
    to: TO_GRAPH_WORKER,
    from: FROM_GRAPH_WORKER,
    senders: ['graph-boot.js', 'worker-client.js'],
    worker: ['graph-worker.js'],
  },
  {
    name: 'render worker',
    to: TO_RENDER_WORKER,
    from: FROM_RENDER_WORKER,
    senders: ['views/graph-views.js'],
    worker: ['render-worker.js'],
  },
  {
    name: 'sweep graphs worker',
    to: TO_SWEEP_GRAPHS_WORKER,
    from: FROM_SWEEP_GRAPHS_WORKER,
    senders: ['sweep/graphs.js'],
    worker: ['sweep/graphs-worker.js'],
  },
];

/** Every message type a source names: `type: '…'` (not a Worker's `type: 'module'` option), a
 * request helper's first argument, or `message(TABLE, '…')`. */
const typesIn = (src) =>
  [...src.matchAll(/\btype: '([a-z-]+)'|\brequest\('([a-z-]+)'|\bmessage\([A-Z_]+, '([a-z-]+)'/g)]
    .map((m) => m[1] || m[2] || m[3])
    .filter((t) => t !== 'module');

test('every declared message has its fields and a line of doc', () => {
  for (const p of PAIRS) {
    for (const [type, d] of [...Object.entries(p.to), ...Object.entries(p.from)]) {
      assert.ok(Array.isArray(d.fields) && d.fields.every((f) => /^[A-Za-z_]+\??$/.test(f)), `${p.name}: ${type}`);
      assert.ok(typeof d.doc === 'string' && d.doc.length > 8, `${p.name}: ${type} has no doc`);
    }
  }
});

test('a message is built only as declared', () => {
  const table = { run: { fields: ['id', 'note?'], doc: 'a test message' } };
  assert.deepEqual(message(table, 'run', { id: 1 }), { type: 'run', id: 1 });
  assert.deepEqual(message(table, 'run', { id: 1, note: 'x' }), { type: 'run', id: 1, note: 'x' });
  assert.throws(() => message(table, 'walk', {}), /undeclared message 'walk'/);
  assert.throws(() => message(table, 'run', {}), /lacks 'id'/);
  assert.throws(() => message(table, 'run', { id: 1, speed: 2 }), /no field 'speed'/);
});

test('a worker starts only when it handles exactly the declared messages', () => {
  const table = { run: { fields: ['id'], doc: 'a test message' }, stop: { fields: [], doc: 'another one' } };
  assert.throws(() => dispatcher(table, { run() {} }), /handles \[run\] but declares \[run, stop\]/);
  assert.throws(() => dispatcher(table, { run() {}, stop() {}, walk() {} }), /declares \[run, stop\]/);
  const seen = [];
  const handle = dispatcher(table, { run: (m) => seen.push(m.id), stop: () => seen.push('stop') });
  handle({ type: 'run', id: 7 });
  handle({ type: 'stop' });
  assert.deepEqual(seen, [7, 'stop']);
  assert.throws(() => handle({ type: 'toString' }), /undeclared message/);
  assert.throws(() => handle({ type: 'run' }), /lacks 'id'/);
});

test('the sources name only declared messages, and use every one', () => {
  for (const p of PAIRS) {
    const sent = new Set(p.senders.flatMap((f) => typesIn(read(f))));
    const posted = new Set(p.worker.flatMap((f) => typesIn(read(f))));
    for (const t of sent) assert.ok(t in p.to || t in p.from, `${p.name}: the page names '${t}', which is not declared`);
    for (const t of posted) assert.ok(t in p.from, `${p.name}: the worker posts '${t}', which is not declared`);
    for (const t of Object.keys(p.to)) assert.ok(sent.has(t), `${p.name}: '${t}' is declared but never sent`);
    for (const t of Object.keys(p.from)) assert.ok(posted.has(t), `${p.name}: '${t}' is declared but never posted`);
  }
});
