// Charts people can read (www/views/chart-kit.js), end to end: on the first screen at 1440, 1024
// and 390 px no select, option text, button, heading or readout is cut off and no chart box is
// shown without data; after a search (the ASPL chart), a one-epoch training (loss and accuracy),
// a race and a fine-tuning run, every chart has labelled axes, a legend with values, a readout
// under the pointer and from the keyboard, a data table behind a toggle, and SVG and PNG export
// with the axes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { axeViolations, test, text, textWhen, trainOnce, waitForLayout, waitForState } from './harness.mjs';

const FIRST = 'v=1&nodes=16&degree=4&init=ring&seed=3&search=none&model=mlp&dataset=mnist&data=quick&epochs=1' +
  '&backend=cpu&start=scratch&sweep=true';
const SEARCH = 'v=1&nodes=64&degree=4&init=random&seed=5&search=anneal&iters=3000';
const TRAIN = 'v=1&nodes=16&degree=4&search=none&model=mlp&dataset=mnist&data=quick&epochs=1&backend=cpu&start=scratch';

/**
 * What is cut off on the page: visible selects whose selected option's text is wider than the
 * room inside them, buttons, headings, labels and chart readouts wider than their box, SVG chart
 * text outside its chart; and chart frames shown with neither data nor a placeholder sentence.
 */
function cutOff() {
  const out = [];
  const seen = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const name = (el) => `<${el.tagName.toLowerCase()}${el.dataset.testid ? ` data-testid=${el.dataset.testid}` : ''}${el.name ? ` name=${el.name}` : ''}>`;
  const ctx = document.createElement('canvas').getContext('2d');
  for (const s of document.querySelectorAll('select')) {
    if (!seen(s) || s.selectedIndex < 0) continue;
    const cs = getComputedStyle(s);
    ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const label = s.options[s.selectedIndex].text;
    const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 18; // the arrow
    if (ctx.measureText(label).width > room + 0.5) out.push(`${name(s)} shows "${label}" in ${Math.round(room)} px (needs ${Math.ceil(ctx.measureText(label).width)})`);
  }
  for (const e of document.querySelectorAll('button, h1, h2, h3, h4, label, dt, .ck-readout, .u-legend th, .u-legend td, figcaption')) {
    if (seen(e) && e.scrollWidth > e.clientWidth + 1) out.push(`${name(e)} "${e.textContent.trim().slice(0, 40)}": ${e.scrollWidth} px of text in ${e.clientWidth}`);
  }
  for (const t of document.querySelectorAll('.ck-plot svg text')) {
    const svg = t.ownerSVGElement;
    if (!seen(svg)) continue;
    const b = t.getBoundingClientRect(); // on the page: rotated labels too
    const v = svg.getBoundingClientRect();
    if (b.left < v.left - 0.5 || b.right > v.right + 0.5 || b.top < v.top - 0.5 || b.bottom > v.bottom + 0.5) out.push(`chart text "${t.textContent}" outside its chart`);
  }
  for (const f of document.querySelectorAll('.ck')) {
    if (!seen(f)) continue;
    const body = f.querySelector('.ck-body');
    const drawn = !body.hidden && body.querySelector('.ck-plot .uplot, .ck-plot svg');
    const placeholder = f.querySelector('.ck-empty:not([hidden])')?.textContent.trim();
    if (!drawn && !placeholder) out.push(`chart box ${name(f)} shown without data`);
  }
  for (const c of document.querySelectorAll('canvas.tp-chart')) if (seen(c)) out.push(`a canvas chart ${name(c)} outside the chart kit`);
  return out;
}

/** What cutOff() finds on the page at each first-screen size. */
async function cutOffAtEachSize(page) {
  const problems = [];
  for (const [width, height] of [[1440, 900], [1024, 900], [390, 844]]) {
    await page.setViewportSize({ width, height });
    await waitForLayout(page, width);
    for (const p of await page.evaluate(cutOff)) problems.push(`at ${width} px: ${p}`);
  }
  return problems;
}

test('charts: first screen at 1440, 1024 and 390 px: nothing cut off, no chart box without data', async ({ open }) => {
  const page = await open(FIRST, { viewport: { width: 1440, height: 900 } });
  assert.notEqual(await waitForState(page, ['done', 'ready', 'error'], 60000), 'error');
  await page.waitForSelector('[data-testid="train-start"]', { timeout: 60000 });
  await page.waitForSelector('[data-testid="sweep-start"]', { timeout: 60000 });
  assert.deepEqual(await cutOffAtEachSize(page), []);
  // Before any search or training: the ASPL chart says why it is empty; the others are not shown.
  assert.match(await text(page, 'aspl-curve-empty'), /No search yet/);
  for (const id of ['loss', 'accuracy', 'finetune', 'race', 'sweep-aspl']) {
    assert.equal(await page.isVisible(`[data-testid="${id}"]`), false, `${id} shown before it has data`);
  }
  assert.match(await text(page, 'race-fairness'), /unstructured/);
  // The page with no link: its default search, charted.
  const first = await open('', { viewport: { width: 1440, height: 900 } });
  assert.notEqual(await waitForState(first, ['done', 'stopped', 'error'], 60000), 'error');
  await first.waitForSelector('[data-testid="aspl-curve-chart"] .uplot', { timeout: 10000 });
  assert.deepEqual(await cutOffAtEachSize(first), []);
}, { timeout: 120000 });

/** The readout after the pointer rests on the middle of chart `name`'s plot. */
async function pointAt(page, name) {
  const over = page.locator(`[data-testid="${name}-chart"] .u-over`);
  await over.scrollIntoViewIfNeeded();
  const box = await over.boundingBox();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
  await page.waitForFunction((n) => !/^Point at/.test(document.querySelector(`[data-testid="${n}-readout"]`).textContent), name, { timeout: 10000 });
  return text(page, `${name}-readout`);
}

