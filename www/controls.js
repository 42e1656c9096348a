// The configuration form: reads and writes the graph fields of the config, explains a value that
// is not of its setting's type or range next to its control (the engine's rules that tie settings
// together come back from the graph worker, naming their field: app.js), and links degree ⇄
// pruning ratio (either sets the other).

import { fieldOf, GRAPH_KEYS, parseValue } from './url-state.js';
import { applySchema } from './views/form.js';

/** Pruning ratio (fraction of masked weights removed) for a degree: 1 - k/n. */
function pruningRatio(n, k) {
  return 1 - k / n;
}

/**
 * The valid degree nearest to a requested pruning ratio: k ≈ (1 - ratio)·n, 2 <= k <= n-1, and
 * n·k even (for odd n the degree must be even). Ties go to the larger degree (less pruning).
 */
function degreeForRatio(n, ratio) {
  const want = (1 - ratio) * n;
  let best = null;
  for (let k = 2; k < n; k++) {
    if ((n * k) % 2 !== 0) continue;
    const d = Math.abs(k - want);
    if (best === null || d < best.d || (d === best.d && k > best.k)) best = { k, d };
  }
  return best ? best.k : null;
}


export class Controls {
  /** `onChange(config | null)`: a valid edited config, or null while some value is invalid.
   *  `base()`: the page's configuration (www/store.js), whose keys outside the form an edit keeps. */
  constructor(form, onChange, base) {
    applySchema(form);
    this.form = form;
    this.onChange = onChange;
    this.base = base;
    this.inputs = new Map(GRAPH_KEYS.map((k) => [k, form.elements.namedItem(k)]));
    this.ratio = form.elements.namedItem('ratio');
    form.addEventListener('input', (e) => this.edited(e.target));
    form.addEventListener('change', (e) => {
      if (e.target === this.ratio) this.showRatio(); // show the ratio the chosen degree really gives
      else if (e.target.tagName === 'SELECT' || e.target.type === 'checkbox') this.edited(e.target);
    });
    form.addEventListener('submit', (e) => e.preventDefault());
  }

  write(config) {
    for (const [key, el] of this.inputs) {
      const v = config[key];
      if (el.type === 'checkbox') el.checked = Boolean(v);
      else el.value = String(v);
    }
    this.clearMessages();
    this.showRatio();
    this.showMethod(config.search);
  }

  setSeed(seed) {
    this.inputs.get('seed').value = String(seed);
    this.edited(this.inputs.get('seed'));
  }

  showMethod(search) {
    for (const row of this.form.querySelectorAll('.row[data-for], label [data-for]')) {
      row.hidden = !row.dataset.for.split(' ').includes(search);
    }
  }

  showRatio() {
    const n = Number(this.inputs.get('nodes').value);
    const k = Number(this.inputs.get('degree').value);
    if (Number.isInteger(n) && Number.isInteger(k) && n > 0 && k > 0 && k < n) {
      this.ratio.value = (100 * pruningRatio(n, k)).toFixed(1);
    }
  }

  message(key, text) {
    const el = this.form.querySelector(`[data-testid="msg-${key}"]`);
    if (el) el.textContent = text ?? '';
    const input = key === 'ratio' ? this.ratio : this.inputs.get(key);
    if (input) {
      if (text) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
  }

  clearMessages() {
    for (const el of this.form.querySelectorAll('.msg')) el.textContent = '';
    for (const el of this.form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  }

  edited(target) {
    if (target === this.ratio) this.ratioEdited();
    else if (target.name === 'nodes' || target.name === 'degree') {
      if (document.activeElement !== this.ratio) this.showRatio();
    }
    if (target.name === 'search') this.showMethod(target.value);
    this.onChange(this.read());
  }

  ratioEdited() {
    const text = this.ratio.value.trim();
    const r = Number(text);
    const n = Number(this.inputs.get('nodes').value);
    if (text === '' || !Number.isFinite(r) || r < 0 || r >= 100) {
      this.message('ratio', 'pruning ratio must be a percentage from 0 up to (not including) 100');
      return;
    }
    if (!Number.isInteger(n) || n < 4) {
      this.message('ratio', 'set a valid number of nodes first');
      return;
    }
    const k = degreeForRatio(n, r / 100);
    if (k === null) {
      this.message('ratio', `no regular graph on ${n} nodes gives this ratio`);
      return;
    }
    this.message('ratio', '');
    this.inputs.get('degree').value = String(k);
  }

  /** The edited config, or null after showing which value is not of its type or range. */
  read() {
    this.clearMessages();
    const c = { ...this.base() };
    let ok = true;
    for (const [key, el] of this.inputs) {
      const f = fieldOf(key);
      if (el.type === 'checkbox') {
        c[key] = el.checked;
        continue;
      }
      const text = el.value.trim();
      const r = text === '' ? { bad: 'is required' } : parseValue(f, text);
      if (r.bad || r.clamped) {
        ok = false;
        const range = f.min !== undefined ? ` (${f.min} to ${f.max})` : '';
        this.message(key, r.bad ? `${key} ${r.bad}${range}` : `${key} must be between ${f.min} and ${f.max}`);
        continue;
      }
      c[key] = r.value;
    }
    return ok ? c : null;
  }
}
