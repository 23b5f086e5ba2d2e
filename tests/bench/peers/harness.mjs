// Issue 7: Omotenashi against the peers, side by side in one run. Started by
// ./run (which installs and checks what it needs); see docs/benchmarks.md.
//   node harness.mjs [--quick] [--parts sizes,native,decide,scale,paint,collector]
// Prints a table and writes build/bench/peers-<UTC stamp>.json (and
// build/bench/peers-latest.json). Every part is bounded; the whole run takes
// a few minutes on a loaded 2-core machine.
import { spawnSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { gzipSync, constants as zc } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg, cpus, tmpdir } from 'node:os';
import { chromium } from '@playwright/test';
import { start } from './server.mjs';
import { summary, median } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const partsArg = args.indexOf('--parts') >= 0 ? args[args.indexOf('--parts') + 1] : 'sizes,native,decide,scale,paint,collector';
const parts = new Set(partsArg.split(','));
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const cfg = quick
  ? { decideRounds: 2, decideN: 500, scaleRuns: 1, scaleBudget: 400, heapRuns: 1, paintN: 3, wrkRuns: 1, wrkSeconds: 3, nativeReps: 2 }
  : { decideRounds: 7, decideN: 2000, scaleRuns: 3, scaleBudget: 1500, heapRuns: 3, paintN: 12, wrkRuns: 3, wrkSeconds: 5, nativeReps: 3 };

const log = (...a) => console.error('[peers]', ...a);
const pkgVersion = (p) => JSON.parse(readFileSync(join(here, 'node_modules', p, 'package.json'), 'utf8')).version;
const result = {
  date: new Date().toISOString(),
  machine: { cores: cpus().length, cpu: cpus()[0] && cpus()[0].model, loadavgStart: loadavg(), node: process.version },
  config: { quick, ...cfg },
  command: 'tests/bench/peers/run' + (args.length ? ' ' + args.join(' ') : ''),
};
const s3 = (x) => x && { median: x.median, min: x.min, max: x.max, n: x.n };

// ------------------------------------------------------------ 2. bundle size
function sizes() {
  const gz = (f) => {
    const b = readFileSync(f);
    return { bytes: b.length, gzip: gzipSync(b, { level: 9 }).length };
  };
  const nm = (p) => join(here, 'node_modules', p);
  const entries = [
    { peer: 'Omotenashi', version: JSON.parse(readFileSync(join(root, 'web/package.json'), 'utf8')).version || '',
      files: ['web/dist/omotenashi.js', 'web/dist/omotenashi.wasm'].map((f) => ({ path: f, ...gz(join(root, f)) })) },
    { peer: 'GrowthBook script tag (auto)', version: pkgVersion('@growthbook/growthbook'),
      files: [{ path: '@growthbook/growthbook/dist/bundles/auto.min.js', ...gz(nm('@growthbook/growthbook/dist/bundles/auto.min.js')) }] },
    { peer: 'GrowthBook SDK (UMD, no auto)', version: pkgVersion('@growthbook/growthbook'),
      files: [{ path: '@growthbook/growthbook/dist/bundles/index.min.js', ...gz(nm('@growthbook/growthbook/dist/bundles/index.min.js')) }] },
    { peer: 'Optimizely SDK (browser UMD)', version: pkgVersion('@optimizely/optimizely-sdk'),
      files: [{ path: '@optimizely/optimizely-sdk/dist/optimizely.browser.umd.min.js', ...gz(nm('@optimizely/optimizely-sdk/dist/optimizely.browser.umd.min.js')) }] },
    { peer: 'Flagsmith (browser UMD)', version: pkgVersion('flagsmith'),
      files: [{ path: 'flagsmith/index.js', ...gz(nm('flagsmith/index.js')) }] },
    { peer: 'OpenFeature web SDK (global, API only: no provider)', version: pkgVersion('@openfeature/web-sdk'),
      files: [{ path: '@openfeature/web-sdk/dist/global/index.min.js', ...gz(nm('@openfeature/web-sdk/dist/global/index.min.js')) }] },
  ];
  for (const e of entries) {
    e.bytes = e.files.reduce((a, f) => a + f.bytes, 0);
    e.gzip = e.files.reduce((a, f) => a + f.gzip, 0);
  }
  const ours = entries[0].gzip;
  for (const e of entries) e.ratioOursToPeer = ours / e.gzip;
  return entries;
}

