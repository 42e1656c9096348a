// Messages between the page and its workers, declared once per worker pair (www/*/messages.js):
// each message's fields (a trailing '?' marks an optional one) and one line saying what it does
// and what answers it. Both sides go through these helpers: `message` builds one and refuses an
// undeclared type, a missing field or an unknown one; `dispatcher` routes a worker's incoming
// messages and refuses to start unless its handlers are exactly the declared messages.
// tests/protocols.test.mjs checks every pair against the sources that use it.

/** `{type, ...payload}` after checking it against `table[type]`. */
export function message(table, type, payload = {}) {
  const decl = table[type];
  if (!decl) throw new Error(`undeclared message '${type}'`);
  check(decl, type, payload);
  return { type, ...payload };
}

function check(decl, type, payload) {
  const names = decl.fields.map((f) => f.replace(/\?$/, ''));
  for (const f of decl.fields) {
    if (!f.endsWith('?') && payload[f] === undefined) throw new Error(`message '${type}' lacks '${f}'`);
  }
  for (const k of Object.keys(payload)) {
    if (k !== 'type' && !names.includes(k)) throw new Error(`message '${type}' has no field '${k}'`);
  }
}

/** A function that hands each incoming message to `handlers[msg.type]`, after checking it.
 * Throws at once if `handlers` does not cover exactly the messages `table` declares. */
export function dispatcher(table, handlers) {
  const declared = Object.keys(table).sort().join(', ');
  const handled = Object.keys(handlers).sort().join(', ');
  if (declared !== handled) throw new Error(`the worker handles [${handled}] but declares [${declared}]`);
  return (msg) => {
    const type = msg && msg.type;
    if (!Object.hasOwn(table, type)) throw new Error(`undeclared message '${String(type).slice(0, 40)}'`);
    check(table[type], type, msg);
    return handlers[type](msg);
  };
}
