// Links written by earlier versions of the app keep opening the same configuration. The fixture
// holds 229 links (the app's own, random valid and invalid ones, hostile ones) with what the link
// parser of commit a71c784 made of each, before the settings moved into the Rust schema; today's
// parser plus the engine's check must give the same configuration, messages and verdict.
//   node --test tests/links.test.mjs          (needs pkg/graph and www/generated: scripts/build-web.sh)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { defaults, parseHash, refuseLink } from '../www/url-state.js';
import { checkApp } from './engine-node.mjs';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/links-a71c784.json', import.meta.url)));

/** The configuration on the fixture's keys; a setting added since must be at its default. */
function recorded(got, want) {
  if (!got || !want) return got;
  const d = defaults();
  const out = {};
  for (const k of Object.keys(got)) {
    if (k in want) out[k] = got[k];
    else assert.deepEqual(got[k], d[k], `${k}, added since, is not at its default`);
  }
  return out;
}

/** Whether `now` is message `then` with values added to an enum's list since (`dataset` gained
 * `user` with the user's data): the same refusal, a longer list. */
function grownChoice(now, then) {
  const split = (m) => m.match(/^(.* must be one of )(.*)(\. Showing the default configuration\.)$/);
  const [a, b] = [split(now), split(then)];
  if (!a || !b || a[1] !== b[1] || a[3] !== b[3]) return false;
  const [na, nb] = [a[2].split(', '), b[2].split(', ')];
  return na.length > nb.length && nb.every((v, i) => na[i] === v);
}

/** What the app does with a link: parse it, then ask the engine about the graph part. */
function open(hash) {
  const r = parseHash(hash);
  if (r.rejected) return r;
  const problem = checkApp(r.config);
  return problem ? refuseLink(problem) : r;
}

test('every recorded link opens the configuration it opened before', () => {
  assert.ok(fixture.links.length > 200);
  let rejected = 0;
  for (const { hash, config, messages, rejected: was } of fixture.links) {
    const r = open(hash);
    const where = `link ${JSON.stringify(hash).slice(0, 160)}`;
    assert.equal(r.rejected, was, where);
    // A key that was unknown then and is a setting now (`color`, since the user data) is refused
    // for its value instead: same verdict, the message names the new rule.
    const nowKnown = messages.some((m) => m.match(/unknown key "([a-z_]+)"/)?.[1] in defaults());
    const grown = r.messages.length === messages.length && r.messages.every((m, i) => m === messages[i] || grownChoice(m, messages[i]));
    if (!nowKnown) assert.ok(grown, `${where}: ${JSON.stringify(r.messages)} vs ${JSON.stringify(messages)}`);
    assert.deepEqual(recorded(r.config, config), config, where);
    rejected += was ? 1 : 0;
  }
  // The fixture exercises both verdicts.
  assert.ok(rejected > 50 && rejected < fixture.links.length - 50, `${rejected} rejected`);
});
