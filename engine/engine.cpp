#include "engine.h"

#include <algorithm>
#include <cmath>

#include "bucketing.h"
#include "jsvalue.h"
#include "parse.h"

namespace omo {
namespace {

constexpr int64_t kMsPerHour = 3600000;
constexpr int64_t kMsPerDay = 24 * kMsPerHour;
constexpr int64_t kReportMaxAgeMs = 14 * kMsPerDay;

bool validText(const std::string& s, size_t maxBytes) {
  if (s.empty() || s.size() > maxBytes) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7F) return false;
  return true;
}

bool hasControlChars(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) return true;
    // U+0080..U+009F (C1 controls); U+2028/U+2029 (line/paragraph separators)
    // and U+202A..U+202E, U+2066..U+2069 (bidirectional embeddings, overrides
    // and isolates: a name holding U+202E showed the rest of the greeting
    // reversed).
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0) return true;
    if (c == 0xE2 && i + 2 < s.size()) {
      unsigned char b = static_cast<unsigned char>(s[i + 1]), t = static_cast<unsigned char>(s[i + 2]);
      if ((b == 0x80 && t >= 0xA8 && t <= 0xAE) || (b == 0x81 && t >= 0xA6 && t <= 0xA9)) return true;
    }
  }
  return false;
}

// The engine's own words to a visitor (explain() and the default's reason),
// in English and Japanese: the page's language picks them, English otherwise.
// The site's words (variant texts, why) come from the rules in any language.
struct Words {
  const char *usual, *holdout, *matched, *appliedBefore, *usedBefore, *end, *usedNothing, *testBefore, *testAfter,
      *local, *comma, *lastComma, *noSlotBefore, *noSlotAfter;
  // What conditions read, as topics (kContextTopics): the time of day, the day and
  // season, the device, the region, the language, the page, consent,
  // behaviour on the site, this visit.
  const char* topics[9];
};
// The topic of each context attribute a condition may read.
constexpr std::pair<const char*, int> kContextTopics[] = {
    {"hour", 0},   {"minute", 0},   {"weekday", 1},  {"date", 1},     {"month", 1},    {"season", 1},
    {"device", 2}, {"region", 3},   {"language", 4}, {"path", 5},     {"referrer", 5}, {"consent", 6}};
constexpr Words kEnglish = {
    "Nothing personal applies here right now, so you see the shop's usual content.",
    "This device is in the small holdout group that sees the shop's usual content, so the shop can measure what "
    "personalization adds.",
    "You see this because it matched what the shop set up for visitors like you.",
    " It depends on ", " It used what you told us: ", ".", " It used nothing you told us about yourself.",
    " This is one version of a test the shop runs (", ").", " All of this is kept only on this device.", ", ", " and ",
    "There is no personalized area called \"", "\" on this site.",
    {"the time of day", "the day and season", "your type of device", "your region", "your language",
     "the page and how you came to it", "your consent", "what you have done on this site", "this visit"}};
constexpr Words kJapanese = {
    "今はお客様に合わせた内容がないため、ショップの通常の内容を表示しています。",
    "この端末は、パーソナライズの効果を測るために通常の内容を表示する少数のグループに入っています。",
    "ショップがお客様のような方に向けて用意した条件に合ったため、表示しています。",
    "適用された条件：", "使った情報（お客様から伺ったもの）：", "。", "お客様について伺った情報は使っていません。",
    "ショップが実施しているテストの一つのパターンです（", "）。", "これらはすべてこの端末の中だけに保存されています。",
    "、", "、", "このサイトに「", "」というパーソナライズ枠はありません。",
    {"時間帯", "日付や季節", "端末の種類", "地域", "言語", "ご覧のページとアクセス元", "ご同意",
     "このサイトでのご利用状況", "今回のご訪問"}};

const Words& wordsFor(const std::string& language) {
  return js::lowerAscii(language.substr(0, language.find('-'))) == "ja" ? kJapanese : kEnglish;
}

std::string joinWords(const std::vector<std::string>& v, const Words& w = kEnglish) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += i + 1 == v.size() ? w.lastComma : w.comma;
    out += v[i];
  }
  return out;
}

void addUnique(std::vector<std::string>* v, const std::string& s) {
  if (std::find(v->begin(), v->end(), s) == v->end()) v->push_back(s);
}

}  // namespace

// ---- Decision and Signal ----------------------------------------------------

void Decision::write(JsonWriter& w) const {
  w.beginObject().field("slot", slot).field("variant", variant);
  if (!kind.empty()) w.field("kind", kind);
  if (text) w.field("text", *text);
  if (imageSrc) {
    w.key("image").beginObject().field("src", *imageSrc).field("alt", imageAlt ? *imageAlt : "");
    if (imageSrcset) w.field("srcset", *imageSrcset);
    w.endObject();
  }
  if (!items.empty()) w.field("items", items);
  if (channel) w.field("channel", *channel);
  w.key("reason").beginObject().field("rule", reason.rule).field("conditions", reason.conditions);
  w.field("fields", reason.fields);
  if (!reason.why.empty()) w.field("why", reason.why);
  if (!reason.experiment.empty()) w.field("experiment", reason.experiment).field("arm", reason.arm);
  if (!reason.summary.empty()) w.field("summary", reason.summary);
  w.endObject().endObject();
}

