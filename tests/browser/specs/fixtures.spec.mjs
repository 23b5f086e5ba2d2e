// The golden decide fixtures (tests/fixtures/decide/*.json, answers from the
// native engine) replayed in the browser against the release bundle: the
// same steps as `omotenashi decide` (setContext, profile, beginPage,
// decideAll at the fixture's time, seed 1) must give the same decisions.
// Then the two places where the browser build differs from the native one
// (engine/host.h): numbers, and e^eps in randomized response.
import { test, expect } from '@playwright/test';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const folder = join(root, 'tests/fixtures/decide');
const files = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.json')).sort() : [];
const demoRules = readFileSync(join(root, 'demo/rules.json'), 'utf8');

// Every test here drives the engine's Embind API directly, on one blank page.
let page;
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  await page.goto('/pages/blank.html');
});
test.afterAll(async () => { await page.close(); });

test.describe('golden decide fixtures', () => {
  for (const file of files) {
    test(`fixture ${file}`, async () => {
      const c = JSON.parse(readFileSync(join(folder, file), 'utf8'));
      const ruleRef = c.rulesFile || c.rules;
      const rulesText = typeof ruleRef === 'string' ? readFileSync(join(root, ruleRef), 'utf8') : JSON.stringify(ruleRef);
      const got = await page.evaluate(async ({ rulesText, c }) => {
        const M = await window.omotenashi._load();
        const e = new M.Engine(rulesText, 0, 1);   // seed 1, as the CLI's default
        try {
          if (!e.ok()) return { error: e.diagnostics() };
          const errs = [e.setContext(JSON.stringify(c.context))];
          if (c.profile) errs.push(e.loadProfileScript(JSON.stringify(c.profile), c.now));
          if (errs.some(Boolean)) return { error: errs };
          e.beginPage(c.now);
          return c.slot ? JSON.parse(e.decide(c.slot, c.now)) : JSON.parse(e.decideAll(c.now));
        } finally { e.delete(); }
      }, { rulesText, c });
      expect(got).toEqual(c.expected);
    });
  }
});

// The browser build converts numbers with JavaScript's Number() and String()
// (engine/host.h); integers stay exact 64-bit values read by the engine.
// The stored profile is read and written back as text, so every kind of number
// is checked as the engine sees it, not after JSON.parse.
test('numbers: integers exact, doubles as JavaScript reads and writes them, overflow an error', async () => {
  const got = await page.evaluate(async (rulesText) => {
    const M = await window.omotenashi._load();
    const e = new M.Engine(rulesText, 0, 1);
    const now = 1795406000000;
    const profile = (products) => `{"v":2,"deviceId":"d","created":1,"updated":${now},"fields":{},` +
      `"behavior":{"products":{${products}},"categories":{},"cart":{}},"session":{}}`;
    try {
      const loaded = e.loadProfile(profile(
        '"a":{"v":9007199254740992,"d":0.30000000000000004,"t":-0},"b":{"v":18,"d":1e-7},' +
        '"c":{"d":123456789012345678901},"e":{"d":5e-324},"f":{"d":1.7976931348623157e308},"g":{"d":1E+2}'), now);
      const text = e.saveProfile();
      const products = text.slice(text.indexOf('"products":'), text.indexOf(',"categories"'));
      const big = profile('"a":{"d":1.8e308}');
      const tooBig = [e.loadProfile(big, now), big.indexOf('1.8e308') + 1];
      const hugeExponent = e.loadProfile(profile('"a":{"d":1e400}'), now);
      // Counts stop at 2^53, where JavaScript's own integers stop.
      const overCount = e.loadProfile(profile('"a":{"v":9007199254740993}'), now);
      return { loaded, products, tooBig, hugeExponent, overCount };
    } finally { e.delete(); }
  }, demoRules);
  expect(got.loaded).toBe('');
  expect(got.products).toBe('"products":{' +
    '"a":{"c":"","v":9007199254740992,"d":0.30000000000000004,"t":0},"b":{"c":"","v":18,"d":1e-7,"t":0},' +
    '"c":{"c":"","v":0,"d":123456789012345680000,"t":0},"e":{"c":"","v":0,"d":5e-324,"t":0},' +
    '"f":{"c":"","v":0,"d":1.7976931348623157e+308,"t":0},"g":{"c":"","v":0,"d":100,"t":0}}');
  expect(got.tooBig[0]).toBe(`corrupted profile: not valid JSON (line 1, column ${got.tooBig[1]}: number out of range)`);
  expect(got.hugeExponent).toMatch(/number out of range/);
  expect(got.overCount).toBe('corrupted profile: behavior.products.a.v: must not be above 2^53');
});

// Randomized response in the browser build takes e^eps from Math.exp
// (engine/host.h). Over many seeded devices the true cell of a field's report
// is kept with probability e^eps / (e^eps + d - 1), the rest spread evenly.
test('reports: the true answer is kept as often as randomized response says', async () => {
  const reports = await page.evaluate(async (rulesText) => {
    const M = await window.omotenashi._load();
    const monday = Date.UTC(2026, 10, 16, 10);
    const out = [];
    for (let seed = 1; seed <= 400; ++seed) {
      const e = new M.Engine(rulesText, 0, seed);
      try {
        e.setContext(JSON.stringify({ tzOffsetMinutes: 0, device: 'desktop', language: 'en', path: '/', referrer: 'none', consent: 'granted' }));
        e.loadProfileScript(JSON.stringify({ fields: { pet: 'dog' } }), monday);
        e.beginPage(monday);
        const batch = e.dueReports(monday + 8 * 86400000);
        if (batch) out.push(...JSON.parse(batch).reports.filter((r) => r.task === 'pet-mix'));
      } finally { e.delete(); }
    }
    return out;
  }, demoRules);
  expect(reports.length).toBe(400);
  const { d, eps } = reports[0];
  const counts = {};
  for (const r of reports) counts[r.y] = (counts[r.y] || 0) + 1;
  const kept = Math.max(...Object.values(counts)) / reports.length;
  const p = Math.exp(eps) / (Math.exp(eps) + d - 1);
  const sigma = Math.sqrt(p * (1 - p) / reports.length);
  console.log(`pet-mix: d=${d} eps=${eps} kept ${kept.toFixed(3)}, expected ${p.toFixed(3)} ± ${sigma.toFixed(3)}`);
  expect(Math.abs(kept - p)).toBeLessThan(5 * sigma);
});
