// The README's picture of the embed (docs/embed.png): a course page on another origin that frames
// embed.html's search view (autorun=true) beside its text, as a teacher would paste it from
// "Share / embed". Serves dist/ with the app's own server, the host page with a plain one.
//   scripts/build-web.sh && node scripts/embed-screenshot.mjs [out=docs/embed.png]
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { startServer } from './serve.mjs';
import { launch, root, waitForState } from '../tests/e2e/harness.mjs';

const out = resolve(root, process.argv[2] || 'docs/embed.png');
const LINK = 'v=1&nodes=48&degree=4&seed=11&iters=20000&view=search&hide=seed,init&autorun=true';

const app = await startServer(resolve(root, 'dist'), 0);
const appUrl = `http://127.0.0.1:${app.address().port}/`;
const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Week 5: sparse networks</title>
<style>body{font:16px/1.5 Georgia,serif;max-width:1000px;margin:24px auto;color:#222}iframe{border:1px solid #ccc;border-radius:6px}</style></head>
<body><h1>Week 5: pruning with regular graphs</h1>
<p>Press <b>Search</b> and watch the average shortest path fall as edges are swapped. Try a larger degree: does the Moore bound get closer?</p>
<iframe src="${appUrl}embed.html#${LINK}" title="RGP Studio: the search" width="1000" height="470"></iframe>
<p>Next week: train the pruned network on these masks.</p></body></html>`;
const host = createServer((req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page));
await new Promise((ok) => host.listen(0, '127.0.0.1', ok));

const browser = await launch();
try {
  const tab = await browser.newPage({ viewport: { width: 1060, height: 700 } });
  await tab.goto(`http://127.0.0.1:${host.address().port}/`);
  const frame = await (await tab.waitForSelector('iframe')).contentFrame();
  await waitForState(frame, ['done']);
  await tab.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  host.close();
  app.close();
}
