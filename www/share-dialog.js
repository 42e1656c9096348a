// "Share / embed": a dialog that writes the embed's link (embed.html) and a ready-to-paste
// <iframe> for the configuration on show and a chosen view, with copy buttons. Built on its first
// opening, so the page's first graph pays nothing for it. A modal <dialog>: focus stays inside,
// Escape closes it, and its heading labels it.

import { el } from './dom.js';
import { linkReproduces } from './store.js';
import { fieldOf } from './url-state.js';
import { embedUrl, iframeSnippet, VIEWS } from './embed/policy.js';

/** Wires `button` to the dialog; `state()` gives the store's state when it opens. */
export function mountShareDialog(button, state) {
  if (!button) return;
  let d = null;
  button.addEventListener('click', () => {
    d ??= build();
    fill(d, state());
    d.dialog.showModal();
  });
}

function build() {
  const labels = fieldOf('view').labels;
  const view = el('select', { id: 'share-view', 'data-testid': 'share-view' }, ...VIEWS.map((v, i) => el('option', { value: v, text: labels[i] })));
  const link = el('input', { id: 'share-link', type: 'text', readonly: '', 'data-testid': 'share-link' });
  const snippet = el('textarea', { id: 'share-snippet', readonly: '', rows: '4', 'data-testid': 'share-snippet' });
  const copied = el('p', { class: 'note', role: 'status', 'data-testid': 'share-copied' });
  const note = el('p', { class: 'note', 'data-testid': 'share-note', hidden: '' });
  const copyLink = el('button', { type: 'button', 'data-testid': 'share-copy-link', text: 'Copy link' });
  const copySnippet = el('button', { type: 'button', 'data-testid': 'share-copy-snippet', text: 'Copy code' });
  const close = el('button', { type: 'button', 'data-testid': 'share-close', text: 'Close' });
  const dialog = el('dialog', { class: 'share', 'aria-labelledby': 'share-title', 'data-testid': 'share-dialog' },
    el('h2', { id: 'share-title', text: 'Share / embed' }),
    el('p', { class: 'note', text: 'Any site may show this configuration in a frame. The frame links back to the full app.' }),
    note,
    el('div', { class: 'row' }, el('label', { for: 'share-view', text: 'View' }), view),
    el('div', { class: 'row' }, el('label', { for: 'share-link', text: 'Link' }), link, copyLink),
    el('div', { class: 'row' }, el('label', { for: 'share-snippet', text: 'Embed code' }), snippet, copySnippet),
    copied,
    el('div', { class: 'buttons' }, close));
  document.body.append(dialog);
  const d = { dialog, view, link, snippet, copied, note, config: null };
  view.addEventListener('change', () => write(d));
  copyLink.addEventListener('click', () => copy(d, link, 'Link copied.'));
  copySnippet.addEventListener('click', () => copy(d, snippet, 'Embed code copied.'));
  close.addEventListener('click', () => dialog.close());
  return d;
}

/** Takes the configuration on show; an imported graph has none that reproduces it, so the embed
 *  would show the configuration's own graph: said in the dialog. */
function fill(d, s) {
  d.config = s.config ?? s.held;
  d.note.hidden = linkReproduces(s) || !s.graph;
  d.note.textContent = d.note.hidden ? '' : 'The graph on show was imported: no link reproduces it, so the frame shows the graph of the configuration in the form.';
  d.copied.textContent = '';
  write(d);
}

function write(d) {
  const url = embedUrl(d.config, d.view.value, window.location.href);
  d.link.value = url;
  d.snippet.value = iframeSnippet(url, d.view.value);
}

async function copy(d, field, done) {
  try {
    await navigator.clipboard.writeText(field.value);
    d.copied.textContent = done;
  } catch {
    // No clipboard access (permissions, an insecure page): the text is selected to copy by hand.
    field.select();
    d.copied.textContent = 'Press Ctrl+C (⌘C) to copy the selected text.';
  }
}
