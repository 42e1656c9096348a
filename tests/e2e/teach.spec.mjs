// Teaching aids: a teacher's link opens with a note at the top (`note=`, plain text only, closable,
// length-limited) and a panel in view (`panel=`); every metric's name explains itself on hover and
// on keyboard focus (the texts of www/texts.js), for touch and screen readers too.
import assert from 'node:assert/strict';
import { test, text, textWhen, waitForState } from './harness.mjs';

test('presenter link: the note is shown as text, closes, leaves the link; panel= scrolls to the panel', async ({ open }) => {
  const note = 'Look at the race: the ring loses. <img src=x onerror=alert(1)> & more';
  const page = await open(`v=1&nodes=16&degree=4&note=${encodeURIComponent(note)}&panel=training`, { viewport: { width: 1280, height: 700 } });
  await waitForState(page, ['done', 'error']);
  assert.equal(await text(page, 'presenter-note-text'), note, 'the note reads as the link wrote it');
  assert.equal(await page.locator('#presenter-note img').count(), 0, 'never parsed as HTML');
  // The training panel is in view.
  await page.waitForFunction(() => {
    const r = document.getElementById('training').getBoundingClientRect();
    return r.top >= -1 && r.top < window.innerHeight / 2;
  }, null, { timeout: 10000 });
  await page.click('[data-testid="presenter-note-close"]');
  await page.waitForFunction(() => !location.hash.includes('note=') && document.getElementById('presenter-note').hidden);

  // A note past 280 characters: the link is refused like any bad value.
  const long = await open(`v=1&nodes=16&degree=4&note=${'x'.repeat(281)}`);
  await textWhen(long, 'error', /note "x+…" is longer than 280 characters/);
  assert.equal(await long.isVisible('[data-testid="presenter-note"]'), false);
});

test('every metric explains itself on hover and on keyboard focus', async ({ open }) => {
  const page = await open('v=1&nodes=16&degree=4');
  await waitForState(page, ['done', 'error']);
  await page.waitForSelector('#metrics dt[data-help] + dd[data-testid="reach"]');
  const terms = await page.$$eval('#metrics dt', (dts) => dts.map((dt) => [dt.textContent, dt.dataset.help ?? '', dt.getAttribute('aria-description') ?? '', dt.tabIndex]));
  for (const [name, help, described, tab] of terms) {
    assert.ok(help.length > 20, `${name} has no explanation`);
    assert.equal(described, help, `${name}: screen readers get the same line`);
    assert.equal(tab, 0, `${name} is reachable with Tab`);
  }
  const aspl = page.locator('#metrics dt', { hasText: /^ASPL$/ });
  const shown = () => aspl.evaluate((dt) => getComputedStyle(dt, '::after').content);
  assert.equal(await shown(), 'none');
  await aspl.focus();
  assert.match(await shown(), /Average shortest path length/);
  await aspl.blur();
  await aspl.hover();
  assert.match(await shown(), /Average shortest path length/);
});
