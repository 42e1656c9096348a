// The configuration form: degree ⇄ pruning ratio, inline explanations, the seed button.
import assert from 'node:assert/strict';
import { test, text, textWhen, waitForState } from './harness.mjs';

test('degree and pruning ratio set each other', async ({ open }) => {
  const page = await open('v=1&nodes=64&degree=4&search=none');
  await waitForState(page, 'done');
  assert.equal(await page.inputValue('#f-ratio'), '93.8');
  await page.fill('#f-degree', '16');
  assert.equal(await page.inputValue('#f-ratio'), '75.0');
  await page.fill('#f-ratio', '50');
  assert.equal(await page.inputValue('#f-degree'), '32');
  await page.waitForFunction(() => location.hash.includes('&degree=32&'));
  // Odd n: the ratio picks the nearest even degree.
  await page.fill('#f-nodes', '33');
  await page.fill('#f-ratio', '90');
  assert.equal(await page.inputValue('#f-degree'), '4');
});

test('bad values are explained next to their control and never reach the link', async ({ open }) => {
  const page = await open('v=1&nodes=64&degree=4&search=none');
  await waitForState(page, 'done');
  const before = new URL(page.url()).hash;
  // Every read waits for the page's answer to the input (some come from the graph worker).
  await page.fill('#f-degree', '64');
  await textWhen(page, 'msg-degree', /degree must be between 2 and nodes-1 = 63/);
  await page.waitForSelector('#f-degree[aria-invalid="true"]', { timeout: 5000 });
  await page.waitForSelector('[data-testid="run"][disabled]', { timeout: 5000 });
  await page.fill('#f-nodes', '63');
  await page.fill('#f-degree', '5');
  await textWhen(page, 'msg-degree', /must be even/);
  await page.fill('#f-nodes', '5000');
  await textWhen(page, 'msg-nodes', /nodes must be between 4 and 1024/);
  assert.equal(new URL(page.url()).hash, before);
  await page.fill('#f-nodes', '64');
  await page.fill('#f-degree', '6');
  await textWhen(page, 'msg-degree', '');
  await page.waitForSelector('[data-testid="run"]:not([disabled])', { timeout: 5000 });
  await page.waitForFunction(() => location.hash.includes('nodes=64&degree=6&'));
});

test('search parameters show for their method only; new seed changes the link', async ({ open }) => {
  const page = await open('v=1&nodes=32&degree=4&search=none');
  await waitForState(page, 'done');
  assert.equal(await page.isVisible('#f-steps'), false);
  await page.selectOption('#f-search', 'paper');
  assert.equal(await page.isVisible('#f-steps'), true);
  assert.equal(await page.isVisible('#f-iters'), false);
  await page.selectOption('#f-search', 'target');
  assert.equal(await page.isVisible('#f-target_aspl'), true);
  const seed = await page.inputValue('#f-seed');
  await page.click('[data-testid="new-seed"]');
  const next = await page.inputValue('#f-seed');
  assert.notEqual(next, seed);
  assert.ok(Number(next) >= 0 && Number(next) <= 4294967295);
  await page.waitForFunction((s) => location.hash.includes(`&seed=${s}&`), next);
});
