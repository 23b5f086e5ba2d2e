// Problems found in an input document, each at a JSON pointer (RFC 6901).
#pragma once
#include <string>
#include <vector>

#include "json.h"  // decimal

namespace omo {

// Checks that help an author but that a document need not pass to be used
// safely (a variant never shown, a repeated key, an undeclared field in a
// condition, a measurement over the weekly budget, ...): `omotenashi lint`
// and the native tools make them; the browser's bundle leaves them out
// (bindings/CMakeLists.txt), as they cost about 1.3 KB gzip (docs/rules.md).
#ifndef OMO_AUTHORING_CHECKS
#define OMO_AUTHORING_CHECKS 1
#endif
constexpr bool kAuthoringChecks = OMO_AUTHORING_CHECKS;

struct Diagnostic {
  std::string pointer;  // "" is the whole document
  std::string message;
};

class Diagnostics {
 public:
  void error(std::string pointer, std::string message) {
    list_.push_back({std::move(pointer), std::move(message)});
  }
  bool empty() const { return list_.empty(); }
  const std::vector<Diagnostic>& list() const { return list_; }

 private:
  std::vector<Diagnostic> list_;
};

// Appends one reference token to a JSON pointer, escaping '~' and '/'.
inline std::string pointerJoin(const std::string& base, const std::string& token) {
  std::string out = base + "/";
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}
inline std::string pointerJoin(const std::string& base, size_t index) {
  return base + "/" + decimal(static_cast<int64_t>(index));
}

}  // namespace omo
