// The embed's keys (www/embed/policy.js): hide= keeps only setting keys, the app's link leaves
// the embed's keys out, the snippet escapes what it quotes, and only the search view waits.
//   node --test tests/embed-policy.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appUrl, embedUrl, hiddenKeys, iframeSnippet, opensSearching } from '../www/embed/policy.js';
import { parseHash } from '../www/url-state.js';

const base = 'https://example.org/rgp/embed.html#v=1';

test('hide= keeps the known setting keys once each, never the embed keys', () => {
  const { config } = parseHash('v=1&hide=seed,init,no_such_key,seed,view');
  assert.deepEqual(hiddenKeys(config), ['seed', 'init']);
  assert.deepEqual(hiddenKeys(parseHash('v=1').config), []);
  // Not a list of keys: the link is refused like any bad value.
  assert.equal(parseHash('v=1&hide=seed;alert(1)').rejected, true);
});

test('the app link is the configuration less view, hide and autorun', () => {
  const { config } = parseHash('v=1&nodes=48&degree=4&view=race&hide=seed&autorun=train&note=hi%20there');
  const url = new URL(appUrl(config, base));
  assert.equal(url.pathname, '/rgp/index.html');
  assert.doesNotMatch(url.hash, /view=|hide=|autorun=/);
  assert.match(url.hash, /^#v=1&nodes=48&degree=4/);
  assert.match(url.hash, /note=hi%20there/);
  assert.deepEqual(parseHash(url.hash).config.nodes, 48);
});

test('the embed link and snippet for a view; the default view is left out', () => {
  const { config } = parseHash('v=1&nodes=48&degree=4&note=%22%3E%3Cscript%3E');
  assert.doesNotMatch(embedUrl(config, 'graph', base), /view=/);
  const url = embedUrl(config, 'race', base);
  assert.match(url, /^https:\/\/example\.org\/rgp\/embed\.html#v=1&.*view=race/);
  const snippet = iframeSnippet(url, 'race');
  const src = /^<iframe src="([^"]*)"/.exec(snippet)[1];
  assert.doesNotMatch(src, /[<>]|&(?!amp;)/, 'the link, quoted as an attribute');
  assert.equal(src.replaceAll('&amp;', '&'), url);
  assert.match(snippet, /title="RGP Studio: the race"/);
});

test('only the search view waits for a click, unless autorun says otherwise', () => {
  const c = (h) => parseHash(`v=1&${h}`).config;
  assert.equal(opensSearching(c('view=search')), false);
  assert.equal(opensSearching(c('view=search&autorun=true')), true);
  assert.equal(opensSearching(c('view=search&autorun=train')), true);
  for (const v of ['graph', 'train', 'race', 'sweep']) assert.equal(opensSearching(c(`view=${v}`)), true, v);
  assert.equal(opensSearching(c('nodes=16')), true);
});
