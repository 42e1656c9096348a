// The MLP of RGP Studio trained with TensorFlow.js, for bench/train_browser.mjs: same widths
// (784-256-256-256-10), same batch, same SGD with momentum 0.9, same quick MNIST subset, a fresh
// batch uploaded from host memory every step as our trainer does. `masked` multiplies the hidden
// weights by a fixed 0/1 mask (k/n kept), as our masked layers do.
/* global tf */

async function gunzip(buf) {
  const s = new Blob([buf]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

async function idx(url) {
  const r = await fetch(url);
  const u8 = new Uint8Array(await r.arrayBuffer());
  const raw = u8[0] === 0x1f && u8[1] === 0x8b ? await gunzip(u8) : u8;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const nd = dv.getUint32(0) & 0xff;
  return raw.subarray(4 + 4 * nd);
}

// eslint-disable-next-line no-unused-vars
async function runTfjs({ backend, hidden = [256, 256, 256], batch = 128, steps = 60, warmup = 5, masked = false, nodes = 64, degree = 4 }) {
  if (backend === 'wasm') tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  await tf.setBackend(backend);
  await tf.ready();
  const images = await idx('/data/mnist-quick/train-images-idx3-ubyte.gz');
  const labels = await idx('/data/mnist-quick/train-labels-idx1-ubyte.gz');
  const n = labels.length;
  const widths = [784, ...hidden, 10];
  const ws = [];
  const bs = [];
  const masks = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    const bound = Math.sqrt(6 / widths[i]);
    ws.push(tf.variable(tf.randomUniform([widths[i], widths[i + 1]], -bound, bound)));
    bs.push(tf.variable(tf.zeros([widths[i + 1]])));
    // Hidden-to-hidden layers carry a ring-lattice block mask (first and last dense).
    if (masked && i > 0 && i + 2 < widths.length) {
      const [a, b] = [widths[i], widths[i + 1]];
      const m = new Float32Array(a * b);
      const gi = a / nodes;
      const go = b / nodes;
      for (let r = 0; r < a; r++) {
        for (let c = 0; c < b; c++) {
          const d = Math.abs(Math.floor(r / gi) - Math.floor(c / go));
          const dist = Math.min(d, nodes - d);
          if (dist >= 1 && dist <= degree / 2) m[r * b + c] = 1;
        }
      }
      masks.push(tf.tensor2d(m, [a, b]));
    } else masks.push(null);
  }
  const opt = tf.train.momentum(0.05, 0.9);
  const x = new Float32Array(batch * 784);
  const y = new Float32Array(batch * 10);
  let pos = 0;
  const step = () => {
    y.fill(0);
    for (let r = 0; r < batch; r++) {
      const i = (pos + r) % n;
      for (let p = 0; p < 784; p++) x[r * 784 + p] = (images[i * 784 + p] / 255 - 0.1307) / 0.3081;
      y[r * 10 + labels[i]] = 1;
    }
    pos = (pos + batch) % n;
    return tf.tidy(() => {
      const xb = tf.tensor2d(x, [batch, 784]);
      const yb = tf.tensor2d(y, [batch, 10]);
      return opt.minimize(() => {
        let h = xb;
        for (let i = 0; i < ws.length; i++) {
          const w = masks[i] ? ws[i].mul(masks[i]) : ws[i];
          h = h.matMul(w).add(bs[i]);
          if (i + 1 < ws.length) h = h.relu();
        }
        return tf.losses.softmaxCrossEntropy(yb, h);
      }, true);
    });
  };
  let loss0 = null;
  for (let i = 0; i < warmup; i++) {
    const l = step();
    if (loss0 === null) loss0 = (await l.data())[0];
    l.dispose();
  }
  // WebGPU calls (bench/train_browser.mjs counts them on this page) over the timed steps.
  const calls0 = globalThis.__gpuCalls ? { ...globalThis.__gpuCalls } : null;
  const t0 = performance.now();
  let last = null;
  for (let i = 0; i < steps; i++) {
    if (last) last.dispose();
    last = step();
    // Read back every 10 steps, as our worker reads once per chunk.
    if (i % 10 === 9) await last.data();
  }
  const lossEnd = (await last.data())[0];
  const ms = performance.now() - t0;
  last.dispose();
  const c = globalThis.__gpuCalls;
  const calls_per_step = calls0 && Object.fromEntries(Object.keys(c).map((k) => [k, (c[k] - calls0[k]) / steps]));
  return { backend: tf.getBackend(), images_per_sec: (steps * batch) / (ms / 1000), ms_per_step: ms / steps, loss0, lossEnd, calls_per_step };
}
