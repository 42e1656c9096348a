// A small end-to-end harness over playwright-core and Debian's Chromium: `test(name, fn)`
// registers a test; run.mjs runs them in file order. Each test gets fixtures:
//   page(opts)     a new page in a fresh context; console errors and page errors are collected
//                  and fail the test unless the test calls allowErrors()
//   open(hash)     page() navigated to the app with that hash, waiting for the first graph
//   baseURL, root  the served app and the repository root
//   rgp(args)      runs the native CLI (built on demand) and returns its parsed JSON
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The Python with numpy, safetensors and ONNX Runtime: RGP_PYTHON, or the virtual environment
 * `scripts/setup.sh --test` makes (Debian's own python3 refuses pip installs). */
const venvPython = join(process.env.RGP_VENV || join(homedir(), '.cache/rgp-studio/venv'), 'bin/python3');
export const python = process.env.RGP_PYTHON || (existsSync(venvPython) ? venvPython : 'python3');
export const tests = [];

export function test(name, fn, { timeout = 60000 } = {}) {
  tests.push({ name, fn, timeout });
}

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--enable-unsafe-webgpu',
];

/** Debian's Chromium, headless; `webgpu: false` leaves WebGPU off (the CPU fallback's tests). */
export async function launch({ webgpu = true } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    ignoreDefaultArgs: ['--headless'],
    args: webgpu ? CHROMIUM_ARGS : CHROMIUM_ARGS.filter((a) => a !== '--enable-unsafe-webgpu'),
  });
}

let cliPath = null;
/** The native `rgp`: $RGP_BIN when set (scripts/test.sh passes the binary its native step built),
 * else the graph-only CLI (feature cli), built once into target/web. */
