// Assembles the demo shop into one static folder for `omotenashi serve --static`:
//   pages of demo/site/ with their shared parts ({{> header}} ...) filled in,
//   one product page per SKU (demo/site/products/_product.html),
//   the browser bundle (web/dist) under /omotenashi/, the rules as /rules.json.
// Checks that the rules' catalog, the shop's catalog and the pictures agree.
//
//   node demo/tools/assemble.mjs [--out build/demo/site] [--dist web/dist] [--rules demo/rules.json]
import { readFileSync, writeFileSync, mkdirSync, rmSync, readdirSync, statSync, copyFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const demo = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(demo);
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
};
const out = opt('--out', join(root, 'build/demo/site'));
const dist = opt('--dist', join(root, 'web/dist'));
const rulesPath = opt('--rules', join(demo, 'rules.json'));
const site = join(demo, 'site');

const problems = [];
const rules = JSON.parse(readFileSync(rulesPath, 'utf8'));
const catalog = JSON.parse(readFileSync(join(site, 'data/catalog.json'), 'utf8'));

const partials = {};
for (const f of readdirSync(join(site, '_partials'))) {
  partials[f.replace(/\.html$/, '')] = readFileSync(join(site, '_partials', f), 'utf8').trimEnd();
}
function expand(text, file) {
  for (let i = 0; i < 5 && /\{\{>\s*[\w-]+\s*\}\}/.test(text); i++) {
    text = text.replace(/\{\{>\s*([\w-]+)\s*\}\}/g, (_, name) => {
      if (!(name in partials)) problems.push(`${file}: no partial "${name}"`);
      return partials[name] ?? '';
    });
  }
  return text;
}
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

function copyTree(from, to) {
  for (const name of readdirSync(from)) {
    if (name === '_partials' || name.startsWith('_')) continue;
    const src = join(from, name);
    const dst = join(to, name);
    if (statSync(src).isDirectory()) {
      mkdirSync(dst, { recursive: true });
      copyTree(src, dst);
    } else if (name.endsWith('.html')) {
      writeFileSync(dst, expand(readFileSync(src, 'utf8'), relative(demo, src)));
    } else {
      copyFileSync(src, dst);
    }
  }
}
copyTree(site, out);

// Product pages.
const template = readFileSync(join(site, 'products/_product.html'), 'utf8');
for (const [sku, p] of Object.entries(catalog.products)) {
  const ruled = rules.catalog && rules.catalog[sku];
  if (!ruled) problems.push(`demo/site/data/catalog.json: ${sku} is not in the rules' catalog`);
  const category = ruled ? ruled.category : p.category;
  if (ruled && ruled.category !== p.category) problems.push(`${sku}: category ${p.category} here, ${ruled.category} in the rules`);
  if (!existsSync(join(site, 'img/products', sku + '.svg'))) problems.push(`${sku}: no picture demo/site/img/products/${sku}.svg`);
  const vars = { sku, category, name: p.name.en, blurb: p.blurb.en, price: '¥' + p.price.toLocaleString('en-US') };
  const html = expand(template, 'products/_product.html').replace(/\{\{(\w+)\}\}/g, (m, k) => (k in vars ? esc(vars[k]) : m));
  mkdirSync(join(out, 'products', sku), { recursive: true });
  writeFileSync(join(out, 'products', sku, 'index.html'), html);
}
for (const sku of Object.keys(rules.catalog || {})) {
  if (!catalog.products[sku]) problems.push(`rules catalog: ${sku} has no entry in demo/site/data/catalog.json`);
}
// Pictures the rules point at must exist.
JSON.stringify(rules.slots || {}).replace(/"src":"(\/[^"]+)"/g, (_, src) => {
  if (!existsSync(join(site, src))) problems.push(`rules: picture ${src} is not in demo/site`);
  return '';
});

// The bundle and the rules.
mkdirSync(join(out, 'omotenashi'), { recursive: true });
for (const f of ['omotenashi.js', 'omotenashi.mjs', 'omotenashi.wasm', 'omotenashi-controls.js', 'omotenashi.d.ts']) {
  if (existsSync(join(dist, f))) copyFileSync(join(dist, f), join(out, 'omotenashi', f));
  else if (f !== 'omotenashi.d.ts' && f !== 'omotenashi.mjs') problems.push(`bundle: ${join(dist, f)} is missing (run web/build)`);
}
copyFileSync(rulesPath, join(out, 'rules.json'));

if (problems.length) {
  for (const p of problems) console.error('demo/assemble: ' + p);
  process.exit(1);
}
console.log(`demo/assemble: ${relative(root, out) || out} (${Object.keys(catalog.products).length} product pages)`);
