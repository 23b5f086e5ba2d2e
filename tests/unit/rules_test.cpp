#include <gtest/gtest.h>

#include "rules.h"
#include "test_util.h"

using namespace omo;
using omo::testing::J;

namespace {
std::vector<Diagnostic> problems(const char* text) {
  Diagnostics d;
  auto rs = Ruleset::compileText(text, &d);
  EXPECT_EQ(rs == nullptr, !d.empty());
  return d.list();
}
// Every problem, one per line, for a failure message.
std::string listed(const std::vector<Diagnostic>& ds) {
  std::string all;
  for (const auto& d : ds) all += d.pointer + ": " + d.message + "\n";
  return all;
}
bool has(const std::vector<Diagnostic>& ds, const std::string& pointer, const std::string& fragment) {
  for (const auto& d : ds)
    if (d.pointer == pointer && d.message.find(fragment) != std::string::npos) return true;
  return false;
}
}  // namespace

TEST(Rules, DemoRulesCompile) {
  auto rs = omo::testing::demoRules();
  ASSERT_TRUE(rs);
  EXPECT_EQ(rs->site, "petshop");
  EXPECT_EQ(rs->slots.size(), 7u);
  EXPECT_EQ(rs->hash.size(), 12u);
  // Variants are ordered by priority, ties by file order.
  const Slot* g = rs->slot("greeting");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->variants.front().id, "urgent-night");
  EXPECT_EQ(rs->measurements.size(), 3u);
  EXPECT_EQ(rs->measurements[0].d(), 6);  // (plain, named, holdout) x (no, yes)
  EXPECT_EQ(rs->measurements[1].categories.back(), "unset");
}

TEST(Rules, SyntaxErrorHasAPosition) {
  auto ds = problems("{\"version\": 1,\n \"site\": }");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].pointer, "");
  EXPECT_NE(ds[0].message.find("line 2"), std::string::npos) << ds[0].message;
}

TEST(Rules, EveryProblemIsReportedAtOnceWithItsPointer) {
  auto ds = problems(R"J({
    "version": 1, "site": "shop", "slotz": {},
    "profile": {"fields": {"pet": {"type": "choice"}, "nick": {"type": "txt"}}},
    "slots": {"hero": {"variants": [
      {"id": "a", "text": "x", "whenn": {}},
      {"id": "b", "text": "Hi {{profile.name", "when": {"profile.pet": {"$regex": "(("}}},
      {"id": "c", "text": "y", "when": {"x": {"$bogus": 1}}, "segments": ["nope"], "cap": {"session": -1}},
      {"id": "a", "image": {"src": "javascript:alert(1)"}},
      {"id": "e"}
    ]}}
  })J");
  EXPECT_TRUE(has(ds, "/slotz", "unknown key"));
  EXPECT_TRUE(has(ds, "/profile/fields/pet/values", "needs its list"));
  EXPECT_TRUE(has(ds, "/profile/fields/nick/type", "text or choice"));
  EXPECT_TRUE(has(ds, "/slots/hero/variants/0/whenn", "unknown key"));
  EXPECT_TRUE(has(ds, "/slots/hero/variants/1/text", "unterminated"));
  EXPECT_TRUE(has(ds, "/slots/hero/variants/1/when/profile.pet/$regex", "invalid regular expression"));
  EXPECT_TRUE(has(ds, "/slots/hero/variants/2/when/x/$bogus", "unknown operator"));
  EXPECT_TRUE(has(ds, "/slots/hero/variants/2/segments/0", "unknown segment"));
  EXPECT_TRUE(has(ds, "/slots/hero/variants/2/cap/session", "between"));
  EXPECT_TRUE(has(ds, "/slots/hero/variants/3/id", "duplicate"));
  EXPECT_TRUE(has(ds, "/slots/hero/variants/3/image/src", "relative path or an http(s) URL"));
  EXPECT_TRUE(has(ds, "/slots/hero/variants/4", "needs something to show"));
  EXPECT_GE(ds.size(), 12u);
}

