#include <gtest/gtest.h>

#include "engine.h"
#include "test_util.h"

using namespace omo;
using namespace omo::testing;

namespace {
std::unique_ptr<Engine> engineWithHistory() {
  auto e = std::make_unique<Engine>(demoRules(), 11);
  std::string err;
  e->beginPage(kMonday1pm);
  EXPECT_TRUE(e->setProfile(J(R"({"name": "Aiko", "pet": "cat"})"), kMonday1pm, &err));
  EXPECT_TRUE(e->track(J(R"({"type": "view", "sku": "cat-tower"})"), kMonday1pm, &err));
  EXPECT_TRUE(e->track(J(R"({"type": "add_to_cart", "sku": "cat-food-tuna"})"), kMonday1pm, &err));
  EXPECT_TRUE(e->track(J(R"({"type": "purchase"})"), kMonday1pm + kMinute, &err));
  return e;
}
}  // namespace

TEST(Profile, RoundTripsThroughItsStoredForm) {
  auto e = engineWithHistory();
  std::string stored = e->saveProfile();
  Engine other(demoRules(), 99);
  std::string err;
  ASSERT_TRUE(other.loadProfile(stored, kMonday1pm + kHour, &err)) << err;
  EXPECT_EQ(other.saveProfile(), stored);
  EXPECT_EQ(other.profile().fields.at("name"), "Aiko");
  EXPECT_TRUE(other.profile().purchasedSkus.count("cat-food-tuna"));
  EXPECT_TRUE(other.profile().cart.empty());
}

TEST(Profile, CorruptionIsDetectedAndReplacedByAnEmptyProfile) {
  auto e = engineWithHistory();
  std::string stored = e->saveProfile();
  const std::string bad[] = {
      stored.substr(0, stored.size() / 2),                 // truncated
      "",                                                   // empty file
      "\x00\x01garbage",                                    // binary
      R"({"v": 2})",                                        // missing parts
      R"({"v": 0, "deviceId": "x"})",                       // no such version
      std::string(stored).replace(stored.find("\"visits\":"), 9, "\"visits\":-"),  // negative count
  };
  for (const auto& text : bad) {
    Engine other(demoRules(), 5);
    std::string err;
    EXPECT_FALSE(other.loadProfile(text, kMonday1pm, &err)) << text.substr(0, 40);
    EXPECT_NE(err.find("corrupted profile"), std::string::npos) << err;
    EXPECT_TRUE(other.profile().empty());
    EXPECT_FALSE(other.profile().deviceId.empty());
  }
  // A wrong type deep inside names its path.
  std::string wrong = stored;
  wrong.replace(wrong.find("\"cart\":{}"), 9, "\"cart\":{\"x\":\"two\"}");
  Engine other(demoRules(), 5);
  std::string err;
  EXPECT_FALSE(other.loadProfile(wrong, kMonday1pm, &err));
  EXPECT_NE(err.find("behavior.cart.x"), std::string::npos) << err;
  // Paths are joined only on failure; each names the exact field.
  const std::pair<std::string, std::string> cases[] = {
      {R"({"v":2,"deviceId":"d","fields":{"pet":1},"behavior":{}})", "corrupted profile: fields.pet: must be a string"},
      {R"({"v":2,"deviceId":"d","fields":{},"behavior":{"products":{"sku-1":{"v":-1}}}})",
       "corrupted profile: behavior.products.sku-1.v: must not be negative"},
      {R"({"v":2,"deviceId":"d","fields":{},"behavior":{"products":{},"categories":{},"cart":{},"purchases":[{"c":"x"}]}})",
       "corrupted profile: behavior.purchases[0].sku: missing"},
      {R"({"v":2,"deviceId":"d","fields":{},"behavior":{"products":{},"categories":{},"cart":{},"purchasedSkus":["a",2]}})",
       "corrupted profile: behavior.purchasedSkus[1]: must be a string"},
      {R"({"v":2,"deviceId":"d","fields":{},"behavior":{"products":{},"categories":{},"cart":{}},"session":{"dwell":{"s":"x"}}})",
       "corrupted profile: session.dwell.s: must be a non-negative number"},
      {R"({"v":2,"deviceId":"d","fields":{},"behavior":{"products":{},"categories":{},"cart":{}}})",
       "corrupted profile: session: missing"},
      {R"([1])", "corrupted profile: (root): must be an object"},
      {R"({"v":2,"deviceId":"d","fields":{},"behavior":{"products":{},"categories":{}}})",
       "corrupted profile: behavior.cart: missing"},
      {R"({"v":2,"deviceId":"d","fields":{},"behavior":{"products":{},"categories":{},"cart":{}},"session":{},)"
       R"("caps":{"a":{"l":-1,"day":2}}})",
       "corrupted profile: caps.a.l: must not be negative"},
  };
  for (const auto& [text, message] : cases) {
    Profile p;
    std::string error;
    EXPECT_FALSE(Profile::parse(text, &p, &error)) << text;
    EXPECT_EQ(error, message) << text;
  }
}