// ------------------------------------------------ 1 + 4. native engine_bench
function native() {
  const bin = join(root, 'build/native/tests/bench/engine_bench');
  const filter = '^BM_(DecidePage|DecidePageNoMatch|DecidePageInterpreted|CompileRules)/';
  const argv = [`--benchmark_filter=${filter}`, `--benchmark_repetitions=${cfg.nativeReps}`, '--benchmark_min_time=0.05', '--benchmark_format=json'];
  log('native:', bin, argv.join(' '));
  const r = spawnSync('timeout', ['300', bin, ...argv], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error('engine_bench failed: ' + r.stderr);
  // Google Benchmark 1.7 prints NaN / inf for some aggregate counters: not JSON.
  const j = JSON.parse(r.stdout.replace(/:\s*-?(nan|NaN|inf|Infinity)\b/g, ': null'));
  const by = {};
  for (const b of j.benchmarks) {
    if (b.run_type !== 'iteration') continue;
    const toUs = { ns: 1e-3, us: 1, ms: 1e3, s: 1e6 }[b.time_unit];
    (by[b.run_name] = by[b.run_name] || { real: [], cpu: [] });
    by[b.run_name].real.push(b.real_time * toUs);
    by[b.run_name].cpu.push(b.cpu_time * toUs);
  }
  const out = {};
  for (const [name, v] of Object.entries(by)) out[name] = { realUs: s3(summary(v.real)), cpuUs: s3(summary(v.cpu)) };
  return { command: `build/native/tests/bench/engine_bench '--benchmark_filter=${filter}' --benchmark_repetitions=${cfg.nativeReps} --benchmark_min_time=0.05 --benchmark_format=json`, context: j.context, benchmarks: out };
}

// ------------------------------------------------------------ Chromium parts
async function withPage(browser, base, fn) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try { return await fn(page, errors); } finally { await ctx.close(); }
}
async function benchPage(page, base) {
  await page.goto(base + '/pages/bench.html');
  await page.waitForFunction(() => window.bench, null, { timeout: 30000 });
}

async function decide(browser, base) {
  return withPage(browser, base, async (page) => {
    await benchPage(page, base);
    const r = await page.evaluate((o) => window.bench.decide(o), { rounds: cfg.decideRounds, n: cfg.decideN, warmup: 300 });
    const agg = (who) => ({
      p50Us: s3(summary(r[who].map((x) => x.p50))),
      p99Us: s3(summary(r[who].map((x) => x.p99))),
      perSecond: s3(summary(r[who].map((x) => x.perSecond))),
    });
    return {
      rounds: cfg.decideRounds, perRound: cfg.decideN, crossOriginIsolated: r.crossOriginIsolated,
      ours: agg('ours'), oursWasmCallOnly: agg('oursRaw'), growthbook: agg('growthbook'),
      agreement: r.agreement, attributes: r.attributes,
      ratioP50: median(r.ours.map((x) => x.p50)) / median(r.growthbook.map((x) => x.p50)),
      ratioPerSecond: median(r.ours.map((x) => x.perSecond)) / median(r.growthbook.map((x) => x.perSecond)),
    };
  });
}

