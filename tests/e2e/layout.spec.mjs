// Layout and accessibility, end to end: with the graph, training and sweep panels open and a
// finished training's results on show (Fashion-MNIST's long class names), no two text elements
// overlap at 390, 1024 and 1440 px wide and nothing scrolls sideways at 390 px; axe-core finds no
// violations; every control is reachable with Tab and the Train button works from the keyboard.
import assert from 'node:assert/strict';
import { axeViolations, test, text, trainOnce, waitForLayout, waitForState } from './harness.mjs';

// Graph, training (one epoch of the MLP from scratch on quick Fashion-MNIST, CPU) and sweep panels.
const LINK = 'v=1&nodes=16&degree=4&init=ring&seed=3&search=none&model=mlp&dataset=fashion&data=quick&epochs=1' +
  '&backend=cpu&start=scratch&sweep=true';
const WIDTHS = [1440, 1024, 390];
const HEIGHT = 900;

/** The app at `width` with all three panels mounted. */
async function openAll(open, width) {
  const page = await open(LINK, { viewport: { width, height: HEIGHT } });
  assert.equal(await waitForState(page, ['done', 'error'], 60000), 'done');
  await page.waitForSelector('[data-testid="train-start"]', { timeout: 60000 });
  await page.waitForSelector('[data-testid="sweep-start"]', { timeout: 60000 });
  return page;
}

/**
 * The boxes of what is visibly drawn: every element with text of its own (the box of its text,
 * joined with its own box), every form control, canvas and svg (as one box; nothing inside an
 * svg is looked at). Boxes are clipped to their scrolling/clipping ancestors; hidden, empty and
 * fully clipped ones are left out. Then every pair that overlaps by more than 1 px, except an
 * element and its own ancestor.
 */
function findOverlaps() {
  const SLACK = 1;
  const items = [];
  const clipOf = (el) => {
    let r = { left: -Infinity, top: -Infinity, right: Infinity, bottom: Infinity };
    for (let a = el.parentElement; a; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') {
        const b = a.getBoundingClientRect();
        const l = b.left + a.clientLeft;
        const t = b.top + a.clientTop;
        r = {
          left: Math.max(r.left, l), top: Math.max(r.top, t),
          right: Math.min(r.right, l + a.clientWidth), bottom: Math.min(r.bottom, t + a.clientHeight),
        };
      }
    }
    return r;
  };
  const visible = (el) => {
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    for (let a = el; a; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.clip !== 'auto' && cs.position === 'absolute') return false; // visually hidden
      if (cs.clipPath !== 'none') return false;
    }
    return true;
  };
  const describe = (el) => {
    const id = el.id ? `#${el.id}` : '';
    const t = el.dataset?.testid ? `[data-testid=${el.dataset.testid}]` : '';
    const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
    return `<${el.tagName.toLowerCase()}${id}${t}> "${own.slice(0, 40)}"`;
  };
  const CONTROL = new Set(['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON', 'CANVAS', 'svg', 'IMG']);
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('svg') && el.tagName !== 'svg') continue;
    if (['OPTION', 'OPTGROUP', 'SCRIPT', 'STYLE', 'TEMPLATE'].includes(el.tagName)) continue;
    const texts = [...el.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim());
    if (!texts.length && !CONTROL.has(el.tagName)) continue;
    if (!visible(el)) continue;
    let box = null;
    const add = (r) => {
      if (r.width <= 0 || r.height <= 0) return;
      box = box
        ? { left: Math.min(box.left, r.left), top: Math.min(box.top, r.top), right: Math.max(box.right, r.right), bottom: Math.max(box.bottom, r.bottom) }
        : { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    const range = document.createRange();
    for (const n of texts) {
      range.selectNodeContents(n);
      for (const r of range.getClientRects()) add(r);
    }
    if (CONTROL.has(el.tagName) || getComputedStyle(el).display !== 'inline') add(el.getBoundingClientRect());
    if (!box) continue;
    const c = clipOf(el);
    box = { left: Math.max(box.left, c.left), top: Math.max(box.top, c.top), right: Math.min(box.right, c.right), bottom: Math.min(box.bottom, c.bottom) };
    if (box.right - box.left <= SLACK || box.bottom - box.top <= SLACK) continue;
    items.push({ el, box });
  }
  const out = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i];
      const b = items[j];
      const w = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
      const h = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
      if (w <= SLACK || h <= SLACK) continue;
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const f = (x) => `[${Math.round(x.left)},${Math.round(x.top)} ${Math.round(x.right - x.left)}×${Math.round(x.bottom - x.top)}]`;
      out.push(`${describe(a.el)} ${f(a.box)}  ×  ${describe(b.el)} ${f(b.box)}`);
    }
  }
  return { checked: items.length, overlaps: out };
}

