#include "profile.h"

#include <algorithm>
#include <cmath>

#include "parse.h"

namespace omo {
namespace {

// Strict reader for the stored profile: the first problem wins and names
// its path; a stored profile is either fully valid or replaced.
class Reader {
 public:
  explicit Reader(std::string* error) : error_(error) {}
  bool failed() const { return failed_; }
  bool fail(const std::string& path, const std::string& msg) {
    if (!failed_ && error_) *error_ = "corrupted profile: " + path + ": " + msg;
    failed_ = true;
    return false;
  }
  const Json* obj(const Json& j, const char* key, const std::string& path, bool required = true) {
    const Json* v = member(j, key);
    if (!v) {
      if (required) fail(path, "missing");
      return nullptr;
    }
    if (!v->is_object()) {
      fail(path, "must be an object");
      return nullptr;
    }
    return v;
  }
  bool num(const Json& j, const char* key, const std::string& path, int64_t* out, bool required = false) {
    const Json* v = member(j, key);
    if (!v) return required ? fail(path, "missing") : true;
    if (!v->is_number_integer() && !v->is_number_unsigned()) return fail(path, "must be a whole number");
    int64_t x = v->get<int64_t>();
    if (x < 0) return fail(path, "must not be negative");
    *out = x;
    return true;
  }
  bool real(const Json& v, const std::string& path, double* out) {
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0)
      return fail(path, "must be a non-negative number");
    *out = v.get<double>();
    return true;
  }
  bool str(const Json& j, const char* key, const std::string& path, std::string* out, bool required = false) {
    const Json* v = member(j, key);
    if (!v) return required ? fail(path, "missing") : true;
    if (!v->is_string()) return fail(path, "must be a string");
    if (v->get_ref<const std::string&>().size() > 4096) return fail(path, "too long");
    *out = v->get<std::string>();
    return true;
  }
  bool strings(const Json& j, const char* key, const std::string& path, std::set<std::string>* out) {
    const Json* v = member(j, key);
    if (!v) return true;
    if (!v->is_array()) return fail(path, "must be an array");
    for (size_t i = 0; i < v->size(); ++i) {
      if (!(*v)[i].is_string()) return fail(path + "[" + std::to_string(i) + "]", "must be a string");
      out->insert((*v)[i].get<std::string>());
    }
    return true;
  }

 private:
  std::string* error_;
  bool failed_ = false;
};

}  // namespace

bool Profile::seenEvent(const std::string& id) {
  if (id.empty()) return false;
  if (std::find(recentEventIds.begin(), recentEventIds.end(), id) != recentEventIds.end()) return true;
  recentEventIds.push_back(id);
  if (recentEventIds.size() > kMaxEventIds)
    recentEventIds.erase(recentEventIds.begin(), recentEventIds.end() - kMaxEventIds);
  return false;
}

