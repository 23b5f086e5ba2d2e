#include "rules.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>

#include "jsvalue.h"
#include "parse.h"

namespace omo {
namespace {

// Reads one object of the rules document: every key must be known, every
// value of the expected type; problems go to diags with their pointer. Text
// limits are in characters (code points), as in docs/rules.schema.json:
// counted in bytes, a Japanese text got a third of them.
class Obj {
 public:
  Obj(const Json& j, std::string ptr, Diagnostics* d, std::initializer_list<const char*> keys)
      : j_(j), ptr_(std::move(ptr)), d_(d) {
    if (!j.is_object()) {
      d_->error(ptr_, "must be an object");
      ok_ = false;
      return;
    }
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!knownKey(it.key(), keys)) {
        std::string list;
        for (const char* k : keys) list += std::string(list.empty() ? "" : ", ") + k;
        d_->error(pointerJoin(ptr_, it.key()), "unknown key \"" + it.key() + "\" (expected one of: " + list + ")");
      }
    }
  }
  bool ok() const { return ok_; }
  const Json* get(const char* key) const { return ok_ ? member(j_, key) : nullptr; }
  std::string at(const char* key) const { return pointerJoin(ptr_, key); }
  const std::string& ptr() const { return ptr_; }

  bool str(const char* key, std::string* out, bool required = false, size_t maxLen = 4096) const {
    const Json* v = get(key);
    if (!v) {
      if (required && ok_) d_->error(at(key), "is required");
      return false;
    }
    if (!v->is_string()) {
      d_->error(at(key), "must be a string");
      return false;
    }
    if (codePoints(v->get_ref<const std::string&>()) > maxLen) {
      d_->error(at(key), "is longer than " + decimal(maxLen) + " characters");
      return false;
    }
    *out = v->get<std::string>();
    return true;
  }
  bool num(const char* key, double* out, double lo, double hi) const {
    const Json* v = get(key);
    if (!v) return false;
    if (!v->is_number() || !std::isfinite(v->get<double>())) {
      d_->error(at(key), "must be a number");
      return false;
    }
    double x = v->get<double>();
    if (x < lo || x > hi) {
      d_->error(at(key), "must be between " + js::numberToString(lo) + " and " + js::numberToString(hi));
      return false;
    }
    *out = x;
    return true;
  }
  bool integer(const char* key, int64_t* out, int64_t lo, int64_t hi) const {
    double x;
    if (!num(key, &x, static_cast<double>(lo), static_cast<double>(hi))) return false;
    if (x != std::floor(x)) {
      d_->error(at(key), "must be a whole number");
      return false;
    }
    *out = static_cast<int64_t>(x);
    return true;
  }
  bool boolean(const char* key, bool* out) const {
    const Json* v = get(key);
    if (!v) return false;
    if (!v->is_boolean()) {
      d_->error(at(key), "must be true or false");
      return false;
    }
    *out = v->get<bool>();
    return true;
  }
  bool strings(const char* key, std::vector<std::string>* out, size_t maxItems = 1000) const {
    const Json* v = get(key);
    if (!v) return false;
    if (!v->is_array()) {
      d_->error(at(key), "must be an array of strings");
      return false;
    }
    if (v->size() > maxItems) {
      d_->error(at(key), "has more than " + decimal(maxItems) + " items");
      return false;
    }
    bool good = true;
    for (size_t i = 0; i < v->size(); ++i) {
      if (!(*v)[i].is_string()) {
        d_->error(pointerJoin(at(key), i), "must be a string");
        good = false;
      } else {
        out->push_back((*v)[i].get<std::string>());
      }
    }
    return good;
  }

 private:
  const Json& j_;
  std::string ptr_;
  Diagnostics* d_;
  bool ok_ = true;
};

bool isSlug(const std::string& s, size_t maxLen = 64) {
  if (s.empty() || s.size() > maxLen) return false;
  for (char c : s)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

// A name that goes into reports: a slug starting with a letter or digit, as
// the collector requires (measure.cpp).
bool isReportName(const std::string& s) { return isSlug(s) && isalnum(static_cast<unsigned char>(s[0])); }

bool isDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  auto num = [&](size_t at, size_t n) {
    int x = 0;
    for (size_t i = at; i < at + n; ++i) x = x * 10 + (s[i] - '0');
    return x;
  };
  int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  static const char kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  return m >= 1 && m <= 12 && d >= 1 && d <= (kAuthoringChecks ? kDays[m - 1] - (m == 2 && !leap) : 31);
}

