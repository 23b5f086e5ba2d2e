#include "rules_loader.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "rules.h"

namespace omo {
namespace server {

bool loadRulesFile(const std::string& path, std::vector<MeasurementTask>* tasks, std::string* site,
                   std::string* cfg, const char* who) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "%s: cannot read %s\n", who, path.c_str());
    return false;
  }
  std::ostringstream ss;
  ss << f.rdbuf();
  Diagnostics diags;
  auto rules = Ruleset::compileText(ss.str(), &diags);
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
