// Randomized response, the report format and the estimator (engine/measure.h).
// Fixed seeds throughout: every number here is reproducible.
#include <gtest/gtest.h>

#include <cmath>

#include "context.h"
#include "measure.h"

namespace omo {
namespace {

MeasurementTask taskWith(int d, double eps) {
  MeasurementTask t;
  t.id = "t";
  t.epsilon = eps;
  for (int i = 0; i < d; ++i) t.categories.push_back("c" + std::to_string(i));
  return t;
}

TEST(MeasureTest, KeepProbabilityIsObserved) {
  for (auto [eps, d] : {std::pair<double, int>{1, 4}, {4, 9}, {0.5, 2}, {2, 64}}) {
    Rng rng(11);
    const int n = 100000;
    const int truth = d / 2;
    int kept = 0, other = 0;
    for (int i = 0; i < n; ++i) {
      int y = measure::randomize(truth, d, eps, rng);
      ASSERT_GE(y, 0);
      ASSERT_LT(y, d);
      kept += y == truth;
      other += y == (truth + 1) % d;
    }
    double p = measure::keepProbability(eps, d), q = measure::flipProbability(eps, d);
    EXPECT_NEAR(p, std::exp(eps) / (std::exp(eps) + d - 1), 1e-15);
    EXPECT_NEAR(p + (d - 1) * q, 1, 1e-12);
    EXPECT_NEAR(kept / double(n), p, 4 * std::sqrt(p * (1 - p) / n)) << "eps " << eps << " d " << d;
    EXPECT_NEAR(other / double(n), q, 4 * std::sqrt(q * (1 - q) / n) + 1e-9) << "eps " << eps << " d " << d;
  }
}

TEST(MeasureTest, EstimatorIsUnbiased) {
  // Fixed true counts, many independent randomizations: the mean estimate
  // stays within 3 standard errors of the truth in every cell.
  const double eps = 1;
  const std::vector<int64_t> truth = {500, 1500, 1000, 2000};
  const int d = 4, trials = 300;
  int64_t n = 0;
  for (auto c : truth) n += c;
  Rng rng(2024);
  std::vector<double> sum(d, 0);
  for (int t = 0; t < trials; ++t) {
    std::vector<int64_t> observed(d, 0);
    for (int cell = 0; cell < d; ++cell)
      for (int64_t i = 0; i < truth[cell]; ++i) observed[measure::randomize(cell, d, eps, rng)]++;
    auto e = measure::estimate(observed, eps, {});
    ASSERT_EQ(e.n, n);
    for (int i = 0; i < d; ++i) sum[i] += e.cells[i].count;
  }
  const double p = measure::keepProbability(eps, d), q = measure::flipProbability(eps, d);
  for (int i = 0; i < d; ++i) {
    double var = n * q * (1 - q) / ((p - q) * (p - q)) + truth[i] * (1 - p - q) / (p - q);
    double se = std::sqrt(var / trials);
    EXPECT_NEAR(sum[i] / trials, static_cast<double>(truth[i]), 3 * se) << "cell " << i;
  }
}

TEST(MeasureTest, ThreePercentConversionWithinOnePoint) {
  // eps = 4, d = 9 (four arms x converted, plus one): 10,000 visitors, 3% convert.
  const double eps = 4;
  MeasurementTask task;
  task.id = "greeting-test";
  task.kind = MeasurementTask::Experiment;
  task.epsilon = eps;
  task.categories = {"a/no", "a/yes", "b/no", "b/yes", "c/no", "c/yes", "holdout/no", "holdout/yes", "other"};
  ASSERT_EQ(task.d(), 9);
  Rng truthRng(5), deviceRng(6);
  std::vector<int64_t> observed(9, 0);
  int64_t converted = 0;
  const int n = 10000;
  for (int i = 0; i < n; ++i) {
    int arm = static_cast<int>(truthRng.below(4));
    bool yes = truthRng.uniform() < 0.03;
    converted += yes;
    Report r = measure::encode(task, 2 * arm + (yes ? 1 : 0), "cfg", "2026-W10", deviceRng);
    observed[r.y]++;
  }
  auto e = measure::estimate(observed, eps, task.categories);
  double rate = e.cells[1].share + e.cells[3].share + e.cells[5].share + e.cells[7].share;
  EXPECT_NEAR(rate, 0.03, 0.01);
  EXPECT_NEAR(rate, converted / double(n), 0.01);
  // And one converted cell alone: 3% of visitors.
  Rng r2(77);
  std::vector<int64_t> obs(9, 0);
  for (int i = 0; i < n; ++i) {
    int cell = r2.uniform() < 0.03 ? 8 : static_cast<int>(r2.below(8));
    obs[measure::randomize(cell, 9, eps, r2)]++;
  }
  auto e2 = measure::estimate(obs, eps, {});
  EXPECT_NEAR(e2.cells[8].share, 0.03, 0.01);
  EXPECT_LE(e2.cells[8].low, e2.cells[8].share);
  EXPECT_GE(e2.cells[8].high, e2.cells[8].share);
}

TEST(MeasureTest, EstimateClipsAndRenormalizes) {
  // Cell 1 observed far below N q: clipped at 0, the rest sum to N.
  auto e = measure::estimate({900, 0, 100}, 1, {"a", "b", "c"});
  EXPECT_EQ(e.n, 1000);
  double total = 0;
  for (const auto& c : e.cells) {
    EXPECT_GE(c.count, 0);
    EXPECT_GE(c.low, 0);
    EXPECT_LE(c.high, 1);
    EXPECT_LE(c.low, c.share);
    EXPECT_GE(c.high, c.share);
    total += c.count;
  }
  EXPECT_NEAR(total, 1000, 1e-9);
  EXPECT_EQ(e.cells[1].count, 0);
  EXPECT_EQ(e.cells[2].label, "c");
  auto empty = measure::estimate({0, 0}, 4, {});
  EXPECT_EQ(empty.n, 0);
  EXPECT_EQ(empty.cells[0].label, "0");
}

TEST(MeasureTest, ConversionsAndLift) {
  measure::Estimate e;
  e.n = 4000;
  e.cells = {{"a/no", 1900, 0, 0, 0}, {"a/yes", 100, 0, 0, 0}, {"holdout/no", 1960, 0, 0, 0}, {"holdout/yes", 40, 0, 0, 0}};
  auto c = measure::conversions(e, 4);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].arm, "a");
  EXPECT_NEAR(c[0].rate, 0.05, 1e-12);
  EXPECT_NEAR(c[1].rate, 0.02, 1e-12);
  EXPECT_TRUE(c[1].isHoldout);
  EXPECT_FALSE(c[1].hasLift);
  ASSERT_TRUE(c[0].hasLift);
  EXPECT_NEAR(c[0].lift, 0.03, 1e-12);
  EXPECT_LT(c[0].liftLow, 0.03);
  EXPECT_GT(c[0].liftHigh, 0.03);
  EXPECT_LT(c[0].low, 0.05);
  EXPECT_GT(c[0].high, 0.05);
  e.cells[1].label = "b/yes";
  EXPECT_TRUE(measure::conversions(e, 4).empty());
}

