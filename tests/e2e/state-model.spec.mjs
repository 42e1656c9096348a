// Model-based test of the page's one state (www/store.js): fast-check draws sequences of user
// actions (edit a graph field, search, search and stop, import a graph file, undo an edit, train
// and download the model, load weights, reopen the link) and runs them in the real page. After
// every step the link, the form, the fingerprint on show and (after Train) the downloaded model's
// metadata must agree with a small model of the expected state and with the graph engine run under
// Node (tests/engine-node.mjs: the fingerprint a link gives).
//   STATE_MODEL_SEED=S replays a printed seed; STATE_MODEL_RUNS=N draws N sequences (the test
//   command draws 200; bench/state-model.sh draws more, from a fresh seed each time).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { safetensors, test, text, textWhen } from './harness.mjs';
import { fingerprintOfLink, graphFileOfLink } from '../engine-node.mjs';
import { parseHash } from '../../www/url-state.js';

const SEED = Number(process.env.STATE_MODEL_SEED ?? 20261206);
const RUNS = Number(process.env.STATE_MODEL_RUNS ?? 200);
const FORM = ['nodes', 'degree', 'init', 'seed', 'search', 'iters'];
const BASE = { nodes: 16, degree: 4, init: 'random', seed: 1, search: 'anneal', iters: 2000 };
const SETTINGS = 'model=mlp&dataset=mnist&data=quick&epochs=1&batch=64&start=scratch&backend=cpu';
const SETTLED = ['ready', 'done', 'stopped'];
const T = 60000;

const linkOf = (c) => `v=1&${FORM.map((k) => `${k}=${c[k]}`).join('&')}&${SETTINGS}`;

/** What the page shows, read at once. */
function observe(page) {
  return page.evaluate((form) => ({
    hash: location.hash,
    state: document.querySelector('[data-testid="status"]').dataset.state,
    fingerprint: document.querySelector('[data-testid="fingerprint"]').textContent,
    form: Object.fromEntries(form.map((k) => [k, document.getElementById(`f-${k}`).value])),
    undo: !document.querySelector('[data-testid="undo-note"]').hidden,
    error: document.querySelector('[data-testid="error"]').textContent,
  }), FORM);
}

/** Waits until the graph side is settled and the link matches `want` (a RegExp; `not`: does not). */
async function settle(page, want = /./, not = false) {
  await page.waitForFunction(([states, src, neg]) => {
    const st = document.querySelector('[data-testid="status"]').dataset.state;
    return states.includes(st) && new RegExp(src).test(location.hash) !== neg;
  }, [SETTLED, want.source, not], { timeout: T, polling: 50 });
}

/** The invariants, after every step: the form says what the link says; the graph on show is the
 *  one the link gives (or, imported, the file's, with its size in the link); Undo is offered
 *  exactly when the model says a worked graph was replaced. */
async function check(page, model) {
  const o = await observe(page);
  assert.ok(SETTLED.includes(o.state), `settled (${o.state})`);
  const link = parseHash(o.hash).config;
  for (const k of FORM) assert.equal(o.form[k], String(link[k]), `form ${k} = link ${k} (${o.hash})`);
  for (const k of FORM) assert.equal(String(link[k]), String(model.config[k]), `link ${k} = model (${o.hash})`);
  if (model.imported) {
    assert.equal(o.fingerprint, model.imported.fingerprint, 'the imported graph is on show');
  } else {
    assert.equal(o.fingerprint, fingerprintOfLink(o.hash), `the link gives the graph on show (${o.hash})`);
  }
  assert.equal(o.undo, model.undo !== null, `Undo offered: ${o.undo}, expected ${model.undo !== null}`);
  return o;
}

const worked = (m) => m.kind !== 'start';

/** Edits one graph field to `value` (all values drawn are valid). */
class Edit {
  constructor(key, value) {
    Object.assign(this, { key, value });
  }

  // The iterations field shows only for a method that searches.
  check = (m) => this.key !== 'iters' || m.config.search !== 'none';

  async run(model, page) {
    const { key, value } = this;
    if (String(model.config[key]) !== String(value)) {
      if (worked(model)) model.undo = { config: { ...model.config }, fingerprint: (await observe(page)).fingerprint, imported: model.imported, kind: model.kind };
      model.config = { ...model.config, [key]: value };
      model.kind = 'start';
      model.imported = null;
    }
    if (key === 'init' || key === 'search') await page.selectOption(`#f-${key}`, String(value));
    else {
      await page.fill(`#f-${key}`, String(value));
      await page.dispatchEvent(`#f-${key}`, 'change');
    }
    await settle(page, new RegExp(`[#&]${key}=${value}(&|$)`));
    await check(page, model);
  }

