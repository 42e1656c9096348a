// The training worker's messages (www/train/worker.js), declared once (www/protocol.js), and
// what the worker hands the training module for a run.

/** What the page (client.js, training-mount.js) sends the worker. */
export const TO_TRAIN_WORKER = {
  load: { fields: ['dataset?', 'variant?', 'dataBase?'], doc: 'early work a first run needs: the CPU module, the adapter, the data (no answer)' },
  init: { fields: ['backend', 'memory', 'measureFallback', 'fullModule?'], doc: "picks the backend ('auto' | 'webgpu' | 'cpu'); answered by ready" },
  compare: { fields: [], doc: 'measures both backends (a second, background worker); answered by compared' },
  train: {
    fields: ['config', 'dataset', 'variant', 'graph', 'dataBase', 'start?', 'mask?', 'user?'],
    doc: "one run on graph {n, table, selfLoops, fingerprint?} (dataset 'user': on `user` {key, data, files}), from `start` (a pretrained network {url, sha256, base}, or a file's {bytes}: a model file, or an ONNX network with its layers kept dense, keepDense); answered by data-progress, progress, epoch, start, moved and notice, then done or error",
  },
  unzip: { fields: ['bytes'], doc: 'the files of a .zip of a folder: answered by done {files: [{path, bytes}]}' },
  'describe-data': {
    fields: ['user', 'seed'],
    doc: "the user's data ({key, data, files}) as a run with `seed` reads it: answered by data-progress, then done {summary}",
  },
  race: {
    fields: ['config', 'dataset', 'variant', 'lanes', 'start?', 'evalLimit?', 'dataBase', 'user?'],
    doc: 'the recovery race: one fine-tuning lane per mask; answered by race-point, then done or error',
  },
  save: { fields: ['layout', 'dtype', 'link?'], doc: 'the kept network as a safetensors file; answered by done {bytes}' },
  onnx: { fields: ['layout'], doc: 'the kept network as ONNX; answered by done {bytes}' },
  'load-weights': {
    fields: ['config', 'dataset', 'variant', 'graph', 'bytes', 'dataBase', 'user?'],
    doc: "evaluates a user's model file in the graph on show (it becomes the kept network); answered by done {accuracy}",
  },
  predict: {
    fields: ['pixels'],
    doc: 'one image (Float32Array, [0, 1], full ink 1) through the kept network and its dense start: answered by done {pruned, dense} (class probabilities; dense null without a pretrained start)',
  },
  'inspect-onnx': {
    fields: ['bytes', 'name', 'graph', 'keepDense'],
    doc: "a user's ONNX network's layer table under graph {n, table} with the layers `keepDense` left dense: answered by done {table, ms, memory}",
  },
  stop: { fields: [], doc: 'stops the run or race between two chunks (no answer of its own)' },
  move: { fields: ['backend', 'reason'], doc: 'moves the run in progress to another backend between two chunks; answered by moved or notice' },
};

/** What the worker posts back. */
export const FROM_TRAIN_WORKER = {
  ready: {
    fields: ['backend', 'adapter', 'calibration', 'notice', 'reason', 'compare', 'remembered?', 'module_ms', 'init_ms'],
    doc: 'the backend chosen by init, and why',
  },
  compared: { fields: ['adapter', 'calibration'], doc: 'both backends measured (ms per step)' },
  progress: {
    fields: ['step', 'total_steps', 'steps_per_epoch', 'epoch', 'loss', 'train_accuracy', 'test_accuracy', 'lr', 'images_per_sec', 'seconds_left', 'elapsed_s', 'chunk_steps', 'chunk_ms'],
    doc: 'after every chunk of a run',
  },
  epoch: { fields: ['epoch', 'train_loss', 'train_accuracy', 'test_loss', 'test_accuracy', 'seconds'], doc: 'an epoch ended, evaluated on the whole test set' },
  start: { fields: ['pretrained', 'pruned'], doc: "a pretrained start's accuracy as loaded and as pruned" },
  'race-point': { fields: ['lane', 'step', 'accuracy', 'pretrained?'], doc: "a race lane's accuracy after a chunk" },
  moved: { fields: ['from', 'to', 'step', 'total_steps', 'reason', 'ms'], doc: 'the run moved to another backend' },
  notice: { fields: ['text'], doc: 'something the user should read' },
  'data-progress': { fields: ['done', 'total'], doc: "files of the user's folder read so far (decoding follows, in the module)" },
  done: { fields: ['result'], doc: 'the answer to train, race, save, onnx, load-weights, predict, unzip, describe-data or inspect-onnx' },
  error: { fields: ['message', 'backend', 'deviceLost'], doc: 'the request failed (one line)' },
};

/** The third boundary, worker → training module: what `TrainSession.create` and `resume` build
 * a run from (`RunInputs` in src/web/train_inputs.rs), as one object. */
export function runInputs(msg, files, { backend, start, mask, user, scratch, graph = msg.graph }) {
  const run = {
    config: JSON.stringify(msg.config),
    dataset: msg.dataset,
    files,
    graph: { n: graph.n, table: graph.table, selfLoops: Boolean(graph.selfLoops) },
    backend,
  };
  if (start) run.start = start;
  if (mask) run.mask = mask;
  if (user) run.user = user;
  // From fresh weights (the race's from-scratch lane; an ONNX start gives its architecture).
  if (scratch) run.scratch = true;
  // An ONNX start names the layers the user kept dense (www/train/onnx-panel.js).
  if (msg.start?.keepDense?.length) run.keepDense = msg.start.keepDense;
  return run;
}
