// Reads a rules file for serve --rules and simulate --rules: the measurement
// tasks (with their cell labels), the site and the rules version hash.
#pragma once
#include <string>
#include <vector>

#include "measure.h"

namespace omo {
namespace server {
// On failure prints every problem to stderr as "PATH:/pointer: message"
// (or "<who>: ..." for an unreadable file) and returns false.
bool loadRulesFile(const std::string& path, std::vector<MeasurementTask>* tasks, std::string* site,
                   std::string* cfg, const char* who);
}  // namespace server
using server::loadRulesFile;
}  // namespace omo