Json Decision::toJson() const {
  std::string text;
  JsonWriter w(text);
  write(w);
  return parseJson(text, static_cast<std::string*>(nullptr));
}

bool Signal::fromJson(const Json& j, Signal* out, std::string* error) {
  if (!j.is_object()) {
    *error = "a signal must be an object";
    return false;
  }
  if (const std::string* k = unknownKey(j, {"type", "sku", "category", "seconds", "quantity", "id", "item", "items"})) {
    *error = "signal." + *k + " is not a known signal field";
    return false;
  }
  Signal s;
  s.type = stringOr(j, "type", "");
  static const char* types[] = {"view", "dwell", "add_to_cart", "remove_from_cart", "purchase", "cart_view", "click", "page"};
  bool knownType = false;
  for (const char* t : types) knownType = knownType || s.type == t;
  if (!knownType) {
    *error = "signal.type must be one of view, dwell, add_to_cart, remove_from_cart, purchase, cart_view, click, page";
    return false;
  }
  for (const char* k : {"sku", "item", "category", "id"}) {
    const Json* v = member(j, k);
    if (!v) continue;
    if (!v->is_string() || !validText(v->get<std::string>(), 128)) {
      *error = std::string("signal.") + k + " must be a short text without control characters";
      return false;
    }
  }
  s.sku = stringOr(j, "sku", stringOr(j, "item", ""));
  if (const Json* v = member(j, "items")) {
    // One order of several products (GA4's purchase.items): counted as one purchase.
    if (s.type != "purchase") {
      *error = "signal.items is only for purchase (the products of one order)";
      return false;
    }
    if (!s.sku.empty()) {
      *error = "signal.items and signal.sku cannot both be given";
      return false;
    }
    if (!v->is_array() || v->empty() || v->size() > 100) {
      *error = "signal.items must be an array of 1 to 100 products";
      return false;
    }
    for (size_t i = 0; i < v->size(); ++i) {
      const Json& it = (*v)[i];
      bool obj = it.is_object();
      const Json* sku = obj ? member(it, "sku") : &it;
      const Json* cat = obj ? member(it, "category") : nullptr;
      const Json* qty = obj ? member(it, "quantity") : nullptr;
      if ((obj && unknownKey(it, {"sku", "category", "quantity"})) || !sku || !sku->is_string() ||
          sku->get_ref<const std::string&>().empty() || !validText(sku->get<std::string>(), 128) ||
          (cat && (!cat->is_string() || !validText(cat->get<std::string>(), 128))) ||
          (qty && (!qty->is_number_integer() || qty->get<int64_t>() < 1 || qty->get<int64_t>() > 1000))) {
        *error = "signal.items[" + decimal(i) +
                 "] must be a sku, or {sku, category?, quantity?} (short texts, quantity 1 to 1000)";
        return false;
      }
      s.itemSkus.push_back(sku->get<std::string>());
      s.itemCategories.push_back(cat ? cat->get<std::string>() : std::string());
    }
  }
  s.category = stringOr(j, "category", "");
  s.id = stringOr(j, "id", "");
  if (const Json* v = member(j, "seconds")) {
    if (!v->is_number() || !std::isfinite(v->get<double>()) || v->get<double>() < 0 || v->get<double>() > 86400) {
      *error = "signal.seconds must be a number of seconds between 0 and 86400";
      return false;
    }
    s.seconds = v->get<double>();
  }
  if (const Json* v = member(j, "quantity")) {
    if (!v->is_number_integer() || v->get<int64_t>() < 1 || v->get<int64_t>() > 1000) {
      *error = "signal.quantity must be a whole number from 1 to 1000";
      return false;
    }
    s.quantity = v->get<int64_t>();
  }
  if ((s.type == "view" || s.type == "dwell" || s.type == "add_to_cart" || s.type == "remove_from_cart") &&
      s.sku.empty()) {
    *error = "signal.sku is required for " + s.type;
    return false;
  }
  *out = s;
  return true;
}

// ---- Engine -------------------------------------------------------------------

Engine::Engine(Shared<const Ruleset> rules, uint64_t seed) : rules_(std::move(rules)), rng_(seed) {
  newDeviceId(0);
  newPage();
}

std::unique_ptr<Engine> Engine::fromRulesText(const std::string& text, uint64_t seed, Diagnostics* diags) {
  auto rs = Ruleset::compileText(text, diags);
  if (!rs) return nullptr;
  return std::make_unique<Engine>(rs, seed);
}

void Engine::newDeviceId(int64_t nowMs) {
  profile_ = Profile();
  profile_.deviceId = rng_.base64url(16);
  profile_.createdMs = profile_.updatedMs = nowMs;
  changed();
}

