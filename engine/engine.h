// engine::Engine — the one place a decision is made. Holds a compiled
// Ruleset (immutable, shared), the visitor's Profile and the page Context.
// Every call that depends on time takes `nowMs` (UTC milliseconds); the only
// randomness is the Rng seeded at construction.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "context.h"
#include "json.h"
#include "profile.h"
#include "rng.h"
#include "rules.h"
#include "shared.h"

namespace omo {

struct Decision {
  std::string slot;
  std::string variant = "default";   // "default": the page's own content stays
  std::string kind;                  // "content" | "offer" | "action" ("" for default)
  std::optional<std::string> text;
  std::optional<std::string> imageSrc, imageAlt, imageSrcset;
  std::vector<std::string> items;
  std::optional<std::string> channel;
  // Why: the rule, the clauses that held, the profile fields read.
  struct Reason {
    std::string rule;                      // "slot/variant", or "default"
    std::vector<std::string> conditions;
    std::vector<std::string> fields;       // "profile.name", ...
    std::string why;                       // the owner's words, from the rules
    std::string experiment, arm;
    std::string summary;                   // the default's reason, in words
  } reason;
  bool personalized() const { return variant != "default"; }
  // The decision as JSON: written straight to text on the hot path (the
  // browser's decideAll), or as a value (CLI, tests). One shape for both.
  void write(JsonWriter& w) const;
  Json toJson() const;
};

// What a track() call records. `type` is one of: view, dwell, add_to_cart,
// remove_from_cart, purchase, cart_view, click, page.
struct Signal {
  std::string type;
  std::string sku, category;
  double seconds = 0;     // dwell
  int64_t quantity = 1;
  std::string id;         // optional event id; a repeated id is ignored
  // purchase only: the products of one order (category "" when not given);
  // empty means `sku`, or the whole cart when there is no sku either.
  std::vector<std::string> itemSkus, itemCategories;
  static bool fromJson(const Json& j, Signal* out, std::string* error);
};

class Engine {
 public:
  Engine(Shared<const Ruleset> rules, uint64_t seed);

  // Convenience: compile rules text; nullptr (and diags) when invalid.
  static std::unique_ptr<Engine> fromRulesText(const std::string& text, uint64_t seed, Diagnostics* diags);

  const Ruleset& rules() const { return *rules_; }
  const Profile& profile() const { return profile_; }
  const Context& context() const { return context_; }

  // ---- profile persistence --------------------------------------------
  // Replaces the profile with a stored one. On a corrupt or truncated text
  // returns false with *error and keeps the profile it held (garbage never
  // empties a good profile); a profile from a newer schema fails the same
  // way with an error starting with Profile::kNewerSchema. An expired profile (idle longer than the rules'
  // expireDays) is replaced by an empty one. The page's impressions stay,
  // counted into the loaded profile when it lacks them.
  bool loadProfile(const std::string& text, int64_t nowMs, std::string* error);
  // The stored form, at most Profile::kMaxBytes: over the bound the profile
  // itself sheds its oldest behaviour first.
  std::string saveProfile();
  void forget(int64_t nowMs);          // an empty profile with a new device id
  // Loads a profile given as JSON: the stored form (it has "v"), or a script
  // {"deviceId"?, "fields"?, "signals"?: [{...signal, "at": ms}]} replayed
  // through setProfile/track/beginPage — the readable form test fixtures and
  // `omotenashi decide` use. A signal without "at" happens at nowMs.
  bool loadProfileScript(const Json& j, int64_t nowMs, std::string* error);

  // ---- inputs ---------------------------------------------------------
  bool setContext(const Json& ctx, std::string* error);
  void setContext(const Context& c) {
    context_ = c;
    changed();
  }
  // Declared fields, checked against the rules' schema (unknown field,
  // value not allowed, too long, control characters); a null value clears
  // a field. Nothing is changed when any field fails.
  bool setProfile(const Json& fields, int64_t nowMs, std::string* error);
  bool track(const Json& signal, int64_t nowMs, std::string* error);
  bool track(const Signal& s, int64_t nowMs, std::string* error);
  // A page view: newPage() then the "page" signal's count (a visit when a
  // new session starts, the page view). The signal alone does not reset the
  // page's impressions: it is replayed after a profile exchange while the
  // page is on screen. A single-page app's route change calls newPage()
  // before its "page" signal.
  void beginPage(int64_t nowMs);
  void newPage();

  // ---- decisions --------------------------------------------------------
  std::vector<Decision> decideAll(int64_t nowMs) const;
  std::optional<Decision> decide(const std::string& slot, int64_t nowMs) const;
  // Records that a decision is on screen (caps, cooldowns, experiment
  // exposure). Idempotent within a page view: true when this call counted
  // an impression (the profile changed).
  bool shown(const Decision& d, int64_t nowMs);
  // Plain words for a person: why this slot shows what it shows.
  std::string explain(const std::string& slot, int64_t nowMs) const;
  // The attributes conditions see (profile.*, context.*, behavior.*, session.*).
  Json attributes(int64_t nowMs) const;
  // The experiment arm of this device (sticky), or "" when not enrolled.
  std::string armOf(const std::string& experiment);
  bool inHoldout() const;

  // ---- measurement ------------------------------------------------------
  // Encodes this device's reports for windows that have closed (at most one
  // per task and window, within the weekly epsilon budget) and returns the
  // batch of reports due to be sent (empty string when none).
  std::string dueReports(int64_t nowMs);
  // Takes in the reports another copy of this device's profile (a stored
  // text, perhaps written by another tab) has encoded, and nothing else of
  // it; a text that cannot be read, or another device's, changes nothing.
  // Read just before dueReports, it keeps tabs from encoding a window twice.
  void keepReportsFrom(const std::string& text);
  void acknowledgeReports(const std::vector<std::string>& rids, int64_t nowMs);
  void reportsFailed(int64_t nowMs);   // backoff for the pending ones

  Json exportData() const;

 private:
  Shared<const Ruleset> rules_;
  Profile profile_;
  Context context_;
  Rng rng_;
  std::set<std::string> shownThisPage_;   // "slot/variant" counted on this page
  std::string pageId_;                     // names this page's impressions as events
  void countPage(int64_t nowMs);
  void countImpression(const std::string& key, int64_t nowMs);
  std::string impressionId(const std::string& key) const;
  // The attributes document is rebuilt only after a change of profile or
  // context; the clock-dependent values are refreshed on every call.
  mutable Json attributes_;
  mutable bool attributesStale_ = true;
  void changed() { attributesStale_ = true; }
  void buildAttributes() const;
  void refreshClockAttributes(int64_t nowMs) const;
  const Json& attributesAt(int64_t nowMs) const;

  bool eligible(const Variant& v, const Json& attrs, const LocalTime& lt, int64_t nowMs, Decision* d) const;
  Decision decideSlot(const Slot& slot, const Json& attrs, const LocalTime& lt, bool holdout, int64_t nowMs) const;
  int armIndex(const Experiment& e) const;
  void newDeviceId(int64_t nowMs);
  void recordPageSession(int64_t nowMs);
  int truthFor(const MeasurementTask& t, const std::string& window) const;
};

}  // namespace omo
