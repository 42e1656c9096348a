// Fuzzes the link parser (www/url-state.js) with fast-check, under Node (the module has no DOM
// dependency at import). Any hash gives either a configuration inside every field's limits that
// the engine reads (pkg/graph, the app's own module: its check accepts it, or names the setting
// at fault), or the whole default configuration with one message: never an exception, never a
// value out of range. Needs www/generated/settings.js and pkg/graph (scripts/build-web.sh).
//   node --test tests/url-state.fuzz.mjs          (RUNS=N to change the run count, SEED=S to replay)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FIELDS, MAX_HASH_LENGTH, defaults, parseHash, serialize } from '../www/url-state.js';
import { checkApp } from './engine-node.mjs';

const RUNS = Number(process.env.RUNS ?? 20000);
const SEED = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log(`url-state fuzz: seed ${SEED}, ${RUNS} runs per property (SEED=${SEED} replays)`);

/** Why `config[f.key]` is out of its field's range, or null. */
function outOfRange(f, v) {
  if (v === null) return f.optional ? null : 'null in a required field';
  switch (f.type) {
    case 'int':
      return Number.isInteger(v) && v >= f.min && v <= f.max ? null : `int ${v} outside [${f.min}, ${f.max}]`;
    case 'float':
      return Number.isFinite(v) && v >= f.min && v <= f.max ? null : `float ${v} outside [${f.min}, ${f.max}]`;
    case 'enum':
      return f.values.includes(v) ? null : `enum value ${JSON.stringify(v)}`;
    case 'bool':
      return typeof v === 'boolean' ? null : `bool value ${JSON.stringify(v)}`;
    case 'text':
      return typeof v === 'string' && v.length <= f.max && !/[\x00-\x1f\x7f]/.test(v) && (!f.pattern || new RegExp(f.pattern).test(v))
        ? null
        : `text value ${JSON.stringify(v)}`;
    default:
      return `unknown type ${f.type}`;
  }
}

/** The contract every parse result must meet, whatever the input. */
function checkResult(hash) {
  const r = parseHash(hash); // throwing here fails the property
  assert.equal(Object.keys(r.config).length, FIELDS.length, 'config has exactly the table keys');
  if (r.rejected) {
    assert.deepEqual(r.config, defaults(), 'a rejected link gives the default configuration');
    assert.equal(r.messages.length, 1, 'a rejected link gives one message');
    assert.equal(typeof r.messages[0], 'string');
    assert.ok(r.messages[0].length < 300, 'the message stays short');
    return r;
  }
  for (const f of FIELDS) {
    const why = outOfRange(f, r.config[f.key]);
    assert.equal(why, null, `${f.key}: ${why} (hash ${JSON.stringify(hash).slice(0, 200)})`);
  }
  const problem = checkApp(r.config);
  if (problem) assert.ok(FIELDS.some((f) => f.key === problem.field), `the engine read the link: ${problem.message}`);
  // What the app writes back into the address bar reads back as the same configuration.
  const again = parseHash(serialize(r.config));
  assert.equal(again.rejected, false);
  assert.deepEqual(again.config, r.config);
  return r;
}

