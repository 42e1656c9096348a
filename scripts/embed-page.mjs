// Writes dist/embed.html from dist/index.html (scripts/build-web.sh): the same page, bundle and
// stylesheet (so the embed's first graph costs no more bytes than the app's), marked
// `<html data-embed>` for www/embed/embed.js and the stylesheet, with its own title. The server
// gives it its own headers (scripts/serve.mjs: any site may frame it).
//   node scripts/embed-page.mjs [dist]
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const EMBED_TITLE = 'RGP Studio (embedded)';

/** embed.html's text from index.html's; throws if index.html lost the marks it rewrites. The
 *  page's comments (for its readers, not the browser) are left out, which pays for the mark: the
 *  embed's page is no larger than the app's, raw or compressed (tests/e2e/serve.spec.mjs). */
export function embedPage(html) {
  const marked = html.replace(/<!--[\s\S]*?-->\s*/g, '').replace(/<html lang="en">/, '<html lang="en" data-embed>').replace(/<title>[^<]*<\/title>/, `<title>${EMBED_TITLE}</title>`);
  if (!marked.includes('<html lang="en" data-embed>') || !marked.includes(EMBED_TITLE)) {
    throw new Error('index.html has no <html lang="en"> or <title> to rewrite');
  }
  return marked;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = resolve(process.argv[2] || 'dist');
  writeFileSync(join(dist, 'embed.html'), embedPage(readFileSync(join(dist, 'index.html'), 'utf8')));
  console.log('  embed.html: written from index.html');
}