// "why" takes a text or {language: text}, like "text", with the same checks.
TEST(Rules, WhyIsATextOrOnePerLanguage) {
  auto ds = problems(R"({"version":1,"site":"s","slots":{
    "a":{"variants":[{"id":"x","text":"t","why":{"ja":5,"e n":"y"}}]},
    "b":{"variants":[{"id":"y","text":"t","why":[]}]},
    "c":{"variants":[{"id":"z","text":"t","why":{"en":"Because.","ja":"理由です。"}}]}}})");
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/why/ja", "must be a text of at most 1000 characters"));
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/why/e n", "must be a language tag"));
  EXPECT_TRUE(has(ds, "/slots/b/variants/0/why", "must be a text, or an object of language -> text"));
  EXPECT_EQ(ds.size(), 3u);
}

// Text limits are characters: a Japanese text of 700 characters (2,100
// bytes) was refused as "longer than 2000 characters".
TEST(Rules, TextLimitsCountCharactersNotBytes) {
  std::string ja, tooLong;
  for (int i = 0; i < 2000; ++i) ja += "犬";
  tooLong = ja + "犬";
  auto rules = [](const std::string& text, const std::string& why) {
    return R"({"version":1,"site":"s","slots":{"a":{"variants":[{"id":"x","text":")" + text + R"(","why":{"ja":")" + why +
           R"("}}]}}})";
  };
  EXPECT_TRUE(problems(rules(ja, ja.substr(0, 3000)).c_str()).empty());
  auto ds = problems(rules(tooLong, ja.substr(0, 3003)).c_str());
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/text", "is longer than 2000 characters"));
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/why/ja", "must be a text of at most 1000 characters"));
  EXPECT_EQ(ds.size(), 3u);   // and the variant, left without a text, has nothing to show
}

TEST(Rules, WrongTypesAreErrorsNotCrashes) {
  const char* docs[] = {"[]", "null", "42", "\"x\"", R"({"version": "1", "site": 5})",
                        R"({"version": 1, "site": "s", "slots": []})",
                        R"({"version": 1, "site": "s", "slots": {"a": {"variants": {}}}})",
                        R"({"version": 1, "site": "s", "slots": {"a": {"variants": [null, 3, []]}}})",
                        R"({"version": 1, "site": "s", "experiments": {"x": {"arms": ["a"], "weights": [2]}}})",
                        R"({"version": 2, "site": "s"})",
                        R"({"version": 1, "site": "s", "measurements": [{"id": "m", "field": "name"}]})"};
  for (const char* doc : docs) EXPECT_FALSE(problems(doc).empty()) << doc;
}

TEST(Rules, FreeTextFieldsCannotBeMeasured) {
  auto ds = problems(R"({"version": 1, "site": "s", "profile": {"fields": {"name": {"type": "text"}}},
                         "measurements": [{"id": "m", "field": "name"}]})");
  EXPECT_TRUE(has(ds, "/measurements/0/field", "free text never leaves the device"));
}

// Report ids must start with a letter or digit (measure.cpp); lint took "_pets"
// and "-shop". Every batch with them was refused by the collector, and a
// pending report for "_pets", saved in the profile, made the next page's
// reader find the whole profile corrupted and replace it.
TEST(Rules, ReportedNamesAreValidInReports) {
  auto ds = problems(R"({"version": 1, "site": "-shop", "profile": {"fields": {"pet": {"type": "choice", "values": ["dog"]}}},
                         "measurements": [{"id": "_pets", "field": "pet"}, {"id": "pets.2", "field": "pet"}]})");
  EXPECT_TRUE(has(ds, "/site", "short name"));
  EXPECT_TRUE(has(ds, "/measurements/0/id", "short name"));
  EXPECT_FALSE(has(ds, "/measurements/1/id", "short name"));
}

// Hours and weekdays were checked after truncation to int: 4294967301 passed
// as 5, and the variant ran at hours the file does not say.
TEST(Rules, ScheduleNumbersAreCheckedWhole) {
  auto ds = problems(R"({"version": 1, "site": "s", "slots": {"a": {"variants": [{"id": "v", "text": "t",
                         "schedule": {"hours": [4294967301, 10], "weekdays": [4294967297]}}]}}})");
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/schedule/hours", "must be"));
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/schedule/weekdays/0", "must be"));
}