TEST(MeasureTest, EncodeMakesAValidReportAndRoundTrips) {
  Rng rng(3);
  MeasurementTask task = taskWith(9, 4);
  ReportBatch b;
  b.site = "petshop";
  for (int i = 0; i < 100; ++i) b.reports.push_back(measure::encode(task, i % 9, "0123abcd", "2026-W48", rng));
  std::string body = b.serialize();
  EXPECT_NE(body.find("\"eps\":4,"), std::string::npos) << body.substr(0, 200);
  ReportBatch back;
  std::string error;
  ASSERT_TRUE(ReportBatch::parse(body, &back, &error)) << error;
  ASSERT_EQ(back.reports.size(), 100u);
  EXPECT_EQ(back.serialize(), body);
  EXPECT_EQ(back.reports[0].rid.size(), 22u);
  EXPECT_NE(back.reports[0].rid, back.reports[1].rid);
  // Non-integral epsilons survive the trip too.
  b.reports.resize(1);
  b.reports[0].eps = 0.75;
  ASSERT_TRUE(ReportBatch::parse(b.serialize(), &back, &error)) << error;
  EXPECT_EQ(back.reports[0].eps, 0.75);
}

TEST(MeasureTest, IsoWeeks) {
  int y = 0, w = 0;
  EXPECT_TRUE(parseIsoWeek("2026-W48", &y, &w));
  EXPECT_EQ(y, 2026);
  EXPECT_EQ(w, 48);
  EXPECT_TRUE(parseIsoWeek("2026-W53", nullptr, nullptr));   // Jan 1 2026 is a Thursday
  EXPECT_TRUE(parseIsoWeek("2020-W53", nullptr, nullptr));   // leap year starting on Wednesday
  EXPECT_FALSE(parseIsoWeek("2025-W53", nullptr, nullptr));
  EXPECT_FALSE(parseIsoWeek("2026-W00", nullptr, nullptr));
  EXPECT_FALSE(parseIsoWeek("2026-W7", nullptr, nullptr));
  EXPECT_FALSE(parseIsoWeek("2026-w07", nullptr, nullptr));
  EXPECT_FALSE(parseIsoWeek("2026-W07 ", nullptr, nullptr));
  EXPECT_FALSE(parseIsoWeek("１９７０-W01", nullptr, nullptr));
  // 2021-01-01 (a Friday) belongs to 2020-W53; 2024-12-30 (a Monday) to 2025-W01.
  EXPECT_EQ(isoWeekOfDay(18628), "2020-W53");
  EXPECT_EQ(isoWeekOfDay(20087), "2025-W01");
  EXPECT_EQ(isoWeekStartDay(2025, 1), 20087);
  for (int64_t day = 18000; day < 22000; day += 3) {
    std::string win = isoWeekOfDay(day);
    ASSERT_TRUE(parseIsoWeek(win, &y, &w)) << win;
    int64_t start = isoWeekStartDay(y, w);
    EXPECT_LE(start, day);
    EXPECT_GT(start + 7, day);
  }
}

