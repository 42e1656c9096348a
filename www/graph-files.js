// The graph's files and its link: Copy link, the exports (JSON, CSV, .npy) and imports. Since no
// seed reproduces an imported graph, Copy link refuses it (the store's `linkReproduces`) and a
// model trained on it records no link (docs/ARCHITECTURE.md, "The page's state").

import { downloadBytes, MAX_IMPORT_BYTES } from './files.js';
import { linkReproduces } from './store.js';
import { writeToLocation } from './url-state.js';

/** Wires the file controls to the page's store (www/store.js) and its graph worker: `ctx` =
 *  {store, run, worker, ui, showError}. An import arrives as a view (app.js `onImported`). */
export function wireGraphFiles(ctx) {
  const { store, run, worker, ui, showError } = ctx;
  const copy = document.getElementById('copy-link');
  copy.addEventListener('click', async () => {
    const s = store.state;
    if (!linkReproduces(s)) {
      // The rule for imported graphs: no seed reproduces one, so no link is offered as if it did.
      showError(`The graph on show was imported (${s.source.name}, fingerprint ${s.graph.fingerprint}): no link reproduces it. Export it (JSON, CSV or .npy) to share it.`);
      return;
    }
    const href = s.config ? writeToLocation(s.config) : window.location.href;
    try {
      await navigator.clipboard.writeText(href);
      copy.textContent = 'Link copied';
    } catch {
      // No clipboard access (permissions, insecure context): offer the link to copy by hand.
      window.prompt('Copy this link:', href);
    }
    setTimeout(() => {
      copy.textContent = 'Copy link';
    }, 1500);
  });

  for (const b of document.querySelectorAll('[data-export]')) {
    b.addEventListener('click', async () => {
      const format = b.dataset.export;
      try {
        const bytes = await worker.exportGraph(format);
        const g = store.state.graph;
        downloadBytes(bytes, `rgp-n${g.n}-k${g.k}-${g.fingerprint}.${format}`, format);
      } catch (e) {
        showError(`Export failed: ${e.message}`);
      }
    });
  }

  ui.importFile.addEventListener('change', async () => {
    const file = ui.importFile.files[0];
    ui.importFile.value = '';
    if (!file) return;
    const name = file.name.slice(0, 80);
    if (file.size > MAX_IMPORT_BYTES) {
      showError(`Import failed: ${name} is larger than ${MAX_IMPORT_BYTES / 2 ** 20} MB.`);
      return;
    }
    const previous = run.active;
    showError('');
    try {
      const { id, done } = worker.importGraph(file.name, await file.arrayBuffer());
      run.active = id;
      run.restoring = false;
      run.importName = name; // the graph itself arrives as a view ('imported', app.js onImported)
      await done;
    } catch (e) {
      run.active = previous; // the graph on show stays
      showError(`Import failed: ${e.message}`);
    }
  });
}
