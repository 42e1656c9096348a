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
