// Parts 1 and 4 of the peer benchmark, in one page (the harness calls
// window.bench.* through page.evaluate):
//   decide(opts)  a page decision for the demo page (all 7 slots of
//                 demo/rules.json): our engine's decideAll() + JSON.parse, as
//                 omotenashi.decide() does, against GrowthBook's evalFeature()
//                 on every slot, same attributes, same page, interleaved rounds.
//   heap(opts)    wasm heap after load and after N signals.
//   scale(opts)   compile and page-decision time for the engine_bench rules
//                 (10..10,000 rules), ours against GrowthBook on the same rules.
import { GrowthBook } from '/gb/esm.min.js';
import { toGrowthBook, gbAttributes } from '/lib/growthbook-rules.mjs';
import { makeRules, setUpVisitor, kNow } from '/lib/rules-gen.mjs';
import { quantile } from '/lib/stats.mjs';

const M = await window.omotenashi._load();

function newEngine(text) {
  const e = new M.Engine(text, 12345, 67890);   // fixed seed: a fixed device id
  if (!e.ok()) throw new Error('rules: ' + e.diagnostics());
  return e;
}

// The returning visitor of the demo page: a declared profile, a product
// studied for a while, something in the cart, the cart viewed twice.
export function demoVisitor(now) {
  const min = 60 * 1000;
  return {
    fields: { name: 'Aiko', pet: 'dog', region: 'hokkaido', channel: 'chat' },
    signals: [
      { type: 'page', at: now - 20 * min },
      { type: 'view', sku: 'dog-bed-deluxe', category: 'beds', at: now - 19 * min },
      { type: 'dwell', sku: 'dog-bed-deluxe', seconds: 25, at: now - 18 * min },
      { type: 'view', sku: 'dog-leash', category: 'walking', at: now - 10 * min },
      { type: 'dwell', sku: 'dog-leash', seconds: 6, at: now - 9 * min },
      { type: 'add_to_cart', sku: 'dog-leash', at: now - 8 * min },
      { type: 'cart_view', at: now - 7 * min },
      { type: 'cart_view', at: now - 2 * min },
    ],
  };
}
export const demoContext = { tzOffsetMinutes: 540, device: 'desktop', language: 'ja', path: '/cart', referrer: 'internal', timeZone: 'Asia/Tokyo' };

async function demoSetup() {
  const text = await (await fetch('/demo/rules.json')).text();
  const rules = JSON.parse(text);
  const e = newEngine(text);
  const now = Date.now();
  let err = e.setContext(JSON.stringify(demoContext));
  if (err) throw new Error('context: ' + err);
  err = e.loadProfileScript(JSON.stringify(demoVisitor(now)), now);
  if (err) throw new Error('profile: ' + err);
  e.beginPage(now);
  const exported = JSON.parse(e.exportData());
  const deviceId = exported.deviceId || (exported.profile && exported.profile.deviceId) || '';
  const attributes = gbAttributes(JSON.parse(e.attributes(now)), deviceId);
  const features = toGrowthBook(rules);
  const gb = new GrowthBook({ attributes, features });
  const slots = Object.keys(rules.slots);
  return { e, gb, slots, attributes, features, deviceId };
}

// One page decision each.
const ours = (s) => JSON.parse(s.e.decideAll(Date.now()));
const oursRaw = (s) => s.e.decideAll(Date.now());   // the wasm call alone: decisions as JSON text
const theirs = (s) => s.slots.map((slot) => s.gb.evalFeature(slot));

function timeLoop(fn, s, n) {
  const t = new Float64Array(n);
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < n; ++i) {
    const a = performance.now();
    sink += fn(s).length;
    t[i] = performance.now() - a;
  }
  const total = performance.now() - start;
  const sorted = Array.from(t).sort((x, y) => x - y);
  return { p50: quantile(sorted, 0.5) * 1000, p99: quantile(sorted, 0.99) * 1000, perSecond: n / (total / 1000), n, sink };
}