uint64_t fnv1a64(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

void compileSchedule(const Json& j, const std::string& ptr, Diagnostics* d, Schedule* s) {
  Obj o(j, ptr, d, {"from", "until", "hours", "weekdays", "seasons"});
  if (!o.ok()) return;
  if (o.str("from", &s->from) && !isDate(s->from)) d->error(o.at("from"), "must be a date YYYY-MM-DD");
  if (o.str("until", &s->until)) {
    if (!isDate(s->until)) d->error(o.at("until"), "must be a date YYYY-MM-DD");
    else if (kAuthoringChecks && s->until < s->from) d->error(o.at("until"), "is before from: the variant would never show");
  }
  if (const Json* h = o.get("hours")) {
    if (!h->is_array() || h->size() != 2 || !(*h)[0].is_number_integer() || !(*h)[1].is_number_integer() ||
        (*h)[0].get<int64_t>() < 0 || (*h)[0].get<int64_t>() > 23 || (*h)[1].get<int64_t>() < 1 ||
        (*h)[1].get<int64_t>() > 24) {
      d->error(o.at("hours"), "must be [fromHour, untilHour] with 0 <= from <= 23 and 1 <= until <= 24");
    } else {
      s->fromHour = (*h)[0].get<int>();
      s->untilHour = (*h)[1].get<int>();
      if (kAuthoringChecks && s->fromHour == s->untilHour) d->error(o.at("hours"), "holds no hour: from and until are the same hour");
    }
  }
  if (const Json* w = o.get("weekdays")) {
    if (!w->is_array()) d->error(o.at("weekdays"), "must be an array of weekday numbers (0 = Sunday)");
    else
      for (size_t i = 0; i < w->size(); ++i) {
        const Json& x = (*w)[i];
        if (!x.is_number_integer() || x.get<int64_t>() < 0 || x.get<int64_t>() > 6)
          d->error(pointerJoin(o.at("weekdays"), i), "must be a weekday number 0-6 (0 = Sunday)");
        else
          s->weekdays.push_back(x.get<int>());
      }
  }
  std::vector<std::string> seasons;
  if (o.strings("seasons", &seasons)) {
    for (size_t i = 0; i < seasons.size(); ++i) {
      const auto& x = seasons[i];
      if (x != "winter" && x != "spring" && x != "summer" && x != "autumn")
        d->error(pointerJoin(o.at("seasons"), i), "must be winter, spring, summer or autumn");
    }
    s->seasons = seasons;
  }
}

// "text" and "why": a text, or {language: text} with the first as the
// fallback. add(v, d, language, text, pointer) for each; language "" for a
// plain text; `fields` are the declared profile fields, for templates. (A
// function pointer, not a template: one copy of the loop.)
using Fields = std::vector<std::string>;
using AddText = void (*)(Variant*, Diagnostics*, const std::string&, const std::string&, const std::string&,
                         const Fields&);
void localized(const Obj& o, const char* key, size_t maxLen, Diagnostics* d, Variant* v, const Fields& fields,
               AddText add) {
  const Json* t = o.get(key);
  if (!t) return;
  if (t->is_string()) {
    std::string text;
    if (o.str(key, &text, false, maxLen)) add(v, d, std::string(), text, o.at(key), fields);
    return;
  }
  if (!t->is_object() || t->empty()) {
    d->error(o.at(key), "must be a text, or an object of language -> text");
    return;
  }
  for (auto it = t->begin(); it != t->end(); ++it) {
    std::string tp = pointerJoin(o.at(key), it.key());
    if (!isSlug(it.key(), 35)) d->error(tp, "must be a language tag such as en or ja");
    if (!it.value().is_string() || codePoints(it.value().get_ref<const std::string&>()) > maxLen) {
      d->error(tp, "must be a text of at most " + decimal(maxLen) + " characters");
      continue;
    }
    add(v, d, js::lowerAscii(it.key()), it.value().get<std::string>(), tp, fields);
  }
}

// One text of a localized plain-text field: the first (or a plain text) is the fallback.
void addText(std::string* fallback, std::vector<std::pair<std::string, std::string>>* byLanguage,
             const std::string& lang, const std::string& text) {
  if (lang.empty() || byLanguage->empty()) *fallback = text;
  if (!lang.empty()) byLanguage->emplace_back(lang, text);
}

void compileVariant(const Json& j, const std::string& ptr, size_t order, Diagnostics* d, const Declared& declared,
                    Variant* v) {
  const Fields& fields = declared.fields;
  Obj o(j, ptr, d,
        {"id", "kind", "priority", "when", "segments", "text", "image", "items", "maxItems", "item", "channel",
         "schedule", "cap", "experiment", "why"});
  if (!o.ok()) return;
  v->order = order;
  if (o.str("id", &v->id, true) && !isSlug(v->id)) d->error(o.at("id"), "must be a short name of letters, digits, - _ .");
  if (v->id == "default") d->error(o.at("id"), "\"default\" is reserved for the page's own content");
  if (o.str("kind", &v->kind) && v->kind != "content" && v->kind != "offer" && v->kind != "action")
    d->error(o.at("kind"), "must be content, offer or action");
  int64_t pr = 0;
  if (o.integer("priority", &pr, -1000000, 1000000)) v->priority = static_cast<int>(pr);
  if (const Json* w = o.get("when")) v->when = Condition::compile(*w, d, o.at("when"), kAuthoringChecks ? &declared : nullptr);
  o.strings("segments", &v->segments, 32);
  localized(o, "text", 2000, d, v, fields, [](Variant* v, Diagnostics* d, const std::string& lang,
                                              const std::string& text, const std::string& p, const Fields& fields) {
    Template t = Template::compile(text, d, p, fields);
    if (lang.empty() || v->textByLanguage.empty()) {
      v->text = t;
      v->hasText = true;
    }
    if (!lang.empty()) v->textByLanguage.emplace_back(lang, std::move(t));
  });
  if (const Json* img = o.get("image")) {
    Obj io(*img, o.at("image"), d, {"src", "alt", "srcset"});
    if (io.ok()) {
      if (io.str("src", &v->imageSrc, true, 2048)) {
        // Images come only from URLs written here: relative or http(s).
        const std::string& s = v->imageSrc;
        bool relative = !s.empty() && (s[0] == '/' || s[0] == '.') && s.rfind("//", 0) != 0;
        bool http = s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0;
        if (!relative && !http) d->error(io.at("src"), "must be a relative path or an http(s) URL");
      }
      localized(io, "alt", 500, d, v, fields,
                [](Variant* v, Diagnostics*, const std::string& lang, const std::string& alt, const std::string&,
                   const Fields&) { addText(&v->imageAlt, &v->altByLanguage, lang, alt); });
      io.str("srcset", &v->imageSrcset, false, 4096);
      v->hasImage = true;
    }
  }
  if (o.strings("items", &v->items, 200) && v->items.empty())
    d->error(o.at("items"), "must name at least one SKU");
  int64_t mi;
  if (o.integer("maxItems", &mi, 1, 50)) v->maxItems = static_cast<int>(mi);
  std::string item;
  if (o.str("item", &item, false, 200)) {
    if (item.empty()) d->error(o.at("item"), "must name a SKU, or a template such as {{behavior.focus}}");
    v->item = Template::compile(item, d, o.at("item"), fields);
    v->hasItem = true;
  }
  std::string channel;
  if (o.str("channel", &channel, false, 200)) {
    v->channel = Template::compile(channel, d, o.at("channel"), fields);
    v->hasChannel = true;
  }
  if (const Json* s = o.get("schedule")) compileSchedule(*s, o.at("schedule"), d, &v->schedule);
  if (const Json* c = o.get("cap")) {
    Obj co(*c, o.at("cap"), d, {"session", "day", "lifetime", "cooldownMinutes"});
    int64_t x;
    if (co.integer("session", &x, 0, 1000000)) v->cap.session = static_cast<int>(x);
    if (co.integer("day", &x, 0, 1000000)) v->cap.day = static_cast<int>(x);
    if (co.integer("lifetime", &x, 0, 1000000)) v->cap.lifetime = static_cast<int>(x);
    double mins;
    if (co.num("cooldownMinutes", &mins, 0, 525600)) v->cap.cooldownMs = static_cast<int64_t>(mins * 60000);
  }
  if (const Json* e = o.get("experiment")) {
    Obj eo(*e, o.at("experiment"), d, {"id", "arm"});
    ExperimentArm arm;
    eo.str("id", &arm.experiment, true);
    eo.str("arm", &arm.arm, true);
    v->experiment = arm;
  }
  localized(o, "why", 1000, d, v, fields,
            [](Variant* v, Diagnostics*, const std::string& lang, const std::string& why, const std::string&,
               const Fields&) { addText(&v->why, &v->whyByLanguage, lang, why); });
  if (!v->hasText && !v->hasImage && v->items.empty() && !v->hasItem && !v->hasChannel)
    d->error(ptr, "a variant needs something to show: text, image, items, item or channel");
}

}  // namespace

