// Circular layout of the graph on a canvas: node i at angle 2πi/n, edges as chords. The edges the
// last swap added are drawn in the accent colour, the ones it removed as dashed ghosts.

const MAX_EDGES_PER_FRAME = 20000; // bigger graphs are drawn over several frames

export class GraphCanvas {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.graph = null;
    this.swap = null;
    this.job = 0;
  }

  /** graph = { n, k, table: Uint32Array }, swap = [s1, t1, s2, t2] or null. */
  show(graph, swap = null) {
    this.graph = graph;
    this.swap = swap;
    this.draw();
  }

  resize() {
    const dpr = window.devicePixelRatio || 1;
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(h * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
    }
    return { w, h, dpr };
  }

  draw() {
    const job = ++this.job;
    const { w, h, dpr } = this.resize();
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const g = this.graph;
    if (!g || w === 0) return;
    const r = Math.min(w, h) / 2 - 12;
    const cx = w / 2;
    const cy = h / 2;
    const xy = new Float32Array(2 * g.n);
    for (let i = 0; i < g.n; i++) {
      const a = (2 * Math.PI * i) / g.n - Math.PI / 2;
      xy[2 * i] = cx + r * Math.cos(a);
      xy[2 * i + 1] = cy + r * Math.sin(a);
    }
    const edges = (g.n * g.k) / 2;
    // Dense drawings get fainter lines so their structure stays visible.
    const alpha = Math.max(0.04, Math.min(0.7, 60 / Math.sqrt(edges)));
    const style = getComputedStyle(this.canvas);
    const edgeColor = style.getPropertyValue('--edge').trim() || '#4a5568';
    const accent = style.getPropertyValue('--accent').trim() || '#e4572e';
    const nodeColor = style.getPropertyValue('--node').trim() || '#1f2933';

    const finish = () => {
      ctx.globalAlpha = 1;
      if (this.swap) this.drawSwap(xy, accent);
      const nodeR = Math.max(1, Math.min(4, (Math.PI * r) / g.n / 2));
      ctx.fillStyle = nodeColor;
      ctx.beginPath();
      for (let i = 0; i < g.n; i++) {
        ctx.moveTo(xy[2 * i] + nodeR, xy[2 * i + 1]);
        ctx.arc(xy[2 * i], xy[2 * i + 1], nodeR, 0, 2 * Math.PI);
      }
      ctx.fill();
    };

    // Each undirected edge once (u < v), in batches so a huge graph never blocks a frame.
    let u = 0;
    const drawBatch = () => {
      if (job !== this.job) return;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.globalAlpha = alpha;
      ctx.strokeStyle = edgeColor;
      ctx.lineWidth = 1;
      ctx.beginPath();
      let drawn = 0;
      for (; u < g.n && drawn < MAX_EDGES_PER_FRAME; u++) {
        for (let s = 0; s < g.k; s++) {
          const v = g.table[u * g.k + s];
          if (v <= u) continue;
          ctx.moveTo(xy[2 * u], xy[2 * u + 1]);
          ctx.lineTo(xy[2 * v], xy[2 * v + 1]);
          drawn++;
        }
      }
      ctx.stroke();
      if (u < g.n) requestAnimationFrame(drawBatch);
      else finish();
    };
    drawBatch();
  }

  drawSwap(xy, accent) {
    const [s1, t1, s2, t2] = this.swap;
    const ctx = this.ctx;
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
}
