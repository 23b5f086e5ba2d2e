// Rules document v1 (docs/rules.md), compiled once into an immutable
// Ruleset. Compilation reports every problem at once, each with its JSON
// pointer; an unknown key is an error so a typo cannot silently disable a rule.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "condition.h"
#include "diagnostics.h"
#include "json.h"
#include "measure.h"
#include "shared.h"
#include "template.h"

namespace omo {

struct FieldSchema {
  enum Type { Text, Choice } type = Text;
  size_t maxLength = 64;               // Text: in characters (code points)
  std::vector<std::string> values;     // Choice
  std::string label;
};

struct Schedule {
  std::string from, until;             // local dates "YYYY-MM-DD", inclusive; empty = open
  int fromHour = 0, untilHour = 24;    // local hours [from, until); wraps when from > until
  std::vector<int> weekdays;           // 0 = Sunday; empty = every day
  std::vector<std::string> seasons;    // empty = all seasons
  bool any() const;
};

struct Cap {
  int session = 0, day = 0, lifetime = 0;  // 0 = unlimited
  int64_t cooldownMs = 0;                  // minimum time between two impressions
};

struct ExperimentArm {
  std::string experiment;
  std::string arm;
  int armIndex = -1;
};

struct Variant {
  std::string id;
  std::string kind = "content";        // "content" | "offer" | "action"
  int priority = 0;
  size_t order = 0;                    // position in the file: ties keep it
  Condition when;
  std::vector<std::string> segments;
  Template text;                       // the first (default) language
  std::vector<std::pair<std::string, Template>> textByLanguage;  // "ja" -> template; empty for plain text
  bool hasText = false;
  // The text for a BCP 47 language: exact tag, then its primary subtag, else the first.
  const Template& textFor(const std::string& language) const;
  std::string imageSrc, imageAlt, imageSrcset;   // imageAlt: the first language's
  std::vector<std::pair<std::string, std::string>> altByLanguage;  // "ja" -> alt; empty for plain text
  const std::string& altFor(const std::string& language) const;   // as textFor
  bool hasImage = false;
  std::vector<std::string> items;      // offer candidates (SKUs)
  Template item;                       // one dynamic item, e.g. "{{behavior.focus}}"
  bool hasItem = false;
  int maxItems = 3;
  Template channel;
  bool hasChannel = false;
  Schedule schedule;
  Cap cap;
  std::optional<ExperimentArm> experiment;
  std::string why;                     // the owner's plain-words reason (the first language)
  std::vector<std::pair<std::string, std::string>> whyByLanguage;  // "ja" -> reason; empty for plain text
  const std::string& whyFor(const std::string& language) const;   // as textFor
};

struct Slot {
  std::string name;
  std::vector<Variant> variants;       // sorted: priority desc, then file order
};

struct Experiment {
  std::string id;
  std::vector<std::string> arms;
  std::vector<double> weights;         // empty = equal
  double coverage = 1;
  std::string seed;
};

struct Ruleset {
  int version = 1;
  std::string site;
  std::string hash;                    // stable hash of the document: the report `cfg`
  bool preview = false;
  std::map<std::string, FieldSchema> fields;
  std::vector<std::string> fieldOrder;
  int expireDays = 180;
  std::set<std::string> southernRegions;   // regions in the southern hemisphere
  std::vector<std::pair<std::string, std::string>> regionTimeZones;  // IANA zone -> region, file order
  std::map<std::string, std::string> catalog;    // sku -> category
  std::map<std::string, Condition> segments;
  bool suppressPurchased = true, suppressInCart = true;
  std::vector<std::string> buyOnceCategories;
  int offerPauseHoursAfterPurchase = 0;          // no offers for N hours after a purchase
  std::map<std::string, Experiment> experiments;
  double holdout = 0;
  std::string holdoutSeed = "holdout";
  std::vector<Slot> slots;
  std::vector<MeasurementTask> measurements;
  SavedGroups groups;

  const Slot* slot(const std::string& name) const;
  const Experiment* experiment(const std::string& id) const;
  bool isBuyOnce(const std::string& category) const;

  // Compiles a rules document. Returns nullptr when there is any problem;
  // `diags` then lists every one.
  static Shared<const Ruleset> compile(const Json& doc, Diagnostics* diags);
  static Shared<const Ruleset> compileText(const std::string& text, Diagnostics* diags);
};

}  // namespace omo
