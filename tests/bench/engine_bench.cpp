// Decisions per page and rules compile time as the rules grow (Google
// Benchmark). Not a test: run it as docs/benchmarks.md says.
//
// A "rule" is one variant with a realistic condition (a profile field, a
// behaviour threshold, a context clause), spread over 10 slots. A page
// decision is decideAll(): every slot of the page.
#include <benchmark/benchmark.h>

#include <string>

#include "engine.h"
#include "parse.h"
#include "rapidjson_oracle.h"

namespace {

constexpr int64_t kNow = 1795406400000;  // 2026-11-23 13:00 JST

std::string makeRules(int rules) {
  std::string s = R"({"version":1,"site":"bench","profile":{"fields":{
    "name":{"type":"text","maxLength":40},
    "pet":{"type":"choice","values":["dog","cat","rabbit","bird","fish"]},
    "region":{"type":"choice","values":["hokkaido","kanto","kansai","kyushu"]}}},
    "suppression":{"buyOnceCategories":["beds"]},
    "segments":{"dogs":{"profile.pet":"dog"}},"slots":{)";
  const int slots = 10;
  const char* pets[] = {"dog", "cat", "rabbit", "bird", "dog"};  // nobody targets fish
  for (int sl = 0; sl < slots; ++sl) {
    if (sl) s += ",";
    s += "\"slot" + std::to_string(sl) + "\":{\"variants\":[";
    int n = rules / slots;
    for (int v = 0; v < n; ++v) {
      if (v) s += ",";
      std::string id = "v" + std::to_string(v);
      std::string pet = pets[v % 5];
      // Most rules do not match: the typical case is scanning many to find one.
      s += "{\"id\":\"" + id + "\",\"priority\":" + std::to_string(n - v) + ",\"when\":{\"profile.pet\":\"" + pet +
           "\",\"behavior.dwell.sku-" + std::to_string(v % 50) + "\":{\"$gte\":" + std::to_string(5 + v % 40) +
           "},\"context.region\":{\"$in\":[\"hokkaido\",\"kanto\"]},\"context.hour\":{\"$gte\":" +
           std::to_string(v % 24) + "}},\"text\":\"Hello {{profile.name|friend}} " + id +
           "\",\"items\":[\"sku-" + std::to_string(v % 50) + "\",\"sku-" + std::to_string((v + 1) % 50) + "\"]}";
    }
    s += "]}";
  }
  s += "}}";
  return s;
}

std::unique_ptr<omo::Engine> makeEngine(int rules, const char* pet = "cat") {
  omo::Diagnostics d;
  auto e = omo::Engine::fromRulesText(makeRules(rules), 1, &d);
  if (!e) abort();
  std::string err;
  omo::Json ctx = {{"tzOffsetMinutes", 540}, {"device", "desktop"}, {"region", "kanto"}, {"path", "/"}};
  e->setContext(ctx, &err);
  e->beginPage(kNow);
  e->setProfile(omo::Json{{"name", "Aiko"}, {"pet", pet}}, kNow, &err);
  for (int i = 0; i < 20; ++i) {
    std::string sku = "sku-" + std::to_string(i);
    e->track(omo::Json{{"type", "view"}, {"sku", sku}, {"category", "c" + std::to_string(i % 5)}}, kNow, &err);
    e->track(omo::Json{{"type", "dwell"}, {"sku", sku}, {"seconds", 10 + i}}, kNow, &err);
  }
  e->track(omo::Json{{"type", "add_to_cart"}, {"sku", "sku-3"}}, kNow, &err);
  return e;
}