// A misspelt field in a condition or a template was accepted: the condition
// read null and the variant silently never showed (or, under $exists: false
// or $lt, always did), and a template printed its fallback or nothing
// ("Welcome back, !"). Paths must start with profile., context., behavior.
// or session., and profile.<field> must be a declared field; the keys inside
// an $elemMatch are the element's, not attributes.
TEST(Rules, ConditionsAndTemplatesReadOnlyDeclaredFields) {
  auto ds = problems(R"({"version": 1, "site": "s",
    "profile": {"fields": {"name": {"type": "text"}, "room": {"type": "choice", "values": ["bedroom", "dining"]}}},
    "segments": {"bedroom": {"profile.rom": "bedroom"},
                 "ok": {"profile.room": "dining", "behavior.purchases": {"$elemMatch": {"sku": "x"}}}},
    "slots": {"a": {"variants": [
      {"id": "v", "when": {"$or": [{"profile.nmae": {"$exists": true}}, {"profle.name": "x"}]},
       "text": {"en": "Hi {{profile.nmae|friend}}", "ja": "{{profile.name}}さん"}},
      {"id": "w", "segments": ["ok"], "item": "{{profile.room}}", "channel": "{{profile.chanel|chat}}",
       "text": "{{context.device}} {{behavior.focus}} {{session.pageViews}}"}]}}})");
  EXPECT_TRUE(has(ds, "/segments/bedroom/profile.rom", "unknown profile field \"rom\" (declared: name, room)"));
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/when/$or/0/profile.nmae", "unknown profile field \"nmae\""));
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/when/$or/1/profle.name", "must start with profile., context., behavior. or session."));
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/text/en", "placeholder {{profile.nmae}}: unknown profile field \"nmae\""));
  EXPECT_TRUE(has(ds, "/slots/a/variants/1/channel", "unknown profile field \"chanel\""));
  EXPECT_EQ(ds.size(), 5u) << listed(ds);
}

// A typo below the root ("behavior.hoursSincePurchase", "session.isFirstvisit")
// read an attribute the engine never builds: the condition never held and the
// placeholder was always empty, and lint said ok.
TEST(Rules, ConditionsAndTemplatesReadOnlyAttributesTheEngineBuilds) {
  auto ds = problems(R"({"version": 1, "site": "s",
    "segments": {"late": {"behavior.hoursSincePurchase": {"$lt": 72}}},
    "slots": {"a": {"variants": [
      {"id": "v", "when": {"session.isFirstvisit": true, "context.regoin": "kanto"}, "text": "Hi {{behavior.focuss}}"},
      {"id": "w", "when": {"behavior.views.sofa": {"$gt": 1}, "context.season": "winter", "session.seconds": {"$gt": 5},
                           "behavior.hoursSinceLastPurchase": {"$lt": 72}},
       "text": "{{behavior.focus}} {{context.device}} {{behavior.categoryDwell.beds}}"}]}}})");
  EXPECT_TRUE(has(ds, "/segments/late/behavior.hoursSincePurchase", "unknown attribute \"behavior.hoursSincePurchase\""));
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/when/session.isFirstvisit", "unknown attribute \"session.isFirstvisit\""));
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/when/context.regoin", "unknown attribute"));
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/text", "placeholder {{behavior.focuss}}: unknown attribute"));
  EXPECT_EQ(ds.size(), 4u) << listed(ds);
}

