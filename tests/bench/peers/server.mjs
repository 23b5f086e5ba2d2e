// The benchmark's static server on 127.0.0.1 (port 0 = any free one).
//   /dist/*   web/dist (our bundle)            /gb/*   GrowthBook's script-tag bundles
//   /demo/*   demo/ (rules.json)               /img/*  demo/site/img
//   /pages/*  tests/bench/peers/pages          /lib/*  tests/bench/peers/lib
//   GET /api/features/sdk-bench   GrowthBook's features endpoint, serving
//             demo/rules.json translated by lib/growthbook-rules.mjs
// Scripts, wasm and images: cache-control max-age=3600 (a returning visitor
// has them cached); HTML and JSON (rules, features): no-cache. Every
// response is cross-origin isolated (COOP/COEP), so performance.now() has
// 5 µs resolution instead of 100 µs.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toGrowthBook } from './lib/growthbook-rules.mjs';
import { serveFile } from '../../browser/static.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = normalize(join(here, '../../..'));
const mounts = {
  '/dist/': join(root, 'web/dist'),
  '/demo/': join(root, 'demo'),
  '/img/': join(root, 'demo/site/img'),
  '/pages/': join(here, 'pages'),
  '/lib/': join(here, 'lib'),
  '/gb/': join(here, 'node_modules/@growthbook/growthbook/dist/bundles'),
};
const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

function send(res, status, body, headers = {}) {
  res.writeHead(status, { ...isolation, ...headers });
  res.end(body);
}

export function start(port = 0) {
  const gbPayload = () => JSON.stringify({
    status: 200,
    features: toGrowthBook(JSON.parse(readFileSync(join(root, 'demo/rules.json'), 'utf8'))),
    dateUpdated: '2026-11-23T00:00:00Z',
  });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    if (path === '/api/features/sdk-bench') {
      return send(res, 200, gbPayload(), { 'content-type': 'application/json', 'cache-control': 'no-cache', 'access-control-allow-origin': '*' });
    }
    if (path === '/favicon.ico') return send(res, 204, '');
    return serveFile(res, mounts, path, send, (ext, s) => ({
      'cache-control': ext === '.js' || ext === '.mjs' || ext === '.wasm' || ext === '.svg' ? 'max-age=3600' : 'no-cache',
      'last-modified': s.mtime.toUTCString(),
    }));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  start(+(process.argv[2] || 0)).then((s) => console.log(`bench server on http://127.0.0.1:${s.address().port}/`));
}