bool Engine::loadProfile(const std::string& text, int64_t nowMs, std::string* error) {
  Profile p;
  if (!Profile::parse(text, &p, error)) return false;  // the profile held stays as it was
  if (p.updatedMs && nowMs - p.updatedMs > static_cast<int64_t>(rules_->expireDays) * kMsPerDay) {
    newDeviceId(nowMs);  // idle past expiry: start afresh
  } else {
    // At most one report per task and window leaves the device (SPEC section
    // 6): what this copy encoded stays encoded in the one loaded.
    if (p.deviceId == profile_.deviceId) p.keepReportsOf(profile_);
    profile_ = std::move(p);
  }
  // What is on screen stays counted for this page: impressions the loaded
  // profile does not hold (another tab's, which never saw them) are counted
  // into it, once, by their event id.
  for (const auto& key : shownThisPage_)
    if (!profile_.seenEvent(impressionId(key))) countImpression(key, nowMs);
  changed();
  return true;
}

bool Engine::loadProfileScript(const Json& j, int64_t nowMs, std::string* error) {
  if (!j.is_object()) {
    *error = "profile must be an object";
    return false;
  }
  if (member(j, "v")) return loadProfile(j.dump(), nowMs, error);
  if (const std::string* k = unknownKey(j, {"deviceId", "fields", "signals"})) {
    *error = "profile." + *k + " is not a known key (deviceId, fields, signals)";
    return false;
  }
  newDeviceId(nowMs);
  if (const Json* id = member(j, "deviceId")) {
    if (!id->is_string() || !validText(id->get<std::string>(), 64)) {
      *error = "profile.deviceId must be a short text";
      return false;
    }
    profile_.deviceId = id->get<std::string>();
  }
  if (const Json* f = member(j, "fields"))
    if (!setProfile(*f, nowMs, error)) return false;
  if (const Json* sigs = member(j, "signals")) {
    if (!sigs->is_array()) {
      *error = "profile.signals must be an array";
      return false;
    }
    for (size_t i = 0; i < sigs->size(); ++i) {
      Json sig = (*sigs)[i];
      int64_t at = nowMs;
      if (sig.is_object()) {
        if (const Json* t = member(sig, "at")) {
          if (!t->is_number_integer() || t->get<int64_t>() < 0 || t->get<int64_t>() > kMaxJsInteger) {
            *error = "profile.signals[" + decimal(i) + "].at must be UTC milliseconds";
            return false;
          }
          at = t->get<int64_t>();
          sig.erase("at");
        }
      }
      std::string err;
      if (!track(sig, at, &err)) {
        *error = "profile.signals[" + decimal(i) + "]: " + err;
        return false;
      }
    }
  }
  return true;
}

std::string Engine::saveProfile() {
  bool shed = false;
  std::string text = profile_.serialize(&shed);
  if (shed) changed();  // the attributes were built from what was shed
  return text;
}

void Engine::forget(int64_t nowMs) {
  newDeviceId(nowMs);
  shownThisPage_.clear();
}

bool Engine::setContext(const Json& ctx, std::string* error) {
  changed();
  return Context::fromJson(ctx, &context_, error);
}

bool Engine::setProfile(const Json& fields, int64_t nowMs, std::string* error) {
  if (!fields.is_object()) {
    *error = "profile fields must be an object";
    return false;
  }
  std::map<std::string, std::string> next = profile_.fields;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const std::string& name = it.key();
    auto schema = rules_->fields.find(name);
    if (schema == rules_->fields.end()) {
      *error = "unknown profile field \"" + name + "\"";
      return false;
    }
    const Json& v = it.value();
    if (v.is_null()) {
      next.erase(name);
      continue;
    }
    if (!v.is_string()) {
      *error = "profile field \"" + name + "\" must be text";
      return false;
    }
    std::string s = v.get<std::string>();
    // Trim surrounding spaces.
    size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
    s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
    if (s.empty()) {
      next.erase(name);
      continue;
    }
    // Malformed UTF-8 (overlong forms and surrogates included): the JSON reader's own check.
    const size_t chars = codePoints(s);
    if (chars == std::string::npos) {
      *error = "profile field \"" + name + "\" is not valid UTF-8 text";
      return false;
    }
    if (hasControlChars(s)) {
      *error = "profile field \"" + name + "\" contains control characters";
      return false;
    }
    if (schema->second.type == FieldSchema::Choice) {
      const auto& vals = schema->second.values;
      if (std::find(vals.begin(), vals.end(), s) == vals.end()) {
        *error = "profile field \"" + name + "\": \"" + s.substr(0, 40) + "\" is not one of " + joinWords(vals);
        return false;
      }
    } else if (chars > schema->second.maxLength) {
      *error = "profile field \"" + name + "\" is too long (at most " + decimal(schema->second.maxLength) +
               " characters)";
      return false;
    }
    next[name] = s;
  }
  profile_.fields = std::move(next);
  profile_.updatedMs = nowMs;
  changed();
  return true;
}