// A context attribute with a fixed set of values compared with another value
// ("phone" for mobile, "granded") never held, and lint said ok.
TEST(Rules, ContextValuesAreOnesTheEngineGives) {
  auto ds = problems(R"({"version": 1, "site": "s",
    "segments": {"phones": {"context.device": "phone"}},
    "slots": {"a": {"variants": [
      {"id": "v", "when": {"context.consent": {"$eq": "granded"}, "context.season": {"$in": ["winter", "fall"]}}, "text": "t"},
      {"id": "w", "when": {"context.referrer": {"$nin": ["search", "ads"]}, "context.device": {"$in": ["mobile", "tablet"]},
                           "context.season": "autumn", "context.path": "/x"}, "text": "t"}]}}})");
  EXPECT_TRUE(has(ds, "/segments/phones/context.device", "\"phone\" is not a value of context.device (mobile tablet desktop)"));
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/when/context.consent/$eq", "\"granded\" is not a value of context.consent"));
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/when/context.season/$in/1", "\"fall\""));
  EXPECT_TRUE(has(ds, "/slots/a/variants/1/when/context.referrer/$nin/1", "\"ads\""));
  EXPECT_EQ(ds.size(), 4u) << listed(ds);
  // The same for a choice field: "dgo" is none of the declared values.
  ds = problems(R"({"version": 1, "site": "s",
    "profile": {"fields": {"pet": {"type": "choice", "values": ["dog", "cat"]}, "name": {"type": "text"}}},
    "segments": {"dogs": {"profile.pet": "dgo"}},
    "slots": {"a": {"variants": [{"id": "v", "when": {"profile.pet": {"$in": ["cat", "dog"]}, "profile.name": "Rex"},
                                  "text": "t"}]}}})");
  EXPECT_TRUE(has(ds, "/segments/dogs/profile.pet", "\"dgo\" is not a value of profile.pet (dog cat)"));
  EXPECT_EQ(ds.size(), 1u) << listed(ds);
}

// The message said field names are letters, digits, - and _, but a dot was
// taken: "delivery.region" was declared and stored, yet no condition or
// template could read it (profile.delivery.region is the path delivery ->
// region).
TEST(Rules, FieldNamesHaveNoDot) {
  auto ds = problems(R"({"version": 1, "site": "s",
    "profile": {"fields": {"delivery.region": {"type": "choice", "values": ["kanto"]}, "room_2": {"type": "text"}}}})");
  EXPECT_TRUE(has(ds, "/profile/fields/delivery.region", "letters, digits, - _"));
  EXPECT_EQ(ds.size(), 1u);
}

// Variants are tried by priority, then file order, and the first eligible one
// wins: one with no condition at all (no when, segments, schedule,
// experiment, cap, items or item, and not an offer that pauses after a
// purchase) always wins, so every variant after it is dead. An owner who
// gave the everyday line priority 20 "to be safe" lost the seasonal ones
// without a word from lint.
TEST(Rules, AVariantAfterOneThatAlwaysAppliesIsReported) {
  auto ds = problems(R"({"version": 1, "site": "s", "suppression": {"offerPauseHours": 72}, "slots": {
    "a": {"variants": [{"id": "winter", "priority": 10, "schedule": {"seasons": ["winter"]}, "text": "w"},
                       {"id": "everyday", "priority": 20, "text": "e"},
                       {"id": "summer", "priority": 10, "schedule": {"seasons": ["summer"]}, "text": "s"}]},
    "b": {"variants": [{"id": "picks", "kind": "offer", "text": "p"}, {"id": "thanks", "kind": "action", "text": "t"}]},
    "c": {"variants": [{"id": "once", "text": "o", "cap": {"session": 1}}, {"id": "items", "items": ["x"]},
                       {"id": "always", "text": "x", "when": {}}, {"id": "later", "text": "l"}]}}})");
  EXPECT_TRUE(has(ds, "/slots/a/variants/0", "never shown: variant \"everyday\" always applies first"));
  EXPECT_TRUE(has(ds, "/slots/a/variants/2", "never shown: variant \"everyday\" always applies first"));
  EXPECT_TRUE(has(ds, "/slots/c/variants/3", "never shown: variant \"always\" always applies first"));
  EXPECT_EQ(ds.size(), 3u) << listed(ds);
}

// A schedule that can never hold linted ok: Golden Week typed as from
// 2026-05-06 until 2026-04-29 (or a year off), or hours [9, 9] (the hours are
// [from, until), so no hour is in it). The variant silently never showed.
TEST(Rules, AScheduleThatNeverHoldsIsReported) {
  auto ds = problems(R"({"version": 1, "site": "s", "slots": {"a": {"variants": [
    {"id": "gw", "text": "t", "schedule": {"from": "2026-05-06", "until": "2026-04-29"}},
    {"id": "nine", "text": "t", "schedule": {"hours": [9, 9]}},
    {"id": "day", "text": "t", "schedule": {"from": "2026-05-06", "until": "2026-05-06", "hours": [22, 6]}},
    {"id": "since", "text": "t", "schedule": {"from": "2026-05-06"}},
    {"id": "till", "text": "t", "schedule": {"until": "2026-05-06"}}]}}})");
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/schedule/until", "before from"));
  EXPECT_TRUE(has(ds, "/slots/a/variants/1/schedule/hours", "same hour"));
  EXPECT_EQ(ds.size(), 2u) << listed(ds);
}