// The stored form, written straight to text: the browser saves it after
// signals, and building a Json first was most of the cost.
void Profile::write(JsonWriter& w) const {
  w.beginObject().field("v", kSchemaVersion).field("deviceId", deviceId).field("created", createdMs);
  w.field("updated", updatedMs).key("fields").object(fields);

  w.key("behavior").beginObject().key("products").beginObject();
  for (const auto& [sku, p] : products)
    w.key(sku).beginObject().field("c", p.category).field("v", p.views).field("d", p.dwellSeconds).field("t", p.lastSeenMs).endObject();
  w.endObject().key("categories").beginObject();
  for (const auto& [c, s] : categories) w.key(c).beginObject().field("v", s.views).field("d", s.dwellSeconds).endObject();
  w.endObject().key("cart").object(cart).key("cartCategory").object(cartCategory).field("cartChanged", cartChangedMs);
  w.key("purchases").beginArray();
  for (const auto& p : purchases) w.beginObject().field("sku", p.sku).field("c", p.category).field("t", p.atMs).endObject();
  w.endArray().key("purchasedSkus").array(purchasedSkus).key("purchasedCategories").array(purchasedCategories);
  w.field("purchaseCount", purchaseCount).field("lastPurchase", lastPurchaseMs).field("visits", visits);
  w.field("firstVisit", firstVisitMs).field("lastVisit", lastVisitMs).endObject();

  w.key("session").beginObject().field("n", session.number).field("start", session.startMs).field("last", session.lastMs);
  w.field("pages", session.pageViews).field("cartViews", session.cartViews).key("dwell").object(session.dwell).endObject();

  w.key("caps").beginObject();
  for (const auto& [k, v] : caps)
    w.key(k).beginObject().field("l", v.lifetime).field("day", v.day).field("dc", v.dayCount).field("s", v.session)
        .field("sc", v.sessionCount).field("t", v.lastMs).endObject();
  w.endObject().key("experiments").object(experiments).key("events").array(recentEventIds);

  w.key("measure").beginObject().key("reported").object(reportedWindow).key("pending").beginArray();
  for (const auto& p : pendingReports)
    w.beginObject().field("r", p.report.toJson()).field("c", p.createdMs).field("a", p.attempts).field("n", p.nextAttemptMs).endObject();
  w.endArray().key("eps").object(epsilonSpent).key("exposures").object(exposures);
  w.key("conversions").object(conversions).key("active").array(activeWeeks).endObject().endObject();
}

std::string Profile::text() const {
  std::string out;
  JsonWriter w(out);
  write(w);
  return out;
}

Json Profile::toJson() const { return parseJson(text(), static_cast<std::string*>(nullptr)); }

namespace {
// Erases the `drop` entries with the smallest rank, ties in key order (as if
// sorted by (rank, key)). No sort: std::sort of (rank, key) pairs cost 1.4 KB
// of wasm. Dropping a few (one per new product, the usual case) is a scan per
// entry; dropping many (an oversized stored profile) finds the threshold rank
// by bisection on its value, at most 64 scans whatever the size.
template <class Map, class Rank>
void dropLowest(Map& m, size_t drop, Rank rank) {
  if (drop >= m.size()) return m.clear();
  if (drop <= 8) {
    for (; drop > 0; --drop) {
      auto low = m.begin();
      for (auto it = m.begin(); it != m.end(); ++it)
        if (rank(it->second) < rank(low->second)) low = it;
      m.erase(low);
    }
    return;
  }
  int64_t lo = INT64_MIN, hi = INT64_MAX;  // the least t with #{rank <= t} >= drop
  while (lo < hi) {
    int64_t mid = static_cast<int64_t>(static_cast<uint64_t>(lo) + (static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo)) / 2);
    size_t n = 0;
    for (const auto& e : m) n += rank(e.second) <= mid;
    if (n >= drop) hi = mid;
    else lo = mid + 1;
  }
  for (int pass = 0; pass < 2; ++pass)  // below the threshold, then ties at it
    for (auto it = m.begin(); it != m.end() && drop > 0;) {
      int64_t r = rank(it->second);
      if (pass == 0 ? r < lo : r == lo) {
        it = m.erase(it);
        --drop;
      } else {
        ++it;
      }
    }
}
}  // namespace

void Profile::keepNewestProducts(size_t keep) {
  // Oldest products first: their counts live on in their category.
  if (products.size() > keep)
    dropLowest(products, products.size() - keep, [](const ProductStats& p) { return p.lastSeenMs; });
}

