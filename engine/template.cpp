#include "template.h"

#include "context.h"
#include "jsvalue.h"

namespace omo {
namespace {
std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}
bool validPath(const std::string& p) {
  if (p.empty() || p.front() == '.' || p.back() == '.') return false;
  for (char c : p)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
  return p.find("..") == std::string::npos;
}
}  // namespace

const Json* lookupPath(const Json& attributes, const std::vector<std::string>& path) {
  const Json* cur = &attributes;
  for (const auto& part : path) {
    cur = member(*cur, part);
    if (!cur) return nullptr;
  }
  return cur;
}

std::string pathProblem(const std::vector<std::string>& path, const std::vector<std::string>& fields) {
  static const char* roots[] = {"profile", "context", "behavior", "session"};
  bool known = false;
  for (const char* r : roots) known = known || path[0] == r;
  if (!known) return "must start with profile., context., behavior. or session.";
  if (!kAuthoringChecks || path.size() < 2) return "";
  if (path[0] != "profile") {
    // The attributes the engine builds under each root (docs/rules.md, "Attributes").
    static const char* const kBuilt[] = {
        " hour minute weekday date month season device language path referrer consent region ",
        " views dwell categoryViews categoryDwell cart cartCount cartIdleSeconds purchases purchasedCategories "
        "purchaseCount daysSinceLastPurchase hoursSinceLastPurchase visits focus focusDwell focusCategory ",
        " pageViews cartViews seconds isFirstVisit "};
    const char* built = kBuilt[path[0] == "context" ? 0 : path[0] == "behavior" ? 1 : 2];
    if (oneOf(built, path[1])) return "";
    return "unknown attribute \"" + path[0] + "." + path[1] + "\" (docs/rules.md lists them)";
  }
  std::string list;
  for (const auto& f : fields) {
    if (f == path[1]) return "";
    list += (list.empty() ? " (declared: " : ", ") + f;
  }
  return "unknown profile field \"" + path[1] + "\"" + (list.empty() ? "" : list + ")");
}

Template Template::compile(const std::string& src, Diagnostics* diags, const std::string& pointer,
                           const std::vector<std::string>& fields) {
  Template t;
  size_t i = 0;
  while (i < src.size()) {
    size_t open = src.find("{{", i);
    if (open == std::string::npos) {
      t.parts_.push_back({src.substr(i), {}, "", ""});
      break;
    }
    if (open > i) t.parts_.push_back({src.substr(i, open - i), {}, "", ""});
    size_t close = src.find("}}", open + 2);
    if (close == std::string::npos) {
      if (diags) diags->error(pointer, "unterminated {{ placeholder");
      t.parts_.push_back({src.substr(open), {}, "", ""});
      break;
    }
    std::string inner = src.substr(open + 2, close - open - 2);
    size_t bar = inner.find('|');
    Part p;
    p.fullPath = trim(inner.substr(0, bar));
    if (bar != std::string::npos) p.fallback = trim(inner.substr(bar + 1));
    if (!validPath(p.fullPath)) {
      if (diags) diags->error(pointer, "placeholder {{" + inner + "}} does not name an attribute path");
    } else {
      size_t s = 0;
      while (true) {
        size_t dot = p.fullPath.find('.', s);
        p.path.push_back(p.fullPath.substr(s, dot == std::string::npos ? std::string::npos : dot - s));
        if (dot == std::string::npos) break;
        s = dot + 1;
      }
      std::string why = pathProblem(p.path, fields);
      if (!why.empty() && diags) diags->error(pointer, "placeholder {{" + p.fullPath + "}}: " + why);
    }
    t.parts_.push_back(std::move(p));
    i = close + 2;
  }
  return t;
}

std::string Template::render(const Json& attributes) const {
  std::string out;
  for (const auto& p : parts_) {
    if (p.path.empty()) {
      out += p.literal;
      continue;
    }
    const Json* v = lookupPath(attributes, p.path);
    std::string s = v && !v->is_null() && !v->is_object() ? js::toString(*v) : "";
    out += s.empty() ? p.fallback : s;
  }
  return out;
}

std::vector<std::string> Template::paths() const {
  std::vector<std::string> out;
  for (const auto& p : parts_)
    if (!p.path.empty()) out.push_back(p.fullPath);
  return out;
}

}  // namespace omo
