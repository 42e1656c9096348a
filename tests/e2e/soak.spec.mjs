// Soak, short version (the long one: node bench/soak.mjs): searches back to back in the graph
// worker, then twenty trainings in a row in the training worker. Worker memory stays flat after warm-up,
// no worker survives its Stop, and Stop takes effect fast (graph) or within a chunk (training).
import assert from 'node:assert/strict';
import { graphSoak, mb, recordChunks, summarise, trainingSoak, wasmMemory, watchWorkers } from '../../bench/soak.mjs';
import { countGpuBuffers, test, text, waitForState } from './harness.mjs';

test('soak (short): searches and trainings in a row, memory flat, no stray worker, Stop in time', async ({ page, baseURL }) => {
  const p = await page();
  await p.context().addInitScript(recordChunks);
  const watch = await watchWorkers(p);
  // 256 nodes: a long search, and a graph the MLP (256 wide) can carry for the trainings.
  await p.goto(`${baseURL}#v=1&nodes=256&degree=8&search=anneal&iters=1000000000`);
  await waitForState(p, ['searching', 'done']);

  const g = await graphSoak(p, watch, { ms: Number(process.env.SOAK_GRAPH_MS ?? 25000) });
  const t = await trainingSoak(p, watch, { runs: 20 });
  const s = summarise(g, t);
  console.log(`     soak: ${JSON.stringify(s)}`);
  await watch.close();

  assert.ok(g.cycles >= 10, `only ${g.cycles} searches`);
  assert.ok(s.graph.growth_after_warmup <= 1.1, `graph worker memory grew ${s.graph.growth_after_warmup}x`);
  // The graph module's wasm memory (which the JS heap above does not see) stays where the first
  // search left it: a search that leaks its engine grows it by its tables, search after search.
  assert.ok(g.wasm.every((b) => b > 0), `graph module memory read: ${g.wasm}`);
  assert.ok(s.graph.wasm_growth_after_first <= 1.1, `graph module memory grew: ${g.wasm.map(mb)}`);
  assert.ok(s.graph.worker_count_constant, `workers came and went: ${JSON.stringify(g.workers)}`);
  assert.equal(s.graph.workers_after_stop.graph, 1, 'one graph worker');
  // The page's median Stop within 100 ms; the worst case is left some room for a busy machine.
  assert.ok(s.graph.stop_ms.median <= 100, `graph Stop median ${s.graph.stop_ms.median} ms`);
  assert.ok(s.graph.stop_ms.max <= 500, `graph Stop worst ${s.graph.stop_ms.max} ms`);

  // Twenty runs in one tab: the worker's JS heap stays within 10% of its level after the first
  // run. The module's wasm memory never shrinks: a leak grows it run after run, page by page. A
  // pretrained start's recovery (calibration statistics, the assignment) raises each run's peak,
  // and the allocator reaches its high-water mark once, at a run that varies (3rd, 4th, 10th
  // measured; flat for the 46 runs after it in a 50-run soak): at most one growth step after the
  // second run, and within 1.5x of its level.
  assert.equal(t.runs, 20);
  assert.ok(s.training.worker_count_constant, `training workers came and went: ${JSON.stringify(t.workers)}`);
  assert.ok(Math.max(...t.memory.slice(1)) <= t.memory[0] * 1.1, `training worker JS memory ${t.memory}`);
  assert.ok(s.training.wasm_growth_steps <= 1, `training module memory grew more than once: ${t.wasm}`);
  assert.ok(s.training.wasm_growth_after_second_run <= 1.5, `training module memory ${t.wasm}`);
  // Stop ends the run at the end of the chunk in flight; the partial network is then evaluated
  // on the test set before the panel says "stopped".
  assert.ok(t.stopMs <= 2 * t.chunkMs + 250, `training Stop took ${t.stopMs} ms; chunks take up to ${t.chunkMs} ms`);
  assert.ok(t.workersAfterStop.training <= t.workers.at(-1).training, `stray training worker: ${JSON.stringify(t.workersAfterStop)}`);
}, { timeout: 300000 });

test('soak (short, WebGPU): twenty runs in a row keep GPU buffers and module memory flat', async ({ page, baseURL, skip }) => {
  const p = await page();
  const gpu = await countGpuBuffers(p);
  // SwiftShader takes seconds a step, so each run is stopped after its first chunk: it still builds
  // its network, optimizer and data on the device, trains, evaluates and is let go.
  await p.goto(`${baseURL}#v=1&nodes=64&degree=4&search=none&epochs=1&batch=64&backend=webgpu`);
  if (!(await p.evaluate(async () => Boolean(await navigator.gpu?.requestAdapter())))) skip('no WebGPU adapter in this browser');
  assert.equal(await waitForState(p, ['done', 'error'], 120000), 'done');
  const runs = [];
  for (let i = 0; i < 20; i++) {
    await p.waitForSelector('[data-testid="train-start"]:not([disabled])', { timeout: 120000 });
    await p.click('[data-testid="train-start"]');
    await p.waitForFunction(() => Number.isFinite(Number(document.querySelector('[data-testid="train-loss"]').textContent)), null, { timeout: 120000 });
    await p.click('[data-testid="train-stop"]');
    await p.waitForFunction(() => ['stopped', 'done', 'error'].includes(document.querySelector('[data-testid="training"]').dataset.trainState), null, { timeout: 120000 });
    assert.match(await text(p, 'train-summary'), /WebGPU:/, `run ${i + 1} ran on WebGPU: ${await text(p, 'train-notice')}`);
    runs.push({ ...(await gpu.bytes()), wasm: await wasmMemory(p) });
  }
  console.log(`     WebGPU soak: GPU buffer MB ${runs.map((r) => (r.bytes / 2 ** 20).toFixed(1)).join(' ')}; ` +
    `live buffers ${runs.map((r) => r.live).join(' ')}; wasm MB ${(runs[0].wasm / 2 ** 20).toFixed(1)} → ${(runs.at(-1).wasm / 2 ** 20).toFixed(1)}`);
  assert.ok(runs[0].bytes > 0, 'the runs used GPU buffers');
  // Within 10% of the level after the first run (GPU buffers) and after the second (wasm memory,
  // which never shrinks), as for the CPU soak.
  const most = Math.max(...runs.slice(1).map((r) => r.bytes));
  assert.ok(most <= runs[0].bytes * 1.1, `GPU buffer bytes ${runs.map((r) => r.bytes)}`);
  assert.ok(Math.max(...runs.slice(2).map((r) => r.wasm)) <= runs[1].wasm * 1.1, `module memory ${runs.map((r) => r.wasm)}`);
}, { timeout: 900000 });