window.bench = {
  crossOriginIsolated: self.crossOriginIsolated,

  // rounds x (warmup + n timed page decisions) per engine, alternating which goes first.
  async decide({ rounds = 5, n = 2000, warmup = 300 } = {}) {
    const s = await demoSetup();
    const a = ours(s), b = theirs(s);
    const agreement = s.slots.map((slot, i) => ({ slot, ours: a[i].variant, growthbook: b[i].value && b[i].value.variant, ruleId: b[i].ruleId }));
    const out = { ours: [], oursRaw: [], growthbook: [], agreement, attributes: s.attributes, crossOriginIsolated: self.crossOriginIsolated };
    for (let r = 0; r < rounds; ++r) {
      const order = r % 2 ? ['growthbook', 'oursRaw', 'ours'] : ['ours', 'oursRaw', 'growthbook'];
      for (const who of order) {
        const fn = { ours, oursRaw, growthbook: theirs }[who];
        timeLoop(fn, s, warmup);
        out[who].push(timeLoop(fn, s, n));
        await new Promise((res) => setTimeout(res, 0));
      }
    }
    s.e.delete();
    return out;
  },

  // The module's heap (wasm linear memory) after the demo rules load, and
  // after `signals` track() calls (views, dwell, cart, purchases over 500 SKUs).
  async heap({ signals = 10000 } = {}) {
    const bytes = () => M.HEAP8.buffer.byteLength;
    const js = () => (performance.memory ? performance.memory.usedJSHeapSize : null);
    const afterModule = bytes();
    const s = await demoSetup();
    const afterLoad = bytes();
    const t0 = performance.now();
    let now = Date.now();
    let errors = 0;
    for (let i = 0; i < signals; ++i) {
      const sku = 'sku-' + (i % 500);
      const k = i % 10;
      const sig = k < 5 ? { type: 'view', sku, category: 'cat-' + (i % 40) }
        : k < 8 ? { type: 'dwell', sku, seconds: 3 }
          : k === 8 ? { type: 'add_to_cart', sku } : { type: 'purchase', sku, id: 'o' + i };
      now += 1000;
      if (s.e.track(JSON.stringify(sig), now)) ++errors;
    }
    const trackMs = performance.now() - t0;
    const decided = JSON.parse(s.e.decideAll(now)).length;
    const profileBytes = s.e.saveProfile().length;
    const afterSignals = bytes();
    s.e.delete();
    return { afterModule, afterLoad, afterSignals, signals, errors, trackMsPerSignal: trackMs / signals, decided, profileBytes, jsHeapUsed: js() };
  },

  // Compile + page decision at each size; reps bounded by time.
  async scale({ sizes = [10, 100, 1000, 10000], budgetMs = 1500 } = {}) {
    const results = [];
    for (const size of sizes) {
      const text = makeRules(size);
      const rules = JSON.parse(text);
      // compile (ours): new Engine(text) = parse + compile the rules.
      const compile = [];
      new M.Engine(text, 1, 2).delete();   // warm-up (and the heap grows once)
      let t0 = performance.now();
      while (compile.length < 3 || (performance.now() - t0 < budgetMs / 3 && compile.length < 200)) {
        const a = performance.now();
        const e = new M.Engine(text, 1, 2);
        compile.push(performance.now() - a);
        e.delete();
      }
      // GrowthBook has nothing to compile: its "load" is JSON.parse of the payload + the constructor.
      const payload = JSON.stringify({ features: toGrowthBook(rules) });
      const gbLoad = [];
      t0 = performance.now();
      while (gbLoad.length < 3 || (performance.now() - t0 < budgetMs / 6 && gbLoad.length < 200)) {
        const a = performance.now();
        const g = new GrowthBook({ attributes: {}, features: JSON.parse(payload).features });
        gbLoad.push(performance.now() - a);
        g.destroy && g.destroy();
      }
      // decide: engine_bench's visitors: pet cat (BM_DecidePage: a rule
      // near the top of each slot matches) and pet fish (BM_DecidePageNoMatch:
      // nothing matches, every rule is evaluated).
      const slots = Object.keys(rules.slots);
      const gbFeatures = toGrowthBook(rules);
      const decideFor = (pet) => {
        const e = newEngine(text);
        setUpVisitor(e, pet);
        const attrs = gbAttributes(JSON.parse(e.attributes(kNow)), 'bench');
        const gb = new GrowthBook({ attributes: attrs, features: gbFeatures });
        let agree = 0;
        const a1 = JSON.parse(e.decideAll(kNow)), b1 = slots.map((sl) => gb.evalFeature(sl).value.variant);
        a1.forEach((d, i) => { if (d.variant === b1[i]) ++agree; });
        const ourD = [], gbD = [];
        const t1 = performance.now();
        while (ourD.length < 5 || (performance.now() - t1 < budgetMs / 6 && ourD.length < 2000)) {
          let a = performance.now();
          JSON.parse(e.decideAll(kNow));
          ourD.push(performance.now() - a);
          a = performance.now();
          slots.map((sl) => gb.evalFeature(sl));
          gbD.push(performance.now() - a);
        }
        e.delete();
        return { ourD, gbD, agree, personalized: a1.filter((d) => d.variant !== 'default').length };
      };
      const match = decideFor('cat'), none = decideFor('fish');
      const med = (xs) => { const s = xs.slice().sort((x, y) => x - y); return quantile(s, 0.5); };
      results.push({
        rules: size, rulesBytes: text.length,
        compileMs: med(compile), compileReps: compile.length,
        gbLoadMs: med(gbLoad),
        decideUs: med(match.ourD) * 1000, gbDecideUs: med(match.gbD) * 1000, decideReps: match.ourD.length,
        personalizedSlots: match.personalized,
        noMatchUs: med(none.ourD) * 1000, gbNoMatchUs: med(none.gbD) * 1000, noMatchReps: none.ourD.length,
        agreeSlots: Math.min(match.agree, none.agree), slots: slots.length,
      });
      await new Promise((res) => setTimeout(res, 0));
    }
    return { results, heapBytesAfter: M.HEAP8.buffer.byteLength };
  },
};
document.getElementById('status').textContent = 'ready';
