// Omotenashi rules (docs/rules.md) -> GrowthBook features, for the peer
// benchmarks. One feature per slot; its rules are the slot's variants as
// GrowthBook force rules, in the engine's order (priority, then file order),
// each with the variant's condition: `when`, every segment's condition,
// the schedule as clauses on context.hour/.weekday/.date/.season, and an
// experiment arm as a hashed `range` on the device id (GrowthBook hash v2,
// the same bucketing the engine uses). The holdout is a first rule forcing
// the default for the same hashed range. The value is the variant itself.
//
// Not translated (GrowthBook has no equivalent): frequency caps, item
// suppression (bought / in cart / buy-once categories), the post-purchase
// offer pause, and templates (the value keeps "{{profile.name}}"). The
// benchmark visitor is chosen so these do not change any decision, and the
// harness checks both engines pick the same variant in every slot.
export function toGrowthBook(rules) {
  const features = {};
  const segments = rules.segments || {};
  const holdout = rules.holdout && rules.holdout.percent > 0
    ? { range: [0, rules.holdout.percent / 100], seed: rules.holdout.seed || 'holdout' } : null;
  for (const [slot, def] of Object.entries(rules.slots || {})) {
    const variants = (def.variants || []).map((v, i) => ({ v, i }))
      .sort((a, b) => (b.v.priority || 0) - (a.v.priority || 0) || a.i - b.i)
      .map((x) => x.v);
    const fr = [];
    if (holdout) {
      fr.push({ id: 'holdout', force: { variant: 'default' }, range: holdout.range, hashAttribute: 'id', seed: holdout.seed, hashVersion: 2 });
    }
    for (const v of variants) {
      const clauses = [];
      if (v.when && Object.keys(v.when).length) clauses.push(v.when);
      for (const s of v.segments || []) clauses.push(segments[s] || { __missingSegment: { $exists: true } });
      const s = v.schedule || {};
      if (s.hours) {
        const [a, b] = s.hours;
        clauses.push(a <= b ? { 'context.hour': { $gte: a, $lt: b } }
          : { $or: [{ 'context.hour': { $gte: a } }, { 'context.hour': { $lt: b } }] });
      }
      if (s.weekdays) clauses.push({ 'context.weekday': { $in: s.weekdays } });
      if (s.seasons) clauses.push({ 'context.season': { $in: s.seasons } });
      if (s.from) clauses.push({ 'context.date': { $gte: s.from } });
      if (s.until) clauses.push({ 'context.date': { $lte: s.until } });
      // A dynamic item ("{{behavior.focus}}") must render to something.
      const m = typeof v.item === 'string' && /^\{\{([a-zA-Z0-9_.-]+)\}\}$/.exec(v.item);
      if (m) clauses.push({ [m[1]]: { $exists: true } });
      const rule = { id: slot + '/' + v.id, force: variantValue(v) };
      if (clauses.length === 1) rule.condition = clauses[0];
      else if (clauses.length > 1) rule.condition = { $and: clauses };
      if (v.experiment && rules.experiments && rules.experiments[v.experiment.id]) {
        const e = rules.experiments[v.experiment.id];
        const arm = e.arms.indexOf(v.experiment.arm);
        const w = e.weights || e.arms.map(() => 1 / e.arms.length);
        const cov = e.coverage == null ? 1 : e.coverage;
        let start = 0;
        for (let k = 0; k < arm; ++k) start += w[k];
        rule.range = [start * cov, (start + w[arm]) * cov];
        rule.hashAttribute = 'id';
        rule.seed = e.seed || v.experiment.id;
        rule.hashVersion = 2;
      }
      fr.push(rule);
    }
    features[slot] = { defaultValue: { variant: 'default' }, rules: fr };
  }
  return features;
}

function variantValue(v) {
  const out = { variant: v.id, kind: v.kind || 'content' };
  for (const k of ['text', 'image', 'items', 'item', 'channel']) if (v[k] !== undefined) out[k] = v[k];
  return out;
}

// The GrowthBook attributes for an engine attributes document: the same
// object plus `id`, the device id the engine buckets experiments by.
export function gbAttributes(engineAttributes, deviceId) {
  return Object.assign({ id: deviceId }, engineAttributes);
}

// "{{path|fallback}}" rendered from attributes: what a site using GrowthBook
// would have to write itself to put a name into a greeting.
export function renderTemplate(t, attrs) {
  return String(t).replace(/\{\{\s*([a-zA-Z0-9_.-]+)(?:\|([^}]*))?\s*\}\}/g, (_, path, fb) => {
    let v = attrs;
    for (const p of path.split('.')) v = v == null ? undefined : v[p];
    return v === undefined || v === null || v === '' ? (fb || '') : String(v);
  });
}
