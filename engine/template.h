// Text templates: "Welcome back, {{profile.name|friend}}". Placeholders read
// a dotted attribute path; `|` gives the fallback used when the value is
// missing or empty. Output is always plain text (the web layer assigns it
// with textContent), so a hostile value cannot become markup.
#pragma once
#include <string>
#include <vector>

#include "diagnostics.h"
#include "json.h"

namespace omo {

class Template {
 public:
  // `fields`: the declared profile fields a profile. placeholder may name.
  static Template compile(const std::string& source, Diagnostics* diags, const std::string& pointer,
                          const std::vector<std::string>& fields);
  std::string render(const Json& attributes) const;
  // Attribute paths the template reads.
  std::vector<std::string> paths() const;
  bool empty() const { return parts_.empty(); }
  bool isLiteral() const { return parts_.size() == 1 && parts_[0].path.empty(); }

 private:
  struct Part {
    std::string literal;                 // when path is empty
    std::vector<std::string> path;       // split on '.'
    std::string fullPath;
    std::string fallback;
  };
  std::vector<Part> parts_;
};

// What is wrong with an attribute path (split on '.') that rules read, "" when
// nothing: it must start with profile., context., behavior. or session., and
// profile.<field> must name one of `fields`, the declared profile fields.
std::string pathProblem(const std::vector<std::string>& path, const std::vector<std::string>& fields);

// Resolves a dotted path; nullptr when any step is missing.
const Json* lookupPath(const Json& attributes, const std::vector<std::string>& path);

}  // namespace omo
