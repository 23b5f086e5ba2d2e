// One libFuzzer target for every input an attacker or a broken site can
// hand the engine. The first byte picks the entry point; the rest is the
// input. Built with clang -fsanitize=fuzzer,address,undefined; run for a
// bounded time by tests/run (no crash, leak or hang on any input).
#include <cstddef>
#include <cstdint>
#include <string>

#include "condition.h"
#include "engine.h"
#include "jsregex.h"
#include "measure.h"
#include "parse.h"
#include "rapidjson_oracle.h"

namespace {

const char* kRules = R"({"version":1,"site":"f","profile":{"fields":{"name":{"type":"text","maxLength":20},
 "pet":{"type":"choice","values":["dog","cat"]}}},"catalog":{"a":{"category":"c"}},
 "suppression":{"buyOnceCategories":["c"]},"segments":{"dogs":{"profile.pet":"dog"}},
 "experiments":{"e":{"arms":["x","y"]}},"holdout":{"percent":5},
 "slots":{"s":{"variants":[{"id":"v","when":{"behavior.focusDwell":{"$gte":1}},"item":"{{behavior.focus}}",
 "text":"Hi {{profile.name|friend}}","cap":{"session":1}},{"id":"w","segments":["dogs"],"text":"dog"}]}},
 "measurements":[{"id":"m","field":"pet"},{"id":"n","experiment":"e"}]})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string err;
  // For the two entry points whose input is any JSON text, the engine's
  // reader and RapidJSON's agree on it (tests/oracle/).
  if ((data[0] % 6 == 2 || data[0] % 6 == 5) && !omo::oracle::compareWithRapidJson(input).empty()) __builtin_trap();
  switch (data[0] % 6) {
    case 0: {  // a rules document, then every decision
      omo::Diagnostics d;
      auto engine = omo::Engine::fromRulesText(input, 1, &d);
      if (engine) {
        engine->beginPage(1795406400000);
        engine->decideAll(1795406400000);
      }
      break;
    }
    case 1: {  // a stored profile
      omo::Diagnostics d;
      auto engine = omo::Engine::fromRulesText(kRules, 1, &d);
      engine->loadProfile(input, 1795406400000, &err);
      engine->beginPage(1795406400000);
      for (auto& dec : engine->decideAll(1795406400000)) engine->shown(dec, 1795406400000);
      engine->saveProfile();
      engine->dueReports(1795406400000 + 8LL * 86400000);
      break;
    }
    case 2: {  // {"c": condition, "a": attributes}
      omo::Json j = omo::parseJson(input, &err);
      // Whatever parses prints as JSON that parses back to the same value.
      if (!j.is_discarded() && !(omo::parseJson(j.dump(), &err) == j)) __builtin_trap();
      const omo::Json* c = omo::member(j, "c");
      const omo::Json* a = omo::member(j, "a");
      if (c) {
        omo::Diagnostics d;
        auto cond = omo::Condition::compile(*c, &d);
        cond.eval(a ? *a : omo::Json());
      }
      break;
    }
    case 3: {  // pattern NUL subject
      size_t nul = input.find('\0');
      std::string pattern = input.substr(0, nul);
      auto re = omo::Regex::compile(pattern, (size & 1) != 0, &err);
      if (re) re->test(nul == std::string::npos ? pattern : input.substr(nul + 1));
      break;
    }
    case 4: {  // a report batch, as the collector receives it
      omo::ReportBatch b;
      if (omo::ReportBatch::parse(input, &b, &err)) {
        omo::ReportBatch again;
        omo::ReportBatch::parse(b.serialize(), &again, &err);
      }
      break;
    }
    case 5: {  // signals and profile fields from a page script
      omo::Diagnostics d;
      auto engine = omo::Engine::fromRulesText(kRules, 1, &d);
      omo::Json j = omo::parseJson(input, &err);
      engine->loadProfileScript(j, 1795406400000, &err);
      engine->setProfile(j, 1795406400000, &err);
      engine->track(j, 1795406400000, &err);
      engine->setContext(j, &err);
      engine->decideAll(1795406400000);
      engine->explain("s", 1795406400000);
      break;
    }
  }
  return 0;
}
