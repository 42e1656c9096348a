// The guided tour of a first visit: a few steps (www/texts.js), each highlighting its part of the
// page and scrolling it into view, in a dialog that the keyboard alone can go through (focus moves
// into it; Next, Back and Skip are buttons; Escape skips). It never starts by itself, so it never
// covers a first screen: the header's "Take the tour" button starts it — marked as new until the
// tour was finished or skipped once (remembered in localStorage) — and so does a link with
// `tour=1`, even after that; ending it drops `tour` from the link.

import { TOUR_STEPS, TOUR_TEXTS as T } from './texts.js';

const DONE_KEY = 'rgp-tour-done';

function remembered() {
  try {
    return localStorage.getItem(DONE_KEY) !== null;
  } catch {
    return false; // storage blocked: the invitation stays, nothing breaks
  }
}

function remember() {
  try {
    localStorage.setItem(DONE_KEY, new Date().toISOString());
  } catch {
    /* storage blocked: the tour is only offered again */
  }
}

function button(testid, text, cls = '') {
  const b = document.createElement('button');
  b.type = 'button';
  b.dataset.testid = `tour-${testid}`;
  b.textContent = text;
  if (cls) b.className = cls;
  return b;
}

/** The dialog's DOM (appended to `parent`, hidden). */
function buildDialog(parent) {
  const box = document.createElement('div');
  Object.assign(box, { id: 'tour', className: 'tour', hidden: true, tabIndex: -1 });
  box.setAttribute('role', 'dialog');
  box.setAttribute('aria-labelledby', 'tour-title');
  box.setAttribute('aria-describedby', 'tour-text');
  box.dataset.testid = 'tour';
  const count = Object.assign(document.createElement('p'), { className: 'tour-count' });
  count.dataset.testid = 'tour-count';
  const title = Object.assign(document.createElement('h2'), { id: 'tour-title' });
  const text = Object.assign(document.createElement('p'), { id: 'tour-text' });
  text.setAttribute('aria-live', 'polite');
  const back = button('back', T.back);
  const next = button('next', T.next, 'primary');
  const skip = button('skip', T.skip);
  const row = Object.assign(document.createElement('div'), { className: 'buttons' });
  row.append(back, next, skip);
  box.append(count, title, text, row);
  parent.append(box);
  return { box, count, title, text, back, next, skip };
}

/** The element step `s` highlights: the first of its targets on the page (a form control's label). */
function targetOf(s) {
  for (const sel of s.target) {
    const e = document.querySelector(sel);
    if (e && e.getClientRects().length) return e.closest('label') ?? e;
  }
  return null;
}

/** Wires the header's button (`#tour-open`) and starts the tour when the link says `tour`;
 * `setConfig` drops `tour` from the link when the tour ends. */
export function mountTour(config, setConfig) {
  const open = document.getElementById('tour-open');
  if (!open) return;
  open.textContent = T.open;
  open.classList.toggle('tour-new', !remembered());
  const d = buildDialog(document.querySelector('header.top') ?? document.body);
  const st = { step: -1, lit: null };
  const light = (e) => {
    st.lit?.classList.remove('tour-target');
    st.lit = e;
    e?.classList.add('tour-target');
  };
  const show = (i) => {
    const s = TOUR_STEPS[i];
    st.step = i;
    d.count.textContent = T.step(i + 1, TOUR_STEPS.length);
    d.title.textContent = s.title;
    d.text.textContent = s.text;
    d.back.disabled = i === 0;
    d.next.textContent = i === TOUR_STEPS.length - 1 ? T.finish : T.next;
    const e = targetOf(s);
    light(e);
    e?.scrollIntoView({ block: 'center', behavior: 'instant' });
    if (document.activeElement === d.back && i === 0) d.next.focus();
  };
  const end = () => {
    if (st.step < 0) return;
    st.step = -1;
    light(null);
    d.box.hidden = true;
    document.removeEventListener('keydown', onKey);
    remember();
    open.classList.remove('tour-new');
    if (config.tour) setConfig({ tour: null });
    config = { ...config, tour: false };
    open.focus();
  };
  const onKey = (ev) => {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      end();
    }
  };
  const start = () => {
    d.box.hidden = false;
    document.addEventListener('keydown', onKey);
    show(0);
    d.next.focus();
  };
  d.next.addEventListener('click', () => (st.step === TOUR_STEPS.length - 1 ? end() : show(st.step + 1)));
  d.back.addEventListener('click', () => st.step > 0 && show(st.step - 1));
  d.skip.addEventListener('click', end);
  open.addEventListener('click', () => (st.step < 0 ? start() : d.next.focus()));
  if (config.tour) start();
}
