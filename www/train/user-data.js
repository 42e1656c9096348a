// The training worker's side of the user's data: the folder's files and the table read as bytes
// (several at once: each read is a round trip to the browser), a .zip unpacked; what follows —
// decoding (the `image` crate, as natively), layout, resize, classes, split, fingerprint — is
// the training module's (src/web/user_data.rs), as `rgp train --images/--table` does it.

import { unzipSync } from 'fflate';
import { MAX_BYTES, MAX_FILES, tooLarge, tooMany } from '../data/limits.js';

// Files read at once (measured: bench/user-data-tab.mjs).
const IN_FLIGHT = 32;

/** Every file of a folder as bytes, in order; `onProgress(done, total)` now and then. */
async function readFolder(files, onProgress) {
  const out = new Array(files.length);
  let next = 0;
  let done = 0;
  let last = 0;
  let bytes = 0;
  const lane = async () => {
    while (next < files.length) {
      const i = next++;
      const { path, blob } = files[i];
      try {
        out[i] = { path, bytes: new Uint8Array(await blob.arrayBuffer()) };
        bytes += out[i].bytes.length;
      } catch (e) {
        out[i] = { path, error: `cannot read: ${e?.message || 'the browser refused it'}` };
      }
      if (bytes > MAX_BYTES) throw new Error(`the folder holds ${tooLarge()}`);
      done += 1;
      if (performance.now() - last > 100 || done === files.length) {
        last = performance.now();
        onProgress(done, files.length);
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return out;
}

// The last data read, by its key (the page's data_id, or the import's token): a run on the data
// just described does not read it again.
let cached = { key: null, value: null };

/** The `user` object of RunInputs for the page's `user` ({ key, data, files }). */
export async function userRun(user, onProgress) {
  if (cached.key !== user.key) {
    cached = { key: null, value: null };
    const value = user.data.kind === 'table'
      ? { table: new Uint8Array(await user.files[0].blob.arrayBuffer()) }
      : { images: await readFolder(user.files, onProgress) };
    cached = { key: user.key, value };
  }
  return { data: user.data, ...cached.value };
}

/** The data as a run will read it: classes, counts, what was left out, data_id, and (tables)
 * the columns. A table without a target reads its last column. */
export async function describeData(m, msg, onProgress) {
  const run = await userRun(msg.user, onProgress);
  let columns = null;
  if (run.data.kind === 'table') {
    columns = m.user_table_columns(run.table);
    if (!run.data.target) run.data = { ...run.data, target: columns.at(-1) };
  }
  const summary = m.describe_user_data(run, msg.seed);
  return { ...summary, columns, target: run.data.target ?? null };
}

/**
 * The files of a .zip (a folder of images zipped): [{ path, bytes }], folders and macOS
 * metadata left out. Refused beyond the tab's limits (www/data/limits.js), as the archive's
 * directory states the sizes: a zip bomb stops before it is inflated.
 */
export function unzipFolder(bytes) {
  let files = 0;
  let total = 0;
  const filter = (f) => {
    if (f.name.endsWith('/') || f.name.startsWith('__MACOSX/')) return false;
    files += 1;
    total += f.originalSize;
    if (files > MAX_FILES) throw new Error(`the archive holds ${tooMany(files)}`);
    if (total > MAX_BYTES) throw new Error(`the archive unpacks to ${tooLarge()}`);
    if (f.compression !== 0 && f.compression !== 8) throw new Error(`${f.name}: compression method ${f.compression} is not read (stored or deflate only)`);
    return true;
  };
  let entries;
  try {
    entries = unzipSync(bytes, { filter });
  } catch (e) {
    throw new Error(`not a readable .zip: ${e.message}`);
  }
  return Object.entries(entries).map(([path, data]) => ({ path, bytes: data }));
}