async function scale(browser, base) {
  const runs = [], heaps = [];
  for (let i = 0; i < cfg.heapRuns; ++i) {
    heaps.push(await withPage(browser, base, async (page) => {
      await benchPage(page, base);
      return page.evaluate(() => window.bench.heap({ signals: 10000 }));
    }));
  }
  for (let i = 0; i < cfg.scaleRuns; ++i) {
    runs.push(await withPage(browser, base, async (page) => {
      await benchPage(page, base);
      return page.evaluate((o) => window.bench.scale(o), { sizes: [10, 100, 1000, 10000], budgetMs: cfg.scaleBudget });
    }));
  }
  const sizes = runs[0].results.map((x) => x.rules);
  const table = sizes.map((n, k) => {
    const col = (key) => s3(summary(runs.map((r) => r.results[k][key])));
    return { rules: n, compileMs: col('compileMs'), decideUs: col('decideUs'), gbDecideUs: col('gbDecideUs'), gbLoadMs: col('gbLoadMs'),
      noMatchUs: col('noMatchUs'), gbNoMatchUs: col('gbNoMatchUs'), personalizedSlots: runs[0].results[k].personalizedSlots,
      agreeSlots: Math.min(...runs.map((r) => r.results[k].agreeSlots)), slots: runs[0].results[k].slots };
  });
  const hk = (key) => s3(summary(heaps.map((h) => h[key])));
  return {
    runs: runs.length, table,
    heap: { afterModule: hk('afterModule'), afterLoad: hk('afterLoad'), afterSignals: hk('afterSignals'), signals: heaps[0].signals,
      trackUsPerSignal: s3(summary(heaps.map((h) => h.trackMsPerSignal * 1000))), profileBytes: hk('profileBytes'),
      jsHeapUsed: hk('jsHeapUsed'), errors: heaps.reduce((a, h) => a + h.errors, 0) },
    heapAfter10kRules: s3(summary(runs.map((r) => r.heapBytesAfter))),
  };
}

// Returning visitor: a fresh context, a first visit that sets the visitor up
// (ours: consent + profile stored in IndexedDB; GrowthBook: its features
// cache in localStorage and the site's copy of the attributes), then the
// measured load of the same page.
async function paintOnce(browser, base, who, gbAttributes) {
  return withPage(browser, base, async (page, errors) => {
    const url = base + (who === 'ours' ? '/pages/fp-omo.html' : '/pages/fp-gb.html');
    await page.goto(url);
    if (who === 'ours') {
      await page.evaluate(async () => {
        await omotenashi.ready;
        await omotenashi.consent('granted');
        await omotenashi.setProfile({ name: 'Aiko', pet: 'dog', region: 'hokkaido' });
        omotenashi.track('view', { sku: 'dog-bed-deluxe', category: 'beds' });
      });
    } else {
      await page.evaluate((a) => localStorage.setItem('bench.gb.attributes', JSON.stringify(a)), gbAttributes);
      await page.waitForFunction(() => localStorage.getItem('gbFeaturesCache'), null, { timeout: 10000 });
    }
    if (who === 'ours') {
      // The save to IndexedDB is debounced and asynchronous: reload until the
      // stored profile is what the engine starts from (the hero shows the dog).
      let stored = false;
      for (let k = 0; k < 6 && !stored; ++k) {
        await page.waitForTimeout(500);
        await page.goto(url);
        stored = await page.evaluate(async () => { await omotenashi.ready; const d = omotenashi.decide('hero'); return !!d && d.variant === 'dog'; });
      }
      if (!stored) errors.push('warm-up: the profile was not stored');
      await page.waitForTimeout(300);
    } else {
      await page.waitForTimeout(500);
    }
    await page.goto(url);
    await page.waitForFunction(() => window.__fp && window.__fp.nextFrame !== null, null, { timeout: 10000 }).catch(() => {});
    const fp = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const out = { ...window.__fp, domContentLoaded: nav.domContentLoadedEventEnd, responseEnd: nav.responseEnd };
      if (out.personalized === null) {   // what the page shows instead
        out.debug = {
          slots: Array.prototype.map.call(document.querySelectorAll('[data-omo-slot]'), (el) => [el.getAttribute('data-omo-variant'), el.textContent.trim().slice(0, 60)]),
          htmlClass: document.documentElement.className, storage: Object.keys(localStorage),
          attributes: window.__gb ? window.__gb.getAttributes() : null,
        };
      }
      return out;
    });
    return { ...fp, errors };
  });
}

async function paint(browser, base, gbAttributes) {
  const samples = { ours: [], growthbook: [] };
  for (let i = 0; i < cfg.paintN; ++i) {
    for (const who of i % 2 ? ['growthbook', 'ours'] : ['ours', 'growthbook']) {
      samples[who].push(await paintOnce(browser, base, who, gbAttributes));
    }
  }
  const agg = (xs) => {
    const ok = xs.filter((x) => x.personalized !== null && x.variants && x.variants[1] === 'dog');
    return {
      personalizedMs: s3(summary(ok.map((x) => x.personalized))),
      nextFrameMs: s3(summary(ok.map((x) => x.nextFrame))),
      fcpMs: s3(summary(xs.map((x) => x.fcp))),
      readyMs: s3(summary(xs.map((x) => x.ready))),
      domContentLoadedMs: s3(summary(xs.map((x) => x.domContentLoaded))),
      flashOfDefault: xs.filter((x) => x.defaultShown !== null).length,
      loads: xs.length, personalizedLoads: ok.length,
      errors: [...new Set(xs.flatMap((x) => x.errors))],
    };
  };
  const ours = agg(samples.ours), growthbook = agg(samples.growthbook);
  return { loads: cfg.paintN, ours, growthbook, ratio: ours.personalizedMs.median / growthbook.personalizedMs.median, samples };
}