// Arms ["plain", "plain"] (a copy-paste) linted ok: the measurement had the
// cells plain/no, plain/yes twice, and a variant for "plain" only ever
// matched the first bucket. Each arm's problem is at its own pointer.
TEST(Rules, ExperimentArmsAreDistinct) {
  auto ds = problems(R"({"version": 1, "site": "s", "experiments": {
    "t": {"arms": ["plain", "named", "plain"]}, "u": {"arms": ["a", "holdout"]}}})");
  EXPECT_TRUE(has(ds, "/experiments/t/arms/2", "duplicate arm \"plain\""));
  EXPECT_TRUE(has(ds, "/experiments/u/arms/1", "\"holdout\" is reserved"));
  EXPECT_EQ(ds.size(), 2u);
}

// Where docs/rules.schema.json and lint disagreed on a document an owner
// could write: the schema (and so the owner's editor) refused a description
// that is not a text and a day a month does not have, and lint took both
// (until "2026-02-30", "2026-04-31").
TEST(Rules, DescriptionsAreTextsAndDatesExist) {
  auto ds = problems(R"({"version": 1, "site": "s", "description": 5, "slots": {"a": {"description": [], "variants": [
    {"id": "v", "text": "t", "schedule": {"from": "2026-02-30", "until": "2026-04-31"}},
    {"id": "w", "text": "t", "schedule": {"from": "2028-02-29", "until": "2026-12-31"}}]}}})");
  EXPECT_TRUE(has(ds, "/description", "must be a string"));
  EXPECT_TRUE(has(ds, "/slots/a/description", "must be a string"));
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/schedule/from", "must be a date"));
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/schedule/until", "must be a date"));
  EXPECT_TRUE(has(ds, "/slots/a/variants/1/schedule/until", "before from"));
  EXPECT_EQ(ds.size(), 5u) << listed(ds);
}

// "conversion" on a field measurement was read by nobody: an owner who wrote
// {"field": "room", "conversion": "purchase"} expecting purchases by room got
// the distribution of rooms, and lint said ok.
TEST(Rules, ConversionIsOnlyForExperimentMeasurements) {
  auto ds = problems(R"({"version": 1, "site": "s",
    "profile": {"fields": {"room": {"type": "choice", "values": ["bedroom", "dining"]}}},
    "experiments": {"t": {"arms": ["a", "b"]}},
    "measurements": [{"id": "rooms", "field": "room", "conversion": "purchase"},
                     {"id": "t", "experiment": "t", "conversion": "add_to_cart"}]})");
  EXPECT_TRUE(has(ds, "/measurements/0/conversion", "only for an experiment"));
  EXPECT_EQ(ds.size(), 1u);
}

// docs/rules.md: "items: candidate SKUs; suppressed ones are dropped; when
// none is left the variant is not eligible". An owner who took the last
// sold-out sofa out of "items": [] got the offer's heading with no product
// at all, on every page: an empty list meant "no items", not "none left".
TEST(Rules, AnEmptyItemsListIsReported) {
  auto ds = problems(R"({"version": 1, "site": "s", "slots": {"a": {"variants": [
    {"id": "picks", "kind": "offer", "text": "For your living room", "items": []}]}}})");
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/items", "at least one"));
  EXPECT_EQ(ds.size(), 1u);
}