// Every malformed batch is rejected with a message that starts with the field.
TEST(MeasureTest, BatchValidationNamesTheField) {
  const std::string rid = "AAAAAAAAAAAAAAAAAAAAAA";
  auto report = [&](const std::string& override) {
    std::string r = "{\"rid\":\"" + rid + "\",\"task\":\"greeting-test\",\"cfg\":\"9f2c\",\"win\":\"2026-W48\","
                    "\"mech\":\"grr\",\"eps\":4,\"d\":9,\"y\":5}";
    if (!override.empty()) {
      // Replace one "key":value pair, or append when the key is new.
      std::string key = override.substr(0, override.find(':') + 1);
      size_t at = r.find(key);
      if (at == std::string::npos) {
        r.insert(r.size() - 1, "," + override);
      } else {
        size_t end = r.find_first_of(",}", at + key.size());
        if (r[at + key.size()] == '"') end = r.find('"', at + key.size() + 1) + 1;
        r.replace(at, end - at, override);
      }
    }
    return r;
  };
  auto batch = [&](const std::string& reports, const std::string& head = "\"v\":1,\"site\":\"petshop\"") {
    return "{" + head + ",\"reports\":[" + reports + "]}";
  };
  ReportBatch out;
  std::string error;
  ASSERT_TRUE(ReportBatch::parse(batch(report("")), &out, &error)) << error;
  ASSERT_EQ(out.reports.size(), 1u);
  EXPECT_EQ(out.reports[0].y, 5);

  struct Case {
    std::string body, field;
  };
  std::vector<Case> cases = {
      {"", "body"},
      {"{", "body"},
      {"null", "body"},
      {"{\"v\":1,\"site\":\"petshop\",\"reports\":[]} trailing", "body"},
      {batch(report(""), "\"v\":2,\"site\":\"petshop\""), "v"},
      {batch(report(""), "\"v\":1.0,\"site\":\"petshop\""), "v"},
      {batch(report(""), "\"site\":\"petshop\""), "v"},
      {batch(report(""), "\"v\":1,\"site\":\"pet shop\""), "site"},
      {batch(report(""), "\"v\":1,\"site\":\"\""), "site"},
      {batch(report(""), "\"v\":1"), "site"},
      {batch(report(""), "\"v\":1,\"site\":\"petshop\",\"extra\":0"), "extra"},
      {"{\"v\":1,\"site\":\"petshop\"}", "reports"},
      {"{\"v\":1,\"site\":\"petshop\",\"reports\":{}}", "reports"},
      {batch(""), "reports"},
      {batch("1"), "reports[0]"},
      {batch(report("\"rid\":\"short\"")), "reports[0].rid"},
      {batch(report("\"rid\":\"AAAAAAAAAAAAAAAAAAAAA=\"")), "reports[0].rid"},
      {batch(report("\"rid\":\"AAAAAAAAAAAAAAAAAAAAAB\"")), "reports[0].rid"},
      {batch(report("\"task\":\"\"")), "reports[0].task"},
      {batch(report("\"task\":\"a/b\"")), "reports[0].task"},
      {batch(report("\"task\":1")), "reports[0].task"},
      {batch(report("\"cfg\":\"" + std::string(65, 'f') + "\"")), "reports[0].cfg"},
      {batch(report("\"win\":\"2026-48\"")), "reports[0].win"},
      {batch(report("\"win\":\"2026-W99\"")), "reports[0].win"},
      {batch(report("\"mech\":\"GRR\"")), "reports[0].mech"},
      {batch(report("\"eps\":\"4\"")), "reports[0].eps"},
      {batch(report("\"eps\":-1")), "reports[0].eps"},
      {batch(report("\"eps\":11")), "reports[0].eps"},
      {batch(report("\"eps\":1e999")), "reports[0].eps"},
      {batch(report("\"d\":1")), "reports[0].d"},
      {batch(report("\"d\":65")), "reports[0].d"},
      {batch(report("\"d\":9.0")), "reports[0].d"},
      {batch(report("\"d\":null")), "reports[0].d"},
      {batch(report("\"y\":9")), "reports[0].y"},
      {batch(report("\"y\":-1")), "reports[0].y"},
      {batch(report("\"y\":\"5\"")), "reports[0].y"},
      {batch(report("\"y\":5.5")), "reports[0].y"},
      {batch(report("\"y\":123456789012345678901234567890")), "reports[0].y"},
      {batch(report("\"ts\":1")), "reports[0].ts"},
      {batch(report("") + "," + report("") + "," + report("") + "," + report("\"y\":9")), "reports[3].y"},
  };
  for (const auto& c : cases) {
    error.clear();
    EXPECT_FALSE(ReportBatch::parse(c.body, &out, &error)) << c.body;
    EXPECT_EQ(error.rfind(c.field + ":", 0), 0u) << "body " << c.body << "\nerror " << error;
  }
  // y's message says what is wrong, as in "reports[3].y: must be an integer below d".
  ReportBatch::parse(batch(report("") + "," + report("") + "," + report("") + "," + report("\"y\":9")), &out, &error);
  EXPECT_EQ(error, "reports[3].y: must be an integer below d");
  // A missing key.
  std::string noY = report("");
  noY.erase(noY.find(",\"y\":5"), 6);
  EXPECT_FALSE(ReportBatch::parse(batch(noY), &out, &error));
  EXPECT_EQ(error, "reports[0].y: missing");
  // 101 reports.
  std::string many;
  for (int i = 0; i < 101; ++i) many += (i ? "," : "") + report("");
  EXPECT_FALSE(ReportBatch::parse(batch(many), &out, &error));
  EXPECT_EQ(error.rfind("reports:", 0), 0u);
}

}  // namespace
}  // namespace omo
