#include "condition.h"

#include <cmath>

#include "context.h"
#include "jsvalue.h"
#include "jsregex.h"
#include "template.h"

namespace omo {
namespace {

enum class Op {
  Veq, Vne, Vgt, Vgte, Vlt, Vlte, Eq, Ne, Lt, Lte, Gt, Gte, Exists, In, Ini, Nin, Nini,
  InGroup, NotInGroup, Not, Size, ElemMatch, All, Alli, Regex, Regexi, Type, Unknown
};

struct OpInfo {
  const char* name;
  Op op;
};
constexpr OpInfo kOps[] = {
    {"$veq", Op::Veq},       {"$vne", Op::Vne},           {"$vgt", Op::Vgt},
    {"$vgte", Op::Vgte},     {"$vlt", Op::Vlt},           {"$vlte", Op::Vlte},
    {"$eq", Op::Eq},         {"$ne", Op::Ne},             {"$lt", Op::Lt},
    {"$lte", Op::Lte},       {"$gt", Op::Gt},             {"$gte", Op::Gte},
    {"$exists", Op::Exists}, {"$in", Op::In},             {"$ini", Op::Ini},
    {"$nin", Op::Nin},       {"$nini", Op::Nini},         {"$inGroup", Op::InGroup},
    {"$notInGroup", Op::NotInGroup}, {"$not", Op::Not},   {"$size", Op::Size},
    {"$elemMatch", Op::ElemMatch},   {"$all", Op::All},   {"$alli", Op::Alli},
    {"$regex", Op::Regex},   {"$regexi", Op::Regexi},     {"$type", Op::Type},
};

Op lookupOp(const std::string& name) {
  for (const auto& o : kOps)
    if (name == o.name) return o.op;
  return Op::Unknown;
}

bool isOperatorObject(const Json& v) {
  if (!v.is_object() || v.empty()) return false;
  for (auto it = v.begin(); it != v.end(); ++it)
    if (it.key().empty() || it.key()[0] != '$') return false;
  return true;
}

struct ValueMatcher;

struct OpNode {
  Op op = Op::Unknown;
  Json expected;
  std::string text;                          // padded version / $type name / group id
  Shared<const Regex> regex;        // null when invalid
  std::unique_ptr<ValueMatcher> sub;         // $not, $size, $elemMatch (operator form)
  std::unique_ptr<ConditionNode> subCond;    // $elemMatch (object form)
  std::vector<ValueMatcher> all;             // $all / $alli items
  bool expectedIsArray = false;
};

// evalConditionValue: how one value is checked against a condition value.
struct ValueMatcher {
  enum Kind { String, Number, Bool, Null, Stringify, Operators } kind = Null;
  std::string str;      // String: the condition (lower-cased when insensitive); Stringify: JSON
  double num = 0;
  bool boolean = false;
  bool insensitive = false;
  std::vector<OpNode> ops;
};

}  // namespace

struct ConditionNode {
  enum Kind { Or, Nor, And, Not, Path, Never, Always };
  struct Entry {
    Kind kind;
    std::vector<ConditionNode> children;   // Or / Nor / And: list; Not: one
    std::vector<std::string> path;         // Path: split on '.'
    ValueMatcher value;                    // Path
  };
  std::vector<Entry> entries;
  bool never = false;  // not an object: GrowthBook can't evaluate it; false
};

namespace {

struct Compiler {
  Diagnostics* diags;
  std::vector<std::string>* paths;
  const Declared* declared;  // lint's checks, when given
  int inElement = 0;  // inside an $elemMatch: keys are the element's, not attributes

  void error(const std::string& ptr, const std::string& msg) {
    if (diags) diags->error(ptr, msg);
  }