// JSON lets a key repeat and keeps the last value, so a copied slot block not
// yet renamed, a second "when" further down a variant, or
// {"profile.room": "bedroom", "profile.room": "kids-room"} written as an "or"
// silently dropped the first. Each repeat is reported at its pointer, in any
// object of any size (large objects are read through an index).
TEST(Rules, ARepeatedKeyIsReported) {
  std::string many;
  for (int i = 0; i < 20; ++i) many += "\"sku-" + std::to_string(i) + "\": {\"category\": \"c\"}, ";
  auto ds = problems((R"({"version": 1, "site": "s",
    "profile": {"fields": {"room": {"type": "choice", "values": ["bedroom", "kids-room"]}}},
    "catalog": {)" + many + R"("sku-3": {"category": "d"}},
    "segments": {"rooms": {"profile.room": "bedroom", "profile.room": "kids-room"}},
    "slots": {"a": {"variants": [{"id": "v", "when": {"profile.room": "bedroom"}, "text": "t",
                                  "when": {"profile.room": "kids-room"}}]},
              "a": {"variants": [{"id": "w", "text": "u", "segments": ["rooms"]}]}}})").c_str());
  EXPECT_TRUE(has(ds, "/catalog/sku-3", "given twice"));
  EXPECT_TRUE(has(ds, "/segments/rooms/profile.room", "given twice"));
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/when", "given twice"));
  EXPECT_TRUE(has(ds, "/slots/a", "given twice"));
  EXPECT_EQ(ds.size(), 4u) << listed(ds);
}

// An unknown segment or experiment is an error; an unknown group was not: a
// misspelt {"$inGroup": "vip-region"} read an empty group and the variant
// silently never showed ($notInGroup: always showed).
TEST(Rules, AnUnknownGroupIsReported) {
  auto ds = problems(R"({"version": 1, "site": "s", "groups": {"vip-regions": ["hokkaido", "okinawa"]},
    "segments": {"vip": {"context.region": {"$inGroup": "vip-region"}},
                 "ok": {"context.region": {"$notInGroup": "vip-regions"}}},
    "slots": {"a": {"variants": [{"id": "v", "text": "t", "when": {"$or": [{"context.region": {"$notInGroup": "vips"}}]}}]}}})");
  EXPECT_TRUE(has(ds, "/segments/vip/context.region/$inGroup", "unknown group \"vip-region\""));
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/when/$or/0/context.region/$notInGroup", "unknown group \"vips\""));
  EXPECT_EQ(ds.size(), 2u);
}

// A device spends at most 8 epsilon a week (SPEC section 6), on the tasks in
// the order of the rules; a task over the budget is skipped. A furniture
// owner with an experiment and two field measurements at the default epsilon
// (4 + 4 + 4) linted ok, and simulate estimated all three, but no device ever
// sent the third.
TEST(Rules, MeasurementsMustFitTheWeeklyBudget) {
  const char* head = R"({"version": 1, "site": "s",
    "profile": {"fields": {"room": {"type": "choice", "values": ["bedroom"]}, "region": {"type": "choice", "values": ["kanto"]}}},
    "experiments": {"t": {"arms": ["a", "b"]}}, "measurements": [)";
  auto ds = problems((std::string(head) + R"({"id": "t", "experiment": "t"}, {"id": "rooms", "field": "room"},
    {"id": "regions", "field": "region"}, {"id": "regions2", "field": "region", "epsilon": 0.5}]})").c_str());
  EXPECT_TRUE(has(ds, "/measurements/2", "weekly budget of 8"));
  EXPECT_TRUE(has(ds, "/measurements/3", "weekly budget of 8"));
  EXPECT_EQ(ds.size(), 2u);
  EXPECT_TRUE(problems((std::string(head) + R"({"id": "t", "experiment": "t"}, {"id": "rooms", "field": "room", "epsilon": 2},
    {"id": "regions", "field": "region", "epsilon": 2}]})").c_str()).empty());
}

// "item": "" named no product: the variant rendered an empty SKU and so was
// never eligible, silently (an empty "items" list is an error too).
TEST(Rules, AnEmptyItemIsReported) {
  auto ds = problems(R"({"version": 1, "site": "s", "slots": {"a": {"variants": [
    {"id": "v", "kind": "offer", "text": "Still deciding?", "item": ""},
    {"id": "w", "kind": "offer", "text": "Still deciding?", "item": "{{behavior.focus}}"}]}}})");
  EXPECT_TRUE(has(ds, "/slots/a/variants/0/item", "must name a SKU"));
  EXPECT_EQ(ds.size(), 1u);
}
