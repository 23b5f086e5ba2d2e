// The condition language: GrowthBook's Mongo-style conditions, compiled once
// into a tree that is evaluated many times (no JSON re-interpretation per
// evaluation). Semantics follow GrowthBook's JavaScript SDK, which is the
// specification: see ../shared/conformance/growthbook.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "diagnostics.h"
#include "json.h"

namespace omo {

// Saved groups for $inGroup / $notInGroup: id -> array of members.
using SavedGroups = std::map<std::string, Json, std::less<>>;

struct ConditionNode;  // private to condition.cpp

// What a rules document declares, for lint's checks of its conditions
// (kAuthoringChecks): the profile fields, the saved groups, and each choice
// field's values (field -> array of values).
struct Declared {
  const std::vector<std::string>& fields;
  const SavedGroups& groups;
  const SavedGroups& choices;
};

class Condition {
 public:
  Condition();  // the empty condition: always true
  ~Condition();
  Condition(Condition&&) noexcept;
  Condition& operator=(Condition&&) noexcept;
  Condition(const Condition&) = delete;
  Condition& operator=(const Condition&) = delete;

  // Compiles a condition. Anything GrowthBook would evaluate oddly (unknown
  // operator, invalid regex, $in without an array, non-object condition) is
  // reported in `diags` at `pointer`; the compiled condition still evaluates
  // exactly as GrowthBook would, so `diags` may be null for lenient use.
  // With `declared`, every attribute path is also checked as templates check
  // theirs (pathProblem in template.h), every $inGroup / $notInGroup must
  // name a declared group, and a value compared with a choice field must be
  // one of its values.
  static Condition compile(const Json& condition, Diagnostics* diags = nullptr,
                           const std::string& pointer = "", const Declared* declared = nullptr);

  bool eval(const Json& attributes, const SavedGroups& groups) const;
  bool eval(const Json& attributes) const;

  // Attribute paths the condition reads ("profile.pet", ...), in order (not
  // the keys inside an $elemMatch, which are the element's).
  const std::vector<std::string>& paths() const;
  // One readable line per top-level clause, e.g. `profile.pet = "dog"`.
  const std::vector<std::string>& clauses() const;

 private:
  std::unique_ptr<ConditionNode> root_;
  std::vector<std::string> paths_;
  std::vector<std::string> clauses_;
};

// GrowthBook's paddedVersionString, for $veq/$vgt/...
std::string paddedVersionString(const Json& input);

}  // namespace omo
