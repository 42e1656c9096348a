// The embedded page (embed.html, written from index.html by scripts/embed-page.mjs): the same page
// and bundle, laid out compactly for the link's `view` (the stylesheet's html[data-view] rules),
// with the controls of `hide=` left out, a link to the full app, and what `autorun` starts. The
// graph worker already decided whether the link's search runs (www/embed/policy.js).

import { el } from '../dom.js';
import { valueOf } from '../url-state.js';
import { appUrl, hiddenKeys } from './policy.js';

export { isEmbed } from './policy.js';

/** Lays the page out for the link's view at once (before the first graph): the view, the
 *  controls left out, the link to the full app. `config`: the link's, as parsed. */
export function embedLayout(config, store) {
  const view = valueOf(config, 'view');
  document.documentElement.dataset.view = view;
  // A view of one panel leaves <main> out: that panel is the page's main landmark then.
  const panel = { train: 'training', race: 'training', sweep: 'sweep' }[view];
  if (panel) document.getElementById(panel).setAttribute('role', 'main');
  hideControls(hiddenKeys(config));
  openInApp(store);
  fileSection()?.forEach((e) => {
    e.hidden = true;
  });
  // The views measured their canvases in the app's layout: they measure again in this one.
  window.dispatchEvent(new Event('resize'));
}

/** Mounts what the view needs, after the first graph (as the app mounts its panels): `app` is
 *  the panels' view of the store (app.js's appApi), `mount` { training(section), sweep(section) }. */
export function embedPanels(config, app, mount) {
  const view = valueOf(config, 'view');
  if (view === 'train' || view === 'race') mount.training(document.getElementById('training'));
  if (view === 'sweep') openSweep(mount);
  if (valueOf(config, 'autorun') === 'train' && (view === 'train' || view === 'race')) autoTrain(app, view);
}

/** The graph form's File part (exports, import): the embed shows a graph, it does not keep one. */
function fileSection() {
  const row = document.getElementById('import-file')?.closest('.buttons');
  if (!row) return null;
  const title = row.previousElementSibling?.tagName === 'H2' ? row.previousElementSibling : null;
  return [title, row, document.getElementById('import-note')].filter(Boolean);
}

/** Leaves out the controls of `keys`, also in the panels that mount later: each control's row
 *  (or label) gets `hidden`, which takes it out of the accessibility tree too. */
function hideControls(keys) {
  if (!keys.length) return;
  const selector = keys.map((k) => `[name="${k}"]`).join(', ');
  const apply = () => {
    for (const input of document.querySelectorAll(selector)) {
      const row = input.closest('.row, label') ?? input;
      if (!row.hidden) row.hidden = true;
    }
  };
  apply();
  new MutationObserver(apply).observe(document.body, { childList: true, subtree: true });
}

/** "Open in RGP Studio": the full app with the same configuration (less the embed's keys), kept
 *  up to date as the configuration changes; a new tab, so the host page stays. */
function openInApp(store) {
  const link = el('a', { class: 'open-app', 'data-testid': 'open-in-app', target: '_blank', rel: 'noopener', text: 'Open in RGP Studio' });
  const update = (s) => {
    const c = s.config ?? s.held;
    if (c) link.href = appUrl(c, window.location.href);
  };
  update(store.state);
  store.subscribe((s, prev) => {
    if (s.config !== prev.config || s.held !== prev.held) update(s);
  });
  document.querySelector('header.top').append(link);
}

/** The sweep view opens the sweep panel at once (as its Open button would). */
function openSweep(mount) {
  const section = document.getElementById('sweep');
  mount.sweep(section);
  section.querySelector('#sweep-open')?.click();
}

/** autorun=train: once the search's graph is settled, the panel trains on it (the race view
 *  races), unless the connection asks to save data: then it waits for a click and says why. */
function autoTrain(app, view) {
  const section = document.getElementById('training');
  if (navigator.connection?.saveData === true) {
    const note = el('p', { class: 'note', role: 'status', 'data-testid': 'autorun-note',
      text: 'Training waits for a click: this connection asks to save data, and training downloads its data set.' });
    section.prepend(note);
    return;
  }
  const testid = view === 'race' ? 'race-start' : 'train-start';
  const go = () => {
    const button = section.querySelector(`[data-testid="${testid}"]`);
    if (!button || button.disabled || !app.graph()) return false;
    button.click();
    return true;
  };
  // Both must be there: the panel (mounted lazily) and the settled graph (after the search).
  const watch = new MutationObserver(() => go() && stop());
  const off = app.onGraph(() => go() && stop());
  const stop = () => {
    watch.disconnect();
    off();
  };
  if (go()) stop();
  else watch.observe(section, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
}
