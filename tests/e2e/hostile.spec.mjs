// Malformed and hostile links: the default configuration plus a visible message, nothing from
// the hash ever becomes markup or code.
import assert from 'node:assert/strict';
import { test, text, waitForState } from './harness.mjs';
import { defaults, serialize } from '../../www/url-state.js';

const HOSTILE = [
  // [name, hash, expect: 'default' (whole default config) or a check on the clamped config]
  ['script tag', 'v=1&nodes=<script>window.__pwned=1</script>', 'default'],
  ['encoded script tag', 'v=1&init=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E', 'default'],
  ['img onerror in a key', 'v=1&%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E=1', 'default'],
  ['javascript: value', 'v=1&search=javascript:window.__pwned=1', 'default'],
  ['unknown key', 'v=1&nodes=64&color=red', 'default'],
  ['prototype key', 'v=1&__proto__=1', 'default'],
  ['wrong version', 'v=2&nodes=32&degree=4', 'default'],
  ['no version', 'nodes=32&degree=4', 'default'],
  ['NaN', 'v=1&nodes=NaN', 'default'],
  ['Infinity', 'v=1&target_aspl=Infinity', 'default'],
  ['1e309', 'v=1&tolerance=1e309', 'default'],
  ['%00', 'v=1&nodes=64%00', 'default'],
  ['bad percent encoding', 'v=1&nodes=%E0%A4%A', 'default'],
  ['duplicate key', 'v=1&nodes=64&nodes=32', 'default'],
  ['odd product', 'v=1&nodes=63&degree=3', 'default'],
  ['no equals sign', 'v=1&nodes', 'default'],
  ['very long', `v=1&nodes=64&${'x'.repeat(100000)}`, 'default'],
  ['huge integer', 'v=1&nodes=99999999999999999999999999999999999999999', 'default'],
  ['huge nodes, clamped', 'v=1&nodes=1000000&degree=4&search=none', (c) => c.includes('nodes=1024&degree=4&')],
  ['negative seed, clamped', 'v=1&seed=-5', (c) => c.includes('&seed=0&')],
  ['seed above 2^32-1, clamped', 'v=1&seed=4294967296', (c) => c.includes('&seed=4294967295&')],
];

const DEFAULT_HASH = `#${serialize(defaults())}`;

for (const [name, hash, expect] of HOSTILE) {
  test(`hostile link: ${name}`, async ({ page, baseURL }) => {
    const p = await page();
    await p.goto(`${baseURL}#${hash}`);
    await waitForState(p, ['searching', 'done', 'error']);
    // Nothing ran, nothing was inserted.
    assert.equal(await p.evaluate(() => window.__pwned), undefined);
    assert.equal(await p.evaluate(() => document.querySelectorAll('img, iframe, object, embed').length), 0);
    // Only the app's own script files: none inline, none from elsewhere.
    const scripts = await p.evaluate(() => [...document.scripts].map((s) => ({ src: s.src, inline: s.textContent.length })));
    for (const s of scripts) {
      assert.equal(s.inline, 0, 'an inline script appeared');
      assert.ok(s.src.startsWith(baseURL) && /^[\w.-]+\.js$/.test(s.src.slice(baseURL.length)), `unexpected script ${s.src}`);
    }
    // A visible message, as plain text.
    assert.equal(await p.isVisible('[data-testid="error"]'), true, 'no message shown');
    assert.ok((await text(p, 'error')).length > 10);
    assert.equal(await p.evaluate(() => document.querySelector('[data-testid="error"]').children.length), 0);
    // The configuration: the whole default, or the clamped one.
    const h = new URL(p.url()).hash;
    if (expect === 'default') assert.equal(h, DEFAULT_HASH);
    else assert.ok(expect(h), `unexpected configuration ${h}`);
    // And the app still works.
    assert.equal(await waitForState(p, ['done', 'error']), 'done');
  }, { timeout: 30000 });
}