  toString = () => `edit ${this.key}=${this.value}`;
}

/** Search: a short search, run to its end. */
class Search {
  check = (m) => m.config.search !== 'none' && m.config.iters <= 5000;

  async run(model, page) {
    await page.click('[data-testid="run"]');
    await settle(page, /stop_after=/, true);
    Object.assign(model, { kind: 'searched', imported: null, undo: null });
    await check(page, model);
  }

  toString = () => 'search';
}

/** Search and stop it: a long search, stopped once it reports progress (a search that reaches
 *  the bound on a small graph may end by itself first). */
class SearchStop {
  check = (m) => m.config.search === 'anneal';

  async run(model, page) {
    await new Edit('iters', 50000000).run(model, page);
    await page.click('[data-testid="run"]');
    await page.waitForFunction(() => {
      const s = document.querySelector('[data-testid="status"]');
      return s.dataset.state === 'searching' ? /iteration [1-9]/.test(s.textContent) : s.dataset.state !== 'ready';
    }, null, { timeout: T, polling: 20 });
    // Stop, unless the search ended by itself meanwhile (checked and clicked in one step).
    await page.evaluate(() => {
      const stop = document.querySelector('[data-testid="stop"]');
      if (!stop.disabled) stop.click();
    });
    await settle(page);
    const stopped = /stop_after=\d+/.test(await page.evaluate(() => location.hash));
    Object.assign(model, { kind: stopped ? 'stopped' : 'searched', imported: null, undo: null });
    await check(page, model);
  }

  toString = () => 'search and stop';
}

/** Import the graph a link of another size gives, as a JSON file. */
class Import {
  constructor(nodes, degree, seed) {
    Object.assign(this, { nodes, degree, seed });
  }

  check = () => true;

  async run(model, page) {
    const file = graphFileOfLink(`#v=1&nodes=${this.nodes}&degree=${this.degree}&init=random&seed=${this.seed}&search=none`);
    await page.setInputFiles('[data-testid="import"]', { name: 'g.json', mimeType: 'application/json', buffer: file.bytes });
    await page.waitForFunction((fp) => document.querySelector('[data-testid="fingerprint"]').textContent === fp, file.fingerprint, { timeout: T });
    await settle(page);
    Object.assign(model, { kind: 'imported', imported: { fingerprint: file.fingerprint }, undo: null });
    model.config = { ...model.config, nodes: this.nodes, degree: this.degree };
    await check(page, model);
    await page.click('[data-testid="copy-link"]');
    await textWhen(page, 'error', /imported .*no link reproduces it/);
  }

  toString = () => `import n=${this.nodes} k=${this.degree} seed=${this.seed}`;
}

/** Undo: the worked graph the last edit replaced comes back with its configuration. */
class Undo {
  check = (m) => m.undo !== null;

  async run(model, page) {
    const u = model.undo;
    await page.click('[data-testid="undo"]');
    await page.waitForFunction((fp) => document.querySelector('[data-testid="fingerprint"]').textContent === fp, u.fingerprint, { timeout: T });
    await settle(page);
    Object.assign(model, { config: u.config, kind: u.kind, imported: u.imported, undo: null });
    await check(page, model);
  }

  toString = () => 'undo';
}

/** Train on the graph on show and download the model: its file names that graph and a link that
 *  gives it (none for an imported graph). */
class Train {
  check = () => true;

  async run(model, page) {
    const before = await check(page, model);
    await page.waitForSelector('[data-testid="train-start"]:not([disabled])', { timeout: T });
    // The panel writes its state on every change: a mark of ours tells this run's 'done' from the last.
    await page.evaluate(() => {
      document.querySelector('[data-testid="training"]').dataset.trainState = 'test-clicked';
    });
    await page.click('[data-testid="train-start"]');
    await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('[data-testid="training"]').dataset.trainState), null, { timeout: 4 * T, polling: 100 });
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid="training"]').dataset.trainState), 'done', await text(page, 'error'));
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="model-download"]')]);
    const bytes = readFileSync(await dl.path());
    const meta = safetensors(bytes).header.__metadata__;
    assert.equal(meta.fingerprint, before.fingerprint, 'the model file names the graph on show');
    if (model.imported) assert.ok(!meta.link, 'no link for a network on an imported graph');
    else {
      // Train writes the panel's settings into the link first: the file holds the link as it is now.
      assert.equal(meta.link, (await observe(page)).hash, 'the model file holds the page\'s link');
      assert.equal(fingerprintOfLink(meta.link), meta.fingerprint, 'the file\'s link gives the graph it was pruned by');
    }
    model.file = { bytes, fingerprint: meta.fingerprint };
    await check(page, model);
  }

  toString = () => 'train and download';
}

