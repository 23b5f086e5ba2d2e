#include "profile.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "context.h"
#include "parse.h"

namespace omo {
namespace {

// Strict reader for the stored profile: the first problem wins and names
// its path; a stored profile is either fully valid or replaced. A field's
// path is its object's path (`at`) and its key, joined only when it fails
// (the object's path is built once per object).
class Reader {
 public:
  explicit Reader(std::string* error) : error_(error) {}
  bool failed() const { return failed_; }
  // "at.key"; either may be empty.
  static std::string join(const std::string& at, std::string_view key) {
    std::string path = at;
    if (!at.empty() && !key.empty()) path += '.';
    path += key;
    return path;
  }
  bool fail(const std::string& at, std::string_view key, const char* msg) {
    if (!failed_ && error_) *error_ = "corrupted profile: " + join(at, key) + ": " + msg;
    failed_ = true;
    return false;
  }
  const Json* obj(const Json& j, const std::string& at, const char* key, bool required = true) {
    const Json* v = member(j, key);
    if (!v) {
      if (required) fail(at, key, "missing");
      return nullptr;
    }
    if (!v->is_object()) {
      fail(at, key, "must be an object");
      return nullptr;
    }
    return v;
  }
  // A whole number >= 0; `key` may be absent unless `required`.
  bool num(const Json& j, const std::string& at, std::string_view key, int64_t* out, bool required = false) {
    const Json* v = member(j, key);
    if (!v) return required ? fail(at, key, "missing") : true;
    if (!v->is_number_integer() && !v->is_number_unsigned()) return fail(at, key, "must be a whole number");
    int64_t x = v->get<int64_t>();
    if (x < 0) return fail(at, key, "must not be negative");
    // A JavaScript number stays exact (and a count or a time cannot overflow).
    if (x > kMaxJsInteger) return fail(at, key, "must not be above 2^53");
    *out = x;
    return true;
  }
  // A finite number >= 0, present.
  bool real(const Json& v, const std::string& at, std::string_view key, double* out) {
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0)
      return fail(at, key, "must be a non-negative number");
    *out = v.get<double>();
    return true;
  }
  bool str(const Json& j, const std::string& at, const char* key, std::string* out, bool required = false) {
    const Json* v = member(j, key);
    if (!v) return required ? fail(at, key, "missing") : true;
    if (!v->is_string()) return fail(at, key, "must be a string");
    if (v->get_ref<const std::string&>().size() > 4096) return fail(at, key, "too long");
    *out = v->get<std::string>();
    return true;
  }
  bool strings(const Json& j, const std::string& at, const char* key, std::set<std::string>* out) {
    const Json* v = member(j, key);
    if (!v) return true;
    if (!v->is_array()) return fail(at, key, "must be an array");
    for (size_t i = 0; i < v->size(); ++i) {
      if (!(*v)[i].is_string()) return fail(at, std::string(key) + "[" + decimal(i) + "]", "must be a string");
      out->insert((*v)[i].get<std::string>());
    }
    return true;
  }
  // Every member of object `key` in `at` as a string of at most `maxLength` bytes.
  bool texts(const Json& j, const std::string& at, const char* key, std::map<std::string, std::string>* out,
             size_t maxLength, bool required = false) {
    const Json* o = obj(j, at, key, required);
    if (!o) return !failed_;
    const std::string path = join(at, key);
    for (auto it = o->begin(); it != o->end(); ++it) {
      if (!it.value().is_string()) return fail(path, it.key(), "must be a string");
      if (it.value().get_ref<const std::string&>().size() > maxLength) return fail(path, it.key(), "too long");
      (*out)[it.key()] = it.value().get<std::string>();
    }
    return true;
  }
  // Every member of object `key` in `at` as a whole number >= 0.
  bool counts(const Json& j, const std::string& at, const char* key, std::map<std::string, int64_t>* out,
              bool required = false) {
    const Json* o = obj(j, at, key, required);
    if (!o) return !failed_;
    const std::string path = join(at, key);
    for (auto it = o->begin(); it != o->end(); ++it)
      if (!num(*o, path, it.key(), &(*out)[it.key()])) return false;
    return true;
  }
  // Every member of object `key` in `at` as a finite number >= 0.
  bool reals(const Json& j, const std::string& at, const char* key, std::map<std::string, double>* out) {
    const Json* o = obj(j, at, key, false);
    if (!o) return !failed_;
    const std::string path = join(at, key);
    for (auto it = o->begin(); it != o->end(); ++it)
      if (!real(it.value(), path, it.key(), &(*out)[it.key()])) return false;
    return true;
  }