export function rgpBinary() {
  if (cliPath) return cliPath;
  if (process.env.RGP_BIN) {
    cliPath = resolve(root, process.env.RGP_BIN);
    if (!existsSync(cliPath)) throw new Error(`RGP_BIN=${process.env.RGP_BIN} does not exist`);
    return cliPath;
  }
  const target = process.env.WEB_TARGET_DIR || resolve(root, 'target/web');
  execFileSync('cargo', ['build', '--release', '--no-default-features', '--features', 'cli', '--bin', 'rgp',
    '--target-dir', target, '-j2', '--quiet'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  cliPath = resolve(target, 'release/rgp');
  if (!existsSync(cliPath)) throw new Error(`native CLI missing at ${cliPath}`);
  return cliPath;
}

export function rgp(args) {
  const out = execFileSync(rgpBinary(), args, { cwd: root, maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.toString());
}

/** A CLI with training (`sweep`, `predict`, `export`): $RGP_BIN, else the default build. */
export function fullCli() {
  if (process.env.RGP_BIN) return resolve(root, process.env.RGP_BIN);
  execFileSync('cargo', ['build', '--release', '--quiet', '--bin', 'rgp'], { cwd: root, stdio: 'inherit' });
  const bin = resolve(root, process.env.CARGO_TARGET_DIR || 'target', 'release/rgp');
  if (!existsSync(bin)) throw new Error(`native CLI missing at ${bin}`);
  return bin;
}

/** Waits until the status line is in one of `states` (data-state attribute). */
export async function waitForState(page, states, timeout = 60000) {
  const list = Array.isArray(states) ? states : [states];
  await page.waitForFunction(
    (ss) => ss.includes(document.querySelector('[data-testid="status"]')?.dataset.state),
    list,
    { timeout, polling: 50 },
  );
  return page.getAttribute('[data-testid="status"]', 'data-state');
}

/** Waits until a resize to `width` has settled: the viewport has that width, two frames were
 *  drawn after it, and every chart is redrawn at its box's width (charts follow their box). */
export async function waitForLayout(page, width, timeout = 10000) {
  await page.waitForFunction((w) => {
    if (window.innerWidth !== w) return false;
    return [...document.querySelectorAll('.ck-plot')].every((p) => {
      const u = p.querySelector('.uplot');
      return !u || !p.checkVisibility() || Math.abs(u.getBoundingClientRect().width - p.clientWidth) <= 1;
    });
  }, width, { timeout, polling: 50 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

export async function text(page, testid) {
  return (await page.textContent(`[data-testid="${testid}"]`))?.trim();
}

/** Clicks Train (or presses a key on it when `key` is given) and waits for the results. */
export async function trainOnce(page, key = null) {
  if (key) {
    await page.focus('[data-testid="train-start"]');
    await page.keyboard.press(key);
  } else {
    await page.click('[data-testid="train-start"]');
  }
  const state = await trainEnded(page, 120000);
  if (state !== 'done') throw new Error(`training ended ${state}: ${await text(page, 'error')}`);
  await page.waitForSelector('[data-testid="train-per-class"]', { timeout: 10000 });
}

/** Waits for the run on show to end (done, stopped or error) and returns that state. */
export async function trainEnded(page, timeout = 300000) {
  await page.waitForFunction(
    () => ['done', 'stopped', 'error'].includes(document.querySelector('[data-testid="training"]').dataset.trainState),
    null,
    { timeout, polling: 200 },
  );
  return trainState(page);
}

/** The training panel's state (`data-train-state` of the training section). */
export const trainState = (page) => page.evaluate(() => document.querySelector('[data-testid="training"]').dataset.trainState);

/** A safetensors file as {header (parsed: the writer's key order does not matter), data}. */
export function safetensors(bytes) {
  const n = Number(bytes.readBigUInt64LE(0));
  return { header: JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')), data: bytes.subarray(8 + n) };
}

/** Waits until the element's trimmed text matches `want` (a RegExp, or a string to equal) and
 *  returns it: a read after an input waits for the page to write its answer (some come from a
 *  worker), so a busy machine cannot make it read the text from before. */
export async function textWhen(page, testid, want, timeout = 30000) {
  const [src, flags, exact] = want instanceof RegExp ? [want.source, want.flags, null] : [null, null, want];
  try {
    await page.waitForFunction(([id, s, f, e]) => {
      const t = document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? '';
      return s === null ? t === e : new RegExp(s, f).test(t);
    }, [testid, src, flags, exact], { timeout, polling: 50 });
  } catch (err) {
    throw new Error(`${testid} never read ${want} (it reads "${await text(page, testid)}"): ${err.message.split('\n')[0]}`);
  }
  return text(page, testid);
}

// A failed test's report: the page's states, its last console lines and workers, and the requests
// still open (a stalled fetch and a page waiting on a worker look alike from the test's side).
const watched = new WeakMap();
function watch(context, page) {
  const w = { log: [], open: new Map(), t0: Date.now() };
  const at = () => `${((Date.now() - w.t0) / 1000).toFixed(1)} s`;
  const note = (line) => {
    w.log.push(`${at()} ${line}`);
    if (w.log.length > 40) w.log.shift();
  };
  page.on('console', (m) => note(`console ${m.type()}: ${m.text().slice(0, 200)}`));
  page.on('worker', (wk) => {
    note(`worker started: ${wk.url().split('/').pop()}`);
    wk.on('console', (m) => note(`worker console ${m.type()}: ${m.text().slice(0, 200)}`));
    wk.on('close', () => note(`worker closed: ${wk.url().split('/').pop()}`));
  });
  page.on('crash', () => note('page crashed'));
  context.on('request', (r) => w.open.set(r, at()));
  context.on('requestfinished', (r) => w.open.delete(r));
  context.on('requestfailed', (r) => {
    w.open.delete(r);
    note(`request failed: ${r.url()} (${r.failure()?.errorText})`);
  });
  watched.set(page, w);
}

async function pageReport(page) {
  const w = watched.get(page);
  const states = await Promise.race([
    page.evaluate(() => {
      const q = (id) => document.querySelector(`[data-testid="${id}"]`);
      return `status ${q('status')?.dataset.state}, training ${q('training')?.dataset.trainState}, error "${q('error')?.textContent ?? ''}"`;
    }).catch((e) => `not readable (${e.message.split('\n')[0]})`),
    new Promise((r) => setTimeout(() => r('no answer within 5 s'), 5000)),
  ]);
  return [
    `page ${page.url().replace(/^https?:\/\/[^/]+/, '').slice(0, 120)}: ${states}`,
    ...[...(w?.open ?? [])].map(([r, since]) => `  request open since ${since}: ${r.method()} ${r.url()}`),
    ...(w?.log ?? []).map((l) => `  ${l}`),
  ];
}

/** Thrown by `skip(why)`: the runner reports the test as skipped, with the reason, not as passed. */
export class Skip extends Error {}

export function makeFixtures(browser, baseURL) {
  const contexts = [];
  const browsers = [];
  const errors = [];
  let allow = false;
  const fx = {
    baseURL,
    root,
    rgp,
    errors,
    allowErrors() {
      allow = true;
    },
    /** Ends the test as skipped: what it needs is not on this machine (said in the report). */
    skip(why) {
      throw new Skip(why);
    },
    // fresh: a browser of its own, for measurements that earlier tests' leftovers in the shared
    // browser (its GPU process, caches) must not disturb.
    async page({ permissions = [], viewport = { width: 1280, height: 860 }, fresh = false } = {}) {
      const b = fresh ? await launch() : browser;
      if (fresh) browsers.push(b);
      const context = await b.newContext({ acceptDownloads: true, viewport });
      if (permissions.length) await context.grantPermissions(permissions, { origin: baseURL.replace(/\/$/, '') });
      contexts.push(context);
      const page = await context.newPage();
      watch(context, page);
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      page.on('dialog', (d) => {
        errors.push(`unexpected dialog: ${d.type()} ${d.message()}`);
        d.dismiss().catch(() => {});
      });
      return page;
    },
    async open(hash = '', opts = {}) {
      const page = await fx.page(opts);
      await page.goto(`${baseURL}${hash ? `#${hash}` : ''}`);
      await waitForState(page, ['searching', 'done', 'ready', 'stopped', 'error']);
      return page;
    },
    /** What every page of this test shows and waits for: printed when the test fails. */
    async report() {
      const lines = [];
      for (const c of contexts) for (const p of c.pages()) lines.push(...(await pageReport(p)));
      return lines;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      for (const b of browsers) await b.close().catch(() => {});
      if (!allow && errors.length) throw new Error(`errors in the page:\n  ${errors.join('\n  ')}`);
    },
  };
  return fx;
}

// Test side of a GPU device loss: every worker the page starts from now on keeps the GPUDevices it
// creates (installed through the DevTools protocol before the worker's own script runs), and
// `loseDevices()` destroys them, as a driver reset would.
const HOLD_DEVICES = `(() => {
  const install = () => {
    const proto = self.GPUAdapter?.prototype;
    if (!proto || proto.requestDevice.held) return;
    const request = proto.requestDevice;
    proto.requestDevice = async function (...args) {
      const device = await request.apply(this, args);
      (self.heldGpuDevices ??= []).push(device);
      return device;
    };
    proto.requestDevice.held = true;
  };
  install();
  self.addEventListener('message', install);
})();`;

/**
 * Runs `source` in every worker the page starts from now on, before the worker's own script (the
 * DevTools protocol: auto-attach, each worker paused at its start). `evaluate(expression)`
 * resolves with the expression's value in each live worker.
 */
export async function instrumentWorkers(page, source) {
  const cdp = await page.context().newCDPSession(page);
  const workers = new Set();
  const pending = new Map();
  let id = 1;
  const send = (sessionId, method, params = {}) =>
    new Promise((resolve, reject) => {
      const n = id++;
      pending.set(n, (m) => (m.error ? reject(new Error(m.error.message)) : resolve(m.result)));
      cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: n, method, params }) }).catch(reject);
    });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  cdp.on('Target.attachedToTarget', async (e) => {
    if (e.targetInfo.type === 'worker') {
      workers.add(e.sessionId);
      await send(e.sessionId, 'Runtime.evaluate', { expression: source }).catch(() => {});
    }
    await send(e.sessionId, 'Runtime.runIfWaitingForDebugger').catch(() => {});
  });
  cdp.on('Target.detachedFromTarget', (e) => workers.delete(e.sessionId));
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });
  return {
    async evaluate(expression) {
      const out = [];
      for (const sid of workers) {
        const r = await send(sid, 'Runtime.evaluate', { expression, returnByValue: true }).catch(() => null);
        out.push(r?.result?.value);
      }
      return out;
    },
  };
}

export async function holdGpuDevices(page) {
  const workers = await instrumentWorkers(page, HOLD_DEVICES);
  return {
    loseDevices: () => workers.evaluate('self.heldGpuDevices?.forEach((d) => d.destroy())'),
  };
}

// Test side of the GPU memory a worker holds: the bytes of the GPU buffers it created and has not
// destroyed (wgpu destroys a buffer when Burn drops it), in `self.gpuBuffers`.
const COUNT_GPU_BUFFERS = `(() => {
  // WebGPU's interfaces may appear only once the worker runs: installed at the first message too.
  const install = () => {
    if (!self.GPUDevice || self.gpuBuffers) return;
    const sizes = new WeakMap();
    const t = (self.gpuBuffers = { bytes: 0, live: 0, created: 0 });
    const create = GPUDevice.prototype.createBuffer;
    GPUDevice.prototype.createBuffer = function (desc) {
      const b = create.call(this, desc);
      sizes.set(b, desc.size);
      t.bytes += desc.size;
      t.live++;
      t.created++;
      return b;
    };
    const destroy = GPUBuffer.prototype.destroy;
    GPUBuffer.prototype.destroy = function () {
      const size = sizes.get(this);
      if (size !== undefined) {
        sizes.delete(this);
        t.bytes -= size;
        t.live--;
      }
      return destroy.call(this);
    };
  };
  install();
  self.addEventListener('message', install);
})();`;

/** `bytes()`: the GPU buffer bytes the page's workers hold now ({bytes, live, created}, summed). */
export async function countGpuBuffers(page) {
  const workers = await instrumentWorkers(page, COUNT_GPU_BUFFERS);
  return {
    async bytes() {
      const all = (await workers.evaluate('self.gpuBuffers && { ...self.gpuBuffers }')).filter(Boolean);
      return all.reduce((a, b) => ({ bytes: a.bytes + b.bytes, live: a.live + b.live, created: a.created + b.created }), { bytes: 0, live: 0, created: 0 });
    },
  };
}

const AXE = resolve(root, 'node_modules/axe-core/axe.min.js');

/** axe-core's violations on `page` (or within `selector`), one line each with up to 8 nodes. */
export async function axeViolations(page, selector = null) {
  // The page's Content-Security-Policy forbids inline scripts (addScriptTag); evaluating the
  // library's source through the debugging protocol is not subject to it.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(AXE, 'utf8'));
  const result = await page.evaluate(async (sel) => {
    const r = await window.axe.run(sel ?? document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n      ${v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n').join(' ')}`).slice(0, 8).join('\n      ')}`);
  }, selector);
  return result;
}
