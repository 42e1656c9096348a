// The browser and the native CLI give the same graph for the same link: the page's fingerprint
// equals what `rgp graph` (or `rgp family`) prints for the same parameters.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rgp, rgpBinary, test, text, waitForState } from './harness.mjs';
import { parseHash } from '../../www/url-state.js';

/** `rgp graph` arguments for a link's configuration (flag names are the keys, `_` → `-`). */
function graphArgs(config) {
  const args = ['graph', '--quiet'];
  const keys = ['nodes', 'degree', 'init', 'seed', 'search', 'direction', 'steps', 'interval_down',
    'interval_up', 'iters', 'target_aspl', 'tolerance', 'stop_after'];
  for (const k of keys) {
    if (config[k] !== null && config[k] !== undefined) args.push(`--${k.replace(/_/g, '-')}`, String(config[k]));
  }
  if (config.extreme) args.push('--extreme');
  return args;
}

const LINKS = [
  'v=1&nodes=64&degree=4&init=ring&seed=1&search=anneal&iters=50000',
  'v=1&nodes=100&degree=6&init=random&seed=4000000000&search=anneal&iters=20000',
  'v=1&nodes=33&degree=4&init=ring&seed=7&search=paper&direction=min&steps=5&interval_down=0.05&interval_up=0.2',
  'v=1&nodes=32&degree=5&init=ring&seed=2&search=paper&direction=max&steps=3&extreme=true',
  'v=1&nodes=48&degree=4&init=random&seed=9&search=target&target_aspl=3.5&tolerance=0.01&iters=100000',
  'v=1&nodes=200&degree=10&init=random&seed=11&search=none',
  'v=1&nodes=64&degree=8&init=ring&seed=3&search=anneal&iters=1000000&stop_after=12345',
];

for (const link of LINKS) {
  test(`same fingerprint as rgp graph: ${link.slice(4)}`, async ({ open }) => {
    const { config, rejected } = parseHash(link);
    assert.equal(rejected, false);
    const native = rgp(graphArgs(config));
    const page = await open(link);
    assert.equal(await waitForState(page, ['done', 'error'], 60000), 'done');
    assert.equal(await text(page, 'fingerprint'), native.fingerprint);
    assert.equal(await text(page, 'aspl'), native.aspl.toFixed(4));
  }, { timeout: 120000 });
}

test('same family and the same picked member as rgp family', async ({ open }) => {
  const link = 'v=1&nodes=32&degree=4&init=ring&seed=5&search=family&direction=min&steps=6&trajectories=3&pick=4';
  const page = await open(link);
  assert.equal(await waitForState(page, ['done', 'error'], 60000), 'done');
  const listed = await page.$$eval('[data-testid="family-list"] button', (bs) => bs.map((b) => b.dataset.fingerprint));
  assert.equal(listed.length, 18);
  assert.equal(await text(page, 'fingerprint'), listed[4]);

  const out = mkdtempSync(join(tmpdir(), 'rgp-family-'));
  try {
    execFileSync(rgpBinary(), ['family', '--quiet', '--nodes', '32', '--degree', '4', '--init', 'ring', '--seed', '5',
      '--direction', 'min', '--steps', '6', '--trajectories', '3', '--format', 'csv', '--out', out], { stdio: 'pipe' });
    const rows = readFileSync(join(out, 'index.csv'), 'utf8').trim().split('\n').slice(1);
    const native = rows.map((r) => r.split(',').at(-1));
    assert.deepEqual(listed, native);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }

  // Picking another member updates the link, and the link shows that member.
  await page.click('[data-testid="family-list"] button[data-index="7"]');
  await page.waitForFunction((fp) => document.querySelector('[data-testid="fingerprint"]').textContent === fp, listed[7]);
  const hash = new URL(page.url()).hash;
  assert.ok(hash.endsWith('&pick=7'), hash);
  const again = await open(hash.slice(1));
  assert.equal(await waitForState(again, ['done', 'error'], 60000), 'done');
  assert.equal(await text(again, 'fingerprint'), listed[7]);
}, { timeout: 120000 });

test('a link that picks beyond the family shows the first graph and says so', async ({ open }) => {
  const page = await open('v=1&nodes=16&degree=4&search=family&steps=2&trajectories=2&pick=50');
  assert.equal(await waitForState(page, ['done', 'error'], 60000), 'done');
  assert.match(await text(page, 'error'), /picks graph 51, but this family has 4/);
  const first = await page.getAttribute('[data-testid="family-list"] button[data-index="0"]', 'data-fingerprint');
  assert.equal(await text(page, 'fingerprint'), first);
  assert.ok(!new URL(page.url()).hash.includes('pick='));
});