/** Load weights: the last downloaded file is evaluated on its own graph and refused on another. */
class LoadWeights {
  check = (m) => m.file !== null;

  async run(model, page) {
    const { fingerprint } = await check(page, model);
    await page.setInputFiles('[data-testid="weights-file"]', { name: 'm.safetensors', mimeType: 'application/octet-stream', buffer: model.file.bytes });
    if (model.file.fingerprint === fingerprint) {
      await textWhen(page, 'weights-accuracy', /m\.safetensors: test accuracy \d/, T);
      assert.equal(await text(page, 'weights-error'), '');
    } else {
      await textWhen(page, 'weights-error', /pruned by another graph/, T);
      assert.equal(await text(page, 'weights-accuracy'), '');
    }
    await page.waitForFunction(() => !['loading'].includes(document.querySelector('[data-testid="training"]').dataset.trainState), null, { timeout: T });
    await check(page, model);
  }

  toString = () => 'load weights';
}

/** Copy the link and reopen it: the new page shows the graph the link gives. */
class Reopen {
  // An imported graph's link runs its configuration's search: not the stopped endless one.
  check = (m) => !(m.imported && m.config.search !== 'none' && m.config.iters > 5000);

  async run(model, page) {
    const href = page.url();
    await page.goto('about:blank');
    await page.goto(href);
    await settle(page);
    // An imported graph's link holds its size only: reopened, it runs that configuration. A link
    // that stops at iteration 0 (or searches nothing) gives a start graph, which costs nothing.
    const start = model.config.search === 'none' || /[#&]stop_after=0(&|$)/.test(href);
    Object.assign(model, { kind: start ? 'start' : 'searched', imported: null, undo: null });
    await check(page, model);
  }

  toString = () => 'reopen the link';
}

const commands = [
  fc.constantFrom(12, 16, 20).map((v) => new Edit('nodes', v)),
  fc.constantFrom(3, 4).map((v) => new Edit('degree', v)),
  fc.integer({ min: 0, max: 40 }).map((v) => new Edit('seed', v)),
  fc.constantFrom('ring', 'random').map((v) => new Edit('init', v)),
  fc.constantFrom(500, 2000).map((v) => new Edit('iters', v)),
  fc.constantFrom('none', 'anneal').map((v) => new Edit('search', v)),
  fc.constant(new Search()),
  fc.constant(new SearchStop()),
  fc.tuple(fc.constantFrom(12, 20, 24), fc.constantFrom(3, 4), fc.integer({ min: 0, max: 9 })).map(([n, k, s]) => new Import(n, k, s)),
  fc.constant(new Undo()),
  fc.constant(new Train()),
  fc.constant(new LoadWeights()),
  fc.constant(new Reopen()),
];

test('model-based: link, form, graph on show and model files agree after every user action', async ({ page: newPage, baseURL }) => {
  const page = await newPage();
  let opened = 0;
  console.log(`     state model: seed ${SEED}, ${RUNS} sequences (STATE_MODEL_SEED=${SEED} replays)`);
  const t0 = Date.now();
  const out = await fc.check(
    fc.asyncProperty(fc.commands(commands, { maxCommands: 6 }), async (cmds) => {
      // Each sequence starts on a fresh load of the base link (the query makes it a new document).
      await page.goto(`${baseURL}?run=${opened++}#${linkOf(BASE)}`);
      await settle(page);
      await page.waitForSelector('[data-testid="train-start"]', { timeout: T });
      const model = { config: { ...BASE }, kind: 'searched', imported: null, undo: null, file: null };
      await fc.asyncModelRun(() => ({ model, real: page }), cmds);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  if (out.failed) {
    const why = String(out.errorInstance?.message ?? out.errorInstance).split('\n')[0];
    throw new Error(`seed ${SEED}: [${out.counterexample?.[0]}] fails: ${why}`);
  }
  console.log(`     state model: ${RUNS} sequences in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}, { timeout: 3600000 });