TEST(Profile, OldSchemaVersionIsMigrated) {
  Engine e(demoRules(), 3);
  std::string err;
  ASSERT_TRUE(e.loadProfile(R"({"v": 1, "deviceId": "old", "created": 1, "updated": 1795406000000,
    "fields": {"pet": "dog"}, "behavior": {"products": {}, "categories": {}, "cart": {}, "visits": 4}})",
                            kMonday1pm, &err))
      << err;
  EXPECT_EQ(e.profile().fields.at("pet"), "dog");
  EXPECT_EQ(e.profile().visits, 4);
  EXPECT_NE(e.saveProfile().find("\"v\":2"), std::string::npos);
  // Whatever a v1 text holds under the later keys is not read.
  Engine junk(demoRules(), 3);
  ASSERT_TRUE(junk.loadProfile(R"({"v": 1, "deviceId": "old", "created": 1, "updated": 1795406000000,
    "fields": {}, "behavior": {"products": {}, "categories": {}, "cart": {}},
    "session": "junk", "measure": {"eps": {"x": "bad"}}})",
                               kMonday1pm, &err))
      << err;
  EXPECT_TRUE(junk.profile().epsilonSpent.empty());
}

TEST(Profile, ExpiresAfterTheIdlePeriod) {
  auto e = engineWithHistory();
  std::string stored = e->saveProfile();
  Engine later(demoRules(), 3);
  std::string err;
  ASSERT_TRUE(later.loadProfile(stored, kMonday1pm + 181LL * 24 * kHour, &err));
  EXPECT_TRUE(later.profile().fields.empty());
}

TEST(Profile, StaysWithinItsSizeBound) {
  Engine e(demoRules(), 3);
  std::string err;
  e.beginPage(kMonday1pm);
  for (int i = 0; i < 3000; ++i) {
    std::string sku = "sku-" + std::to_string(i) + std::string(60, 'x');
    ASSERT_TRUE(e.track(J(("{\"type\":\"view\",\"sku\":\"" + sku + "\",\"category\":\"c" + std::to_string(i % 40) + "\"}").c_str()),
                        kMonday1pm + i, &err))
        << err;
    ASSERT_TRUE(e.track(J(("{\"type\":\"purchase\",\"sku\":\"" + sku + "\"}").c_str()), kMonday1pm + i, &err));
  }
  std::string stored = e.saveProfile();
  EXPECT_LE(stored.size(), Profile::kMaxBytes);
  Engine back(demoRules(), 4);
  EXPECT_TRUE(back.loadProfile(stored, kMonday1pm + kHour, &err)) << err;
  EXPECT_EQ(back.profile().purchaseCount, 3000);  // counts survive compaction
}

