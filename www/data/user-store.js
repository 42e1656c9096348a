// The user's own data, kept in this browser (IndexedDB) and never sent anywhere: each dataset
// as its files (Blobs, as picked) under its fingerprint (`data_id`, computed by the training
// module from the decoded content), so a reload or a link with that data_id finds it again.

const DB = 'rgp-studio-data';
const STORE = 'datasets';

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`the browser's storage cannot be opened: ${req.error?.message ?? 'refused'}`));
  });
}

async function inStore(mode, fn) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(new Error(`the browser's storage refused: ${tx.error?.message ?? 'unknown error'}`));
      tx.onabort = () => reject(new Error(`the browser's storage refused: ${tx.error?.message ?? 'aborted (full?)'}`));
    });
  } finally {
    db.close();
  }
}

/** Keeps `record` ({ id, kind, name, files: [{ path, blob }] }) under its id. */
export const saveData = (record) => inStore('readwrite', (s) => s.put({ ...record, saved: Date.now() }));

/** The record stored under `id`, or null. */
export async function loadData(id) {
  if (!id) return null;
  return (await inStore('readonly', (s) => s.get(id))) ?? null;
}
