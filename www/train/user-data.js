// The training worker's side of the user's data: the folder's images decoded with the browser's
// decoders (PNG, JPEG, GIF, BMP, WebP) to RGBA at their own size, the table read as bytes; what
// follows — layout, resize, classes, split, fingerprint — is the training module's
// (src/web/user_data.rs), as `rgp train --images/--table` does it.

import { unzipSync } from 'fflate';

// The formats read, by their first bytes (as the command line's decoder guesses them).
const MAGIC = [
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x47, 0x49, 0x46, 0x38], // GIF8
  [0x42, 0x4d], // BM
];
const NOT_AN_IMAGE = 'not an image (PNG, JPEG, GIF, BMP or WebP)';

function isImage(head) {
  const webp = head.length >= 12 && String.fromCharCode(...head.slice(0, 4)) === 'RIFF' && String.fromCharCode(...head.slice(8, 12)) === 'WEBP';
  return webp || MAGIC.some((m) => m.every((b, i) => head[i] === b));
}

let canvas = null;

/** One file's RGBA pixels at its own size, or why it is left out. */
async function decodeOne(path, blob) {
  const head = new Uint8Array(await blob.slice(0, 12).arrayBuffer());
  if (!isImage(head)) return { path, error: NOT_AN_IMAGE };
  let bmp;
  try {
    bmp = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  } catch (e) {
    return { path, error: `cannot decode: ${e?.message || 'the browser refused it'}` };
  }
  try {
    const { width, height } = bmp;
    canvas ??= new OffscreenCanvas(1, 1);
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.clearRect(0, 0, width, height);
    ctx.drawImage(bmp, 0, 0);
    const px = ctx.getImageData(0, 0, width, height).data;
    return { path, width, height, rgba: new Uint8Array(px.buffer, px.byteOffset, px.byteLength) };
  } finally {
    bmp.close();
  }
}

/** Every file of a folder decoded, in order; `onProgress(done, total)` now and then. */
async function decodeFolder(files, onProgress) {
  const out = [];
  let last = 0;
  for (const [i, f] of files.entries()) {
    out.push(await decodeOne(f.path, f.blob));
    if (performance.now() - last > 100 || i + 1 === files.length) {
      last = performance.now();
      onProgress(i + 1, files.length);
    }
  }
  return out;
}

// The last data decoded, by its key (the page's data_id, or the import's token): a run on the
// data just described does not decode it again.
let cached = { key: null, value: null };

/** The `user` object of RunInputs for the page's `user` ({ key, data, files }). */
export async function userRun(user, onProgress) {
  if (cached.key !== user.key) {
    cached = { key: null, value: null };
    const value = user.data.kind === 'table'
      ? { table: new Uint8Array(await user.files[0].blob.arrayBuffer()) }
      : { images: await decodeFolder(user.files, onProgress) };
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
 * metadata left out. Refused beyond `maxFiles` entries or `maxBytes` unpacked (as the archive's
 * directory states them: a zip bomb stops before it is inflated).
 */
export function unzipFolder(bytes, { maxFiles, maxBytes }) {
  let files = 0;
  let total = 0;
  const filter = (f) => {
    if (f.name.endsWith('/') || f.name.startsWith('__MACOSX/')) return false;
    files += 1;
    total += f.originalSize;
    if (files > maxFiles) throw new Error(`the archive holds more than ${maxFiles.toLocaleString('en-US')} files`);
    if (total > maxBytes) throw new Error(`the archive unpacks to more than ${maxBytes / 2 ** 20} MB`);
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