void Engine::recordPageSession(int64_t nowMs) {
  changed();
  Session& s = profile_.session;
  if (s.number == 0 || nowMs - s.lastMs > Profile::kSessionGapMs || nowMs < s.lastMs - kMsPerDay) {
    s.number += 1;
    s.startMs = nowMs;
    s.pageViews = 0;
    s.cartViews = 0;
    s.dwell.clear();
    profile_.visits += 1;
    if (!profile_.firstVisitMs) profile_.firstVisitMs = nowMs;
    profile_.lastVisitMs = nowMs;
  }
  s.lastMs = std::max(s.lastMs, nowMs);
  profile_.updatedMs = nowMs;
}

void Engine::beginPage(int64_t nowMs) {
  newPage();
  countPage(nowMs);
}

void Engine::newPage() {
  shownThisPage_.clear();
  pageId_ = rng_.base64url(8);
}

std::string Engine::impressionId(const std::string& key) const { return "i:" + pageId_ + ":" + key; }

void Engine::countPage(int64_t nowMs) {
  if (!profile_.createdMs) profile_.createdMs = nowMs;
  recordPageSession(nowMs);
  profile_.session.pageViews += 1;
  profile_.activeWeeks.insert(isoWeekUtc(nowMs));
  // Enrol in every experiment now (sticky), so exposure and conversion are
  // counted for every arm, the control included.
  for (const auto& [id, ex] : rules_->experiments) {
    (void)ex;
    armOf(id);
    if (!profile_.exposures.count(id)) profile_.exposures[id] = nowMs;
  }
  profile_.compact();
}

bool Engine::track(const Json& j, int64_t nowMs, std::string* error) {
  Signal s;
  if (!Signal::fromJson(j, &s, error)) return false;
  return track(s, nowMs, error);
}

bool Engine::track(const Signal& s, int64_t nowMs, std::string* error) {
  (void)error;
  if (profile_.seenEvent(s.id)) return true;  // replayed from another tab
  if (s.type == "page") {
    countPage(nowMs);
    return true;
  }
  recordPageSession(nowMs);
  auto categoryOf = [&](const std::string& sku) {
    if (!s.category.empty()) return s.category;
    auto c = rules_->catalog.find(sku);
    if (c != rules_->catalog.end()) return c->second;
    auto p = profile_.products.find(sku);
    if (p != profile_.products.end()) return p->second.category;
    auto cc = profile_.cartCategory.find(sku);
    return cc != profile_.cartCategory.end() ? cc->second : std::string();
  };
  auto convert = [&](const std::string& kind) {
    for (const auto& [id, t] : profile_.exposures) {
      (void)t;
      std::string key = id + "/" + kind;
      if (!profile_.conversions.count(key)) profile_.conversions[key] = nowMs;
    }
  };
  if (s.type == "view" || s.type == "dwell") {
    std::string cat = categoryOf(s.sku);
    ProductStats& p = profile_.products[s.sku];
    if (!cat.empty()) p.category = cat;
    p.lastSeenMs = nowMs;
    if (s.type == "view") {
      p.views += 1;
      if (!cat.empty()) profile_.categories[cat].views += 1;
    } else {
      p.dwellSeconds += s.seconds;
      profile_.session.dwell[s.sku] += s.seconds;
      if (!cat.empty()) profile_.categories[cat].dwellSeconds += s.seconds;
    }
  } else if (s.type == "add_to_cart") {
    profile_.cart[s.sku] += s.quantity;
    std::string cat = categoryOf(s.sku);
    if (!cat.empty()) profile_.cartCategory[s.sku] = cat;
    profile_.cartChangedMs = nowMs;
    convert("add_to_cart");
  } else if (s.type == "remove_from_cart") {
    auto it = profile_.cart.find(s.sku);
    if (it != profile_.cart.end()) {
      it->second -= s.quantity;
      if (it->second <= 0) {
        profile_.cart.erase(it);
        profile_.cartCategory.erase(s.sku);
      }
    }
    profile_.cartChangedMs = nowMs;
  } else if (s.type == "purchase") {
    std::vector<std::string> skus = s.itemSkus;
    if (skus.empty() && !s.sku.empty()) skus.push_back(s.sku);
    if (skus.empty())
      for (const auto& [sku, q] : profile_.cart) skus.push_back(sku);
    for (size_t i = 0; i < skus.size(); ++i) {
      const std::string& sku = skus[i];
      std::string cat = i < s.itemCategories.size() && !s.itemCategories[i].empty() ? s.itemCategories[i] : categoryOf(sku);
      profile_.purchases.push_back({sku, cat, nowMs});
      profile_.purchasedSkus.insert(sku);
      if (!cat.empty()) profile_.purchasedCategories.insert(cat);
      profile_.cart.erase(sku);
      profile_.cartCategory.erase(sku);
    }
    profile_.purchaseCount += 1;
    profile_.lastPurchaseMs = nowMs;
    profile_.cartChangedMs = nowMs;
    convert("purchase");
  } else if (s.type == "cart_view") {
    profile_.session.cartViews += 1;
  }
  profile_.updatedMs = nowMs;
  profile_.compact();
  changed();
  return true;
}

// ---- attributes -----------------------------------------------------------------