namespace {
// The entry for a BCP 47 language: exact tag, then its primary subtag, else the fallback.
template <class T>
const T& forLanguage(const std::vector<std::pair<std::string, T>>& byLanguage, const std::string& language,
                     const T& fallback) {
  if (byLanguage.empty() || language.empty()) return fallback;
  std::string lang = js::lowerAscii(language);
  for (const auto& [tag, t] : byLanguage)
    if (tag == lang) return t;
  std::string primary = lang.substr(0, lang.find('-'));
  for (const auto& [tag, t] : byLanguage)
    if (tag == primary) return t;
  return fallback;
}
}  // namespace

const Template& Variant::textFor(const std::string& language) const { return forLanguage(textByLanguage, language, text); }
const std::string& Variant::whyFor(const std::string& language) const { return forLanguage(whyByLanguage, language, why); }
const std::string& Variant::altFor(const std::string& language) const { return forLanguage(altByLanguage, language, imageAlt); }

bool Schedule::any() const {
  return !from.empty() || !until.empty() || fromHour != 0 || untilHour != 24 || !weekdays.empty() ||
         !seasons.empty();
}

const Slot* Ruleset::slot(const std::string& name) const {
  for (const auto& s : slots)
    if (s.name == name) return &s;
  return nullptr;
}

