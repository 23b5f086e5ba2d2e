// The visitor's local profile: declared fields and behaviour, cap counters,
// experiment assignments and pending measurement reports. This is what the
// browser persists (only with consent) and what `exportData()` shows.
//
// The serialized form is versioned JSON (kSchemaVersion) bounded to
// kMaxBytes: old behaviour is compacted into per-category counts.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "json.h"
#include "measure.h"

namespace omo {

struct ProductStats {
  std::string category;
  int64_t views = 0;
  double dwellSeconds = 0;
  int64_t lastSeenMs = 0;
};

struct CategoryStats {
  int64_t views = 0;
  double dwellSeconds = 0;
};

struct Purchase {
  std::string sku, category;
  int64_t atMs = 0;
};

// Impressions of one variant ("slot/variant"), for caps and cooldowns.
struct CapCounter {
  int64_t lifetime = 0;
  std::string day;        // local date of dayCount
  int64_t dayCount = 0;
  int64_t session = 0;    // session number of sessionCount
  int64_t sessionCount = 0;
  int64_t lastMs = 0;
};

struct PendingReport {
  Report report;
  int64_t createdMs = 0;
  int attempts = 0;
  int64_t nextAttemptMs = 0;
};

struct Session {
  int64_t number = 0;     // increments with each new session
  int64_t startMs = 0, lastMs = 0;
  int64_t pageViews = 0;
  int64_t cartViews = 0;
  std::map<std::string, double> dwell;   // sku -> seconds this session
};

class Profile {
 public:
  static constexpr int kSchemaVersion = 2;
  // The start of the error for a profile a newer engine wrote: it is kept,
  // not replaced (a rollback of the script must not erase profiles).
  static constexpr const char* kNewerSchema = "profile from a newer version";
  static constexpr size_t kMaxBytes = 64 * 1024;
  static constexpr int64_t kSessionGapMs = 30LL * 60 * 1000;
  static constexpr size_t kMaxProducts = 150;
  static constexpr size_t kMaxPurchases = 100;
  static constexpr size_t kMaxCategories = 200;
  static constexpr size_t kMaxEventIds = 256;

  std::string deviceId;   // random, never leaves the device
  int64_t createdMs = 0, updatedMs = 0;
  std::map<std::string, std::string> fields;
  std::map<std::string, ProductStats> products;
  std::map<std::string, CategoryStats> categories;
  std::map<std::string, int64_t> cart;         // sku -> quantity
  std::map<std::string, std::string> cartCategory;
  int64_t cartChangedMs = 0;
  std::vector<Purchase> purchases;             // newest last, bounded
  std::set<std::string> purchasedSkus;
  std::set<std::string> purchasedCategories;
  int64_t purchaseCount = 0;
  int64_t lastPurchaseMs = 0;
  int64_t visits = 0;
  int64_t firstVisitMs = 0, lastVisitMs = 0;
  Session session;
  std::map<std::string, CapCounter> caps;
  std::map<std::string, int64_t> experiments;  // experiment -> arm index (-1 = not enrolled)
  std::vector<std::string> recentEventIds;      // de-duplication of replayed signals
  // Measurement: windows already reported per task, pending reports, and the
  // epsilon spent per ISO week.
  std::map<std::string, std::string> reportedWindow;
  std::vector<PendingReport> pendingReports;
  std::map<std::string, double> epsilonSpent;
  std::map<std::string, int64_t> conversions;  // experiment -> ms of first conversion after exposure
  std::map<std::string, int64_t> exposures;    // experiment -> ms of first exposure
  std::set<std::string> activeWeeks;           // ISO weeks with a visit, not yet reported

  bool empty() const { return visits == 0 && fields.empty() && products.empty() && purchases.empty(); }

  void write(JsonWriter& w) const;  // the stored form
  std::string text() const;         // the stored form as JSON text, unbounded
  Json toJson() const;
  // The stored form, at most kMaxBytes: over the bound this profile itself
  // first sheds its oldest behaviour (*shed says whether it did).
  std::string serialize(bool* shed = nullptr);
  // Strict reading: any missing, mistyped or out-of-range part is an error
  // naming it ("corrupted profile: behavior.cart[2]: ..."). Older schema
  // versions are migrated.
  static bool fromJson(const Json& j, Profile* out, std::string* error);
  static bool parse(const std::string& text, Profile* out, std::string* error);

  // Drops the oldest behaviour into category counts until it fits.
  void compact();
  // Keeps the `keep` most recently seen products (their categories keep the counts).
  void keepNewestProducts(size_t keep);
  // Keeps at most `keep` cart lines (the first by SKU).
  void keepCart(size_t keep);
  bool seenEvent(const std::string& id);       // records it; true when seen before
  // Keeps what `mine`, another copy of this device's profile, reported: the
  // later window per task, the larger budget spent per week, its pending
  // reports (by rid). Loading a copy that never saw them (another tab's, or
  // one that tab wrote over them in storage) then encodes nothing twice. A
  // pending report one copy holds for the window the other reported last
  // without holding it (acknowledged there) is dropped; of two reports for
  // one task and window (copies that each encoded it) both keep the one with
  // the smaller rid.
  void keepReportsOf(const Profile& mine);
};

}  // namespace omo