Json Engine::attributes(int64_t nowMs) const {
  if (attributesStale_) {
    buildAttributes();
    attributesStale_ = false;
  }
  refreshClockAttributes(nowMs);
  return attributes_;
}

const Json& Engine::attributesAt(int64_t nowMs) const {
  if (attributesStale_) {
    buildAttributes();
    attributesStale_ = false;
  }
  refreshClockAttributes(nowMs);
  return attributes_;
}

void Engine::buildAttributes() const {
  const Profile& p = profile_;
  Json a = Json::object();
  Json prof = Json::object();
  // A stored value setProfile() would now refuse (kept from an earlier
  // version, or relayed whole from another tab) stays stored but unused.
  for (const auto& [k, v] : p.fields)
    if (!hasControlChars(v)) prof[k] = v;
  a["profile"] = prof;

  Json ctx = Json::object();
  // Clock-dependent keys first, filled by refreshClockAttributes.
  for (const char* k : {"hour", "minute", "weekday", "date", "month", "season"}) ctx[k] = nullptr;
  ctx["device"] = context_.device;
  if (!context_.language.empty()) ctx["language"] = context_.language;
  ctx["path"] = context_.path;
  ctx["referrer"] = context_.referrer;
  ctx["consent"] = context_.consent;
  // The declared region, else the page's, else a guess from the time zone.
  std::string r = prof.value("region", context_.region);
  if (r.empty() && !context_.timeZone.empty())
    for (const auto& [zone, name] : rules_->regionTimeZones)
      if (zone == context_.timeZone) {
        r = name;
        break;
      }
  if (!r.empty()) ctx["region"] = r;
  a["context"] = ctx;

  Json b = Json::object();
  Json views = Json::object(), dwell = Json::object(), cv = Json::object(), cd = Json::object();
  for (const auto& [sku, s] : p.products) {
    views[sku] = s.views;
    dwell[sku] = s.dwellSeconds;
  }
  for (const auto& [c, s] : p.categories) {
    cv[c] = s.views;
    cd[c] = s.dwellSeconds;
  }
  b["views"] = views;
  b["dwell"] = dwell;
  b["categoryViews"] = cv;
  b["categoryDwell"] = cd;
  Json cart = Json::array();
  int64_t count = 0;
  for (const auto& [sku, q] : p.cart) {
    cart.push_back(sku);
    count += q;
  }
  b["cart"] = cart;
  b["cartCount"] = count;
  Json purchases = Json::array();
  for (const auto& s : p.purchasedSkus) purchases.push_back(s);
  b["purchases"] = purchases;
  Json pc = Json::array();
  for (const auto& c : p.purchasedCategories) pc.push_back(c);
  b["purchasedCategories"] = pc;
  b["purchaseCount"] = p.purchaseCount;
  b["visits"] = p.visits;
  std::string focus;
  double focusDwell = 0;
  for (const auto& [sku, secs] : p.session.dwell)
    if (secs > focusDwell) {
      focus = sku;
      focusDwell = secs;
    }
  if (!focus.empty()) {
    b["focus"] = focus;
    b["focusDwell"] = focusDwell;
    auto fp = p.products.find(focus);
    if (fp != p.products.end() && !fp->second.category.empty()) b["focusCategory"] = fp->second.category;
  }
  a["behavior"] = b;

  Json s = Json::object();
  s["pageViews"] = p.session.pageViews;
  s["cartViews"] = p.session.cartViews;
  s["seconds"] = 0;
  s["isFirstVisit"] = p.visits <= 1;
  a["session"] = s;
  attributes_ = std::move(a);
}

void Engine::refreshClockAttributes(int64_t nowMs) const {
  const Profile& p = profile_;
  LocalTime lt = localTime(nowMs, context_.tzOffsetMinutes);
  Json& ctx = attributes_["context"];
  ctx["hour"] = lt.hour;
  ctx["minute"] = lt.minute;
  ctx["weekday"] = lt.weekday;
  ctx["date"] = lt.date();
  ctx["month"] = lt.month;
  const Json* region = member(ctx, "region");
  bool south = region && rules_->southernRegions.count(region->get<std::string>()) > 0;
  ctx["season"] = season(lt.month, south);
  Json& b = attributes_["behavior"];
  if (!p.cart.empty()) b["cartIdleSeconds"] = std::max<int64_t>(0, (nowMs - p.cartChangedMs) / 1000);
  else b.erase("cartIdleSeconds");
  if (p.lastPurchaseMs) {
    b["daysSinceLastPurchase"] = std::max<int64_t>(0, (nowMs - p.lastPurchaseMs) / kMsPerDay);
    b["hoursSinceLastPurchase"] = std::max<int64_t>(0, (nowMs - p.lastPurchaseMs) / kMsPerHour);
  }
  attributes_["session"]["seconds"] =
      p.session.startMs ? std::max<int64_t>(0, (nowMs - p.session.startMs) / 1000) : 0;
}

// ---- experiments ------------------------------------------------------------------