// ---------------------------------------------------------------- 5. collector
function collector() {
  const runs = [];
  const work = mkdtempSync(join(tmpdir(), 'omo-peers-'));
  try {
    for (let i = 0; i < cfg.wrkRuns; ++i) {
      const cpuFile = join(work, `cpu-${i}.json`);
      const env = { ...process.env, DURATION: String(cfg.wrkSeconds), BATCH: '10', OMO_REAL_BIN: join(root, 'build/native/omotenashi'), OMO_CPU_FILE: cpuFile };
      log(`collector: run ${i + 1}/${cfg.wrkRuns}: DURATION=${cfg.wrkSeconds} BATCH=10 tests/bench/collector_wrk.sh (CPU via lib/serve-cpu.sh)`);
      const r = spawnSync(join(root, 'tests/bench/collector_wrk.sh'), [join(here, 'lib/serve-cpu.sh')], { env, encoding: 'utf8', timeout: (cfg.wrkSeconds + 60) * 1000 });
      const out = (r.stdout || '') + (r.stderr || '');
      const m = /requests\/s ([\d.]+)\s+reports\/s ([\d.]+)\s+p50 ([\d.]+) ms\s+p99 ([\d.]+) ms\s+errors (\d+)/.exec(out);
      const stored = /reports stored: (\d+)/.exec(out);
      if (r.status !== 0 || !m) throw new Error('collector_wrk.sh failed:\n' + out);
      const cpu = existsSync(cpuFile) ? JSON.parse(readFileSync(cpuFile, 'utf8')) : null;
      const reports = stored ? +stored[1] : NaN;
      runs.push({ requestsPerSecond: +m[1], reportsPerSecond: +m[2], p50Ms: +m[3], p99Ms: +m[4], errors: +m[5], reportsStored: reports,
        cpuSeconds: cpu ? cpu.user_s + cpu.sys_s : NaN, cpuUsPerReport: cpu ? (cpu.user_s + cpu.sys_s) / reports * 1e6 : NaN });
    }
  } finally { rmSync(work, { recursive: true, force: true }); }
  const k = (key) => s3(summary(runs.map((r) => r[key])));
  return { command: `DURATION=${cfg.wrkSeconds} BATCH=10 tests/bench/collector_wrk.sh tests/bench/peers/lib/serve-cpu.sh (wrk -t2 -c16)`, runs,
    reportsPerSecond: k('reportsPerSecond'), requestsPerSecond: k('requestsPerSecond'), p50Ms: k('p50Ms'), p99Ms: k('p99Ms'), cpuUsPerReport: k('cpuUsPerReport') };
}

