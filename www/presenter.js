// What a teacher's link adds to the page: a note at the top (`note=`, plain text, shown with
// textContent and closable) and the panel the page opens at (`panel=`).

/** Shows the link's note in `box` (an element with a text span and a close button); closing it
 * drops it from the configuration (`setConfig`). */
export function showNote(config, box, setConfig) {
  const text = box.querySelector('[data-testid="presenter-note-text"]');
  if (config.note) {
    text.textContent = config.note;
    box.hidden = false;
    box.querySelector('button').addEventListener('click', () => {
      box.hidden = true;
      setConfig({ note: null });
    }, { once: true });
  }
}

const USER_INPUT = ['wheel', 'touchstart', 'keydown', 'pointerdown'];

/** Scrolls to the link's panel and keeps it there while the page above it takes its size (the
 *  graph, the panels), until the user scrolls or clicks, or 10 s have passed. */
export function scrollToPanel(config) {
  const target = config.panel && config.panel !== 'graph' ? document.getElementById(config.panel) : null;
  if (!target) return;
  const go = () => target.scrollIntoView({ block: 'start' });
  const watch = new ResizeObserver(go);
  watch.observe(document.body);
  const stop = () => {
    watch.disconnect();
    for (const e of USER_INPUT) removeEventListener(e, stop);
  };
  for (const e of USER_INPUT) addEventListener(e, stop, { passive: true });
  setTimeout(stop, 10000);
  go();
}