  // A context attribute with a fixed set of values (docs/rules.md,
  // "Attributes"), or a choice field, compared with a value it never takes.
  // An authoring check.
  void checkValues(const std::vector<std::string>& path, const Json& v, const std::string& p) {
    if (path.size() != 2) return;
    std::string allowed;
    if (path[0] == "context") {
      allowed = path[1] == "device"     ? kDevices
                : path[1] == "consent"  ? kConsents
                : path[1] == "referrer" ? kReferrers
                : path[1] == "season"   ? kSeasons
                                        : std::string_view();
    } else if (path[0] == "profile") {
      auto c = declared->choices.find(path[1]);
      if (c != declared->choices.end()) {
        for (const auto& x : c->second) allowed += " " + x.get<std::string>();
        allowed += ' ';
      }
    }
    if (allowed.empty()) return;
    auto check = [&](const Json& x, const std::string& at) {
      if (x.is_string() && !oneOf(allowed, x.get<std::string>()))
        error(at, "\"" + x.get<std::string>() + "\" is not a value of " + path[0] + "." + path[1] + " (" +
                      allowed.substr(1, allowed.size() - 2) + ")");
    };
    check(v, p);
    if (!v.is_object()) return;
    for (const char* op : {"$eq", "$ne", "$in", "$nin"}) {
      auto it = v.find(op);
      if (it == v.end()) continue;
      const std::string at = pointerJoin(p, op);
      if (it->is_array())
        for (size_t i = 0; i < it->size(); ++i) check((*it)[i], pointerJoin(at, i));
      else
        check(*it, at);
    }
  }