// Over the bound (here: a session's dwell on a thousand long skus), saving
// sheds the oldest behaviour from the engine's own profile, and the page goes
// on deciding with what is stored: the attributes follow.
TEST(Profile, SavingOverTheBoundShedsFromTheLiveProfile) {
  Engine e(demoRules(), 3);
  std::string err;
  e.beginPage(kMonday1pm);
  for (int i = 0; i < 1000; ++i) {
    std::string sku = "sku-" + std::to_string(i) + "-" + std::string(90, 'x');
    ASSERT_TRUE(e.track(J(("{\"type\":\"dwell\",\"sku\":\"" + sku + "\",\"seconds\":3}").c_str()), kMonday1pm + i, &err))
        << err;
  }
  ASSERT_GT(e.profile().text().size(), Profile::kMaxBytes);
  ASSERT_EQ(e.profile().products.size(), Profile::kMaxProducts);
  ASSERT_EQ(e.attributes(kMonday1pm + kHour)["behavior"]["dwell"].size(), Profile::kMaxProducts);
  std::string stored = e.saveProfile();
  EXPECT_LE(stored.size(), Profile::kMaxBytes);
  EXPECT_EQ(e.profile().text(), stored);
  EXPECT_LT(e.profile().products.size(), Profile::kMaxProducts);
  EXPECT_EQ(e.attributes(kMonday1pm + kHour)["behavior"]["dwell"].size(), e.profile().products.size());
}

// Shedding cleared every cap and every event id: an offer capped for this
// visitor was shown again after the save, and a replayed signal counted
// twice. The caps stay and so do the newest event ids; caps go only when
// nothing else is left to shed.
TEST(Profile, SheddingKeepsTheNewestCapsAndEventIds) {
  Profile p;
  for (int i = 0; i < 1000; ++i) p.session.dwell["sku-" + std::to_string(i) + std::string(90, 'x')] = 3;
  for (int i = 0; i < 3; ++i) p.caps["offers/v" + std::to_string(i)].lastMs = i + 1;
  for (int i = 0; i < 10; ++i) p.recentEventIds.push_back("ev-" + std::to_string(i));
  ASSERT_GT(p.text().size(), Profile::kMaxBytes);
  EXPECT_LE(p.serialize().size(), Profile::kMaxBytes);
  EXPECT_EQ(p.caps.size(), 3u);
  EXPECT_EQ(p.recentEventIds.size(), 10u);

  Profile many;
  for (int i = 0; i < 2000; ++i) many.caps["slot/variant-" + std::to_string(i) + std::string(60, 'x')].lastMs = i;
  ASSERT_GT(many.text().size(), Profile::kMaxBytes);
  EXPECT_LE(many.serialize().size(), Profile::kMaxBytes);
}

// compact() keeps the newest products and the most viewed categories, ties
// broken by key, whether it drops one entry (a scan) or hundreds (bisection).
TEST(Profile, CompactKeepsTheNewestProductsAndTheMostViewedCategories) {
  for (size_t extra : {1, 5, 9, 850}) {
    Profile p;
    size_t n = Profile::kMaxProducts + extra;
    for (size_t i = 0; i < n; ++i) {
      // Every third product shares its age with the next one: ties to break by sku.
      char sku[16];
      snprintf(sku, sizeof sku, "p%04zu", n - 1 - i);  // newer products have smaller skus
      p.products[sku].lastSeenMs = static_cast<int64_t>(i - i % 3) - 100;  // negative ranks too
    }
    size_t cats = Profile::kMaxCategories + extra;
    for (size_t i = 0; i < cats; ++i) p.categories["c" + std::to_string(i)].views = static_cast<int64_t>(i % 7);
    // The expectation: sort by (rank, key), drop the first ones.
    std::vector<std::pair<int64_t, std::string>> byAge, byViews;
    for (const auto& [k, v] : p.products) byAge.push_back({v.lastSeenMs, k});
    for (const auto& [k, v] : p.categories) byViews.push_back({v.views, k});
    std::sort(byAge.begin(), byAge.end());
    std::sort(byViews.begin(), byViews.end());
    p.compact();
    ASSERT_EQ(p.products.size(), Profile::kMaxProducts) << extra;
    ASSERT_EQ(p.categories.size(), Profile::kMaxCategories) << extra;
    for (size_t i = 0; i < byAge.size(); ++i)
      EXPECT_EQ(p.products.count(byAge[i].second), i < extra ? 0u : 1u) << extra << " " << byAge[i].second;
    for (size_t i = 0; i < byViews.size(); ++i)
      EXPECT_EQ(p.categories.count(byViews[i].second), i < extra ? 0u : 1u) << extra << " " << byViews[i].second;
  }
}