void Profile::compact() {
  keepNewestProducts(kMaxProducts);
  if (purchases.size() > kMaxPurchases) purchases.erase(purchases.begin(), purchases.end() - kMaxPurchases);
  // Suppression remembers the recent purchases; counts stay exact.
  if (purchasedSkus.size() > 2 * kMaxPurchases) {
    purchasedSkus.clear();
    for (const auto& p : purchases) purchasedSkus.insert(p.sku);
  }
  if (purchasedCategories.size() > kMaxCategories) {
    purchasedCategories.clear();
    for (const auto& p : purchases)
      if (!p.category.empty()) purchasedCategories.insert(p.category);
  }
  if (categories.size() > kMaxCategories)
    dropLowest(categories, categories.size() - kMaxCategories, [](const CategoryStats& c) { return c.views; });
  while (pendingReports.size() > 64) pendingReports.erase(pendingReports.begin());
  while (epsilonSpent.size() > 8) epsilonSpent.erase(epsilonSpent.begin());
  while (activeWeeks.size() > 8) activeWeeks.erase(activeWeeks.begin());
}

std::string Profile::serialize() const {
  std::string out = text();
  if (out.size() <= kMaxBytes) return out;
  // Over the bound: shed the oldest behaviour until it fits.
  Profile copy = *this;
  size_t limit = kMaxProducts;
  while (out.size() > kMaxBytes && limit > 0) {
    limit /= 2;
    copy.keepNewestProducts(limit);
    if (copy.purchases.size() > limit) copy.purchases.erase(copy.purchases.begin(), copy.purchases.end() - limit);
    copy.purchasedSkus.clear();
    for (const auto& p : copy.purchases) copy.purchasedSkus.insert(p.sku);
    if (copy.categories.size() > 4 * limit + 8) copy.categories.clear();
    copy.session.dwell.clear();
    copy.caps.clear();
    out = copy.text();
  }
  return out;
}

bool Profile::parse(const std::string& text, Profile* out, std::string* error) {
  if (text.size() > 4 * kMaxBytes) {
    if (error) *error = "corrupted profile: larger than the bound";
    return false;
  }
  std::string perr;
  Json j = parseJson(text, &perr);
  if (j.is_discarded()) {
    if (error) *error = "corrupted profile: not valid JSON (" + perr + ")";
    return false;
  }
  return fromJson(j, out, error);
}

