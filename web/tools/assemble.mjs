// Assembles web/dist/ from the em++ output (build/wasm/bindings/omotenashi_core.*)
// and the loader sources in web/src/. Concatenation only: Emscripten's
// generated glue is wrapped, never edited.
//
//   omotenashi.js  = (function(){ glue; runtime; classic boot })();
//   omotenashi.mjs =  glue; runtime; module boot (with exports)
//
// Both are minified with terser (the glue is already Closure-minified; the
// loader keeps its property names, which are the public API).
import { readFileSync, writeFileSync, mkdirSync, copyFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';

const web = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(web);
const core = process.env.OMO_CORE_DIR || join(root, 'build/wasm/bindings');
const dist = process.env.OMO_DIST_DIR || join(web, 'dist');
const pkg = JSON.parse(readFileSync(join(web, 'package.json'), 'utf8'));

const read = (p) => readFileSync(p, 'utf8');
const glue = read(join(core, 'omotenashi_core.js'));
const runtime = read(join(web, 'src/runtime.js')).replace("var OMO_VERSION = '0.1.0';", `var OMO_VERSION = ${JSON.stringify(pkg.version)};`);
const banner = `/*! omotenashi ${pkg.version} | MIT */`;

const terserOptions = (module) => ({
  module,
  ecma: 2020,
  compress: { passes: 2 },
  mangle: true,
  format: { comments: /^!/, preamble: banner },
});

async function build() {
  mkdirSync(dist, { recursive: true });
  // Emscripten's glue ends with a UMD footer: module.exports = factory, or an
  // anonymous define() for an AMD loader. On a page with RequireJS (Magento)
  // that define() throws "Mismatched anonymous define() module" and the whole
  // script stopped; a page's own global module/exports got our factory. The
  // three names are shadowed by undefined locals, so the footer does nothing
  // (and terser drops it).
  const umd = 'exports, module, define';
  const classicSrc = `(function(${umd}){\n${glue}\n${runtime}\n${read(join(web, 'src/classic.js'))}\n})();\n`;
  const moduleSrc = `var ${umd};\n${glue}\n${runtime}\n${read(join(web, 'src/module.js'))}\n`;
  const classic = await minify(classicSrc, terserOptions(false));
  const mod = await minify(moduleSrc, terserOptions(true));
  const controls = await minify(read(join(web, 'src/controls.js')), terserOptions(false));
  writeFileSync(join(dist, 'omotenashi.js'), classic.code + '\n');
  writeFileSync(join(dist, 'omotenashi.mjs'), mod.code + '\n');
  writeFileSync(join(dist, 'omotenashi-controls.js'), controls.code + '\n');
  copyFileSync(join(core, 'omotenashi_core.wasm'), join(dist, 'omotenashi.wasm'));
  copyFileSync(join(web, 'omotenashi.d.ts'), join(dist, 'omotenashi.d.ts'));

  const gz = (f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
  const rows = ['omotenashi.js', 'omotenashi.mjs', 'omotenashi.wasm', 'omotenashi-controls.js'].map((f) => ({
    file: f, bytes: statSync(join(dist, f)).size, gzip: gz(f),
  }));
  for (const r of rows) console.log(`web/dist/${r.file.padEnd(24)} ${String(r.bytes).padStart(7)} B  gzip ${String(r.gzip).padStart(6)} B`);
  const total = gz('omotenashi.js') + gz('omotenashi.wasm');
  console.log(`web/dist: omotenashi.js + omotenashi.wasm gzipped = ${total} B (${(total / 1024).toFixed(1)} KiB)`);
  writeFileSync(join(dist, 'sizes.json'), JSON.stringify({ files: rows, jsPlusWasmGzip: total }, null, 2) + '\n');
}

build().catch((e) => {
  console.error('assemble:', e);
  process.exit(1);
});
