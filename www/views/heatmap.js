// The adjacency matrix (= the block mask pattern every masked layer gets) as an n×n heatmap:
// one pixel per entry, scaled up without smoothing. Kept entries dark, pruned ones light; the
// cells the last swap changed in the accent colour.

export class Heatmap {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.image = null;
    this.off = document.createElement('canvas');
  }

  show(graph, swap = null) {
    const { n, k, table } = graph;
    if (this.off.width !== n) {
      this.off.width = n;
      this.off.height = n;
    }
    const octx = this.off.getContext('2d');
    const img = octx.createImageData(n, n);
    const px = new Uint32Array(img.data.buffer);
    // ImageData is RGBA bytes; on little-endian machines 0xAABBGGRR.
    const empty = 0xfff7f3f0;
    const kept = 0xff33291f;
    const hot = 0xff2e57e4;
    px.fill(empty);
    for (let u = 0; u < n; u++) {
      for (let s = 0; s < k; s++) px[u * n + table[u * k + s]] = kept;
    }
    if (swap) {
      const [s1, t1, s2, t2] = swap;
      for (const [a, b] of [[s1, t2], [s2, t1]]) {
        px[a * n + b] = hot;
        px[b * n + a] = hot;
      }
    }
    octx.putImageData(img, 0, 0);
    this.draw();
  }

  draw() {
    const dpr = window.devicePixelRatio || 1;
    const side = Math.min(this.canvas.clientWidth, this.canvas.clientHeight);
    const size = Math.round(side * dpr);
    if (this.canvas.width !== size) {
      this.canvas.width = size;
      this.canvas.height = size;
    }
    const ctx = this.ctx;
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, size, size);
    if (this.off.width > 0) ctx.drawImage(this.off, 0, 0, size, size);
  }
}
