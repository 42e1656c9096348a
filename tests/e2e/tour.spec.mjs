// The guided tour: never by itself (a first screen stays uncovered), offered by the header's button
// (marked as new until finished or skipped once), started by a link with tour=1 even after that.
// Each step outlines its part of the page in view, in a dialog the keyboard alone goes through
// (focus inside, Enter and Space on its buttons, Escape skips); axe finds nothing on any step.
import assert from 'node:assert/strict';
import { axeViolations, test, waitForState } from './harness.mjs';

const visible = (page) => page.evaluate(() => !document.getElementById('tour').hidden);
const step = (page) => page.evaluate(() => document.querySelector('[data-testid="tour-count"]').textContent);

/** The step on show: its dialog focused inside, its element outlined and in the window. */
async function checkStep(page, n, total) {
  await page.waitForFunction((want) => document.querySelector('[data-testid="tour-count"]').textContent === want, `Step ${n} of ${total}`);
  const s = await page.evaluate(() => {
    const lit = document.querySelectorAll('.tour-target');
    const r = lit[0]?.getBoundingClientRect();
    return {
      inside: document.getElementById('tour').contains(document.activeElement),
      lit: lit.length,
      inView: Boolean(r) && r.bottom > 0 && r.top < innerHeight,
      labelled: document.getElementById(document.getElementById('tour').getAttribute('aria-labelledby')).textContent,
    };
  });
  assert.ok(s.inside, `step ${n}: focus is in the dialog`);
  assert.equal(s.lit, 1, `step ${n}: one element outlined`);
  assert.ok(s.inView, `step ${n}: its element is in view`);
  assert.ok(s.labelled.length > 3, `step ${n}: the dialog is labelled`);
  assert.deepEqual(await axeViolations(page), [], `step ${n}: axe`);
}

test('tour: a link with tour=1 starts it; the keyboard alone goes through every step; axe finds nothing', async ({ open }) => {
  const page = await open('v=1&nodes=32&degree=4&tour=1');
  await waitForState(page, ['done', 'error']);
  await page.waitForSelector('[data-testid="tour"]:not([hidden])');
  await page.waitForSelector('[data-testid="train-start-from"]'); // step 4's element, once the panel is there
  const total = Number((await step(page)).split(' of ')[1]);
  assert.ok(total >= 4 && total <= 6, `${total} steps`);
  await checkStep(page, 1, total);
  await page.keyboard.press('Enter'); // Next (focused)
  await checkStep(page, 2, total);
  await page.keyboard.press('Shift+Tab'); // Back
  await page.keyboard.press(' ');
  await checkStep(page, 1, total);
  for (let i = 2; i <= total; i++) {
    await page.focus('[data-testid="tour-next"]');
    await page.keyboard.press(i % 2 ? 'Space' : 'Enter');
    await checkStep(page, i, total);
  }
  assert.equal(await page.textContent('[data-testid="tour-next"]'), 'Finish');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('tour').hidden && !document.querySelector('.tour-target'));
  // Ended: the link no longer starts it, focus is back on the header's button.
  await page.waitForFunction(() => !location.hash.includes('tour='));
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'tour-open');
});

test('tour: never by itself; the header button starts it, Escape skips, and a link with tour=1 starts it again', async ({ open }) => {
  const page = await open('v=1&nodes=16&degree=4');
  await waitForState(page, ['done', 'error']);
  assert.equal(await visible(page), false, 'a first visit is not covered');
  assert.equal(await page.evaluate(() => document.getElementById('tour-open').classList.contains('tour-new')), true, 'offered as new');
  await page.click('[data-testid="tour-open"]');
  await page.waitForSelector('[data-testid="tour"]:not([hidden])');
  assert.match(await step(page), /^Step 1 of \d$/);
  assert.ok(await page.evaluate(() => document.getElementById('tour').contains(document.activeElement)), 'focus moves into the dialog');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.getElementById('tour').hidden);
  // Skipped once: not offered as new on the next visit, and still not shown by itself ...
  await page.reload();
  await waitForState(page, ['done', 'error']);
  await page.waitForSelector('[data-testid="tour-open"]');
  assert.equal(await page.evaluate(() => document.getElementById('tour-open').classList.contains('tour-new')), false);
  assert.equal(await visible(page), false);
  // ... but a link with tour=1 starts it even so; Skip ends it.
  await page.goto(page.url().replace(/#.*/, '#v=1&nodes=16&degree=4&tour=1'));
  await page.reload();
  await waitForState(page, ['done', 'error']);
  await page.waitForSelector('[data-testid="tour"]:not([hidden])');
  await page.click('[data-testid="tour-skip"]');
  await page.waitForFunction(() => document.getElementById('tour').hidden);
});