// maxLength counts characters (up to 1000), but the reader refused a stored
// field over 1000 bytes: a 400-character Japanese note saved fine, and the
// next page found the whole profile "corrupted" and replaced it.
TEST(Profile, ALongFieldInAnyScriptLoadsBack) {
  Diagnostics d;
  auto rules = Ruleset::compileText(
      R"({"version":1,"site":"s","profile":{"fields":{"note":{"type":"text","maxLength":1000}}},"slots":{}})", &d);
  ASSERT_TRUE(rules);
  Engine e(rules, 1);
  std::string err, note;
  for (int i = 0; i < 1000; ++i) note += "🐕";
  ASSERT_TRUE(e.setProfile(J(("{\"note\":\"" + note + "\"}").c_str()), kMonday1pm, &err)) << err;
  Engine back(rules, 2);
  EXPECT_TRUE(back.loadProfile(e.saveProfile(), kMonday1pm, &err)) << err;
  EXPECT_EQ(back.profile().fields.at("note"), note);
}

// The cart had no bound: a page adding thousands of products grew the stored
// profile past what loading accepts (4 x 64 KiB), and the next page replaced
// all of it by an empty profile. Event ids are not shed either.
TEST(Profile, CartAndEventIdsStayWithinTheBound) {
  Engine e(demoRules(), 3);
  std::string err;
  e.beginPage(kMonday1pm);
  for (int i = 0; i < 3000; ++i) {
    std::string sku = "sku-" + std::to_string(i) + std::string(100, '"');
    std::string id = "ev-" + std::to_string(i) + std::string(100, '"');
    ASSERT_TRUE(e.track(J(("{\"type\":\"add_to_cart\",\"sku\":" + Json(sku).dump() + ",\"category\":" +
                           Json(sku).dump() + ",\"id\":" + Json(id).dump() + "}").c_str()),
                        kMonday1pm + i, &err))
        << err;
  }
  EXPECT_LE(e.profile().cart.size(), Profile::kMaxProducts);
  std::string stored = e.saveProfile();
  EXPECT_LE(stored.size(), Profile::kMaxBytes);
  Engine back(demoRules(), 4);
  EXPECT_TRUE(back.loadProfile(stored, kMonday1pm + kHour, &err)) << err;
}

// Counts and times are JavaScript numbers: past 2^53 a stored value is
// corrupt. Read as it was, INT64_MAX visits overflowed on the next visit
// (undefined behaviour; natively a negative count, which then failed to load).
TEST(Profile, CountsBeyondTwoToThe53AreCorrupt) {
  Profile p;
  std::string error;
  EXPECT_FALSE(Profile::parse(R"({"v":2,"deviceId":"d","fields":{},"behavior":{"products":{},"categories":{},)"
                              R"("cart":{},"visits":9223372036854775807},"session":{}})",
                              &p, &error));
  EXPECT_EQ(error, "corrupted profile: behavior.visits: must not be above 2^53");
  EXPECT_TRUE(Profile::parse(R"({"v":2,"deviceId":"d","fields":{},"behavior":{"products":{},"categories":{},)"
                             R"("cart":{},"visits":9007199254740992},"session":{}})",
                             &p, &error))
      << error;
}

// A week name that is not an ISO week ("YYYY-Www") would become a report the
// collector refuses, with every other report of its batch, on every retry.
// Such names are dropped on reading; the rest of the profile stays.
TEST(Profile, WeeksThatAreNotIsoWeeksAreDropped) {
  Profile p;
  std::string error;
  ASSERT_TRUE(Profile::parse(R"({"v":2,"deviceId":"d","fields":{"name":"Aiko"},"behavior":{"products":{},)"
                             R"("categories":{},"cart":{}},"session":{},)"
                             R"("measure":{"active":["2026-W48","zzzz","2026-W99","9999-W01x"]}})",
                             &p, &error))
      << error;
  EXPECT_EQ(p.activeWeeks, (std::set<std::string>{"2026-W48"}));
  EXPECT_EQ(p.fields.at("name"), "Aiko");
}