  ConditionNode cond(const Json& c, const std::string& ptr, int depth) {
    ConditionNode node;
    if (depth > 64) {
      error(ptr, "condition nested too deeply");
      node.never = true;
      return node;
    }
    if (!c.is_object()) {
      error(ptr, "a condition must be an object");
      node.never = true;
      return node;
    }
    for (auto it = c.begin(); it != c.end(); ++it) {
      const std::string& k = it.key();
      const Json& v = it.value();
      std::string p = pointerJoin(ptr, k);
      ConditionNode::Entry e;
      if (k == "$or" || k == "$nor" || k == "$and") {
        e.kind = k == "$or" ? ConditionNode::Or : k == "$nor" ? ConditionNode::Nor : ConditionNode::And;
        if (!v.is_array()) {
          error(p, k + " needs an array of conditions");
        } else {
          for (size_t i = 0; i < v.size(); ++i) e.children.push_back(cond(v[i], pointerJoin(p, i), depth + 1));
        }
      } else if (k == "$not") {
        e.kind = ConditionNode::Not;
        e.children.push_back(cond(v, p, depth + 1));
      } else {
        if (!k.empty() && k[0] == '$') error(p, "unknown logical operator " + k);
        e.kind = ConditionNode::Path;
        size_t start = 0;
        while (true) {
          size_t dot = k.find('.', start);
          e.path.push_back(k.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
          if (dot == std::string::npos) break;
          start = dot + 1;
        }
        if (!inElement) {
          paths->push_back(k);
          if (kAuthoringChecks && declared) {
            std::string why = pathProblem(e.path, declared->fields);
            if (!why.empty()) error(p, why);
            checkValues(e.path, v, p);
          }
        }
        e.value = value(v, p, false, depth + 1);
      }
      node.entries.push_back(std::move(e));
    }
    return node;
  }

  ValueMatcher value(const Json& c, const std::string& ptr, bool insensitive, int depth) {
    ValueMatcher m;
    m.insensitive = insensitive;
    if (c.is_string()) {
      m.kind = ValueMatcher::String;
      m.str = insensitive ? js::lowerAscii(c.get<std::string>()) : c.get<std::string>();
    } else if (c.is_number()) {
      m.kind = ValueMatcher::Number;
      m.num = c.get<double>();
    } else if (c.is_boolean()) {
      m.kind = ValueMatcher::Bool;
      m.boolean = c.get<bool>();
    } else if (c.is_null()) {
      m.kind = ValueMatcher::Null;
    } else if (!isOperatorObject(c)) {
      m.kind = ValueMatcher::Stringify;
      m.str = js::stringify(c);
    } else {
      m.kind = ValueMatcher::Operators;
      for (auto it = c.begin(); it != c.end(); ++it)
        m.ops.push_back(op(it.key(), it.value(), pointerJoin(ptr, it.key()), depth));
    }
    return m;
  }

  OpNode op(const std::string& name, const Json& expected, const std::string& ptr, int depth) {
    OpNode n;
    n.op = lookupOp(name);
    n.expected = expected;
    n.expectedIsArray = expected.is_array();
    if (depth > 64) {
      error(ptr, "condition nested too deeply");
      n.op = Op::Unknown;
      return n;
    }
    switch (n.op) {
      case Op::Unknown: error(ptr, "unknown operator " + name); break;
      case Op::Veq: case Op::Vne: case Op::Vgt: case Op::Vgte: case Op::Vlt: case Op::Vlte:
        if (!expected.is_string() && !expected.is_number()) error(ptr, name + " needs a version string");
        n.text = paddedVersionString(expected);
        break;
      case Op::In: case Op::Ini: case Op::Nin: case Op::Nini: case Op::All: case Op::Alli:
        if (!expected.is_array()) error(ptr, name + " needs an array");
        if ((n.op == Op::All || n.op == Op::Alli) && expected.is_array()) {
          for (size_t i = 0; i < expected.size(); ++i)
            n.all.push_back(value(expected[i], pointerJoin(ptr, i), n.op == Op::Alli, depth + 1));
        }
        break;
      case Op::InGroup: case Op::NotInGroup:
        if (!expected.is_string()) error(ptr, name + " needs a group id");
        n.text = js::toString(expected);
        if (kAuthoringChecks && declared && expected.is_string() && !declared->groups.count(n.text))
          error(ptr, "unknown group \"" + n.text + "\"");
        break;
      case Op::Not:
      case Op::Size:
        n.sub = std::make_unique<ValueMatcher>(value(expected, ptr, false, depth + 1));
        break;
      case Op::ElemMatch:
        if (isOperatorObject(expected))
          n.sub = std::make_unique<ValueMatcher>(value(expected, ptr, false, depth + 1));
        else {
          ++inElement;
          n.subCond = std::make_unique<ConditionNode>(cond(expected, ptr, depth + 1));
          --inElement;
        }
        break;
      case Op::Regex: case Op::Regexi: {
        std::string err;
        n.regex = Regex::compile(js::toString(expected), n.op == Op::Regexi, &err);
        if (!expected.is_string()) error(ptr, name + " needs a pattern string");
        else if (!n.regex) error(ptr, "invalid regular expression: " + err);
        break;
      }
      case Op::Type:
        if (!expected.is_string()) error(ptr, "$type needs a type name");
        n.text = js::toString(expected);
        break;
      default: break;
    }
    return n;
  }
};

// ---- Evaluation -------------------------------------------------------------

const Json& nullJson() {
  static const Json n;
  return n;
}

// GrowthBook's getPath: walks objects (and arrays, by index or "length");
// a missing step or a falsy intermediate gives null. `scratch` holds a
// computed array length.
const Json& getPath(const Json& obj, const std::vector<std::string>& path, Json& scratch) {
  const Json* cur = &obj;
  for (const auto& part : path) {
    if (cur->is_object()) {
      auto it = cur->find(part);
      if (it == cur->end()) return nullJson();
      cur = &*it;
    } else if (cur->is_array()) {
      if (part == "length") {
        scratch = cur->size();
        cur = &scratch;
        continue;
      }
      if (part.empty() || part.size() > 9 || (part.size() > 1 && part[0] == '0')) return nullJson();
      size_t idx = 0;
      for (char c : part) {
        if (c < '0' || c > '9') return nullJson();
        idx = idx * 10 + static_cast<size_t>(c - '0');
      }
      if (idx >= cur->size()) return nullJson();
      cur = &(*cur)[idx];
    } else {
      return nullJson();
    }
  }
  return *cur;
}

bool evalNode(const ConditionNode& node, const Json& obj, const SavedGroups& groups);
bool evalValue(const ValueMatcher& m, const Json& value, const SavedGroups& groups);

bool sameValueZero(const Json& a, const Json& b) { return js::strictEquals(a, b); }

bool isIn(const Json& actual, const Json& expected, bool insensitive) {
  auto fold = [&](const Json& v) -> Json {
    return insensitive && v.is_string() ? Json(js::lowerAscii(v.get<std::string>())) : v;
  };
  auto contains = [&](const Json& x) {
    Json fx = fold(x);
    for (const auto& e : expected)
      if (sameValueZero(fx, fold(e))) return true;
    return false;
  };
  if (actual.is_array()) {
    for (const auto& el : actual)
      if (contains(el)) return true;
    return false;
  }
  return contains(actual);
}

bool isInAll(const Json& actual, const std::vector<ValueMatcher>& items, const SavedGroups& groups) {
  if (!actual.is_array()) return false;
  for (const auto& item : items) {
    bool passed = false;
    for (const auto& a : actual) {
      if (evalValue(item, a, groups)) {
        passed = true;
        break;
      }
    }
    if (!passed) return false;
  }
  return true;
}

bool evalOp(const OpNode& n, const Json& actual, const SavedGroups& groups) {
  switch (n.op) {
    case Op::Veq: return paddedVersionString(actual) == n.text;
    case Op::Vne: return paddedVersionString(actual) != n.text;
    case Op::Vgt: return paddedVersionString(actual) > n.text;
    case Op::Vgte: return paddedVersionString(actual) >= n.text;
    case Op::Vlt: return paddedVersionString(actual) < n.text;
    case Op::Vlte: return paddedVersionString(actual) <= n.text;
    case Op::Eq: return js::strictEquals(actual, n.expected);
    case Op::Ne: return !js::strictEquals(actual, n.expected);
    case Op::Lt: return js::compare(actual, n.expected, js::Rel::Lt);
    case Op::Lte: return js::compare(actual, n.expected, js::Rel::Lte);
    case Op::Gt: return js::compare(actual, n.expected, js::Rel::Gt);
    case Op::Gte: return js::compare(actual, n.expected, js::Rel::Gte);
    case Op::Exists: return js::truthy(n.expected) ? !actual.is_null() : actual.is_null();
    case Op::In: return n.expectedIsArray && isIn(actual, n.expected, false);
    case Op::Ini: return n.expectedIsArray && isIn(actual, n.expected, true);
    case Op::Nin: return n.expectedIsArray && !isIn(actual, n.expected, false);
    case Op::Nini: return n.expectedIsArray && !isIn(actual, n.expected, true);
    case Op::InGroup:
    case Op::NotInGroup: {
      auto it = groups.find(n.text);
      static const Json empty = Json::array();
      bool in = isIn(actual, it == groups.end() || !it->second.is_array() ? empty : it->second, false);
      return n.op == Op::InGroup ? in : !in;
    }
    case Op::Not: return !evalValue(*n.sub, actual, groups);
    case Op::Size:
      if (!actual.is_array()) return false;
      return evalValue(*n.sub, Json(actual.size()), groups);
    case Op::ElemMatch:
      if (!actual.is_array()) return false;
      for (const auto& el : actual) {
        if (!js::truthy(el)) continue;
        if (n.sub ? evalValue(*n.sub, el, groups) : evalNode(*n.subCond, el, groups)) return true;
      }
      return false;
    case Op::All:
    case Op::Alli: return n.expectedIsArray && isInAll(actual, n.all, groups);
    case Op::Regex:
    case Op::Regexi: return n.regex && n.regex->test(js::toString(actual));
    case Op::Type: return n.text == js::typeOf(actual);
    case Op::Unknown: return false;
  }
  return false;
}

bool evalValue(const ValueMatcher& m, const Json& value, const SavedGroups& groups) {
  switch (m.kind) {
    case ValueMatcher::String:
      if (value.is_string() && !m.insensitive) return value.get_ref<const std::string&>() == m.str;
      return m.insensitive ? js::lowerAscii(js::toString(value)) == m.str : js::toString(value) == m.str;
    case ValueMatcher::Number: return js::toNumber(value) == m.num;
    case ValueMatcher::Bool: return !value.is_null() && js::truthy(value) == m.boolean;
    case ValueMatcher::Null: return value.is_null();
    case ValueMatcher::Stringify: return js::stringify(value) == m.str;
    case ValueMatcher::Operators:
      for (const auto& op : m.ops)
        if (!evalOp(op, value, groups)) return false;
      return true;
  }
  return false;
}

bool evalNode(const ConditionNode& node, const Json& obj, const SavedGroups& groups) {
  if (node.never) return false;
  for (const auto& e : node.entries) {
    switch (e.kind) {
      case ConditionNode::Or:
      case ConditionNode::Nor: {
        bool any = e.children.empty();  // GrowthBook: an empty $or passes
        for (const auto& c : e.children)
          if (evalNode(c, obj, groups)) {
            any = true;
            break;
          }
        if (e.kind == ConditionNode::Or ? !any : any) return false;
        break;
      }
      case ConditionNode::And:
        for (const auto& c : e.children)
          if (!evalNode(c, obj, groups)) return false;
        break;
      case ConditionNode::Not:
        if (evalNode(e.children[0], obj, groups)) return false;
        break;
      case ConditionNode::Path: {
        Json scratch;
        if (!evalValue(e.value, getPath(obj, e.path, scratch), groups)) return false;
        break;
      }
      default: return false;
    }
  }
  return true;
}

std::string describeClause(const std::string& key, const Json& v) {
  if (key == "$or" || key == "$and" || key == "$nor" || key == "$not") return key + " " + v.dump();
  if (!isOperatorObject(v)) return key + " = " + v.dump();
  std::string out;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!out.empty()) out += " and ";
    std::string sym = it.key();
    if (sym == "$gt") sym = ">";
    else if (sym == "$gte") sym = ">=";
    else if (sym == "$lt") sym = "<";
    else if (sym == "$lte") sym = "<=";
    else if (sym == "$eq") sym = "=";
    else if (sym == "$ne") sym = "!=";
    else if (sym == "$in") sym = "in";
    else if (sym == "$nin") sym = "not in";
    out += key + " " + sym + " " + it.value().dump();
  }
  return out;
}

}  // namespace

