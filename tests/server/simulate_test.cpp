// simulate's core with hand-built tasks: the synthetic truth is recovered
// by the real encoder + estimator, and the printed table says SIMULATED.
#include <gtest/gtest.h>

#include <cmath>

#include "simulate.h"

namespace omo {
namespace {

MeasurementTask experimentTask() {
  MeasurementTask t;
  t.id = "greeting-test";
  t.kind = MeasurementTask::Experiment;
  t.experiment = "greeting";
  t.epsilon = 4;
  t.categories = {"warm/no", "warm/yes", "plain/no", "plain/yes", "holdout/no", "holdout/yes"};
  return t;
}

MeasurementTask fieldTask() {
  MeasurementTask t;
  t.id = "pet-type";
  t.kind = MeasurementTask::Field;
  t.field = "pet";
  t.epsilon = 2;
  t.categories = {"dog", "cat", "bird", "unset"};
  return t;
}

TEST(SimulateTest, TruthDistributionsAreAsDocumented) {
  auto e = server::syntheticTruth(experimentTask());
  ASSERT_EQ(e.size(), 6u);
  EXPECT_NEAR(e[5] / (e[4] + e[5]), 0.03, 1e-12);   // holdout
  EXPECT_NEAR(e[1] / (e[0] + e[1]), 0.036, 1e-12);  // first arm
  EXPECT_NEAR(e[3] / (e[2] + e[3]), 0.042, 1e-12);
  auto f = server::syntheticTruth(fieldTask());
  EXPECT_NEAR(f[3], 0.2, 1e-12);
  double sum = 0;
  for (double x : f) sum += x;
  EXPECT_NEAR(sum, 1, 1e-12);
}

TEST(SimulateTest, EstimatesCoverTheTruth) {
  std::vector<Report> sent;
  auto results = server::simulateVisitors({experimentTask(), fieldTask()}, 20000, 3, "cfg1", "2026-W10",
                                          [&](const Report& r) {
                                            sent.push_back(r);
                                            return true;
                                          });
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(sent.size(), 40000u);
  for (const Report& r : sent) {
    std::string error;
    ASSERT_TRUE(Report::fromJson(r.toJson(), nullptr, &error)) << error;  // what the collector accepts
  }
  int covered = 0, cells = 0;
  for (const auto& s : results) {
    EXPECT_EQ(s.estimate.n, 20000);
    for (size_t i = 0; i < s.truth.size(); ++i, ++cells) {
      double truth = s.truth[i] / 20000.0;
      covered += truth >= s.estimate.cells[i].low && truth <= s.estimate.cells[i].high;
      EXPECT_NEAR(s.estimate.cells[i].share, truth, 0.03) << s.task.id << " " << s.estimate.cells[i].label;
    }
  }
  EXPECT_GE(covered, cells - 1);  // 95% intervals: at most one of 10 may miss by chance (fixed seed)
  auto conv = measure::conversions(results[0].estimate, 4);
  ASSERT_EQ(conv.size(), 3u);
  EXPECT_NEAR(conv[2].rate, 0.03, 0.015);
  std::string table = server::formatSimulation(results, 20000, 3, "2026-W10");
  EXPECT_EQ(table.rfind("SIMULATED", 0), 0u);
  EXPECT_NE(table.find("lift vs holdout"), std::string::npos);
}

TEST(SimulateTest, SameSeedSameReports) {
  std::vector<std::string> a, b;
  server::simulateVisitors({fieldTask()}, 100, 9, "c", "2026-W10", [&](const Report& r) {
    a.push_back(r.toJson().dump());
    return true;
  });
  server::simulateVisitors({fieldTask()}, 100, 9, "c", "2026-W10", [&](const Report& r) {
    b.push_back(r.toJson().dump());
    return true;
  });
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace omo
