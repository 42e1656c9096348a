// The crate's layers hold: each module of src/ imports (`crate::…`) only the modules its row of
// docs/ARCHITECTURE.md lists under "depends on", every listed module is used, and the listed
// dependencies have no cycle. The document is the declaration; this test keeps it true.
//   node --test tests/layers.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
// The crate root's own items (lib.rs, error.rs, fingerprint.rs): below every layer.
const ROOT_ITEMS = new Set(['Error', 'Result', 'bail', 'bail_at', 'error', 'fingerprint']);

/** module → declared dependencies, from the table's `src/…/` rows. */
export function declared(markdown) {
  const out = new Map();
  for (const line of markdown.split('\n')) {
    const m = /^\| `src\/([a-z_]+)\/`[^|]*\|.*\| ([^|]*) \|$/.exec(line);
    if (!m) continue;
    const cell = m[2].trim();
    out.set(m[1], new Set(cell === '–' ? [] : cell.split(',').map((d) => d.trim())));
  }
  return out;
}

function rustFiles(dir) {
  const out = [];
  for (const name of readdirSync(join(root, dir))) {
    const p = join(dir, name);
    if (statSync(join(root, p)).isDirectory()) out.push(...rustFiles(p));
    else if (name.endsWith('.rs')) out.push(p);
  }
  return out;
}

/** module → Map(dependency → first file that uses it), from the `crate::` paths outside comments. */
export function actual(modules) {
  const out = new Map();
  for (const mod of modules) {
    const deps = new Map();
    for (const f of rustFiles(join('src', mod))) {
      const code = readFileSync(join(root, f), 'utf8')
        .split('\n')
        .filter((l) => !l.trim().startsWith('//'))
        .join('\n');
      for (const m of code.matchAll(/\bcrate::([a-z_]+)/g)) {
        const d = m[1];
        if (d !== mod && !ROOT_ITEMS.has(d) && !deps.has(d)) deps.set(d, f);
      }
      // `use crate::{a::x, b::y}` groups.
      for (const g of code.matchAll(/\bcrate::\{([^}]*)\}/g)) {
        for (const part of g[1].split(',')) {
          const d = part.trim().split('::')[0];
          if (/^[a-z_]+$/.test(d) && d !== mod && !ROOT_ITEMS.has(d) && !deps.has(d)) deps.set(d, f);
        }
      }
    }
    out.set(mod, deps);
  }
  return out;
}

const table = declared(readFileSync(join(root, 'docs/ARCHITECTURE.md'), 'utf8'));
const folders = readdirSync(join(root, 'src')).filter((n) => n !== 'bin' && statSync(join(root, 'src', n)).isDirectory());

test('every module folder of src/ has a row with its dependencies', () => {
  assert.deepEqual([...table.keys()].sort(), folders.sort());
});

test('each module imports only what its row lists, and uses all of it', () => {
  const problems = [];
  for (const [mod, deps] of actual(folders)) {
    const allowed = table.get(mod) ?? new Set();
    for (const [d, file] of deps) if (!allowed.has(d)) problems.push(`${file} imports crate::${d}, which the ${mod} row does not list`);
    for (const d of allowed) if (!deps.has(d)) problems.push(`the ${mod} row lists ${d}, which no file of src/${mod}/ uses`);
  }
  assert.deepEqual(problems, []);
});

test('the declared layers have no cycle', () => {
  const state = new Map(); // module → 'open' | 'done'
  const visit = (m, path) => {
    if (state.get(m) === 'done') return;
    assert.notEqual(state.get(m), 'open', `cycle: ${[...path, m].join(' → ')}`);
    state.set(m, 'open');
    for (const d of table.get(m) ?? []) visit(d, [...path, m]);
    state.set(m, 'done');
  };
  for (const m of table.keys()) visit(m, []);
});