Condition::Condition() = default;
Condition::~Condition() = default;
Condition::Condition(Condition&&) noexcept = default;
Condition& Condition::operator=(Condition&&) noexcept = default;

Condition Condition::compile(const Json& condition, Diagnostics* diags, const std::string& pointer,
                             const Declared* declared) {
  Condition c;
  Compiler comp{diags, &c.paths_, declared};
  c.root_ = std::make_unique<ConditionNode>(comp.cond(condition, pointer, 0));
  if (condition.is_object())
    for (auto it = condition.begin(); it != condition.end(); ++it)
      c.clauses_.push_back(describeClause(it.key(), it.value()));
  return c;
}

bool Condition::eval(const Json& attributes, const SavedGroups& groups) const {
  return !root_ || evalNode(*root_, attributes, groups);
}

bool Condition::eval(const Json& attributes) const {
  static const SavedGroups none;
  return eval(attributes, none);
}

const std::vector<std::string>& Condition::paths() const { return paths_; }
const std::vector<std::string>& Condition::clauses() const { return clauses_; }

std::string paddedVersionString(const Json& input) {
  std::string s;
  if (input.is_number()) s = js::toString(input);
  else if (input.is_string()) s = input.get<std::string>();
  if (s.empty()) s = "0";
  // Drop a leading 'v' and build metadata ("+..."), then split on '-' and '.'.
  if (!s.empty() && s[0] == 'v') s.erase(0, 1);
  size_t plus = s.find('+');
  if (plus != std::string::npos) s.erase(plus);
  std::vector<std::string> parts(1);
  for (char c : s) {
    if (c == '-' || c == '.') parts.emplace_back();
    else parts.back() += c;
  }
  if (parts.size() == 3) parts.push_back("~");
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    bool numeric = !p.empty();
    for (char c : p)
      if (c < '0' || c > '9') numeric = false;
    if (i) out += '-';
    if (numeric && p.size() < 5) out += std::string(5 - p.size(), ' ');
    out += p;
  }
  return out;
}

}  // namespace omo