// ---------------------------------------------------------------- the table
const f = (x, d = 1) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const sp = (s, d = 1) => (s ? `${f(s.median, d)} (${f(s.min, d)}–${f(s.max, d)})` : '–');
function table(r) {
  const L = [];
  const load = r.machine.loadavgStart.map((x) => x.toFixed(1)).join(' / ');
  L.push(`Omotenashi vs peers — ${r.date}, ${r.machine.cores} cores, shared, load average ${load} (1/5/15 min) at start, ${r.machine.loadavgEnd ? r.machine.loadavgEnd.map((x) => x.toFixed(1)).join(' / ') : '?'} at end`);
  L.push('Figures: median of runs (min–max across runs).');
  if (r.decide) {
    const d = r.decide;
    L.push('', `### 1. Page decision in Chromium (demo/rules.json, 7 slots; ${d.rounds} rounds × ${d.perRound} decisions; crossOriginIsolated=${d.crossOriginIsolated})`);
    L.push('| engine | p50 µs | p99 µs | decisions/s |', '|---|---|---|---|');
    L.push(`| Omotenashi wasm: decideAll + JSON.parse (= omotenashi.decide()) | ${sp(d.ours.p50Us)} | ${sp(d.ours.p99Us)} | ${sp(d.ours.perSecond, 0)} |`);
    L.push(`| Omotenashi wasm: decideAll call only (JSON text) | ${sp(d.oursWasmCallOnly.p50Us)} | ${sp(d.oursWasmCallOnly.p99Us)} | ${sp(d.oursWasmCallOnly.perSecond, 0)} |`);
    L.push(`| GrowthBook ${pkgVersion('@growthbook/growthbook')}: evalFeature × 7 | ${sp(d.growthbook.p50Us)} | ${sp(d.growthbook.p99Us)} | ${sp(d.growthbook.perSecond, 0)} |`);
    L.push(`| ratio ours/GrowthBook (p50 time; decisions/s) | ${f(d.ratioP50, 2)}× | | ${f(d.ratioPerSecond, 2)}× |`);
    L.push(`Same variant in ${d.agreement.filter((a) => a.ours === a.growthbook).length}/${d.agreement.length} slots: ${d.agreement.map((a) => `${a.slot}=${a.ours}${a.ours === a.growthbook ? '' : '≠' + a.growthbook}`).join(', ')}`);
  }
  if (r.native) {
    const b = r.native.benchmarks;
    L.push('', '### 1+4. Native engine (engine_bench; µs per page decision of 10 slots, ms per compile; CPU time, wall time in brackets)');
    L.push('| rules | DecidePage µs | NoMatch µs | Interpreted peer µs | interpreted/compiled | CompileRules ms |', '|---|---|---|---|---|---|');
    for (const n of [10, 100, 1000, 10000]) {
      const g = (k) => b[`${k}/${n}`];
      const c = (k, div = 1) => (g(k) ? `${f(g(k).cpuUs.median / div, div > 1 ? 2 : 2)} [${f(g(k).realUs.median / div, 2)}]` : '–');
      const ratio = g('BM_DecidePageInterpreted') && g('BM_DecidePageNoMatch') ? g('BM_DecidePageInterpreted').cpuUs.median / g('BM_DecidePageNoMatch').cpuUs.median : NaN;
      L.push(`| ${n} | ${c('BM_DecidePage')} | ${c('BM_DecidePageNoMatch')} | ${c('BM_DecidePageInterpreted')} | ${f(ratio, 1)}× | ${c('BM_CompileRules', 1000)} |`);
    }
  }
  if (r.sizes) {
    L.push('', '### 2. Bytes a page downloads (gzip -9, node zlib)');
    L.push('| peer | version | files | bytes | gzip | ours/peer |', '|---|---|---|---|---|---|');
    for (const e of r.sizes) L.push(`| ${e.peer} | ${e.version} | ${e.files.map((x) => x.path).join(' + ')} | ${e.bytes.toLocaleString('en-US')} | ${e.gzip.toLocaleString('en-US')} | ${f(e.ratioOursToPeer, 2)}× |`);
  }
  if (r.paint) {
    const p = r.paint;
    L.push('', `### 3. Returning visitor: personalized first paint (greeting + hero), ${p.loads} loads each, fresh context per load`);
    L.push('| page | personalized frame ms | next frame ms | FCP ms | DOMContentLoaded ms | flash of default | personalized loads |', '|---|---|---|---|---|---|---|');
    L.push(`| Omotenashi script tag (ready at ${sp(p.ours.readyMs, 0)} ms) | ${sp(p.ours.personalizedMs, 0)} | ${sp(p.ours.nextFrameMs, 0)} | ${sp(p.ours.fcpMs, 0)} | ${sp(p.ours.domContentLoadedMs, 0)} | ${p.ours.flashOfDefault}/${p.ours.loads} | ${p.ours.personalizedLoads}/${p.ours.loads} |`);
    L.push(`| GrowthBook auto.min.js + anti-flicker | ${sp(p.growthbook.personalizedMs, 0)} | ${sp(p.growthbook.nextFrameMs, 0)} | ${sp(p.growthbook.fcpMs, 0)} | ${sp(p.growthbook.domContentLoadedMs, 0)} | ${p.growthbook.flashOfDefault}/${p.growthbook.loads} | ${p.growthbook.personalizedLoads}/${p.growthbook.loads} |`);
    L.push(`| ratio ours/GrowthBook | ${f(p.ratio, 2)}× | ${f(p.ours.nextFrameMs.median / p.growthbook.nextFrameMs.median, 2)}× | | | | |`);
  }
  if (r.scale) {
    const s = r.scale;
    L.push('', `### 4. Scaling in Chromium (engine_bench's rules; ${s.runs} page loads)`);
    L.push('| rules | compile ms (ours) | GrowthBook load ms (JSON.parse + new) | decide µs, match (ours / GrowthBook) | ours/GB | decide µs, no match (ours / GrowthBook) | ours/GB | same variant |', '|---|---|---|---|---|---|---|---|');
    for (const t of s.table) L.push(`| ${t.rules} | ${sp(t.compileMs, 2)} | ${sp(t.gbLoadMs, 2)} | ${sp(t.decideUs)} / ${sp(t.gbDecideUs)} | ${f(t.decideUs.median / t.gbDecideUs.median, 2)}× | ${sp(t.noMatchUs)} / ${sp(t.gbNoMatchUs)} | ${f(t.noMatchUs.median / t.gbNoMatchUs.median, 2)}× | ${t.agreeSlots}/${t.slots} |`);
    const h = s.heap;
    L.push(`Wasm heap (HEAP8.buffer.byteLength): ${sp(h.afterModule, 0)} B after instantiation, ${sp(h.afterLoad, 0)} B after loading demo/rules.json + a visitor, ${sp(h.afterSignals, 0)} B after ${h.signals} track() signals (${sp(h.trackUsPerSignal, 1)} µs each; stored profile ${sp(h.profileBytes, 0)} B; ${h.errors} rejected); ${sp(s.heapAfter10kRules, 0)} B after compiling the 10,000-rule document.`);
  }
  if (r.collector) {
    const c = r.collector;
    L.push('', `### 5. Collector (${c.runs.length} runs: ${c.command})`);
    L.push('| reports/s | requests/s | p50 ms | p99 ms | CPU µs per report (server, user+sys) |', '|---|---|---|---|---|');
    L.push(`| ${sp(c.reportsPerSecond, 0)} | ${sp(c.requestsPerSecond, 0)} | ${sp(c.p50Ms, 1)} | ${sp(c.p99Ms, 1)} | ${sp(c.cpuUsPerReport, 1)} |`);
  }
  return L.join('\n');
}

