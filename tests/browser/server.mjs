// A tiny static server for the browser tests, on 127.0.0.1.
//   /dist/*            web/dist (the release bundle under test)
//   /broken/*          the bundle whose .wasm is missing (engine fails to load)
//   /pages/*           tests/browser/pages
//   /demo/*, /tests/fixtures/*   read by the golden-fixture replay
//   POST /v1/reports   a stand-in collector: records each batch, answers 202
//   GET  /__reports    the batches received; DELETE clears them
//   GET  /__stream?html=…&hold=MS   an HTML page sent in two parts
// Any HTML page gets the strict CSP  script-src 'self' 'wasm-unsafe-eval'
// when requested with ?csp=1. ?slow=MS on a .wasm or .json delays it.
import { createServer } from 'node:http';
import { join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveFile } from './static.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = normalize(join(here, '../..'));
const mounts = {
  '/dist/': join(root, 'web/dist'),
  '/broken/': join(root, 'web/dist'),
  '/pages/': join(here, 'pages'),
  '/demo/': join(root, 'demo'),
  '/tests/fixtures/': join(root, 'tests/fixtures'),
};
export const CSP = "script-src 'self' 'wasm-unsafe-eval'";

const reports = [];

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'cache-control': 'no-store', ...headers });
  res.end(body);
}

// { cacheBundle: true }: /dist/ files are cacheable (max-age) as a site would
// serve them, for the first-paint benchmark; everything else stays no-store.
export function start(port = 0, { cacheBundle = false } = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    if (path === '/v1/reports' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      let batch;
      try { batch = JSON.parse(body); } catch { return send(res, 400, '{"error":"not JSON"}'); }
      reports.push({ headers: req.headers, batch });
      const rids = (batch.reports || []).map((r) => r.rid);
      return send(res, 202, JSON.stringify({ ok: rids, dup: [] }), { 'content-type': 'application/json' });
    }
    if (path === '/__reports') {
      if (req.method === 'DELETE') reports.length = 0;
      return send(res, 200, JSON.stringify(reports), { 'content-type': 'application/json' });
    }
    if (path === '/__stream') {
      // The HTML of ?html= in two parts, ?hold=MS apart at its <!--hold-->: a
      // page the parser sees in the middle of an element.
      const [head, tail = ''] = (url.searchParams.get('html') || '').split('<!--hold-->');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.write(head);
      await new Promise((r) => setTimeout(r, +url.searchParams.get('hold') || 0));
      return res.end(tail);
    }
    if (path === '/favicon.ico') return send(res, 204, '');
    if (path.startsWith('/broken/') && path.endsWith('.wasm')) return send(res, 404, 'not found');
    return serveFile(res, mounts, path, send, async (ext) => {
      const slow = +url.searchParams.get('slow') || 0;
      if (slow) await new Promise((r) => setTimeout(r, slow));
      if (cacheBundle && path.startsWith('/dist/')) return { 'cache-control': 'public, max-age=3600' };
      return ext === '.html' && url.searchParams.get('csp') === '1' ? { 'content-security-policy': CSP } : {};
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = +(process.argv[2] || process.env.PORT || 8089);
  start(port).then((s) => console.log(`test server on http://127.0.0.1:${s.address().port}/`));
}
