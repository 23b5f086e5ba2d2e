// Files from mounted folders, for the browser tests' server and the peers
// benchmark's server: the one place that maps a URL path to a file.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.css': 'text/css', '.ts': 'text/plain',
};

// Answers with the file `path` names under `mounts` ({'/prefix/': folder}),
// or 404/403, through `send(res, status, body, headers)`. `headersFor(ext,
// stats)` (may be async) adds headers to a found file.
export async function serveFile(res, mounts, path, send, headersFor = () => ({})) {
  const prefix = Object.keys(mounts).find((p) => path.startsWith(p));
  if (!prefix) return send(res, 404, 'not found');
  const file = normalize(join(mounts[prefix], path.slice(prefix.length)));
  if (!file.startsWith(mounts[prefix])) return send(res, 403, 'forbidden');
  try {
    const s = await stat(file);
    if (!s.isFile()) return send(res, 404, 'not found');
    const body = await readFile(file);
    const ext = extname(file);
    return send(res, 200, body, { 'content-type': types[ext] || 'application/octet-stream', ...(await headersFor(ext, s)) });
  } catch {
    return send(res, 404, 'not found');
  }
}