int Engine::armIndex(const Experiment& e) const {
  auto stored = profile_.experiments.find(e.id);
  if (stored != profile_.experiments.end() && stored->second < static_cast<int64_t>(e.arms.size()))
    return static_cast<int>(stored->second);
  auto n = bucketing::hash(e.seed, profile_.deviceId, 2);
  if (!n) return -1;
  auto ranges = bucketing::bucketRanges(static_cast<int>(e.arms.size()), e.coverage,
                                        e.weights.empty() ? nullptr : &e.weights);
  return bucketing::chooseVariation(*n, ranges);
}

std::string Engine::armOf(const std::string& experiment) {
  const Experiment* e = rules_->experiment(experiment);
  if (!e) return "";
  int idx = armIndex(*e);
  profile_.experiments[experiment] = idx;
  return idx < 0 ? "" : e->arms[idx];
}

bool Engine::inHoldout() const {
  // Only devices that keep a profile (and may report) are held out: before
  // consent every page is a new device, and holding it out would only make
  // one page in twenty generic without measuring anything.
  if (rules_->holdout <= 0 || context_.consent != "granted") return false;
  auto n = bucketing::hash(rules_->holdoutSeed, profile_.deviceId, 2);
  return n && *n < rules_->holdout;
}

// ---- decide -----------------------------------------------------------------------

bool Engine::eligible(const Variant& v, const Json& attrs, const LocalTime& lt, int64_t nowMs, Decision* d) const {
  const Profile& p = profile_;
  if (v.experiment) {
    const Experiment* e = rules_->experiment(v.experiment->experiment);
    if (!e || armIndex(*e) != v.experiment->armIndex) return false;
  }
  for (const auto& seg : v.segments) {
    auto it = rules_->segments.find(seg);
    if (it == rules_->segments.end() || !it->second.eval(attrs, rules_->groups)) return false;
  }
  if (!v.when.eval(attrs, rules_->groups)) return false;

  const Schedule& s = v.schedule;
  if (s.any()) {
    std::string date = lt.date();
    if (!s.from.empty() && date < s.from) return false;
    if (!s.until.empty() && date > s.until) return false;
    bool inHours = s.fromHour <= s.untilHour ? (lt.hour >= s.fromHour && lt.hour < s.untilHour)
                                             : (lt.hour >= s.fromHour || lt.hour < s.untilHour);
    if (!inHours) return false;
    if (!s.weekdays.empty() && std::find(s.weekdays.begin(), s.weekdays.end(), lt.weekday) == s.weekdays.end())
      return false;
    if (!s.seasons.empty()) {
      const Json& season = attrs["context"]["season"];
      if (std::find(s.seasons.begin(), s.seasons.end(), season.get<std::string>()) == s.seasons.end()) return false;
    }
  }

  std::string key = d->slot + "/" + v.id;
  if (!shownThisPage_.count(key)) {
    auto c = p.caps.find(key);
    if (c != p.caps.end()) {
      const CapCounter& cc = c->second;
      if (v.cap.lifetime && cc.lifetime >= v.cap.lifetime) return false;
      if (v.cap.day && cc.day == lt.date() && cc.dayCount >= v.cap.day) return false;
      if (v.cap.session && cc.session == p.session.number && cc.sessionCount >= v.cap.session) return false;
      if (v.cap.cooldownMs && cc.lastMs && nowMs - cc.lastMs < v.cap.cooldownMs) return false;
    }
  }

  if (v.kind == "offer" && rules_->offerPauseHoursAfterPurchase && p.lastPurchaseMs &&
      nowMs - p.lastPurchaseMs < rules_->offerPauseHoursAfterPurchase * kMsPerHour)
    return false;

  // Items: never offer what was bought, is in the cart, or belongs to a
  // buy-once category already bought.
  auto suppressed = [&](const std::string& sku) {
    if (rules_->suppressPurchased && p.purchasedSkus.count(sku)) return true;
    if (rules_->suppressInCart && p.cart.count(sku)) return true;
    std::string cat;
    auto c = rules_->catalog.find(sku);
    if (c != rules_->catalog.end()) cat = c->second;
    else if (auto pp = p.products.find(sku); pp != p.products.end()) cat = pp->second.category;
    return rules_->isBuyOnce(cat) && p.purchasedCategories.count(cat) > 0;
  };
  std::vector<std::string> items;
  if (v.hasItem) {
    std::string sku = v.item.render(attrs);
    if (sku.empty() || suppressed(sku)) return false;
    items.push_back(sku);
  }
  if (!v.items.empty()) {
    for (const auto& sku : v.items) {
      if (static_cast<int>(items.size()) >= v.maxItems) break;
      if (!suppressed(sku) && std::find(items.begin(), items.end(), sku) == items.end()) items.push_back(sku);
    }
    if (items.empty()) return false;
  }

  d->variant = v.id;
  d->kind = v.kind;
  d->items = std::move(items);
  const Template& text = v.textFor(context_.language);
  if (v.hasText) d->text = text.render(attrs);
  if (v.hasImage) {
    d->imageSrc = v.imageSrc;
    d->imageAlt = v.altFor(context_.language);
    if (!v.imageSrcset.empty()) d->imageSrcset = v.imageSrcset;
  }
  if (v.hasChannel) d->channel = v.channel.render(attrs);
  Decision::Reason& r = d->reason;
  r.rule = key;
  r.why = v.whyFor(context_.language);
  std::vector<std::string> paths;
  for (const auto& seg : v.segments) {
    r.conditions.push_back("segment " + seg);
    auto c = rules_->segments.find(seg);
    if (c != rules_->segments.end())
      for (const auto& x : c->second.paths()) paths.push_back(x);
  }
  for (const auto& clause : v.when.clauses()) r.conditions.push_back(clause);
  for (const auto& x : v.when.paths()) paths.push_back(x);
  if (s.any()) r.conditions.push_back("schedule");
  if (!s.seasons.empty()) paths.push_back("context.season");
  for (const Template* t : {&text, &v.item, &v.channel})
    for (const auto& x : t->paths()) paths.push_back(x);
  // context.region is the declared region when there is one, and the season follows its hemisphere.
  const bool regionDeclared = member(attrs["profile"], "region") != nullptr;
  for (const auto& x : paths)
    if (x.rfind("profile.", 0) == 0) addUnique(&r.fields, x);
    else if (regionDeclared && (x == "context.region" || x == "context.season")) addUnique(&r.fields, "profile.region");
  if (v.experiment) {
    r.experiment = v.experiment->experiment;
    r.arm = v.experiment->arm;
  }
  return true;
}

