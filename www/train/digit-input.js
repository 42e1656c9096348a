// The drawing pad of "Try the network": thick strokes with a mouse, a finger or a pen (pointer
// events), and the MNIST preparation of what was drawn or dropped: the ink's bounding box scaled
// to fit 20×20 with grey levels (the browser's smoothing), then centred by its centre of mass in a
// 28×28 frame — how the MNIST digits themselves were made. Pixels leave as [0, 1], full ink 1.

const SIDE = 28;
const BOX = 20;

/** Makes `canvas` a drawing pad (white ink on black); `onInk()` after each piece of stroke. */
export function drawingPad(canvas, onInk) {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const clear = () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  clear();
  let last = null;
  const at = (ev) => {
    const r = canvas.getBoundingClientRect();
    return [((ev.clientX - r.left) * canvas.width) / r.width, ((ev.clientY - r.top) * canvas.height) / r.height];
  };
  const line = (from, to) => {
    // About MNIST's stroke: 2 to 3 pixels of the 20-pixel digit box.
    ctx.lineWidth = canvas.width / 13;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#fff';
    ctx.beginPath();
    ctx.moveTo(...from);
    ctx.lineTo(...to);
    ctx.stroke();
    onInk();
  };
  canvas.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0) return;
    ev.preventDefault();
    canvas.setPointerCapture?.(ev.pointerId);
    last = at(ev);
    line(last, last);
  });
  canvas.addEventListener('pointermove', (ev) => {
    if (!last) return;
    const p = at(ev);
    line(last, p);
    last = p;
  });
  for (const end of ['pointerup', 'pointercancel']) canvas.addEventListener(end, () => (last = null));
  return { ctx, clear };
}

/** The grey level (0 black … 1 white) of each pixel of RGBA `data`. */
function greys(data) {
  const g = new Float32Array(data.length / 4);
  for (let i = 0; i < g.length; i++) g[i] = (0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2]) / 255;
  return g;
}

/** An image (bitmap) as ink on black, in `ctx`'s canvas: fitted and centred; a light background
 * (dark ink on paper) is inverted, as MNIST's ink is the light part. */
export function paint(ctx, image) {
  const { width: W, height: H } = ctx.canvas;
  const s = Math.min(W / image.width, H / image.height);
  const [w, h] = [image.width * s, image.height * s];
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, W, H);
  ctx.imageSmoothingEnabled = image.width > SIDE; // a 28×28 digit stays as crisp as it is
  ctx.drawImage(image, (W - w) / 2, (H - h) / 2, w, h);
  const img = ctx.getImageData(0, 0, W, H);
  const g = greys(img.data);
  const mean = g.reduce((a, b) => a + b, 0) / g.length;
  if (mean > 0.5) {
    for (let i = 0; i < img.data.length; i += 4) for (let c = 0; c < 3; c++) img.data[i + c] = 255 - img.data[i + c];
    ctx.putImageData(img, 0, 0);
  }
}

/** The 28×28 input of an image that already is one: its grey levels as they are (ink light). */
export function asIs(image) {
  const c = new OffscreenCanvas(SIDE, SIDE);
  const ctx = c.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const g = greys(ctx.getImageData(0, 0, SIDE, SIDE).data);
  const mean = g.reduce((a, b) => a + b, 0) / g.length;
  return mean > 0.5 ? g.map((v) => 1 - v) : g;
}

/** The bounding box [x0, y0, x1, y1] of the ink in the pad, or null when it is blank. */
function inkBox(g, W, H) {
  let [x0, y0, x1, y1] = [W, H, -1, -1];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (g[y * W + x] > 0.05) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  return x1 < 0 ? null : [x0, y0, x1, y1];
}

/** The pad's ink as MNIST input (Float32Array of 784, [0, 1]), or null when nothing is drawn. */
export function mnistPixels(canvas) {
  const { width: W, height: H } = canvas;
  const box = inkBox(greys(canvas.getContext('2d').getImageData(0, 0, W, H).data), W, H);
  if (!box) return null;
  const [x0, y0, x1, y1] = box;
  const [bw, bh] = [x1 - x0 + 1, y1 - y0 + 1];
  const s = BOX / Math.max(bw, bh);
  const [w, h] = [Math.max(1, Math.round(bw * s)), Math.max(1, Math.round(bh * s))];
  const small = new OffscreenCanvas(w, h);
  const sctx = small.getContext('2d');
  sctx.imageSmoothingQuality = 'high';
  sctx.drawImage(canvas, x0, y0, bw, bh, 0, 0, w, h);
  const g = greys(sctx.getImageData(0, 0, w, h).data);
  // Centre of mass of the ink, moved to the frame's centre.
  let [m, cx, cy] = [0, 0, 0];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const v = g[y * w + x];
    m += v;
    cx += v * x;
    cy += v * y;
  }
  const clamp = (v, hi) => Math.max(0, Math.min(hi, v));
  const ox = clamp(Math.round(SIDE / 2 - cx / Math.max(m, 1e-6) - 0.5), SIDE - w);
  const oy = clamp(Math.round(SIDE / 2 - cy / Math.max(m, 1e-6) - 0.5), SIDE - h);
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[(oy + y) * SIDE + ox + x] = g[y * w + x];
  return out;
}

/** Shows `pixels` (28×28, [0, 1]) in the small canvas `seen`: what the network reads. */
export function showSeen(seen, pixels) {
  const ctx = seen.getContext('2d');
  const img = ctx.createImageData(SIDE, SIDE);
  for (let i = 0; i < SIDE * SIDE; i++) {
    const v = Math.round((pixels ? pixels[i] : 0) * 255);
    img.data.set([v, v, v, 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
}
