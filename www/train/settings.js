// The training panel's settings: which keys of the schema it shows (their defaults, ranges,
// labels and help are the schema's, src/settings/mod.rs), how they are read back from the
// form, and what they mean for a run (the Rust TrainConfig, a pretrained start).

import { CLASS_NAMES } from '../generated/settings.js';
import { valueOfControl } from '../views/form.js';

/** The panel's settings in form order. Fine-tuning from the pretrained network is the default start. */
export const KEYS = ['model', 'dataset', 'data', 'epochs', 'batch', 'optimizer', 'lr', 'train_seed', 'backend', 'dense', 'depth', 'residual', 'norm', 'start', 'recover'];

/** The data-testid of a setting's control. */
export const testid = (key) => (key === 'start' ? 'train-start-from' : `train-${key}`);

/** The settings the form's controls (`inputs`: key → control) hold. */
export function readSettings(inputs) {
  const o = {};
  for (const key of KEYS) o[key] = valueOfControl(inputs[key]);
  return o;
}

/** The Rust TrainConfig of a run. */
export const runConfig = (s) => ({
  model: s.model, optimizer: s.optimizer, lr: s.lr, batch: s.batch, epochs: s.epochs, seed: s.train_seed, dense: s.dense,
  depth: s.depth, residual: s.residual, norm: s.norm, recover: s.recover,
});

/** Whether the model has the standard layers only (the pretrained networks have no others). */
export const standard = (s) => s.depth === 0 && !s.residual && !s.norm;

/** Which runs compare: the same settings apart from `dense`, on the same graph. */
export const runSignature = (s, graph) => JSON.stringify({ ...s, dense: null, fp: graph.fingerprint });

/** The class names of a dataset (src/data/mod.rs, `builtin_class_names`). */
export const classNames = (dataset) => CLASS_NAMES[dataset] ?? CLASS_NAMES.mnist;