void BM_DecidePage(benchmark::State& state) {
  auto e = makeEngine(static_cast<int>(state.range(0)));
  size_t personalized = 0;
  for (auto _ : state) {
    auto ds = e->decideAll(kNow);
    personalized = 0;
    for (const auto& d : ds) personalized += d.personalized();
    benchmark::DoNotOptimize(ds);
  }
  state.counters["rules"] = static_cast<double>(state.range(0));
  state.counters["personalized_slots"] = static_cast<double>(personalized);
  state.counters["pages_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecidePage)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

// The worst case: the visitor matches nothing, so every rule is evaluated.
void BM_DecidePageNoMatch(benchmark::State& state) {
  auto e = makeEngine(static_cast<int>(state.range(0)), "fish");
  for (auto _ : state) {
    auto ds = e->decideAll(kNow);
    for (const auto& d : ds)
      if (d.personalized()) state.SkipWithError("expected no match");
    benchmark::DoNotOptimize(ds);
  }
  state.counters["rules"] = static_cast<double>(state.range(0));
  state.counters["pages_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecidePageNoMatch)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

// The peer: an interpreter that reads each condition from the JSON rules at
// every evaluation, as a straightforward GrowthBook-style SDK does. Same
// visitor and rules as BM_DecidePageNoMatch; the ratio is what compiling
// conditions once buys.
void BM_DecidePageInterpreted(benchmark::State& state) {
  auto e = makeEngine(static_cast<int>(state.range(0)), "fish");
  std::string err;
  const omo::Json doc = omo::parseJson(makeRules(static_cast<int>(state.range(0))), &err);
  const omo::Json attrs = e->attributes(kNow);
  for (auto _ : state) {
    int matched = 0;
    const omo::Json& slots = doc["slots"];
    for (auto slot = slots.begin(); slot != slots.end(); ++slot) {
      for (const auto& v : slot.value()["variants"]) {
        if (omo::Condition::compile(v["when"]).eval(attrs)) {
          ++matched;
          break;
        }
      }
    }
    if (matched) state.SkipWithError("expected no match");
    benchmark::DoNotOptimize(matched);
  }
  state.counters["rules"] = static_cast<double>(state.range(0));
  state.counters["pages_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecidePageInterpreted)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

void BM_CompileRules(benchmark::State& state) {
  std::string text = makeRules(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    omo::Diagnostics d;
    auto rs = omo::Ruleset::compileText(text, &d);
    benchmark::DoNotOptimize(rs);
  }
  state.counters["rules"] = static_cast<double>(state.range(0));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_CompileRules)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// Rules whose catalog lists many products (a national chain's): the catalog
// is one JSON object of that many members.
void BM_CompileRulesCatalog(benchmark::State& state) {
  std::string text = makeRules(10);
  std::string catalog = "\"catalog\":{";
  for (int64_t i = 0; i < state.range(0); ++i)
    catalog += (i ? ",\"sku-" : "\"sku-") + std::to_string(i) + "\":{\"category\":\"c" + std::to_string(i % 40) + "\"}";
  text.insert(text.find("\"slots\""), catalog + "},");
  for (auto _ : state) {
    omo::Diagnostics d;
    auto rs = omo::Ruleset::compileText(text, &d);
    if (!rs) abort();
    benchmark::DoNotOptimize(rs);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_CompileRulesCatalog)->Arg(1000)->Arg(10000)->Arg(50000)->Unit(benchmark::kMillisecond);

// Reading a rules text into the DOM: the engine's reader, and its peer, the
// RapidJSON reader it replaced (tests/oracle/), on the same text.
void BM_ParseJson(benchmark::State& state) {
  std::string text = makeRules(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(omo::parseJson(text, static_cast<std::string*>(nullptr)));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseJson)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_ParseJsonRapidJson(benchmark::State& state) {
  std::string text = makeRules(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(omo::oracle::parseWithRapidJson(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseJsonRapidJson)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

// The attributes document alone: the fixed cost under every page decision.
void BM_Attributes(benchmark::State& state) {
  auto e = makeEngine(10);
  for (auto _ : state) benchmark::DoNotOptimize(e->attributes(kNow));
}
BENCHMARK(BM_Attributes)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