Decision Engine::decideSlot(const Slot& slot, const Json& attrs, const LocalTime& lt, bool holdout,
                            int64_t nowMs) const {
  if (!holdout) {
    for (const auto& v : slot.variants) {
      Decision d;
      d.slot = slot.name;
      if (eligible(v, attrs, lt, nowMs, &d)) return d;
    }
  }
  Decision d;
  d.slot = slot.name;
  d.reason.rule = "default";
  const Words& w = wordsFor(context_.language);
  d.reason.summary = holdout ? w.holdout : w.usual;
  return d;
}

std::vector<Decision> Engine::decideAll(int64_t nowMs) const {
  const Json& attrs = attributesAt(nowMs);
  LocalTime lt = localTime(nowMs, context_.tzOffsetMinutes);
  bool holdout = inHoldout();
  std::vector<Decision> out;
  out.reserve(rules_->slots.size());
  for (const auto& slot : rules_->slots) out.push_back(decideSlot(slot, attrs, lt, holdout, nowMs));
  return out;
}

std::optional<Decision> Engine::decide(const std::string& slot, int64_t nowMs) const {
  const Slot* s = rules_->slot(slot);
  if (!s) return std::nullopt;
  return decideSlot(*s, attributesAt(nowMs), localTime(nowMs, context_.tzOffsetMinutes), inHoldout(), nowMs);
}

bool Engine::shown(const Decision& d, int64_t nowMs) {
  if (!d.personalized()) return false;
  std::string key = d.slot + "/" + d.variant;
  if (!shownThisPage_.insert(key).second) return false;
  profile_.seenEvent(impressionId(key));
  countImpression(key, nowMs);
  return true;
}

void Engine::countImpression(const std::string& key, int64_t nowMs) {
  LocalTime lt = localTime(nowMs, context_.tzOffsetMinutes);
  CapCounter& c = profile_.caps[key];
  c.lifetime += 1;
  if (c.day != lt.date()) {
    c.day = lt.date();
    c.dayCount = 0;
  }
  c.dayCount += 1;
  if (c.session != profile_.session.number) {
    c.session = profile_.session.number;
    c.sessionCount = 0;
  }
  c.sessionCount += 1;
  c.lastMs = nowMs;
  profile_.updatedMs = nowMs;
}

std::string Engine::explain(const std::string& slot, int64_t nowMs) const {
  const Words& w = wordsFor(context_.language);
  auto d = decide(slot, nowMs);
  if (!d) return w.noSlotBefore + slot + w.noSlotAfter;
  if (!d->personalized()) return d->reason.summary;
  // The rules' why is the owner's own sentence ("You told us your name, so
  // we greet you by it."): it stands as written.
  std::string out = d->reason.why.empty() ? w.matched : d->reason.why;
  if (&w == &kJapanese && static_cast<unsigned char>(out.back()) < 0x80) out += ' ';   // an English why
  // What the variant's conditions read, as topics; declared fields are said below.
  bool topic[9] = {};
  const Variant* v = nullptr;
  for (const auto& x : rules_->slot(slot)->variants)
    if (x.id == d->variant) v = &x;
  auto mark = [&](const Condition& c) {
    for (const auto& p : c.paths()) {
      if (p.rfind("behavior.", 0) == 0) topic[7] = true;
      if (p.rfind("session.", 0) == 0) topic[8] = true;
      if (p.rfind("context.", 0) == 0)
        for (const auto& [key, t] : kContextTopics)
          if (p.compare(8, std::string::npos, key) == 0) topic[t] = true;
    }
  };
  mark(v->when);
  for (const auto& seg : v->segments) mark(rules_->segments.find(seg)->second);
  const Schedule& s = v->schedule;
  topic[0] |= s.fromHour != 0 || s.untilHour != 24;
  topic[1] |= !s.from.empty() || !s.until.empty() || !s.weekdays.empty() || !s.seasons.empty();
  std::vector<std::string> topics;
  for (int t = 0; t < 9; ++t)
    if (topic[t]) topics.push_back(w.topics[t]);
  if (!topics.empty()) out += w.appliedBefore + joinWords(topics, w) + w.end;
  if (!d->reason.fields.empty()) {
    std::vector<std::string> names;
    for (const auto& f : d->reason.fields) names.push_back(f.substr(8));
    out += w.usedBefore + joinWords(names, w) + w.end;
  } else {
    out += w.usedNothing;
  }
  if (!d->reason.experiment.empty()) out += w.testBefore + d->reason.experiment + w.testAfter;
  if (context_.consent == "granted") out += w.local;   // before consent nothing is kept
  return out;
}

