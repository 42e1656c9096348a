// The user's data a run reads, from the configuration (the link's `data_id` and settings) and the
// files this browser keeps (user-store.js): what the training panel's runs and the sweep's jobs
// hand the training worker, and the network trained on it that fine-tuning starts from.

import { valueOf } from '../url-state.js';
import { loadData, saveData } from './user-store.js';

/** The link keys of the user's data (the schema's settings, src/settings/mod.rs). */
export const DATA_KEYS = ['data_id', 'color', 'image_size', 'test_split', 'target', 'drop_bad_rows'];

export const missingText = (id) =>
  `This link trains on your data (data_id ${id ?? 'missing'}), which is not stored in this browser: load the same folder or table with “Your data…”.`;

/** The `UserData` (src/data/source.rs) that `config` describes for a stored `record`. */
export function userDataOf(config, record) {
  const d = { kind: record.kind, path: record.name, test_split: valueOf(config, 'test_split'), drop_bad_rows: Boolean(valueOf(config, 'drop_bad_rows')) };
  if (record.kind === 'images') {
    const color = valueOf(config, 'color');
    if (color && color !== 'auto') d.color = color;
    if (config.image_size !== null && config.image_size !== undefined) d.image_size = config.image_size;
  } else if (config.target) d.target = config.target;
  return d;
}

/** What a run on the user's data that `config` names carries: { key, data, files }. */
export async function userRunData(config) {
  const record = await loadData(config.data_id);
  if (!record) throw new Error(missingText(config.data_id));
  return { key: `stored-${record.id}`, data: userDataOf(config, record), files: record.files };
}

// A network trained on the data, per model and the settings that shape its inputs.
const networkKey = (model, data) => `${model}|${data.image_size ?? ''}|${data.color ?? ''}`;

/** The network fine-tuning of `model` on `record` with `data` starts from ({ bytes, accuracy }), or null. */
export const startOf = (record, model, data) => record?.networks?.[networkKey(model, data)] ?? null;

/** Keeps `bytes` (a model file) as that start; returns the record as stored. */
export async function keepStart(record, model, data, bytes, accuracy) {
  const { key, ...stored } = record;
  stored.networks = { ...stored.networks, [networkKey(model, data)]: { bytes, accuracy } };
  await saveData(stored);
  return { ...stored, key };
}
