#pragma once
#include <fstream>
#include <sstream>
#include <string>

#include "engine.h"
#include "parse.h"

namespace omo::testing {

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline omo::Shared<const omo::Ruleset> demoRules() {
  static omo::Shared<const omo::Ruleset> rules = [] {
    Diagnostics d;
    return Ruleset::compileText(slurp(std::string(OMO_SOURCE_DIR) + "/demo/rules.json"), &d);
  }();
  return rules;
}

inline Json J(const char* text) {
  std::string err;
  return parseJson(text, &err);
}

// 2026-11-23 13:00 JST (a Monday afternoon in autumn).
constexpr int64_t kMonday1pm = 1763870400000LL + 365LL * 86400000;
constexpr int64_t kMinute = 60000;
constexpr int64_t kHour = 60 * kMinute;

}  // namespace omo::testing