 private:
  std::string* error_;
  bool failed_ = false;
};

}  // namespace

namespace {
// Whether r's window is the last one p reported r's task for. (Only the last
// window is known: for an earlier one p may never have seen r, so r is kept.)
bool reportedFor(const Profile& p, const Report& r) {
  auto w = p.reportedWindow.find(r.task);
  return w != p.reportedWindow.end() && w->second == r.win;
}
// p's pending report for r's task and window with the smallest rid, if any.
const Report* heldFor(const std::vector<PendingReport>& pending, const Report& r) {
  const Report* best = nullptr;
  for (const auto& q : pending)
    if (q.report.task == r.task && q.report.win == r.win && (!best || q.report.rid < best->rid)) best = &q.report;
  return best;
}
// Whether r, a report one copy holds, gives way to the other copy b: b holds
// one for the same task and window with a smaller rid (two copies that each
// encoded a window keep the same one), or b holds none but reported that
// window (acknowledged there, or b sent its own).
bool givesWay(const Report& r, const Profile& b) {
  const Report* other = heldFor(b.pendingReports, r);
  return other ? other->rid < r.rid : reportedFor(b, r);
}
}  // namespace

void Profile::keepReportsOf(const Profile& mine) {
  // One rule both ways, decided on the two copies as they were: an
  // acknowledged report came back as pending from a tab that still held it
  // and was sent again; two tabs without Web Locks that each encoded a window
  // and exchanged states both ways each kept the other's, and sent both.
  // (A report taken in is mine's own smallest for its window: it never gives
  // way to mine, and the next of mine's for that window is not taken.)
  for (const auto& p : mine.pendingReports) {
    const Report* here = heldFor(pendingReports, p.report);
    if (heldFor(mine.pendingReports, p.report) == &p.report && !givesWay(p.report, *this) &&
        !(here && here->rid == p.report.rid))
      pendingReports.push_back(p);
  }
  for (size_t i = pendingReports.size(); i-- > 0;)
    if (givesWay(pendingReports[i].report, mine))
      pendingReports.erase(pendingReports.begin() + static_cast<std::ptrdiff_t>(i));
  for (const auto& [task, week] : mine.reportedWindow) {
    std::string& w = reportedWindow[task];
    if (w < week) w = week;
  }
  // The larger of the two, not their sum: the same encodings are usually in both.
  for (const auto& [week, eps] : mine.epsilonSpent) {
    double& e = epsilonSpent[week];
    if (e < eps) e = eps;
  }
}

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

void Profile::keepCart(size_t keep) {
  while (cart.size() > keep) {
    cartCategory.erase(cart.begin()->first);
    cart.erase(cart.begin());
  }
}

