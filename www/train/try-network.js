// "Try the network": after a run on 28×28 grey images, a pad to draw a digit on (or an image to
// drop or choose) and what the pruned network and the dense network it was pruned from (a
// pretrained start) make of it, a bar per class, live while one draws. One prediction is in
// flight at a time; strokes drawn meanwhile are read when it returns (the latest drawing wins).

import { el } from '../dom.js';
import { TRY_TEXTS as T } from '../texts.js';
import { asIs, drawingPad, mnistPixels, paint, showSeen } from './digit-input.js';

/** One network's readout: a heading, the top class and a bar per class. */
function readout(key, title) {
  const top = el('p', { class: 'try-top', 'data-testid': `try-${key}-top`, text: '—' });
  const bars = el('ol', { class: 'try-bars' });
  const box = el('div', { class: 'try-out', 'data-testid': `try-${key}` }, el('h4', { text: title }), top, bars);
  return { box, top, bars, title: box.firstChild };
}

function showReadout(r, probs, classes) {
  if (!probs) {
    r.top.textContent = '—';
    r.bars.replaceChildren();
    delete r.box.dataset.class;
    return;
  }
  const best = probs.reduce((b, p, i) => (p > probs[b] ? i : b), 0);
  const pc = (p) => `${(100 * p).toFixed(p > 0.995 || p < 0.005 ? 0 : 1)}%`;
  r.top.textContent = `${classes[best]} (${pc(probs[best])})`;
  r.bars.replaceChildren(...[...probs].map((p, i) => el('li', { class: i === best ? 'best' : '' },
    el('span', { class: 'try-label', text: classes[i] }),
    el('span', { class: 'try-bar', 'aria-hidden': 'true' }, el('span', { style: `width: ${(100 * p).toFixed(1)}%` })),
    el('span', { class: 'try-pct', text: pc(p) }))));
  r.box.dataset.class = String(best);
  r.box.dataset.updates = String(Number(r.box.dataset.updates ?? 0) + 1);
}

/** Builds the box (hidden until a run shows it) for `client` (client.js); returns {element, show, hide}. */
export function mountTry(client) {
  const pad = el('canvas', { class: 'try-pad', width: '224', height: '224', role: 'img', 'aria-label': T.pad, 'data-testid': 'try-canvas' });
  const seen = el('canvas', { class: 'try-seen', width: '28', height: '28', role: 'img', 'aria-label': T.seen });
  const clearBtn = el('button', { type: 'button', 'data-testid': 'try-clear', text: 'Clear' });
  const file = el('input', { type: 'file', accept: 'image/*', 'data-testid': 'try-file', 'aria-label': T.file });
  const error = el('p', { class: 'error', role: 'alert', 'data-testid': 'try-error', hidden: '' });
  const note = el('p', { class: 'note', 'data-testid': 'try-note', hidden: '' });
  const outs = { pruned: readout('pruned', 'Pruned'), dense: readout('dense', 'Dense') };
  const element = el('section', { class: 'try', 'data-testid': 'try-network', 'aria-labelledby': 'try-title', hidden: '' },
    el('h3', { id: 'try-title', text: 'Try the network' }),
    el('p', { class: 'note', text: T.intro }),
    el('div', { class: 'try-row' },
      el('div', { class: 'try-input' }, pad, el('div', { class: 'buttons' }, seen, clearBtn, file)),
      outs.pruned.box, outs.dense.box),
    note, error);
  const st = { classes: [], pixels: null, busy: false, again: false, dense: false };
  const ask = () => predict(client, st, outs);
  const { ctx, clear } = drawingPad(pad, () => {
    st.pixels = null; // read from the pad
    error.hidden = true;
    ask();
  });
  clearBtn.addEventListener('click', () => {
    clear();
    showSeen(seen, null);
    for (const r of Object.values(outs)) showReadout(r, null);
  });
  const take = async (f) => {
    if (!f) return;
    try {
      const image = await createImageBitmap(f);
      paint(ctx, image);
      st.pixels = image.width === 28 && image.height === 28 ? asIs(image) : null;
      error.hidden = true;
      ask();
    } catch {
      error.textContent = `${f.name}: ${T.notImage}`;
      error.hidden = false;
    }
  };
  file.addEventListener('change', () => take(file.files[0]).finally(() => (file.value = '')));
  pad.addEventListener('dragover', (ev) => ev.preventDefault());
  pad.addEventListener('drop', (ev) => {
    ev.preventDefault();
    take(ev.dataTransfer.files[0]);
  });
  st.seen = seen;
  st.pad = pad;
  return {
    element,
    /** After a run: `image` whether it read 28×28 grey images, `dense` whether it trained the
     * dense network itself, `started` whether it started from a pretrained one. */
    show({ image, classes, dense, started }) {
      element.hidden = !image;
      if (!image) return;
      st.classes = classes;
      st.dense = !dense && started;
      outs.pruned.title.textContent = dense ? 'This network (dense)' : started ? 'Pruned, fine-tuned' : 'Pruned, trained from random weights';
      outs.dense.title.textContent = 'Dense, pretrained';
      outs.dense.box.hidden = !st.dense;
      note.hidden = st.dense;
      note.textContent = dense ? T.denseRun : T.noDense;
      for (const r of Object.values(outs)) showReadout(r, null);
      if (mnistPixels(pad) || st.pixels) ask();
    },
    hide() {
      element.hidden = true;
    },
  };
}

/** Sends the current drawing unless a prediction is in flight (then it follows that one). */
async function predict(client, st, outs) {
  if (st.busy) {
    st.again = true;
    return;
  }
  const pixels = st.pixels ?? mnistPixels(st.pad);
  showSeen(st.seen, pixels);
  if (!pixels) return;
  st.busy = true;
  try {
    const r = await client.predict(pixels);
    showReadout(outs.pruned, r.pruned, st.classes);
    showReadout(outs.dense, st.dense ? r.dense : null, st.classes);
  } catch {
    // A run started meanwhile (the box hides); the next drawing asks again.
  } finally {
    st.busy = false;
    if (st.again) {
      st.again = false;
      predict(client, st, outs);
    }
  }
}