// ---------------------------------------------------------------- main
const t0 = Date.now();
if (parts.has('sizes')) { log('sizes'); result.sizes = sizes(); }
if (parts.has('native')) result.native = native();
if (parts.has('decide') || parts.has('scale') || parts.has('paint')) {
  const srv = await start(0);
  const base = `http://127.0.0.1:${srv.address().port}`;
  const browser = await chromium.launch({ executablePath: process.env.OMO_CHROMIUM || '/usr/bin/chromium', args: chromiumArgs });
  result.chromium = browser.version();
  try {
    let gbAttributes = null;
    if (parts.has('decide') || parts.has('paint')) { log('decide'); result.decide = await decide(browser, base); gbAttributes = result.decide.attributes; }
    if (parts.has('scale')) { log('scale'); result.scale = await scale(browser, base); }
    if (parts.has('paint')) { log('paint'); result.paint = await paint(browser, base, gbAttributes); }
  } finally {
    await browser.close();
    srv.close();
  }
}
if (parts.has('collector')) result.collector = collector();
result.machine.loadavgEnd = loadavg();
result.seconds = (Date.now() - t0) / 1000;
result.table = table(result);
const outDir = join(root, 'build/bench');
mkdirSync(outDir, { recursive: true });
const stamp = result.date.replace(/[:.]/g, '-');
writeFileSync(join(outDir, `peers-${stamp}.json`), JSON.stringify(result, null, 1));
writeFileSync(join(outDir, 'peers-latest.json'), JSON.stringify(result, null, 1));
console.log(result.table);
console.log(`\n(${result.seconds.toFixed(0)} s; JSON: build/bench/peers-${stamp}.json)`);