void Profile::compact() {
  keepNewestProducts(kMaxProducts);
  keepCart(kMaxProducts);
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

std::string Profile::serialize(bool* shed) {
  std::string out = text();
  if (shed) *shed = out.size() > kMaxBytes;
  // Over the bound: shed the oldest behaviour until it fits. From this
  // profile itself, so the page decides on what is stored (and no copy of
  // every map is needed).
  size_t limit = kMaxProducts;
  while (out.size() > kMaxBytes && limit > 0) {
    limit /= 2;
    keepNewestProducts(limit);
    if (purchases.size() > limit) purchases.erase(purchases.begin(), purchases.end() - limit);
    keepCart(limit);
    purchasedSkus.clear();
    purchasedCategories.clear();
    for (const auto& p : purchases) {
      purchasedSkus.insert(p.sku);
      if (!p.category.empty()) purchasedCategories.insert(p.category);
    }
    if (categories.size() > 4 * limit + 8) categories.clear();
    session.dwell.clear();
    // Caps go only when nothing else is left to shed, and the newest event
    // ids stay: without them an offer capped for this visitor showed again,
    // and a replayed signal counted twice.
    if (limit == 0) caps.clear();
    if (recentEventIds.size() > limit) recentEventIds.erase(recentEventIds.begin(), recentEventIds.end() - limit);
    out = text();
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

bool Profile::fromJson(const Json& j, Profile* out, std::string* error) {
  Reader r(error);
  const std::string root;
  if (!j.is_object()) return r.fail(root, "(root)", "must be an object");
  int64_t version = 0;
  if (!r.num(j, root, "v", &version, true)) return false;
  if (version > kSchemaVersion) {
    // Not corrupted: written by a newer engine. The caller must not overwrite it.
    if (error) *error = std::string(kNewerSchema) + " (schema " + decimal(version) + ", this engine reads up to " +
                        decimal(kSchemaVersion) + ")";
    return false;
  }
  if (version < 1) return r.fail(root, "v", ("unknown schema version " + decimal(version)).c_str());
  // v1 kept no session or measurement state: they start empty, whatever a v1
  // text holds under those keys.
  const bool v1 = version == 1;
  Profile p;
  r.str(j, root, "deviceId", &p.deviceId, true);
  r.num(j, root, "created", &p.createdMs);
  r.num(j, root, "updated", &p.updatedMs);
  // maxLength is up to 1000 characters, of up to 4 bytes each.
  if (!r.texts(j, root, "fields", &p.fields, 4000, true)) return false;
  const std::string at = "behavior";
  const Json* b = r.obj(j, root, "behavior");
  if (!b) return false;
  if (const Json* prods = r.obj(*b, at, "products")) {
    for (auto it = prods->begin(); it != prods->end(); ++it) {
      const std::string path = "behavior.products." + it.key();
      if (!it.value().is_object()) return r.fail("behavior.products", it.key(), "must be an object");
      ProductStats& ps = p.products[it.key()];
      r.str(it.value(), path, "c", &ps.category);
      r.num(it.value(), path, "v", &ps.views);
      if (const Json* d = member(it.value(), "d")) r.real(*d, path, "d", &ps.dwellSeconds);
      r.num(it.value(), path, "t", &ps.lastSeenMs);
      if (r.failed()) return false;
    }
  }
  if (const Json* cats = r.obj(*b, at, "categories")) {
    for (auto it = cats->begin(); it != cats->end(); ++it) {
      const std::string path = "behavior.categories." + it.key();
      if (!it.value().is_object()) return r.fail("behavior.categories", it.key(), "must be an object");
      CategoryStats& cs = p.categories[it.key()];
      r.num(it.value(), path, "v", &cs.views);
      if (const Json* d = member(it.value(), "d")) r.real(*d, path, "d", &cs.dwellSeconds);
      if (r.failed()) return false;
    }
  }
  if (!r.counts(*b, at, "cart", &p.cart, true) || !r.texts(*b, at, "cartCategory", &p.cartCategory, SIZE_MAX))
    return false;
  r.num(*b, at, "cartChanged", &p.cartChangedMs);
  if (const Json* pu = member(*b, "purchases")) {
    if (!pu->is_array()) return r.fail(at, "purchases", "must be an array");
    for (size_t i = 0; i < pu->size(); ++i) {
      const std::string path = "behavior.purchases[" + decimal(i) + "]";
      if (!(*pu)[i].is_object()) return r.fail(path, "", "must be an object");
      Purchase& x = p.purchases.emplace_back();
      r.str((*pu)[i], path, "sku", &x.sku, true);
      r.str((*pu)[i], path, "c", &x.category);
      r.num((*pu)[i], path, "t", &x.atMs);
      if (r.failed()) return false;
    }
  }
  r.strings(*b, at, "purchasedSkus", &p.purchasedSkus);
  r.strings(*b, at, "purchasedCategories", &p.purchasedCategories);
  for (auto [key, field] : {std::pair{"purchaseCount", &p.purchaseCount}, {"lastPurchase", &p.lastPurchaseMs},
                            {"visits", &p.visits}, {"firstVisit", &p.firstVisitMs}, {"lastVisit", &p.lastVisitMs}})
    r.num(*b, at, key, field);
  if (r.failed()) return false;

  if (const Json* s = v1 ? nullptr : r.obj(j, root, "session")) {
    const std::string sp = "session";
    for (auto [key, field] : {std::pair{"n", &p.session.number}, {"start", &p.session.startMs}, {"last", &p.session.lastMs},
                              {"pages", &p.session.pageViews}, {"cartViews", &p.session.cartViews}})
      r.num(*s, sp, key, field);
    if (!r.reals(*s, sp, "dwell", &p.session.dwell)) return false;
  }
  if (r.failed()) return false;
  if (const Json* c = r.obj(j, root, "caps", false)) {
    for (auto it = c->begin(); it != c->end(); ++it) {
      const std::string path = "caps." + it.key();
      if (!it.value().is_object()) return r.fail("caps", it.key(), "must be an object");
      CapCounter& cc = p.caps[it.key()];
      r.num(it.value(), path, "l", &cc.lifetime);
      r.str(it.value(), path, "day", &cc.day);
      for (auto [key, field] : {std::pair{"dc", &cc.dayCount}, {"s", &cc.session}, {"sc", &cc.sessionCount},
                                {"t", &cc.lastMs}})
        r.num(it.value(), path, key, field);
      if (r.failed()) return false;
    }
  }
  if (const Json* e = r.obj(j, root, "experiments", false)) {
    for (auto it = e->begin(); it != e->end(); ++it) {
      if (!it.value().is_number_integer() || it.value().get<int64_t>() < -1 || it.value().get<int64_t>() > 64)
        return r.fail("experiments", it.key(), "must be an arm index");
      p.experiments[it.key()] = it.value().get<int64_t>();
    }
  }
  if (const Json* ev = member(j, "events")) {
    if (!ev->is_array()) return r.fail(root, "events", "must be an array");
    for (const auto& id : *ev) {
      if (!id.is_string()) return r.fail(root, "events", "must hold strings");
      p.recentEventIds.push_back(id.get<std::string>());
    }
  }
  if (const Json* m = v1 ? nullptr : r.obj(j, root, "measure", false)) {
    const std::string mp = "measure";
    if (!r.texts(*m, mp, "reported", &p.reportedWindow, SIZE_MAX)) return false;
    if (const Json* pend = member(*m, "pending")) {
      if (!pend->is_array()) return r.fail(mp, "pending", "must be an array");
      for (size_t i = 0; i < pend->size(); ++i) {
        const std::string path = "measure.pending[" + decimal(i) + "]";
        const Json& x = (*pend)[i];
        PendingReport& pr = p.pendingReports.emplace_back();
        std::string rerr;
        const Json* rep = member(x, "r");
        if (!rep || !Report::fromJson(*rep, &pr.report, &rerr))
          return r.fail(path, "", rerr.empty() ? "missing report" : rerr.c_str());
        int64_t attempts = 0;
        r.num(x, path, "c", &pr.createdMs);
        r.num(x, path, "a", &attempts);
        r.num(x, path, "n", &pr.nextAttemptMs);
        pr.attempts = static_cast<int>(std::min<int64_t>(attempts, 1000));
        if (r.failed()) return false;
      }
    }
    if (!r.reals(*m, mp, "eps", &p.epsilonSpent)) return false;
    r.strings(*m, mp, "active", &p.activeWeeks);
    // A name that is not an ISO week would become a report the collector
    // refuses, with the rest of its batch: dropped, the profile kept.
    for (auto it = p.activeWeeks.begin(); it != p.activeWeeks.end();) {
      int year = 0, week = 0;
      it = parseIsoWeek(*it, &year, &week) ? std::next(it) : p.activeWeeks.erase(it);
    }
    if (!r.counts(*m, mp, "exposures", &p.exposures) || !r.counts(*m, mp, "conversions", &p.conversions)) return false;
  }
  if (r.failed()) return false;
  *out = std::move(p);
  return true;
}

}  // namespace omo
