// The code stays legible: no source file in src/ or www/ over 450 lines (the ASPL kernel
// excepted), no JavaScript function in www/ over 80 lines, no Rust function in src/ over 100
// lines (the kernel's hot loop excepted). Functions are found with acorn (the parser webpack
// uses) in JavaScript and by brace matching from each `fn` in Rust.
//   node --test tests/code-shape.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as acorn from 'acorn';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const EXEMPT_FILES = new Set(['src/graph/aspl.rs']);
const EXEMPT_FUNCTIONS = new Set(['src/graph/aspl.rs']);

function files(dir, ext) {
  const out = [];
  for (const name of readdirSync(join(root, dir))) {
    const p = join(dir, name);
    if (statSync(join(root, p)).isDirectory()) {
      if (name !== 'generated') out.push(...files(p, ext));
    } else if (name.endsWith(ext)) out.push(p);
  }
  return out;
}

const lines = (p) => readFileSync(join(root, p), 'utf8').split('\n').length;

/** [lines, name, line] of every JavaScript function in a file. */
function jsFunctions(p) {
  const ast = acorn.parse(readFileSync(join(root, p), 'utf8'), { ecmaVersion: 'latest', sourceType: 'module', locations: true });
  const out = [];
  const visit = (n, name) => {
    if (!n || typeof n.type !== 'string') return;
    if (n.type.includes('Function')) out.push([n.loc.end.line - n.loc.start.line + 1, n.id?.name ?? name ?? '(anonymous)', n.loc.start.line]);
    const named = n.type === 'VariableDeclarator' ? n.id?.name : n.type === 'MethodDefinition' || n.type === 'Property' ? n.key?.name : name;
    for (const [k, v] of Object.entries(n)) {
      if (k === 'loc') continue;
      if (Array.isArray(v)) v.forEach((c) => visit(c, named));
      else if (v && typeof v === 'object') visit(v, named);
    }
  };
  visit(ast);
  return out;
}

/** [lines, name, line] of every Rust function with a body (brace matching; strings rarely hold braces). */
function rustFunctions(p) {
  const src = readFileSync(join(root, p), 'utf8').split('\n');
  const out = [];
  src.forEach((line, i) => {
    const m = /^\s*(pub(\([^)]*\))?\s+)?(async\s+)?(const\s+)?(unsafe\s+)?fn\s+(\w+)/.exec(line);
    if (!m || line.trim().endsWith(';')) return;
    let depth = 0;
    let started = false;
    for (let j = i; j < src.length; j++) {
      for (const c of src[j]) {
        if (c === '{') { depth++; started = true; } else if (c === '}') depth--;
      }
      if (started && depth <= 0) {
        out.push([j - i + 1, m[6], i + 1]);
        return;
      }
      if (!started && src[j].trim().endsWith(';')) return;
    }
  });
  return out;
}

test('no source file over 450 lines', () => {
  const long = [...files('src', '.rs'), ...files('www', '.js')]
    .filter((p) => !EXEMPT_FILES.has(p) && lines(p) > 450)
    .map((p) => `${p}: ${lines(p)} lines`);
  assert.deepEqual(long, []);
});

test('no JavaScript function in www/ over 80 lines', () => {
  const long = files('www', '.js').flatMap((p) => jsFunctions(p).filter(([n]) => n > 80).map(([n, name, at]) => `${p}:${at} ${name}: ${n} lines`));
  assert.deepEqual(long, []);
});

test('no Rust function in src/ over 100 lines', () => {
  const long = files('src', '.rs')
    .filter((p) => !EXEMPT_FUNCTIONS.has(p))
    .flatMap((p) => rustFunctions(p).filter(([n]) => n > 100).map(([n, name, at]) => `${p}:${at} ${name}: ${n} lines`));
  assert.deepEqual(long, []);
});

test('the checks see the code', () => {
  assert.ok(files('www', '.js').length > 20 && files('src', '.rs').length > 60, relative(root, root));
  assert.ok(jsFunctions('www/url-state.js').some(([, name]) => name === 'parseHash'));
  assert.ok(rustFunctions('src/config/graph.rs').some(([, name]) => name === 'validate'));
});