const Experiment* Ruleset::experiment(const std::string& id) const {
  auto it = experiments.find(id);
  return it == experiments.end() ? nullptr : &it->second;
}

bool Ruleset::isBuyOnce(const std::string& category) const {
  return !category.empty() &&
         std::find(buyOnceCategories.begin(), buyOnceCategories.end(), category) != buyOnceCategories.end();
}

Shared<const Ruleset> Ruleset::compileText(const std::string& text, Diagnostics* diags) {
  std::string err;
  std::vector<std::string> repeated;
  Json doc = parseJson(text, &err, kAuthoringChecks ? &repeated : nullptr);
  if (doc.is_discarded()) {
    diags->error("", "not valid JSON: " + err);
    return nullptr;
  }
  // JSON keeps a repeated key's last value: a copied slot not yet renamed, or
  // a second "when", would silently replace the first.
  for (const auto& p : repeated) diags->error(p, "key given twice: only the last value would count");
  return compile(doc, diags);
}

Shared<const Ruleset> Ruleset::compile(const Json& doc, Diagnostics* d) {
  Shared<Ruleset> rs(new Ruleset());
  Obj top(doc, "", d,
          {"$schema", "version", "site", "preview", "profile", "regions", "catalog", "suppression", "segments",
           "groups", "experiments", "holdout", "slots", "measurements", "description"});
  if (!top.ok()) return nullptr;
  rs->hash = [&] {
    uint64_t h = fnv1a64(doc.dump());
    std::string hex(12, '0');  // the top 48 bits
    for (int i = 0; i < 12; ++i) hex[i] = "0123456789abcdef"[(h >> (60 - 4 * i)) & 15];
    return hex;
  }();

  int64_t version = 0;
  if (!top.get("version")) d->error("/version", "is required (the rules format version, 1)");
  else if (top.integer("version", &version, 1, 1000) && version != 1)
    d->error("/version", "unsupported version " + decimal(version) + " (this engine reads version 1)");
  if (top.str("site", &rs->site, true) && !isReportName(rs->site))
    d->error("/site", "must be a short name of letters, digits, - _ . starting with a letter or digit");
  top.boolean("preview", &rs->preview);
  std::string description;  // for people only, but a text, as the schema says
  if (kAuthoringChecks) top.str("description", &description);

  // Profile schema.
  if (const Json* p = top.get("profile")) {
    Obj po(*p, "/profile", d, {"fields", "expireDays"});
    int64_t days;
    if (po.integer("expireDays", &days, 1, 3650)) rs->expireDays = static_cast<int>(days);
    if (const Json* f = po.get("fields")) {
      if (!f->is_object()) d->error("/profile/fields", "must be an object of field definitions");
      else
        for (auto it = f->begin(); it != f->end(); ++it) {
          std::string fp = pointerJoin("/profile/fields", it.key());
          // No dot: profile.a.b is the path a -> b, so a field "a.b" could never be read.
          if (!isSlug(it.key(), 32) || it.key().find('.') != std::string::npos)
            d->error(fp, "field names are short names of letters, digits, - _");
          Obj fo(it.value(), fp, d, {"type", "maxLength", "values", "label"});
          FieldSchema fs;
          std::string type;
          if (fo.str("type", &type, true)) {
            if (type == "text") fs.type = FieldSchema::Text;
            else if (type == "choice") fs.type = FieldSchema::Choice;
            else d->error(fo.at("type"), "must be text or choice");
          }
          int64_t ml;
          if (fo.integer("maxLength", &ml, 1, 1000)) fs.maxLength = static_cast<size_t>(ml);
          if (fo.strings("values", &fs.values, 200) && fs.type == FieldSchema::Choice) {
            for (size_t i = 0; i < fs.values.size(); ++i)
              if (!isSlug(fs.values[i], 64)) d->error(pointerJoin(fo.at("values"), i), "must be a short name");
          }
          if (fs.type == FieldSchema::Choice && fs.values.empty() && fo.ok())
            d->error(fo.at("values"), "a choice field needs its list of values");
          fo.str("label", &fs.label, false, 200);
          rs->fields[it.key()] = fs;
          rs->fieldOrder.push_back(it.key());
        }
    }
  }

  if (const Json* r = top.get("regions")) {
    if (!r->is_object()) d->error("/regions", "must be an object");
    else
      for (auto it = r->begin(); it != r->end(); ++it) {
        Obj ro(it.value(), pointerJoin("/regions", it.key()), d, {"hemisphere", "label", "timeZones"});
        std::string h = "north", label;
        if (ro.str("hemisphere", &h) && h != "north" && h != "south")
          d->error(ro.at("hemisphere"), "must be north or south");
        ro.str("label", &label);
        // The page's guess of the region when the visitor has not chosen one.
        std::vector<std::string> zones;
        ro.strings("timeZones", &zones, 100);
        for (const auto& z : zones) rs->regionTimeZones.emplace_back(z, it.key());
        if (h == "south") rs->southernRegions.insert(it.key());
      }
  }

  if (const Json* c = top.get("catalog")) {
    if (!c->is_object()) d->error("/catalog", "must be an object of sku -> {category}");
    else
      for (auto it = c->begin(); it != c->end(); ++it) {
        Obj co(it.value(), pointerJoin("/catalog", it.key()), d, {"category", "name"});
        std::string cat, name;
        co.str("category", &cat, true, 64);
        co.str("name", &name, false, 200);
        rs->catalog[it.key()] = cat;
      }
  }

  if (const Json* s = top.get("suppression")) {
    Obj so(*s, "/suppression", d, {"purchased", "inCart", "buyOnceCategories", "offerPauseHours"});
    so.boolean("purchased", &rs->suppressPurchased);
    so.boolean("inCart", &rs->suppressInCart);
    so.strings("buyOnceCategories", &rs->buyOnceCategories, 500);
    int64_t h;
    if (so.integer("offerPauseHours", &h, 0, 24 * 365)) rs->offerPauseHoursAfterPurchase = static_cast<int>(h);
  }

  if (const Json* g = top.get("groups")) {
    if (!g->is_object()) d->error("/groups", "must be an object of group id -> array of members");
    else
      for (auto it = g->begin(); it != g->end(); ++it) {
        if (!it.value().is_array()) d->error(pointerJoin("/groups", it.key()), "must be an array");
        else rs->groups[it.key()] = it.value();
      }
  }

  // Each choice field's values, for lint: a condition comparing it with another value never holds.
  SavedGroups choices;
  if (kAuthoringChecks)
    for (const auto& [name, fs] : rs->fields)
      if (fs.type == FieldSchema::Choice) {
        Json& values = choices[name] = Json::array();
        for (const auto& x : fs.values) values.push_back(x);
      }
  const Declared declared{rs->fieldOrder, rs->groups, choices};

  if (const Json* s = top.get("segments")) {
    if (!s->is_object()) d->error("/segments", "must be an object of name -> condition");
    else
      for (auto it = s->begin(); it != s->end(); ++it)
        rs->segments[it.key()] =
            Condition::compile(it.value(), d, pointerJoin("/segments", it.key()), kAuthoringChecks ? &declared : nullptr);
  }

  if (const Json* e = top.get("experiments")) {
    if (!e->is_object()) d->error("/experiments", "must be an object");
    else
      for (auto it = e->begin(); it != e->end(); ++it) {
        std::string ep = pointerJoin("/experiments", it.key());
        Obj eo(it.value(), ep, d, {"arms", "weights", "coverage", "seed"});
        Experiment ex;
        ex.id = it.key();
        ex.seed = it.key();
        if (!eo.get("arms") && eo.ok()) d->error(eo.at("arms"), "is required");
        eo.strings("arms", &ex.arms, 20);
        if (eo.get("arms") && ex.arms.size() < 2) d->error(eo.at("arms"), "an experiment needs at least two arms");
        for (size_t i = 0; i < ex.arms.size(); ++i) {
          const std::string& a = ex.arms[i];
          if (a == "holdout") d->error(pointerJoin(eo.at("arms"), i), "\"holdout\" is reserved");
          else if (kAuthoringChecks && std::find(ex.arms.begin(), ex.arms.begin() + i, a) != ex.arms.begin() + i)
            d->error(pointerJoin(eo.at("arms"), i), "duplicate arm \"" + a + "\"");
        }
        if (const Json* w = eo.get("weights")) {
          if (!w->is_array() || w->size() != ex.arms.size()) {
            d->error(eo.at("weights"), "must be an array with one weight per arm");
          } else {
            double total = 0;
            for (size_t i = 0; i < w->size(); ++i) {
              if (!(*w)[i].is_number() || (*w)[i].get<double>() < 0) {
                d->error(pointerJoin(eo.at("weights"), i), "must be a non-negative number");
              } else {
                ex.weights.push_back((*w)[i].get<double>());
                total += ex.weights.back();
              }
            }
            if (ex.weights.size() == w->size() && (total < 0.99 || total > 1.01))
              d->error(eo.at("weights"), "must add up to 1");
          }
        }
        eo.num("coverage", &ex.coverage, 0, 1);
        eo.str("seed", &ex.seed, false, 200);
        rs->experiments[ex.id] = ex;
      }
  }

  if (const Json* h = top.get("holdout")) {
    Obj ho(*h, "/holdout", d, {"percent", "seed"});
    double pct = 0;
    if (ho.num("percent", &pct, 0, 50)) rs->holdout = pct / 100.0;
    ho.str("seed", &rs->holdoutSeed, false, 200);
  }

  // Slots and their variants.
  if (const Json* s = top.get("slots")) {
    if (!s->is_object()) d->error("/slots", "must be an object of slot name -> {variants}");
    else
      for (auto it = s->begin(); it != s->end(); ++it) {
        std::string sp = pointerJoin("/slots", it.key());
        if (!isSlug(it.key())) d->error(sp, "slot names are short names of letters, digits, - _ .");
        Obj so(it.value(), sp, d, {"variants", "description"});
        std::string description;
        if (kAuthoringChecks) so.str("description", &description);
        Slot slot;
        slot.name = it.key();
        const Json* vs = so.get("variants");
        if (so.ok() && !vs) d->error(so.at("variants"), "is required");
        if (vs && !vs->is_array()) d->error(so.at("variants"), "must be an array");
        if (vs && vs->is_array()) {
          for (size_t i = 0; i < vs->size(); ++i) {
            Variant v;
            compileVariant((*vs)[i], pointerJoin(so.at("variants"), i), i, d, declared, &v);
            for (const auto& prev : slot.variants)
              if (!v.id.empty() && prev.id == v.id)
                d->error(pointerJoin(pointerJoin(so.at("variants"), i), "id"), "duplicate variant id \"" + v.id + "\"");
            for (size_t k = 0; k < v.segments.size(); ++k)
              if (!rs->segments.count(v.segments[k]))
                d->error(pointerJoin(pointerJoin(pointerJoin(so.at("variants"), i), "segments"), k),
                         "unknown segment \"" + v.segments[k] + "\"");
            if (v.experiment) {
              std::string ep = pointerJoin(pointerJoin(so.at("variants"), i), "experiment");
              const Experiment* ex = rs->experiment(v.experiment->experiment);
              if (!ex) {
                if (!v.experiment->experiment.empty())
                  d->error(pointerJoin(ep, "id"), "unknown experiment \"" + v.experiment->experiment + "\"");
              } else {
                auto a = std::find(ex->arms.begin(), ex->arms.end(), v.experiment->arm);
                if (a == ex->arms.end()) d->error(pointerJoin(ep, "arm"), "unknown arm \"" + v.experiment->arm + "\"");
                else v.experiment->armIndex = static_cast<int>(a - ex->arms.begin());
              }
            }
            // Kept in priority order, highest first, equal priorities in file
            // order (an insertion, not std::stable_sort: 3 KB less wasm).
            auto at = std::find_if(slot.variants.begin(), slot.variants.end(),
                                   [&](const Variant& x) { return x.priority < v.priority; });
            slot.variants.insert(at, std::move(v));
          }
        }
        // The first variant with no condition at all always wins: any after it is dead.
        const Variant* always = nullptr;
        for (const auto& v : slot.variants) {
          if (!kAuthoringChecks) break;
          if (always)
            d->error(pointerJoin(so.at("variants"), v.order),
                     "never shown: variant \"" + always->id + "\" always applies first (it has no condition)");
          else if (v.when.clauses().empty() && v.segments.empty() && !v.schedule.any() && !v.experiment &&
                   !v.cap.session && !v.cap.day && !v.cap.lifetime && !v.cap.cooldownMs && v.items.empty() &&
                   !v.hasItem && (v.kind != "offer" || !rs->offerPauseHoursAfterPurchase))
            always = &v;
        }
        rs->slots.push_back(std::move(slot));
      }
  }

  // Measurement tasks: their cells come from the schema and experiments.
  if (const Json* m = top.get("measurements")) {
    double spent = 0;
    if (!m->is_array()) d->error("/measurements", "must be an array");
    else
      for (size_t i = 0; i < m->size(); ++i) {
        std::string mp = pointerJoin("/measurements", i);
        Obj mo((*m)[i], mp, d, {"id", "field", "experiment", "conversion", "epsilon"});
        MeasurementTask t;
        if (mo.str("id", &t.id, true) && !isReportName(t.id))
          d->error(mo.at("id"), "must be a short name starting with a letter or digit");
        for (const auto& prev : rs->measurements)
          if (prev.id == t.id) d->error(mo.at("id"), "duplicate measurement id \"" + t.id + "\"");
        mo.num("epsilon", &t.epsilon, measure::kMinEpsilon, 10);
        bool hasField = mo.str("field", &t.field), hasExp = mo.str("experiment", &t.experiment);
        if (hasField == hasExp && mo.ok()) d->error(mp, "a measurement names exactly one of field or experiment");
        if (hasField) {
          t.kind = MeasurementTask::Field;
          if (kAuthoringChecks && mo.get("conversion")) d->error(mo.at("conversion"), "is only for an experiment measurement");
          auto f = rs->fields.find(t.field);
          if (f == rs->fields.end()) d->error(mo.at("field"), "unknown profile field \"" + t.field + "\"");
          else if (f->second.type != FieldSchema::Choice)
            d->error(mo.at("field"), "only choice fields can be measured (free text never leaves the device)");
          else {
            t.categories = f->second.values;
            t.categories.push_back("unset");
          }
        }
        if (hasExp) {
          t.kind = MeasurementTask::Experiment;
          if (mo.str("conversion", &t.conversion) && t.conversion != "purchase" && t.conversion != "add_to_cart")
            d->error(mo.at("conversion"), "must be purchase or add_to_cart");
          const Experiment* ex = rs->experiment(t.experiment);
          if (!ex) d->error(mo.at("experiment"), "unknown experiment \"" + t.experiment + "\"");
          else {
            std::vector<std::string> arms = ex->arms;
            arms.push_back("holdout");
            for (const auto& a : arms) {
              t.categories.push_back(a + "/no");
              t.categories.push_back(a + "/yes");
            }
          }
        }
        if (t.d() > measure::kMaxCells) d->error(mp, "too many cells for one report");
        // A device sends the tasks that fit its weekly budget, in this order (dueReports).
        if (kAuthoringChecks && spent + t.epsilon > measure::kDefaultWeeklyBudget + 1e-9)
          d->error(mp, "never sent: with the measurements before it, over a device's weekly budget of " +
                           decimal(static_cast<int64_t>(measure::kDefaultWeeklyBudget)) + " epsilon");
        else
          spent += t.epsilon;
        rs->measurements.push_back(std::move(t));
      }
  }

  if (!d->empty()) return nullptr;
  return rs;
}

}  // namespace omo
