// Browser benchmark (not a test): the release bundle in Debian's Chromium.
//   node tests/browser/bench.mjs        (after web/build; prints a markdown table)
// 1. decide(): every slot of the demo rules for a returning visitor
//    (engine.decideAll + JSON.parse, what the runtime does on each signal).
//    Chromium coarsens performance.now() (100 µs unless cross-origin isolated), so calls are
//    timed in batches of 50; p50/p99 are over the per-call means of 300 batches.
//    Peer in the same run: JSON.parse of the same decisions text alone.
//    Also the mean cost of the other calls the runtime makes (loops of 3,000 after warm-up).
// 2. Navigation to personalized first paint for a returning visitor (consent granted, name
//    and pet stored): the first animation frame in which the greeting shows the personalized
//    text, from navigation start. Peer: first-contentful-paint of the same page without the
//    script tag. Median of 15 navigations each, with the median moment of each step (script
//    run, wasm compiled, IndexedDB opened, profile read). Run twice: everything no-store,
//    and the bundle cacheable (max-age) as a site would serve it.
import { chromium } from '@playwright/test';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { start } from './server.mjs';
import { chromiumArgs } from './playwright.config.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const server = await start(0);
const cachedServer = await start(0, { cacheBundle: true });
const base = `http://127.0.0.1:${server.address().port}`;
const dir = mkdtempSync(join(tmpdir(), 'omo-bench-'));
const context = await chromium.launchPersistentContext(dir, { executablePath: process.env.OMO_CHROMIUM || '/usr/bin/chromium', args: chromiumArgs });
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };

try {
  // ---- 1. decide()
  const page = await context.newPage();
  await page.goto(`${base}/pages/blank.html`);
  const fixture = JSON.parse(readFileSync(join(root, 'tests/fixtures/decide/named-dog-owner.json'), 'utf8'));
  const rulesText = readFileSync(join(root, fixture.rules), 'utf8');
  const d = await page.evaluate(async ({ rulesText, fixture }) => {
    const M = await window.omotenashi._load();
    const e = new M.Engine(rulesText, 0, 1);
    e.setContext(JSON.stringify(fixture.context));
    e.loadProfileScript(JSON.stringify(fixture.profile), fixture.now);
    e.beginPage(fixture.now);
    const slots = JSON.parse(e.decideAll(fixture.now)).length;
    const text = e.decideAll(fixture.now);
    const B = 50, N = 300, engine = [], peer = [];
    for (let i = 0; i < 200; i++) JSON.parse(e.decideAll(fixture.now));   // warm-up
    for (let n = 0; n < N; n++) {
      let t = performance.now();
      for (let i = 0; i < B; i++) JSON.parse(e.decideAll(fixture.now + n));
      engine.push((performance.now() - t) / B * 1000);
      t = performance.now();
      for (let i = 0; i < B; i++) JSON.parse(text);
      peer.push((performance.now() - t) / B * 1000);
    }
    const mean = (fn, n = 3000) => {
      for (let i = 0; i < 300; i++) fn(i);
      const t = performance.now();
      for (let i = 0; i < n; i++) fn(i);
      return (performance.now() - t) / n * 1000;
    };
    const calls = {
      'an empty call (profileEmpty)': mean(() => e.profileEmpty(), 20000),
      'decideAll() alone': mean((i) => e.decideAll(fixture.now + i)),
      'track() a product view': mean((i) => e.track(JSON.stringify({ type: 'view', sku: `sku-${i % 40}`, category: 'food' }), fixture.now + i)),
      'saveProfile() (40 products viewed)': mean(() => e.saveProfile()),
      'explain() one slot': mean(() => e.explain('greeting', fixture.now)),
    };
    e.delete();
    return { slots, engine, peer, calls, isolated: self.crossOriginIsolated };
  }, { rulesText, fixture });
  await page.close();

  // ---- 2. the rules compiled in the page (new Engine) with a large catalog,
  // a national chain's: demo/rules.json plus n products; peer: JSON.parse of
  // the same text, which the loader also does once.
  const catalogPage = await context.newPage();
  await catalogPage.goto(`${base}/pages/blank.html`);
  const demoRules = JSON.parse(readFileSync(join(root, 'demo/rules.json'), 'utf8'));
  const catalog = [];
  await catalogPage.evaluate(async (text) => {   // warm-up: the wasm's code tiers up
    const M = await window.omotenashi._load();
    for (let i = 0; i < 20; i++) new M.Engine(text, 0, 1).delete();
  }, JSON.stringify(demoRules));
  for (const n of [1000, 10000, 50000]) {
    const rules = { ...demoRules, catalog: { ...demoRules.catalog } };
    for (let i = 0; i < n; i++) rules.catalog[`sku-${i}`] = { category: `c${i % 40}` };
    const text = JSON.stringify(rules);
    catalog.push({ n, bytes: text.length, ...await catalogPage.evaluate(async (text) => {
      const M = await window.omotenashi._load();
      const engine = [], peer = [];
      for (let r = 0; r < 7; r++) {
        let t = performance.now();
        const e = new M.Engine(text, 0, 1);
        engine.push(performance.now() - t);
        if (!e.ok()) throw new Error(e.diagnostics());
        e.delete();
        t = performance.now();
        JSON.parse(text);
        peer.push(performance.now() - t);
      }
      return { engine, peer };
    }, text) });
  }
  await catalogPage.close();

  // ---- 3. navigation to personalized first paint, twice: every file served
  // with no-store (the bundle fetched and compiled anew on each page), and the
  // bundle cached as a site would serve it (max-age; Chrome may then also
  // reuse compiled wasm code, for modules over 128 KB). Each server is its
  // own origin, so each has its own returning visitor.
  const nav = {};
  for (const [label, srv] of [['no-store', server], ['bundle cached', cachedServer]]) {
    nav[label] = await firstPaint(`http://127.0.0.1:${srv.address().port}`);
  }
  const f = (x) => x.toFixed(1);
  console.log(`decide(): ${d.slots} slots of demo/rules.json, returning visitor (named-dog-owner fixture)`);
  console.log('| measure | p50 | p99 | peer p50 | ratio |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(`| decide() all slots + JSON.parse (µs) | ${f(pct(d.engine, 0.5))} | ${f(pct(d.engine, 0.99))} | ${f(pct(d.peer, 0.5))} (JSON.parse alone) | ${(pct(d.engine, 0.5) / pct(d.peer, 0.5)).toFixed(1)}× |`);
  for (const [label, n] of Object.entries(nav)) {
    console.log(`| navigation → personalized first paint, ${label} (ms) | ${f(median(n.personalized))} | ${f(Math.max(...n.personalized))} (max) | ${f(median(n.plain))} (FCP without script) | ${(median(n.personalized) / median(n.plain)).toFixed(2)}× |`);
    console.log(`| navigation → ready resolved, ${label} (ms) | ${f(median(n.ready))} | ${f(Math.max(...n.ready))} (max) | | |`);
  }
  for (const [label, n] of Object.entries(nav)) {
    console.log(`\n| step of the personalized first paint, ${label} | median ms from navigation |\n|---|---:|`);
    for (const k of Object.keys(n.steps[0]).sort((a, b) => n.steps[0][a] - n.steps[0][b]))
      console.log(`| ${k} | ${f(median(n.steps.map((x) => x[k])))} |`);
    console.log(`| ready resolved | ${f(median(n.ready))} |\n| personalized frame | ${f(median(n.personalized))} |`);
  }
  console.log('\n| call (mean) | µs |\n|---|---:|');
  for (const [name, us] of Object.entries(d.calls)) console.log(`| ${name} | ${f(us)} |`);
  console.log('\n| rules with a catalog of | text | new Engine(rules), median of 7 (ms) | JSON.parse of the text (ms) | ratio |\n|---:|---:|---:|---:|---:|');
  for (const c of catalog)
    console.log(`| ${c.n} products | ${(c.bytes / 1024).toFixed(0)} KB | ${f(median(c.engine))} | ${f(median(c.peer))} | ${(median(c.engine) / median(c.peer)).toFixed(1)}× |`);
} finally {
  await context.close();
  rmSync(dir, { recursive: true, force: true });
  server.close();
  cachedServer.close();
}

// Navigation to the personalized first paint for a returning visitor of
// `origin`; the peer is the FCP of the same page without the script.
async function firstPaint(origin) {
  const p2 = await context.newPage();
  await p2.goto(`${origin}/pages/shop.html`);
  await p2.evaluate(() => window.omotenashi.ready);
  await p2.evaluate(() => window.omotenashi.consent('granted'));
  await p2.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko', pet: 'dog' }));
  await p2.evaluate(() => new Promise((r) => { dispatchEvent(new Event('pagehide')); setTimeout(r, 500); }));
  await p2.addInitScript(() => {
    window.__first = 0;
    window.__ready = 0;
    // Where the time goes: the first moment of each step, from navigation start.
    const steps = window.__steps = {};
    const mark = (k) => { steps[k] = steps[k] || performance.now(); };
    let api;
    Object.defineProperty(window, 'omotenashi', {
      configurable: true,
      get: () => api,
      set: (v) => { api = v; mark('script run'); v.ready.then(() => { window.__ready = performance.now(); }); },
    });
    const stream = WebAssembly.instantiateStreaming;
    WebAssembly.instantiateStreaming = function (...a) {
      return stream.apply(this, a).then((r) => { mark('wasm compiled'); return r; });
    };
    const open = IDBFactory.prototype.open;
    IDBFactory.prototype.open = function (...a) {
      mark('IndexedDB open asked');
      const r = open.apply(this, a);
      r.addEventListener('success', () => mark('IndexedDB open'));
      return r;
    };
    const get = IDBObjectStore.prototype.get;
    IDBObjectStore.prototype.get = function (...a) {
      const r = get.apply(this, a);
      r.addEventListener('success', () => mark('profile read'));
      return r;
    };
    const f = () => {
      const g = document.getElementById('greeting');
      if (g && g.textContent === 'Welcome back, Aiko' && getComputedStyle(g).visibility === 'visible') { window.__first = performance.now(); return; }
      requestAnimationFrame(f);
    };
    requestAnimationFrame(f);
  });
  const personalized = [], plain = [], ready = [], steps = [];
  for (let i = 0; i < 15; i++) {
    await p2.goto(`${origin}/pages/shop.html`);
    await p2.waitForFunction(() => window.__first > 0);
    personalized.push(await p2.evaluate(() => window.__first));
    await p2.waitForFunction(() => window.__ready > 0);
    ready.push(await p2.evaluate(() => window.__ready));
    steps.push(await p2.evaluate(() => window.__steps));
    await p2.goto(`${origin}/pages/plain.html`);
    await p2.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
    plain.push(await p2.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0].startTime));
  }
  await p2.close();
  return { personalized, plain, ready, steps };
}
