// The notes under the graph form: where the graph on show came from when the link alone does not
// say it (a stopped search, an import), and the Undo offer after an edit replaced a worked graph.
// Views of the page's store (www/store.js).

import { grouped } from '../format.js';

const $ = (id) => document.getElementById(id);

/** A graph's source in words, for the status line and the Undo note. */
export function describe(src) {
  switch (src.kind) {
    case 'searched':
      return `the searched graph (${grouped(src.iterations)} iterations)`;
    case 'stopped':
      return `the graph stopped at iteration ${grouped(src.iterations)}`;
    case 'picked':
      return `family graph ${src.index + 1}`;
    case 'imported':
      return `the imported graph ${src.name}`;
    default:
      return 'the start graph';
  }
}

/** The notes under the form say where the graph on show came from, when the link alone does not. */
export function showNotes(s) {
  const stop = $('stop-note');
  const at = s.config?.stop_after;
  stop.hidden = s.status.state !== 'stopped' || at === null || at === undefined;
  if (!stop.hidden) stop.textContent = `Stopped at iteration ${grouped(at)}. The link now holds stop_after=${at}, so it reproduces this graph.`;
  const imported = $('import-note');
  imported.hidden = s.source?.kind !== 'imported';
  if (!imported.hidden) {
    const g = s.graph;
    imported.textContent = `Imported ${s.source.name} (${g.n} nodes, degree ${g.k}). No link reproduces an imported graph: the link holds its size only; export the graph to share it.`;
  }
}

/** The offer to bring back the worked graph the last edit replaced (the store's `undo`). */
export function showUndo(undo) {
  $('undo-note').hidden = !undo;
  if (!undo) return;
  const g = undo.graph;
  $('undo-text').textContent = `The edit replaced ${describe(undo.source)} (fingerprint ${g.fingerprint}, ASPL ${g.metrics.aspl.toFixed(4)}) by the new settings' start graph.`;
}
