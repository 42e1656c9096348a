// The measured backend choice, remembered per WebGPU adapter in localStorage, so the CPU/WebGPU
// comparison runs once per machine (and again only when the adapter or the build changes).
// The worker cannot read localStorage: the client reads the record here and passes it in.

const PREFIX = 'rgp.backend:';
// Test hook: treat a software (fallback) adapter like a real one, so the comparison and its
// memory can be exercised on a machine without a GPU (tests/e2e/backend-choice.spec.mjs).
const MEASURE_FALLBACK = 'rgp.backend.measure-fallback';

const storage = () => {
  try {
    return globalThis.localStorage || null;
  } catch {
    return null; // storage blocked (privacy settings, opaque origins)
  }
};

/** The key of an adapter: what identifies the machine's GPU and driver. */
export function adapterKey(adapter) {
  if (!adapter) return null;
  return `${PREFIX}${adapter.vendor}|${adapter.architecture}|${adapter.description}`;
}

/** Every remembered choice, { key: record }, for the worker (which knows the adapter). */
export function allRemembered() {
  const s = storage();
  const out = {};
  if (!s) return out;
  for (let i = 0; i < s.length; i++) {
    const key = s.key(i);
    if (!key?.startsWith(PREFIX)) continue;
    try {
      const r = JSON.parse(s.getItem(key));
      if (r && (r.backend === 'cpu' || r.backend === 'wgpu')) out[key] = r;
    } catch {
      /* a damaged record is ignored: the comparison runs again */
    }
  }
  return out;
}

/** Remembers the outcome of a comparison (calibration: ms per step of each backend). */
export function remember(adapter, calibration) {
  const key = adapterKey(adapter);
  const s = storage();
  if (!key || !s) return null;
  const { cpu_ms_per_step: cpu, wgpu_ms_per_step: gpu } = calibration;
  const record = { backend: gpu < cpu ? 'wgpu' : 'cpu', cpu_ms_per_step: cpu, wgpu_ms_per_step: gpu, at: new Date().toISOString() };
  try {
    s.setItem(key, JSON.stringify(record));
  } catch {
    /* storage full or blocked: the comparison runs again next time */
  }
  return record;
}

export function measureFallback() {
  return storage()?.getItem(MEASURE_FALLBACK) === '1';
}
