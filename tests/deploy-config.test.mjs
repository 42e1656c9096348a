// deploy/nginx.conf and deploy/_headers are what scripts/deploy-config.mjs writes from the app
// server's own headers: regenerate them (see the script) when this fails.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { headers, nginx } from '../scripts/deploy-config.mjs';

const file = (p) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8');

test('deploy/nginx.conf is the generated server block', () => {
  assert.equal(file('deploy/nginx.conf'), nginx(), 'run: node scripts/deploy-config.mjs nginx > deploy/nginx.conf');
});

test('deploy/_headers is the generated headers file', () => {
  assert.equal(file('deploy/_headers'), headers(), 'run: node scripts/deploy-config.mjs headers > deploy/_headers');
});

// The embed alone may be framed by any site; every other path keeps frame-ancestors 'none'.
test('the deploy files let any site frame embed.html, and no other page', () => {
  const conf = nginx();
  const embedBlock = /location = \/embed\.html \{([^}]*)\}/.exec(conf)?.[1] ?? '';
  assert.match(embedBlock, /frame-ancestors \*"/);
  assert.match(embedBlock, /Cross-Origin-Resource-Policy "cross-origin"/);
  const pageBlock = /location \/ \{([^}]*)\}/.exec(conf)?.[1] ?? '';
  assert.match(pageBlock, /frame-ancestors 'none'"/);
  assert.doesNotMatch(pageBlock, /frame-ancestors \*/);
  const [all, embed] = headers().split('\n/embed.html\n');
  assert.match(all, /frame-ancestors 'none'/);
  assert.match(embed, /! Content-Security-Policy\n/);
  assert.match(embed, /Content-Security-Policy: .*frame-ancestors \*\n/);
});
