// Problems found in an input document, each at a JSON pointer (RFC 6901).
#pragma once
#include <string>
#include <vector>

#include "json.h"  // decimal

namespace omo {

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
