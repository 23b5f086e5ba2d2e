#include "rules_loader.h"

#include <cstdio>

#include "files.h"
#include "rules.h"

namespace omo {
namespace server {

bool loadRulesFile(const std::string& path, std::vector<MeasurementTask>* tasks, std::string* site,
                   std::string* cfg, const char* who) {
  std::string text, error;
  if (!readFile(path, &text, &error)) {
    std::fprintf(stderr, "%s: %s\n", who, error.c_str());
    return false;
  }
  Diagnostics diags;
  auto rules = Ruleset::compileText(text, &diags);
  if (!rules) {
    for (const auto& d : diags.list())
      std::fprintf(stderr, "%s:%s: %s\n", path.c_str(), d.pointer.c_str(), d.message.c_str());
    if (diags.empty()) std::fprintf(stderr, "%s: invalid rules\n", path.c_str());
    return false;
  }
  *tasks = rules->measurements;
  *site = rules->site;
  *cfg = rules->hash;
  return true;
}

}  // namespace server
}  // namespace omo
