// The embed (embed.html): a page on another origin frames it (its own headers allow any site),
// each view compact; the framed graph is the app's graph for the same link; hide= leaves controls
// out of the accessibility tree; autorun starts the search; "Open in RGP Studio" gives the app's
// link; the app itself still refuses to be framed; and the app's "Share / embed" dialog.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { axeViolations, test, text, textWhen, waitForState } from './harness.mjs';

const LINK = 'v=1&nodes=48&degree=4&seed=11&iters=3000';

/** A host page on another origin (another port): { url, close }. */
async function host(html) {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

/** The frame named `name` of page `p`, once it is there. */
async function frameNamed(p, name) {
  await p.waitForFunction((n) => [...document.querySelectorAll('iframe')].some((f) => f.name === n && f.dataset.loaded), name);
  return p.frames().find((f) => f.name() === name);
}

test('embed: another origin frames the graph and race views; the graph is the app\'s; the app refuses frames', async ({ page, open, baseURL, errors }) => {
  const app = await open(LINK);
  await waitForState(app, ['done']);
  const fingerprint = await text(app, 'fingerprint');

  const frames = [['graph', `embed.html#${LINK}&view=graph&hide=seed,init`], ['race', `embed.html#${LINK}&view=race`], ['app', `index.html#${LINK}`]];
  const site = await host(`<!doctype html><html lang="en"><head><title>A course page</title></head><body><h1>A course page</h1>
${frames.map(([n, src]) => `<iframe name="${n}" title="RGP Studio ${n}" src="${baseURL}${src}" width="900" height="640" onload="this.dataset.loaded = 1"></iframe>`).join('\n')}
</body></html>`);
  try {
    const p = await page();
    await p.goto(site.url);
    const graph = await frameNamed(p, 'graph');
    assert.equal(await waitForState(graph, ['done', 'error']), 'done');
    assert.equal(await text(graph, 'fingerprint'), fingerprint, 'the framed graph is the app\'s for the same link');
    assert.equal(await graph.isVisible('#graph-canvas'), true);
    assert.equal(await graph.isHidden('#controls'), true, 'the graph view shows no form');
    const back = new URL(await graph.getAttribute('[data-testid="open-in-app"]', 'href'));
    assert.equal(back.pathname, '/index.html');
    assert.doesNotMatch(back.hash, /(view|hide|autorun)=/, 'the app link leaves the embed keys out');
    assert.match(back.hash, /nodes=48&degree=4/);

    const race = await frameNamed(p, 'race');
    await race.waitForSelector('[data-testid="race-start"]', { state: 'visible', timeout: 60000 });
    assert.equal(await race.isHidden('[data-testid="train-form"]'), true, 'the race view leaves the training form out');
    assert.equal(await race.isHidden('#graph-canvas'), true);

    // The app's own page: frame-ancestors 'none', so the frame never holds the app.
    const refused = await frameNamed(p, 'app');
    const holdsApp = await refused.evaluate(() => Boolean(document.querySelector('[data-testid="status"]'))).catch(() => false);
    assert.equal(holdsApp, false, 'index.html must not load in another site\'s frame');
    // That refusal is the browser's console error on the host page: expected here, nothing else.
    const expected = errors.filter((e) => /frame-ancestors/.test(e));
    errors.splice(0, errors.length, ...errors.filter((e) => !expected.includes(e)));

    assert.deepEqual(await axeViolations(graph), [], 'the graph view');
    assert.deepEqual(await axeViolations(race), [], 'the race view');
  } finally {
    await site.close();
  }
}, { timeout: 180000 });

test('embed: hide= leaves controls out of the accessibility tree; autorun=true searches; autorun off waits for Search', async ({ page, baseURL }) => {
  const p = await page();
  // An unknown key in hide= is ignored (a link from a newer version), not an error.
  await p.goto(`${baseURL}embed.html#${LINK}&view=search&hide=seed,init,no_such_key&autorun=true`);
  await textWhen(p, 'status', /^(searching|done)/);
  assert.equal(await waitForState(p, ['done', 'error']), 'done');
  assert.ok(Number((await text(p, 'iterations')).replace(/\D/g, '')) > 0, 'the search ran by itself');
  for (const name of [/^seed/i, /^start graph/i]) { // the labels of seed and init
    assert.equal(await p.getByRole('spinbutton', { name }).count() + await p.getByRole('combobox', { name }).count(), 0, `${name} is left out`);
  }
  assert.equal(await p.isHidden('[name="seed"]'), true);
  assert.equal(await p.isHidden('#new-seed'), true);
  assert.equal(await p.getByRole('spinbutton', { name: /nodes/i }).count(), 1, 'the other controls stay');
  const tree = await p.locator('#controls').ariaSnapshot();
  assert.doesNotMatch(tree, /"Seed"|combobox "Start graph"/, tree);
  assert.doesNotMatch(tree, /button "JSON"/, 'the embed keeps no files');
  assert.deepEqual(await axeViolations(p), [], 'the search view');

  // autorun off: the start graph, and the search waits for a click.
  const q = await page();
  await q.goto(`${baseURL}embed.html#${LINK}&view=search`);
  assert.equal(await waitForState(q, ['ready', 'done', 'error']), 'ready');
  assert.equal(await text(q, 'iterations'), '0');
  await q.click('[data-testid="run"]');
  assert.equal(await waitForState(q, ['done', 'error']), 'done');
});

test('Share / embed: the dialog writes the embed link and an iframe for a chosen view; Escape closes it', async ({ open, baseURL }) => {
  const p = await open(LINK);
  await waitForState(p, ['done']);
  await p.click('[data-testid="share"]');
  const dialog = p.getByRole('dialog', { name: 'Share / embed' });
  await dialog.waitFor();
  await p.selectOption('[data-testid="share-view"]', 'race');
  const link = await p.inputValue('[data-testid="share-link"]');
  assert.ok(link.startsWith(`${baseURL}embed.html#v=1&`), link);
  assert.match(link, /nodes=48&degree=4&.*seed=11/);
  assert.match(link, /view=race/);
  const snippet = await p.inputValue('[data-testid="share-snippet"]');
  assert.match(snippet, /^<iframe src="[^"]+embed\.html#v=1&amp;[^"]*view=race[^"]*" title="RGP Studio: the race"/);
  assert.deepEqual(await axeViolations(p, '[data-testid="share-dialog"]'), []);
  await p.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
});

test('embed: autorun=train trains after the search, but waits for a click on a data-saving connection', async ({ page, baseURL }) => {
  const link = `embed.html#${LINK}&view=train&autorun=train&epochs=1&backend=cpu`;
  const p = await page();
  await p.goto(`${baseURL}${link}`);
  // The search runs first, then the panel (mounted after the first graph) trains on its graph.
  await p.waitForFunction(() => ['loading', 'training', 'done'].includes(document.querySelector('[data-testid="training"]').dataset.trainState), null, { timeout: 90000 });
  assert.equal(await p.getAttribute('[data-testid="status"]', 'data-state'), 'done', 'training started after the search');
  assert.equal(await p.isHidden('#graph-canvas'), true, 'the train view is the training panel');

  // Data saver on (the browser's own setting, through the DevTools protocol): no download starts
  // by itself; the panel says why and Train waits for a click.
  const q = await page();
  const cdp = await q.context().newCDPSession(q);
  await cdp.send('Emulation.setDataSaverOverride', { dataSaverEnabled: true });
  await q.goto(`${baseURL}${link}`);
  assert.equal(await waitForState(q, ['done', 'error']), 'done');
  await q.waitForSelector('[data-testid="train-start"]:not([disabled])');
  await textWhen(q, 'autorun-note', /waits for a click: this connection asks to save data/);
  assert.equal(await q.evaluate(() => document.querySelector('[data-testid="training"]').dataset.trainState), 'idle');
}, { timeout: 150000 });
