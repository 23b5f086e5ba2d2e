// Aggregates-only measurement (SPEC section 6): k-ary randomized response
// ("grr", generalized randomized response) on the device, the report wire
// format, its validation (shared by the client encoder and the collector),
// and the debiased estimator the collector releases.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "json.h"
#include "rng.h"

namespace omo {

// A measurement declared in the rules' "measurements" section.
struct MeasurementTask {
  std::string id;
  enum Kind { Field, Experiment } kind = Field;
  std::string field;        // Field: the profile field whose value is measured
  std::string experiment;   // Experiment: arm x converted
  std::string conversion = "purchase";  // Experiment: the behaviour that counts as converted
  double epsilon = 4;       // privacy loss of one report
  // Labels of the d cells. Field: the schema's values then "unset".
  // Experiment: for each arm then "holdout": "<arm>/no", "<arm>/yes".
  std::vector<std::string> categories;
  int d() const { return static_cast<int>(categories.size()); }
};

// One report: exactly the keys of SPEC section 6.
struct Report {
  std::string rid;    // 16 random bytes, base64url without padding (22 chars)
  std::string task;
  std::string cfg;    // rules version hash
  std::string win;    // ISO week "2026-W48"
  std::string mech = "grr";
  double eps = 4;
  int d = 2;
  int y = 0;          // the randomized cell, 0 <= y < d

  Json toJson() const;
  // Validates every field; on failure *error names the field and the problem.
  static bool fromJson(const Json& j, Report* out, std::string* error);
};

// A batch: {"v":1,"site":"...","reports":[...]}.
struct ReportBatch {
  int v = 1;
  std::string site;
  std::vector<Report> reports;
  Json toJson() const;
  std::string serialize() const;
  static bool parse(const std::string& body, ReportBatch* out, std::string* error);
};

namespace measure {

constexpr double kDefaultEpsilon = 4;
constexpr double kDefaultWeeklyBudget = 8;
// The rules' lowest epsilon per task (rules.cpp); the collector refuses
// reports below it: they carry next to nothing and blow up the intervals.
constexpr double kMinEpsilon = 0.1;
constexpr int kMaxCells = 64;
constexpr size_t kMaxReportsPerBatch = 100;

// Probability that the true cell is reported: e^eps / (e^eps + d - 1).
double keepProbability(double eps, int d);
// Probability of reporting one particular other cell: 1 / (e^eps + d - 1).
double flipProbability(double eps, int d);
// Randomizes `truth` (0 <= truth < d).
int randomize(int truth, int d, double eps, Rng& rng);

// Encodes the report for one task and window; the caller stores it so that a
// retry resends identical bytes.
Report encode(const MeasurementTask& task, int truth, const std::string& cfg, const std::string& window,
              Rng& rng);

struct CellEstimate {
  std::string label;
  double count = 0;     // debiased, clipped at 0, renormalized to n
  double share = 0;     // count / n
  double low = 0, high = 0;  // 95% interval of the share
};
struct Estimate {
  int64_t n = 0;
  std::vector<CellEstimate> cells;
};
// Debiased estimates from observed counts per cell: n^ = (c - N q) / (p - q),
// negatives clipped, renormalized, 95% intervals from the estimator's variance.
Estimate estimate(const std::vector<int64_t>& observed, double eps, const std::vector<std::string>& labels);

// Experiment tasks (cells "<arm>/no", "<arm>/yes", ... "holdout/no",
// "holdout/yes"): conversion rate per arm and its lift over the holdout arm,
// each with a 95% interval by the delta method on the estimator's covariance.
struct ArmConversion {
  std::string arm;
  double reports = 0;                   // estimated reports in this arm (no + yes)
  double rate = 0, low = 0, high = 1;   // conversion rate in [0, 1] and its 95% interval
  bool isHoldout = false;
  bool hasLift = false;                 // false for the holdout itself or without a holdout
  double lift = 0, liftLow = 0, liftHigh = 0;  // rate - holdout rate (absolute) and its 95% interval
};
// Empty when the labels are not arm/no, arm/yes pairs.
std::vector<ArmConversion> conversions(const Estimate& e, double eps);


}  // namespace measure
}  // namespace omo
