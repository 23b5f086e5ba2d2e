// `omotenashi simulate`: synthetic visitors with a known truth, sent through
// the real client-side encoder (measure::encode) and the real estimator, so
// the estimate can be compared with the truth it came from.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "measure.h"

namespace omo {
namespace server {

// The fixed, known distribution of true cells for a task (sums to 1):
// - experiment tasks ("<arm>/no", "<arm>/yes" pairs): arms equally likely;
//   the "holdout" arm converts at 3%, the j-th other arm (0-based) at
//   3% x (1 + 0.2 (j + 1)), i.e. 3.6%, 4.2%, ...
// - field tasks: "unset" (the last cell, when so labelled) 20%, the values
//   share the rest in proportion 1, 1/2, 1/3, ... (Zipf).
std::vector<double> syntheticTruth(const MeasurementTask& task);

struct SimulatedTask {
  MeasurementTask task;
  std::vector<int64_t> truth;     // visitors per true cell
  std::vector<int64_t> observed;  // reports per randomized cell
  measure::Estimate estimate;
};

// Every visitor gets one true cell per task (drawn from syntheticTruth with
// Rng(seed)) and sends one report per task, encoded with a second Rng seeded
// from `seed`. `sink` (may be empty) sees each report; returning false stops.
std::vector<SimulatedTask> simulateVisitors(const std::vector<MeasurementTask>& tasks, int64_t visitors,
                                            uint64_t seed, const std::string& cfg, const std::string& window,
                                            const std::function<bool(const Report&)>& sink);

// The estimate-vs-truth table printed by the command, headed "SIMULATED".
std::string formatSimulation(const std::vector<SimulatedTask>& results, int64_t visitors, uint64_t seed,
                             const std::string& window);

}  // namespace server
}  // namespace omo
