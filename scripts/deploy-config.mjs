// The web server configurations that serve dist/ with the headers of the app's own server
// (scripts/serve.mjs: SECURITY_HEADERS, the immutable cache of content-hashed names), written
// from those same constants so they cannot drift (docs/DEPLOY.md):
//   node scripts/deploy-config.mjs nginx [root] [port]   an nginx server block (Debian's nginx with
//                                                        libnginx-mod-http-brotli-static)
//   node scripts/deploy-config.mjs headers               a `_headers` file (static hosts that read one)
// deploy/nginx.conf and deploy/_headers are this script's output (tests/deploy-config.test.mjs).
import { EMBED_HEADERS, EMBED_PATH, HASHED_NAME, IMMUTABLE, SECURITY_HEADERS } from './serve.mjs';

const addHeaders = (cache, indent, security = SECURITY_HEADERS) =>
  [...Object.entries(security), ['Cache-Control', cache]]
    .map(([k, v]) => `${indent}add_header ${k} "${v}" always;`)
    .join('\n');

export function nginx(root = '/srv/rgp-studio/dist', port = 8080) {
  return `# RGP Studio: dist/ (scripts/build-web.sh) behind nginx, with the headers of scripts/serve.mjs.
# Written by scripts/deploy-config.mjs; see docs/DEPLOY.md. Goes in nginx's http block (Debian:
# /etc/nginx/sites-enabled/rgp-studio). Needs Debian's libnginx-mod-http-brotli-static for the
# .br siblings; gzip_static is built in.
server {
    listen ${port};
    root ${root};
    index index.html;

    # The brotli and gzip siblings build-web.sh writes, sent as they are.
    brotli_static on;
    gzip_static on;
    gzip off;

    # Only GET and HEAD, as the app's own server.
    if ($request_method !~ ^(GET|HEAD)$) {
        return 405;
    }

    # Content-hashed names never change: cached for a year.
    location ~ "${HASHED_NAME.source}" {
${addHeaders(IMMUTABLE, '        ')}
    }

    # The embed: the one page other sites may frame (its own CSP frame-ancestors and CORP).
    location = ${EMBED_PATH} {
${addHeaders('no-cache', '        ', EMBED_HEADERS)}
    }

    # The page, app.js, sw.js and the data: revalidated on every use (ETag).
    location / {
${addHeaders('no-cache', '        ')}
    }
}
`;
}

export function headers() {
  const lines = [...Object.entries(SECURITY_HEADERS), ['Cache-Control', 'no-cache']].map(([k, v]) => `  ${k}: ${v}`);
  // The embed's own values: a host joins the values of every rule that matches a path, so the
  // `! Name` lines first drop the catch-all rule's (two CSPs would both apply, 'none' winning).
  const embed = Object.entries(EMBED_HEADERS).filter(([k, v]) => SECURITY_HEADERS[k] !== v);
  const embedLines = [...embed.map(([k]) => `  ! ${k}`), ...embed.map(([k, v]) => `  ${k}: ${v}`)];
  // One rule for every path: hosts differ in the patterns they match, and revalidating a
  // content-hashed file costs a 304 only.
  return `# RGP Studio on a static host that reads _headers (Netlify, Cloudflare Pages): the headers of
# scripts/serve.mjs. Written by scripts/deploy-config.mjs; see docs/DEPLOY.md.
/*
${lines.join('\n')}
${EMBED_PATH}
${embedLines.join('\n')}
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [kind, root, port] = process.argv.slice(2);
  if (kind === 'nginx') process.stdout.write(nginx(root, port ? Number(port) : undefined));
  else if (kind === 'headers') process.stdout.write(headers());
  else {
    console.error('usage: node scripts/deploy-config.mjs nginx [root] [port] | headers');
    process.exit(2);
  }
}
