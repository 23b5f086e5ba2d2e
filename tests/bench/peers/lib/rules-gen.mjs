// The scaling rules of tests/bench/engine_bench.cpp (makeRules/makeEngine),
// ported to JavaScript so the wasm build and GrowthBook in Chromium run the
// exact documents the native benchmark runs: N rules (variants) over 10
// slots, each with a profile, behaviour, region and hour clause; most do not
// match the visitor.
export const kNow = 1795406400000;  // 2026-11-23 13:00 JST, as in engine_bench

export function makeRules(rules) {
  let s = '{"version":1,"site":"bench","profile":{"fields":{' +
    '"name":{"type":"text","maxLength":40},' +
    '"pet":{"type":"choice","values":["dog","cat","rabbit","bird","fish"]},' +
    '"region":{"type":"choice","values":["hokkaido","kanto","kansai","kyushu"]}}},' +
    '"suppression":{"buyOnceCategories":["beds"]},' +
    '"segments":{"dogs":{"profile.pet":"dog"}},"slots":{';
  const slots = 10;
  const pets = ['dog', 'cat', 'rabbit', 'bird', 'dog'];
  for (let sl = 0; sl < slots; ++sl) {
    if (sl) s += ',';
    s += '"slot' + sl + '":{"variants":[';
    const n = Math.floor(rules / slots);
    for (let v = 0; v < n; ++v) {
      if (v) s += ',';
      const id = 'v' + v;
      s += '{"id":"' + id + '","priority":' + (n - v) + ',"when":{"profile.pet":"' + pets[v % 5] +
        '","behavior.dwell.sku-' + (v % 50) + '":{"$gte":' + (5 + v % 40) +
        '},"context.region":{"$in":["hokkaido","kanto"]},"context.hour":{"$gte":' + (v % 24) +
        '}},"text":"Hello {{profile.name|friend}} ' + id + '","items":["sku-' + (v % 50) + '","sku-' + ((v + 1) % 50) + '"]}';
    }
    s += ']}';
  }
  return s + '}}';
}

// makeEngine's visitor, as calls on the Embind Engine.
export function setUpVisitor(e, pet = 'cat') {
  e.setContext(JSON.stringify({ tzOffsetMinutes: 540, device: 'desktop', region: 'kanto', path: '/' }));
  e.beginPage(kNow);
  e.setProfile(JSON.stringify({ name: 'Aiko', pet }), kNow);
  for (let i = 0; i < 20; ++i) {
    const sku = 'sku-' + i;
    e.track(JSON.stringify({ type: 'view', sku, category: 'c' + (i % 5) }), kNow);
    e.track(JSON.stringify({ type: 'dwell', sku, seconds: 10 + i }), kNow);
  }
  e.track(JSON.stringify({ type: 'add_to_cart', sku: 'sku-3' }), kNow);
}
