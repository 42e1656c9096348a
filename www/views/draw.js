// Drawing of the graph views onto any 2D context (a page canvas or an OffscreenCanvas in the
// render worker). Pure functions of the graph: no DOM access.

/** Circular layout: node i at angle 2πi/n, edges as chords; the last swap's edges highlighted
 *  (added: bold accent; removed: dashed). graph = { n, k, table }, swap = [s1, t1, s2, t2]. */
export function drawGraph(ctx, width, height, dpr, graph, swap, colors) {
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  if (!graph || width === 0) return;
  const { n, k, table } = graph;
  const r = Math.min(width, height) / 2 - 12;
  const xy = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n - Math.PI / 2;
    xy[2 * i] = width / 2 + r * Math.cos(a);
    xy[2 * i + 1] = height / 2 + r * Math.sin(a);
  }
  // Dense drawings get fainter lines so their structure stays visible.
  ctx.globalAlpha = Math.max(0.04, Math.min(0.7, 60 / Math.sqrt((n * k) / 2)));
  ctx.strokeStyle = colors.edge;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let u = 0; u < n; u++) {
    for (let s = 0; s < k; s++) {
      const v = table[u * k + s];
      if (v <= u) continue; // each undirected edge once
      ctx.moveTo(xy[2 * u], xy[2 * u + 1]);
      ctx.lineTo(xy[2 * v], xy[2 * v + 1]);
    }
  }
  ctx.stroke();
  ctx.globalAlpha = 1;
  if (swap) drawSwap(ctx, xy, swap, colors.accent);
  const radius = Math.max(1, Math.min(4, (Math.PI * r) / n / 2));
  ctx.fillStyle = colors.node;
  ctx.beginPath();
  for (let i = 0; i < n; i++) {
    ctx.moveTo(xy[2 * i] + radius, xy[2 * i + 1]);
    ctx.arc(xy[2 * i], xy[2 * i + 1], radius, 0, 2 * Math.PI);
  }
  ctx.fill();
}

function drawSwap(ctx, xy, [s1, t1, s2, t2], accent) {
  const line = (a, b) => {
    ctx.moveTo(xy[2 * a], xy[2 * a + 1]);
    ctx.lineTo(xy[2 * b], xy[2 * b + 1]);
  };
  ctx.strokeStyle = accent;
  ctx.lineWidth = 1.5;
  ctx.setLineDash([4, 4]);
  ctx.globalAlpha = 0.6;
  ctx.beginPath();
  line(s1, t1);
  line(s2, t2);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  line(s1, t2);
  line(s2, t1);
  ctx.stroke();
  ctx.lineWidth = 1;
}

/** The adjacency matrix (the block-mask pattern) as an n×n heatmap scaled to `side` pixels:
 *  kept entries dark, pruned light, the last swap's new entries in the accent colour.
 *  `scratch` = a canvas of any size, reused between calls. */
export function drawHeatmap(ctx, side, graph, swap, scratch) {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, side, side);
  if (!graph || side === 0) return;
  const { n, k, table } = graph;
  if (scratch.width !== n || scratch.height !== n) {
    scratch.width = n;
    scratch.height = n;
  }
  const sctx = scratch.getContext('2d');
  const img = sctx.createImageData(n, n);
  const px = new Uint32Array(img.data.buffer);
  // RGBA bytes read as little-endian words: 0xAABBGGRR.
  px.fill(0xfff7f3f0);
  for (let u = 0; u < n; u++) {
    for (let s = 0; s < k; s++) px[u * n + table[u * k + s]] = 0xff33291f;
  }
  if (swap) {
    const [s1, t1, s2, t2] = swap;
    for (const [a, b] of [[s1, t2], [s2, t1]]) {
      px[a * n + b] = 0xff2e57e4;
      px[b * n + a] = 0xff2e57e4;
    }
  }
  sctx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch, 0, 0, side, side);
}