// Values that parsers get wrong: signs, exponents, huge, tiny, NaN, encodings, bidi, NUL.
const nasty = fc.constantFrom(
  '', '-', '+1', '-0', '0', '1', '2', '3', '4', '5', '7', '8', '64', '1023', '1024', '1025',
  '4294967295', '4294967296', '9007199254740993', '1e308', '1e309', '-1e309', '1e-400', 'NaN',
  'Infinity', '-Infinity', '0x10', '1_000', '１２', '1.', '.5', '0.05', '0.2', '1e3', '1E+3',
  'true', 'false', 'TRUE', 'ring', 'random', 'paper', 'anneal', 'target', 'family', 'none',
  'mlp', 'cnn', 'mnist', 'fashion', 'quick', 'full', 'adam', 'sgd', 'auto', 'webgpu', 'cpu',
  '4-8', 'all', 'dense', '%', '%zz', '%E0%A4%A', '%00', '\u0000', '\u202e', '<img src=x>',
  'constructor', '__proto__', 'toString', 'a'.repeat(40),
);
const value = fc.oneof(
  nasty,
  fc.integer({ min: -10, max: 5000 }).map(String),
  fc.double({ noNaN: false }).map(String),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }).map(encodeURIComponent),
);
/** Values aimed at one field: in range, at and past its bounds, or of its type but odd. */
function valueFor(f) {
  switch (f.type) {
    case 'int':
      return fc.oneof(
        fc.integer({ min: f.min, max: Math.min(f.max, f.min + 300) }).map(String),
        fc.constantFrom(f.min - 1, f.min, f.max, f.max + 1, 2 ** 53 + 1).map(String),
      );
    case 'float':
      return fc.oneof(
        fc.double({ min: f.min, max: f.max, noNaN: true }).map(String),
        fc.constantFrom(f.min / 2, f.max * 2, -f.max, 1e300).map(String),
      );
    case 'enum':
      return fc.constantFrom(...f.values);
    case 'text':
      return fc.oneof(
        fc.stringMatching(f.pattern ? new RegExp(f.pattern) : /^[a-z_ ]{1,20}$/),
        fc.string({ maxLength: f.max + 2 }),
        fc.constantFrom('0123456789abcdef', '0123456789ABCDEF', 'x'.repeat(f.max + 1), '\u0000', 'a\nb'),
      );
    default:
      return fc.constantFrom('true', 'false', '1', '0');
  }
}
const aimed = fc.constantFrom(...FIELDS).chain((f) => valueFor(f).map((v) => `${f.key}=${encodeURIComponent(v)}`));
const key = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...FIELDS.map((f) => f.key)) },
  { weight: 1, arbitrary: fc.constantFrom('v', 'V', '', '__proto__', 'constructor', 'nodes ', 'nod%65s') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);
const pair = fc.oneof({ weight: 6, arbitrary: aimed }, { weight: 1, arbitrary: fc.tuple(key, value).map(([k, v]) => `${k}=${v}`) });
// Mostly well-formed links (so the accepting path is reached), some with a bad version or junk.
const link = fc
  .tuple(
    fc.constantFrom('#', ''),
    fc.constantFrom('v=1', 'v=1', 'v=1', 'v=1', 'v=1', 'v=2', 'v=', 'v=01', ''),
    fc.uniqueArray(pair, { maxLength: 12, selector: (p) => p.split('=')[0] }),
    fc.oneof({ weight: 9, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(pair, { maxLength: 2 }) }),
    fc.constantFrom('&', '&&', ';'),
  )
  .map(([h, v, unique, dupes, sep]) => h + [v, ...unique, ...dupes].filter((x) => x !== '').join(sep));

test('any string as the hash: a configuration within limits, or the defaults with a message', () => {
  const anyText = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'grapheme', maxLength: 100 }),
    fc.string({ unit: 'binary', maxLength: 100 }),
    fc.string({ unit: fc.constantFrom('v', '=', '1', '&', '%', '#', 'n', '0', 'e', '-', '.'), maxLength: 60 }),
  );
  fc.assert(fc.property(anyText, (s) => void checkResult(s)), { numRuns: RUNS, seed: SEED });
});

test('structured links with hostile values: accepted ones are inside every range', () => {
  let accepted = 0;
  let clamped = 0;
  fc.assert(
    fc.property(link, (s) => {
      const r = checkResult(s);
      if (!r.rejected) accepted++;
      if (r.messages.length && !r.rejected) clamped++;
    }),
    { numRuns: RUNS, seed: SEED },
  );
  console.log(`structured links: ${accepted} accepted (${clamped} with a clamped value) of ${RUNS}`);
  // The generator must reach the accepting path, or this test would check nothing there.
  assert.ok(accepted > RUNS / 50, `only ${accepted} of ${RUNS} links were accepted`);
});

test('over-long hashes are refused before parsing', () => {
  fc.assert(
    fc.property(link, fc.integer({ min: 1, max: 500 }), (s, extra) => {
      const long = `${s}&${'x'.repeat(MAX_HASH_LENGTH + extra)}`;
      const r = checkResult(long);
      assert.equal(r.rejected, true);
    }),
    { numRuns: Math.min(RUNS, 2000), seed: SEED },
  );
});