test('layout: no text overlaps at 1440, 1024 and 390 px after a Fashion-MNIST training; nothing scrolls sideways at 390 px', async ({ open }) => {
  const page = await openAll(open, WIDTHS[0]);
  await trainOnce(page);
  assert.match(await page.textContent('[data-testid="train-per-class"]'), /Sneaker/, 'Fashion-MNIST class names on show');
  const problems = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: HEIGHT });
    // Let the resize settle (layout, the charts' redraws on resize).
    await waitForLayout(page, width);
    const { checked, overlaps } = await page.evaluate(findOverlaps);
    assert.ok(checked > 200, `only ${checked} elements checked at ${width} px`);
    if (overlaps.length) problems.push(`at ${width} px, ${overlaps.length} overlapping pair(s):\n    ${overlaps.slice(0, Number(process.env.LAYOUT_PAIRS || 25)).join('\n    ')}`);
    const sideways = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    if (sideways.scroll > sideways.client) problems.push(`at ${width} px the page is ${sideways.scroll} px wide (scrolls sideways)`);
  }
  assert.equal(problems.length, 0, `layout problems:\n  ${problems.join('\n  ')}`);
}, { timeout: 180000 });

test('accessibility: axe-core finds no violations with the graph, training and sweep panels open, before and after a training', async ({ open }) => {
  const page = await openAll(open, 1280);
  const before = await axeViolations(page);
  assert.deepEqual(before, [], `axe violations with the panels open:\n    ${before.join('\n    ')}`);
  await trainOnce(page);
  const after = await axeViolations(page);
  assert.deepEqual(after, [], `axe violations after a training:\n    ${after.join('\n    ')}`);
  // Narrow, where the wide results tables scroll inside their boxes.
  await page.setViewportSize({ width: 390, height: HEIGHT });
  await waitForLayout(page, 390);
  const narrow = await axeViolations(page);
  assert.deepEqual(narrow, [], `axe violations after a training, 390 px wide:\n    ${narrow.join('\n    ')}`);
}, { timeout: 180000 });

test('keyboard: Tab reaches every enabled control, and Enter on Train starts a training', async ({ open }) => {
  const page = await openAll(open, 1280);
  // Every enabled control the user can see, and what Tab focuses in turn (until it comes around).
  const controls = await page.evaluate(() => {
    const all = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')];
    return all
      .filter((el) => !el.disabled && el.tabIndex >= 0 && !el.closest('[hidden], [inert]'))
      .filter((el) => el.checkVisibility() || (el.type === 'file' && el.labels?.length))
      .map((el, i) => {
        el.dataset.kbd = String(i);
        return i;
      });
  });
  assert.ok(controls.length > 40, `${controls.length} controls`);
  const reached = new Set();
  const seen = [];
  for (let i = 0; i < controls.length * 2 + 20; i++) {
    await page.keyboard.press('Tab');
    const k = await page.evaluate(() => {
      const a = document.activeElement;
      return a && a !== document.body ? (a.dataset.kbd ?? `(${a.tagName.toLowerCase()} not in the list)`) : null;
    });
    if (k === null) {
      if (reached.size) break; // came around to the page itself
      continue;
    }
    if (reached.has(k) && k === seen[0]) break;
    seen.push(k);
    reached.add(k);
  }
  const missing = controls.map(String).filter((k) => !reached.has(k));
  const names = await page.evaluate((ks) => ks.map((k) => {
    const el = document.querySelector(`[data-kbd="${k}"]`);
    return `<${el.tagName.toLowerCase()} ${el.id ? `#${el.id}` : ''}${el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : ''}${el.name ? ` name=${el.name}` : ''}>`;
  }), missing);
  assert.deepEqual(names, [], `controls Tab never reaches: ${names.join(', ')}`);
  // Operable: Enter on the focused Train button trains (the one-epoch Fashion-MNIST run).
  await trainOnce(page, 'Enter');
  assert.match(await text(page, 'train-test'), /%$/);
}, { timeout: 180000 });