bool Profile::fromJson(const Json& j0, Profile* out, std::string* error) {
  Reader r(error);
  if (!j0.is_object()) return r.fail("(root)", "must be an object");
  Json j = j0;
  int64_t version = 0;
  if (!r.num(j, "v", "v", &version, true)) return false;
  if (version > kSchemaVersion) {
    // Not corrupted: written by a newer engine. The caller must not overwrite it.
    if (error) *error = std::string(kNewerSchema) + " (schema " + std::to_string(version) + ", this engine reads up to " +
                        std::to_string(kSchemaVersion) + ")";
    return false;
  }
  if (version < 1) return r.fail("v", "unknown schema version " + std::to_string(version));
  if (version == 1) {
    // v1 kept no session or measurement state: start them empty.
    j["session"] = Json::object();
    j["measure"] = Json::object();
    j["v"] = kSchemaVersion;
  }
  Profile p;
  r.str(j, "deviceId", "deviceId", &p.deviceId, true);
  r.num(j, "created", "created", &p.createdMs);
  r.num(j, "updated", "updated", &p.updatedMs);
  if (const Json* f = r.obj(j, "fields", "fields")) {
    for (auto it = f->begin(); it != f->end(); ++it) {
      if (!it.value().is_string()) return r.fail("fields." + it.key(), "must be a string");
      if (it.value().get_ref<const std::string&>().size() > 1000) return r.fail("fields." + it.key(), "too long");
      p.fields[it.key()] = it.value().get<std::string>();
    }
  }
  if (r.failed()) return false;
  const Json* b = r.obj(j, "behavior", "behavior");
  if (!b) return false;
  if (const Json* prods = r.obj(*b, "products", "behavior.products")) {
    for (auto it = prods->begin(); it != prods->end(); ++it) {
      std::string path = "behavior.products." + it.key();
      if (!it.value().is_object()) return r.fail(path, "must be an object");
      ProductStats ps;
      r.str(it.value(), "c", path + ".c", &ps.category);
      r.num(it.value(), "v", path + ".v", &ps.views);
      if (const Json* d = member(it.value(), "d")) r.real(*d, path + ".d", &ps.dwellSeconds);
      r.num(it.value(), "t", path + ".t", &ps.lastSeenMs);
      if (r.failed()) return false;
      p.products[it.key()] = ps;
    }
  }
  if (const Json* cats = r.obj(*b, "categories", "behavior.categories")) {
    for (auto it = cats->begin(); it != cats->end(); ++it) {
      std::string path = "behavior.categories." + it.key();
      if (!it.value().is_object()) return r.fail(path, "must be an object");
      CategoryStats cs;
      r.num(it.value(), "v", path + ".v", &cs.views);
      if (const Json* d = member(it.value(), "d")) r.real(*d, path + ".d", &cs.dwellSeconds);
      if (r.failed()) return false;
      p.categories[it.key()] = cs;
    }
  }
  if (const Json* cart = r.obj(*b, "cart", "behavior.cart")) {
    for (auto it = cart->begin(); it != cart->end(); ++it) {
      int64_t q = 0;
      if (!r.num(*cart, it.key().c_str(), "behavior.cart." + it.key(), &q)) return false;
      p.cart[it.key()] = q;
    }
  }
  if (const Json* cc = r.obj(*b, "cartCategory", "behavior.cartCategory", false)) {
    for (auto it = cc->begin(); it != cc->end(); ++it) {
      if (!it.value().is_string()) return r.fail("behavior.cartCategory." + it.key(), "must be a string");
      p.cartCategory[it.key()] = it.value().get<std::string>();
    }
  }
  r.num(*b, "cartChanged", "behavior.cartChanged", &p.cartChangedMs);
  if (const Json* pu = member(*b, "purchases")) {
    if (!pu->is_array()) return r.fail("behavior.purchases", "must be an array");
    for (size_t i = 0; i < pu->size(); ++i) {
      std::string path = "behavior.purchases[" + std::to_string(i) + "]";
      if (!(*pu)[i].is_object()) return r.fail(path, "must be an object");
      Purchase x;
      r.str((*pu)[i], "sku", path + ".sku", &x.sku, true);
      r.str((*pu)[i], "c", path + ".c", &x.category);
      r.num((*pu)[i], "t", path + ".t", &x.atMs);
      if (r.failed()) return false;
      p.purchases.push_back(x);
    }
  }
  r.strings(*b, "purchasedSkus", "behavior.purchasedSkus", &p.purchasedSkus);
  r.strings(*b, "purchasedCategories", "behavior.purchasedCategories", &p.purchasedCategories);
  r.num(*b, "purchaseCount", "behavior.purchaseCount", &p.purchaseCount);
  r.num(*b, "lastPurchase", "behavior.lastPurchase", &p.lastPurchaseMs);
  r.num(*b, "visits", "behavior.visits", &p.visits);
  r.num(*b, "firstVisit", "behavior.firstVisit", &p.firstVisitMs);
  r.num(*b, "lastVisit", "behavior.lastVisit", &p.lastVisitMs);
  if (r.failed()) return false;

  if (const Json* s = r.obj(j, "session", "session")) {
    r.num(*s, "n", "session.n", &p.session.number);
    r.num(*s, "start", "session.start", &p.session.startMs);
    r.num(*s, "last", "session.last", &p.session.lastMs);
    r.num(*s, "pages", "session.pages", &p.session.pageViews);
    r.num(*s, "cartViews", "session.cartViews", &p.session.cartViews);
    if (const Json* d = r.obj(*s, "dwell", "session.dwell", false)) {
      for (auto it = d->begin(); it != d->end(); ++it) {
        double secs;
        if (!r.real(it.value(), "session.dwell." + it.key(), &secs)) return false;
        p.session.dwell[it.key()] = secs;
      }
    }
  }
  if (r.failed()) return false;
  if (const Json* c = r.obj(j, "caps", "caps", false)) {
    for (auto it = c->begin(); it != c->end(); ++it) {
      std::string path = "caps." + it.key();
      if (!it.value().is_object()) return r.fail(path, "must be an object");
      CapCounter cc;
      r.num(it.value(), "l", path + ".l", &cc.lifetime);
      r.str(it.value(), "day", path + ".day", &cc.day);
      r.num(it.value(), "dc", path + ".dc", &cc.dayCount);
      r.num(it.value(), "s", path + ".s", &cc.session);
      r.num(it.value(), "sc", path + ".sc", &cc.sessionCount);
      r.num(it.value(), "t", path + ".t", &cc.lastMs);
      if (r.failed()) return false;
      p.caps[it.key()] = cc;
    }
  }
  if (const Json* e = r.obj(j, "experiments", "experiments", false)) {
    for (auto it = e->begin(); it != e->end(); ++it) {
      if (!it.value().is_number_integer() || it.value().get<int64_t>() < -1 || it.value().get<int64_t>() > 64)
        return r.fail("experiments." + it.key(), "must be an arm index");
      p.experiments[it.key()] = it.value().get<int64_t>();
    }
  }
  if (const Json* ev = member(j, "events")) {
    if (!ev->is_array()) return r.fail("events", "must be an array");
    for (const auto& id : *ev) {
      if (!id.is_string()) return r.fail("events", "must hold strings");
      p.recentEventIds.push_back(id.get<std::string>());
    }
  }
  if (const Json* m = r.obj(j, "measure", "measure", false)) {
    if (const Json* rep = r.obj(*m, "reported", "measure.reported", false))
      for (auto it = rep->begin(); it != rep->end(); ++it) {
        if (!it.value().is_string()) return r.fail("measure.reported." + it.key(), "must be a string");
        p.reportedWindow[it.key()] = it.value().get<std::string>();
      }
    if (const Json* pend = member(*m, "pending")) {
      if (!pend->is_array()) return r.fail("measure.pending", "must be an array");
      for (size_t i = 0; i < pend->size(); ++i) {
        std::string path = "measure.pending[" + std::to_string(i) + "]";
        const Json& x = (*pend)[i];
        PendingReport pr;
        std::string rerr;
        const Json* rep = member(x, "r");
        if (!rep || !Report::fromJson(*rep, &pr.report, &rerr)) return r.fail(path, rerr.empty() ? "missing report" : rerr);
        int64_t attempts = 0;
        r.num(x, "c", path + ".c", &pr.createdMs);
        r.num(x, "a", path + ".a", &attempts);
        r.num(x, "n", path + ".n", &pr.nextAttemptMs);
        pr.attempts = static_cast<int>(std::min<int64_t>(attempts, 1000));
        if (r.failed()) return false;
        p.pendingReports.push_back(pr);
      }
    }
    if (const Json* eps = r.obj(*m, "eps", "measure.eps", false))
      for (auto it = eps->begin(); it != eps->end(); ++it) {
        double e;
        if (!r.real(it.value(), "measure.eps." + it.key(), &e)) return false;
        p.epsilonSpent[it.key()] = e;
      }
    r.strings(*m, "active", "measure.active", &p.activeWeeks);
    for (const char* key : {"exposures", "conversions"}) {
      if (const Json* o = r.obj(*m, key, std::string("measure.") + key, false))
        for (auto it = o->begin(); it != o->end(); ++it) {
          int64_t t = 0;
          if (!r.num(*o, it.key().c_str(), std::string("measure.") + key + "." + it.key(), &t)) return false;
          (std::string(key) == "exposures" ? p.exposures : p.conversions)[it.key()] = t;
        }
    }
  }
  if (r.failed()) return false;
  *out = std::move(p);
  return true;
}

}  // namespace omo
