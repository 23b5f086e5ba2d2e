// GrowthBook's published SDK cases (spec 0.8.0), read from
// ../shared/conformance/growthbook/cases.json: one ctest test per case.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "bucketing.h"
#include "condition.h"
#include "parse.h"

namespace {

using omo::Json;

const Json& cases() {
  static const Json all = [] {
    std::ifstream in(OMO_GROWTHBOOK_CASES);
    std::stringstream ss;
    ss << in.rdbuf();
    Json j = omo::parseJson(ss.str(), static_cast<std::string*>(nullptr));
    return j.is_discarded() ? Json::object() : j;
  }();
  return all;
}

struct Case {
  std::string kind;
  size_t index;
};

std::vector<Case> casesOf(const char* kind) {
  std::vector<Case> out;
  const Json* list = omo::member(cases(), kind);
  if (list && list->is_array())
    for (size_t i = 0; i < list->size(); ++i) out.push_back({kind, i});
  return out;
}

const Json& caseJson(const Case& c) { return cases()[c.kind][c.index]; }

std::string caseName(const testing::TestParamInfo<Case>& info) {
  return std::to_string(info.param.index);
}

bool near(double a, double b) { return std::fabs(a - b) < 1e-6; }

TEST(GrowthBookSuite, FileIsPresent) {
  ASSERT_TRUE(cases().is_object()) << "cannot read " << OMO_GROWTHBOOK_CASES;
  EXPECT_EQ(cases()["evalCondition"].size(), 248u);
}

class EvalCondition : public testing::TestWithParam<Case> {};
TEST_P(EvalCondition, Matches) {
  const Json& c = caseJson(GetParam());
  SCOPED_TRACE(c[0].get<std::string>());
  omo::SavedGroups groups;
  if (c.size() > 4 && c[4].is_object())
    for (auto it = c[4].begin(); it != c[4].end(); ++it) groups[it.key()] = it.value();
  omo::Condition cond = omo::Condition::compile(c[1]);
  EXPECT_EQ(cond.eval(c[2], groups), c[3].get<bool>());
}
INSTANTIATE_TEST_SUITE_P(GrowthBook, EvalCondition, testing::ValuesIn(casesOf("evalCondition")), caseName);

class Hash : public testing::TestWithParam<Case> {};
TEST_P(Hash, Matches) {
  const Json& c = caseJson(GetParam());
  auto h = omo::bucketing::hash(c[0].get<std::string>(), c[1].get<std::string>(), c[2].get<int>());
  if (c[3].is_null()) {
    EXPECT_FALSE(h.has_value());
  } else {
    ASSERT_TRUE(h.has_value());
    EXPECT_TRUE(near(*h, c[3].get<double>())) << *h;
  }
}
INSTANTIATE_TEST_SUITE_P(GrowthBook, Hash, testing::ValuesIn(casesOf("hash")), caseName);

class GetBucketRange : public testing::TestWithParam<Case> {};
TEST_P(GetBucketRange, Matches) {
  const Json& c = caseJson(GetParam());
  SCOPED_TRACE(c[0].get<std::string>());
  const Json& args = c[1];
  std::vector<double> weights;
  if (args[2].is_array())
    for (const auto& w : args[2]) weights.push_back(w.get<double>());
  auto ranges = omo::bucketing::bucketRanges(args[0].get<int>(), args[1].get<double>(),
                                             args[2].is_array() ? &weights : nullptr);
  ASSERT_EQ(ranges.size(), c[2].size());
  for (size_t i = 0; i < ranges.size(); ++i) {
    EXPECT_TRUE(near(ranges[i].first, c[2][i][0].get<double>())) << i;
    EXPECT_TRUE(near(ranges[i].second, c[2][i][1].get<double>())) << i;
  }
}
INSTANTIATE_TEST_SUITE_P(GrowthBook, GetBucketRange, testing::ValuesIn(casesOf("getBucketRange")), caseName);

class ChooseVariation : public testing::TestWithParam<Case> {};
TEST_P(ChooseVariation, Matches) {
  const Json& c = caseJson(GetParam());
  SCOPED_TRACE(c[0].get<std::string>());
  std::vector<omo::bucketing::Range> ranges;
  for (const auto& r : c[2]) ranges.push_back({r[0].get<double>(), r[1].get<double>()});
  EXPECT_EQ(omo::bucketing::chooseVariation(c[1].get<double>(), ranges), c[3].get<int>());
}
INSTANTIATE_TEST_SUITE_P(GrowthBook, ChooseVariation, testing::ValuesIn(casesOf("chooseVariation")), caseName);

class InNamespace : public testing::TestWithParam<Case> {};
TEST_P(InNamespace, Matches) {
  const Json& c = caseJson(GetParam());
  SCOPED_TRACE(c[0].get<std::string>());
  const Json& ns = c[2];
  EXPECT_EQ(omo::bucketing::inNamespace(c[1].get<std::string>(), ns[0].get<std::string>(),
                                        ns[1].get<double>(), ns[2].get<double>()),
            c[3].get<bool>());
}
INSTANTIATE_TEST_SUITE_P(GrowthBook, InNamespace, testing::ValuesIn(casesOf("inNamespace")), caseName);

class GetEqualWeights : public testing::TestWithParam<Case> {};
TEST_P(GetEqualWeights, Matches) {
  const Json& c = caseJson(GetParam());
  auto w = omo::bucketing::equalWeights(c[0].get<int>());
  ASSERT_EQ(w.size(), c[1].size());
  for (size_t i = 0; i < w.size(); ++i) EXPECT_TRUE(near(w[i], c[1][i].get<double>()));
}
INSTANTIATE_TEST_SUITE_P(GrowthBook, GetEqualWeights, testing::ValuesIn(casesOf("getEqualWeights")), caseName);

}  // namespace