// ---- measurement ---------------------------------------------------------------

int Engine::truthFor(const MeasurementTask& t, const std::string& window) const {
  if (t.kind == MeasurementTask::Field) {
    auto f = profile_.fields.find(t.field);
    if (f != profile_.fields.end())
      for (int i = 0; i + 1 < t.d(); ++i)
        if (t.categories[i] == f->second) return i;
    return t.d() - 1;  // "unset"
  }
  const Experiment* e = rules_->experiment(t.experiment);
  if (!e) return -1;
  int arm = inHoldout() ? static_cast<int>(e->arms.size()) : armIndex(*e);
  if (arm < 0) return -1;  // not enrolled
  int year = 0, week = 0;
  parseIsoWeek(window, &year, &week);
  int64_t end = (isoWeekStartDay(year, week) + 7) * kMsPerDay;
  auto c = profile_.conversions.find(t.experiment + "/" + t.conversion);
  bool converted = c != profile_.conversions.end() && c->second < end;
  return arm * 2 + (converted ? 1 : 0);
}

std::string Engine::dueReports(int64_t nowMs) {
  std::string current = isoWeekUtc(nowMs);
  // Encode reports for weeks that have closed: at most one per task and
  // window, within the weekly epsilon budget.
  for (auto it = profile_.activeWeeks.begin(); it != profile_.activeWeeks.end();) {
    const std::string& week = *it;
    if (week >= current) {
      ++it;
      continue;
    }
    for (const auto& task : rules_->measurements) {
      auto done = profile_.reportedWindow.find(task.id);
      if (done != profile_.reportedWindow.end() && done->second >= week) continue;
      double& spent = profile_.epsilonSpent[week];
      if (spent + task.epsilon > measure::kDefaultWeeklyBudget + 1e-9) continue;
      int truth = truthFor(task, week);
      if (truth < 0) continue;
      PendingReport pr;
      pr.report = measure::encode(task, truth, rules_->hash, week, rng_);
      pr.createdMs = nowMs;
      profile_.pendingReports.push_back(pr);
      profile_.reportedWindow[task.id] = week;
      spent += task.epsilon;
    }
    it = profile_.activeWeeks.erase(it);
  }
  // Drop reports too old to matter; send the due ones.
  profile_.pendingReports.erase(
      std::remove_if(profile_.pendingReports.begin(), profile_.pendingReports.end(),
                     [&](const PendingReport& p) { return nowMs - p.createdMs > kReportMaxAgeMs; }),
      profile_.pendingReports.end());
  ReportBatch batch;
  batch.site = rules_->site;
  for (const auto& p : profile_.pendingReports) {
    if (p.nextAttemptMs > nowMs) continue;
    if (batch.reports.size() >= measure::kMaxReportsPerBatch) break;
    batch.reports.push_back(p.report);
  }
  profile_.compact();
  return batch.reports.empty() ? "" : batch.serialize();
}

void Engine::keepReportsFrom(const std::string& text) {
  Profile p;
  std::string error;
  if (Profile::parse(text, &p, &error) && p.deviceId == profile_.deviceId) profile_.keepReportsOf(p);
}

void Engine::acknowledgeReports(const std::vector<std::string>& rids, int64_t nowMs) {
  auto& pend = profile_.pendingReports;
  pend.erase(std::remove_if(pend.begin(), pend.end(),
                            [&](const PendingReport& p) {
                              return std::find(rids.begin(), rids.end(), p.report.rid) != rids.end();
                            }),
             pend.end());
  profile_.updatedMs = nowMs;
}

void Engine::reportsFailed(int64_t nowMs) {
  for (auto& p : profile_.pendingReports) {
    if (p.nextAttemptMs > nowMs) continue;
    p.attempts += 1;
    int64_t backoff = std::min<int64_t>(60000LL << std::min(p.attempts, 10), kMsPerDay);
    p.nextAttemptMs = nowMs + backoff;
  }
}

Json Engine::exportData() const {
  Json j = Json::object();
  j["about"] = "Everything this site's personalization keeps about you, stored only on this device.";
  j["site"] = rules_->site;
  j["profile"] = profile_.toJson();
  return j;
}

}  // namespace omo