/** Axes, legend, pointer, keyboard, table and exports of the uPlot chart `name`; `x`, `y`: its axis labels. */
async function checkChart(page, name, x, y, value) {
  const legend = await page.textContent(`[data-testid="${name}-chart"] .u-legend`);
  assert.ok(legend.includes(x) && !legend.includes('--'), `legend of ${name}: ${legend}`);
  assert.match(await pointAt(page, name), value);
  // Keyboard: focus the chart, ArrowRight moves to the next point and the readout says it.
  await page.focus(`[data-testid="${name}-chart"]`);
  await page.keyboard.press('Home');
  const first = await text(page, `${name}-readout`);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(([n, t]) => document.querySelector(`[data-testid="${n}-readout"]`).textContent.trim() !== t, [name, first], { timeout: 5000 });
  assert.match(await text(page, `${name}-readout`), value);
  // The data as a table, behind its toggle.
  await page.click(`[data-testid="${name}-table-toggle"]`);
  await page.waitForSelector(`[data-testid="${name}-table"] tbody tr`, { timeout: 5000 });
  assert.equal(await page.getAttribute(`[data-testid="${name}-table-toggle"]`, 'aria-expanded'), 'true');
  assert.equal((await page.textContent(`[data-testid="${name}-table"] thead th`)).trim(), x);
  assert.ok((await page.locator(`[data-testid="${name}-table"] tbody tr`).count()) > 1);
  // SVG with its axis labels and lines; PNG.
  const [svg] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${name}-svg"]`)]);
  const doc = readFileSync(await svg.path(), 'utf8');
  assert.match(doc, /<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(doc.includes(`class="x-label">${x}<`) && doc.includes(`class="y-label">${y}<`), `axis labels in ${name}.svg`);
  assert.match(doc, /<polyline[^>]*points="[\d.]+,[\d.]+ [\d.]+,/);
  const [png] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${name}-png"]`)]);
  assert.deepEqual([...readFileSync(await png.path()).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
}

test('charts: the ASPL chart after a search reads out its values (pointer, keyboard, table) and exports SVG and PNG', async ({ open }) => {
  const page = await open(SEARCH, { viewport: { width: 1024, height: 900 } });
  assert.equal(await waitForState(page, ['done', 'error'], 60000), 'done');
  await page.waitForSelector('[data-testid="aspl-curve-chart"] .uplot', { timeout: 10000 });
  assert.equal(await page.isVisible('[data-testid="aspl-curve-empty"]'), false);
  await checkChart(page, 'aspl-curve', 'iteration', 'ASPL (hops)', /^iteration [\d,.kM]+: current [\d.]+ hops, best [\d.]+ hops$/);
}, { timeout: 120000 });

test('charts: the loss and accuracy charts after a one-epoch MLP training read out and export', async ({ open }) => {
  const page = await open(TRAIN, { viewport: { width: 1440, height: 900 } });
  assert.notEqual(await waitForState(page, ['done', 'ready', 'error'], 60000), 'error');
  await page.waitForSelector('[data-testid="train-start"]', { timeout: 60000 });
  await trainOnce(page);
  await page.waitForSelector('[data-testid="accuracy-chart"] .uplot', { timeout: 10000 });
  await checkChart(page, 'loss', 'step', 'loss', /^step [\d,.k]+: loss [\d.]+$/);
  await checkChart(page, 'accuracy', 'step', 'accuracy (%)', /^step [\d,.k]+: train accuracy [\d.]+ %, test accuracy ([\d.]+ %|none)$/);
  // The parameters per layer (bars, SVG): the keyboard reads them too.
  await page.focus('[data-testid="params-chart"]');
  await page.keyboard.press('ArrowRight');
  await textWhen(page, 'params-readout', /^[\w.]+, (dense|kept): [\d,.kM]+ parameters$/);
  // A run from scratch has no fine-tuning curve: its box is not shown.
  assert.equal(await page.isVisible('[data-testid="finetune"]'), false);
  assert.deepEqual(await page.evaluate(cutOff), []);
  // With the data tables open, axe-core still finds nothing.
  const axe = await axeViolations(page);
  assert.deepEqual(axe, [], `axe violations with the charts' tables open:\n    ${axe.join('\n    ')}`);
}, { timeout: 180000 });

test('charts: the recovery race and the fine-tuning curve read out and export, beside the note on magnitude pruning', async ({ open }) => {
  const page = await open(`${TRAIN.replace('start=scratch', 'start=pretrained')}&race=true&panel=training`, { viewport: { width: 1024, height: 900 } });
  await page.waitForFunction(() => /Race (finished|stopped)/.test(document.querySelector('[data-testid="race-state"]')?.textContent ?? '')
    || document.querySelector('[data-testid="error"]')?.textContent, null, { timeout: 150000, polling: 200 });
  assert.match(await text(page, 'race-state'), /Race finished/, await text(page, 'error'));
  const lanes = /^step [\d,]+: RGP graph \(on show\) ([\d.]+ %|none), Ring lattice .*, dense \(pretrained\) [\d.]+ %$/;
  await checkChart(page, 'race', 'step', 'test accuracy (%)', lanes);
  assert.match(await text(page, 'race-fairness'), /largest weights.*unstructured.*not a block mask/);
  await trainOnce(page);
  await checkChart(page, 'finetune', 'step', 'test accuracy (%)', /^step [\d,]+: RGP graph \(on show\) [\d.]+ %, dense \(pretrained\) [\d.]+ %$/);
}, { timeout: 240000 });
