// The graph's files and its link: Copy link, the exports (JSON, CSV, .npy) and imports. An
// imported graph is adopted here: the form and the link take its size, and since no seed
// reproduces it, Copy link refuses it and a model trained on it records no link
// (docs/ARCHITECTURE.md, "What the page trains is what it shows").

import { downloadBytes, MAX_IMPORT_BYTES } from './files.js';
import { writeToLocation } from './url-state.js';

/** Wires the file controls to the page's state `ctx` = {app, worker, ui, controls, familyList, showError};
 *  returns {adoptImported(name)}, for the graph view of an import when it arrives. */
export function wireGraphFiles(ctx) {
  const { app, worker, ui, controls, familyList, showError } = ctx;
  const copy = document.getElementById('copy-link');
  copy.addEventListener('click', async () => {
    if (app.imported) {
      // The rule for imported graphs: no seed reproduces one, so no link is offered as if it did.
      showError(`The graph on show was imported (${app.imported}): no link reproduces it. Export it (JSON, CSV or .npy) to share it.`);
      return;
    }
    const href = app.config ? writeToLocation(app.config) : window.location.href;
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
        const g = app.graph;
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
    const previous = app.active;
    showError('');
    ui.importNote.hidden = true;
    try {
      const { id, done } = worker.importGraph(file.name, await file.arrayBuffer());
      app.active = id;
      app.importName = name; // the graph itself arrives as a view ('imported', onGraph)
      await done;
      familyList.hide();
      ui.stopNote.hidden = true;
    } catch (e) {
      app.active = previous; // the graph on show stays
      showError(`Import failed: ${e.message}`);
    }
  });

  /** The imported graph now on show: the form and the link take its size (so widths and checks
   *  are its own), and the page says that no link reproduces the graph itself. */
  function adoptImported(name) {
    const g = app.graph;
    app.imported = `${name}, fingerprint ${g.fingerprint}`;
    app.config = { ...app.config, nodes: g.n, degree: g.k, stop_after: null, pick: null };
    controls.write(app.config);
    writeToLocation(app.config);
    ui.importNote.textContent = `Imported ${name} (${g.n} nodes, degree ${g.k}). No link reproduces an imported graph: the link holds its size only; export the graph to share it.`;
    ui.importNote.hidden = false;
  }
  return { adoptImported };
}
