// What an embedded page (embed.html) makes of a link's embed keys, as pure functions: the graph
// worker asks `opensSearching` (it starts the link's run before the page runs), the embed view and
// the share dialog the rest. The keys themselves are the schema's (src/settings/presenter.rs).

import { fieldOf, serialize, valueOf } from '../url-state.js';

/** The keys only an embedded page reads; the full app's link leaves them out. */
export const EMBED_KEYS = ['view', 'hide', 'autorun'];

/** The five views an embed may show, in the schema's order. */
export const VIEWS = fieldOf('view').values;

/** Whether the page is the embed (scripts/embed-page.mjs marks its <html>). */
export function isEmbed(doc = globalThis.document) {
  return Boolean(doc?.documentElement?.hasAttribute('data-embed'));
}

/** Whether an embed opened on `config` searches at once. Only the search view has a Search
 *  button: it waits for a click unless autorun says otherwise. The other views show the link's
 *  graph as the app does (its search runs), which their panels then use. */
export function opensSearching(config) {
  return valueOf(config, 'view') !== 'search' || valueOf(config, 'autorun') !== 'false';
}

/** The setting keys whose controls the embed leaves out: the known keys of `hide=`. A key that
 *  is no setting is ignored (the link may come from a newer version), never an error. */
export function hiddenKeys(config) {
  const raw = config?.hide;
  if (typeof raw !== 'string' || raw === '') return [];
  return [...new Set(raw.split(','))].filter((k) => fieldOf(k) && !EMBED_KEYS.includes(k));
}

/** `config` without the embed's keys: the configuration the full app shows. */
export function appConfig(config) {
  const c = { ...config };
  for (const k of EMBED_KEYS) c[k] = null;
  return c;
}

/** The app's link for `config` (relative to `base`, the page's address). */
export function appUrl(config, base) {
  return new URL(`index.html#${serialize(appConfig(config))}`, base).href;
}

/** The embed's link for `config` shown as `view` (the default view is left out of the link). */
export function embedUrl(config, view, base) {
  const c = { ...config, view: view === 'graph' ? null : view };
  return new URL(`embed.html#${serialize(c)}`, base).href;
}

/** A ready-to-paste <iframe> for `url`; the title names what it shows (a frame needs one). */
export function iframeSnippet(url, view) {
  const label = fieldOf('view').labels[VIEWS.indexOf(view)] ?? 'the graph';
  const safe = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  const height = view === 'graph' ? 600 : 640;
  return `<iframe src="${safe}" title="RGP Studio: ${label}" width="720" height="${height}" style="border:0" loading="lazy"></iframe>`;
}
