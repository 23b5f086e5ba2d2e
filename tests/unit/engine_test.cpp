#include <gtest/gtest.h>

#include "engine.h"
#include "template.h"
#include "test_util.h"

using namespace omo;
using namespace omo::testing;

namespace {

std::unique_ptr<Engine> demo(const char* deviceId = "device-3", int64_t now = kMonday1pm) {
  auto e = std::make_unique<Engine>(demoRules(), 7);
  std::string err;
  EXPECT_TRUE(e->setContext(J(R"({"tzOffsetMinutes": 540, "device": "desktop", "region": "kanto"})"), &err)) << err;
  EXPECT_TRUE(e->loadProfileScript(J((std::string(R"({"deviceId": ")") + deviceId + "\"}").c_str()), now, &err));
  e->beginPage(now);
  return e;
}

std::string variant(const Engine& e, const char* slot, int64_t now) { return e.decide(slot, now)->variant; }

// 30 seconds on the cat tower: the promo slot's decision then ("studying",
// capped once per session, in the demo rules).
std::optional<Decision> studyCatTower(Engine& e, int64_t now) {
  std::string err;
  EXPECT_TRUE(e.track(J(R"({"type": "dwell", "sku": "cat-tower", "seconds": 30})"), now, &err)) << err;
  return e.decide("promo", now);
}

}  // namespace

TEST(Engine, SameInputsSameDecisions) {
  auto a = demo(), b = demo();
  Json x = Json::array(), y = Json::array();
  for (auto& d : a->decideAll(kMonday1pm)) x.push_back(d.toJson());
  for (auto& d : b->decideAll(kMonday1pm)) y.push_back(d.toJson());
  EXPECT_EQ(x, y);
}

TEST(Engine, SetProfileValidatesAgainstTheSchema) {
  auto e = demo();
  std::string err;
  EXPECT_FALSE(e->setProfile(J(R"({"nickname": "x"})"), kMonday1pm, &err));
  EXPECT_NE(err.find("nickname"), std::string::npos);
  EXPECT_FALSE(e->setProfile(J(R"({"pet": "dragon"})"), kMonday1pm, &err));
  EXPECT_NE(err.find("pet"), std::string::npos);
  EXPECT_FALSE(e->setProfile(J(R"({"name": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})"), kMonday1pm, &err));
  EXPECT_NE(err.find("too long"), std::string::npos);
  EXPECT_FALSE(e->setProfile(J(R"({"name": "a\u0007b"})"), kMonday1pm, &err));
  EXPECT_NE(err.find("control"), std::string::npos);
  // Bidirectional overrides, embeddings and isolates turn the text around them.
  auto named = [](const char* name) { return Json{{"name", std::string("Aiko") + name + "x"}}; };
  for (const char* bidi : {"\u202a", "\u202e", "\u2066", "\u2069", "\u2028"}) {
    EXPECT_FALSE(e->setProfile(named(bidi), kMonday1pm, &err)) << bidi;
    EXPECT_NE(err.find("control"), std::string::npos) << bidi;
  }
  EXPECT_FALSE(e->setProfile(J(R"({"name": 5})"), kMonday1pm, &err));
  // A value built in C++ (no JSON reader in front): a surrogate or an overlong form is not UTF-8.
  for (const char* bad : {"a\xED\xA0\x80", "\xC0\xAF", "\xE0\x80\xAF"}) {
    EXPECT_FALSE(e->setProfile(Json{{"name", std::string(bad)}}, kMonday1pm, &err)) << bad;
    EXPECT_NE(err.find("UTF-8"), std::string::npos) << err;
  }
  // All or nothing: a bad field keeps the good one from being stored.
  EXPECT_FALSE(e->setProfile(J(R"({"name": "Aiko", "pet": "dragon"})"), kMonday1pm, &err));
  EXPECT_TRUE(e->profile().fields.empty());
  EXPECT_TRUE(e->setProfile(J(R"({"name": "  愛子  ", "pet": "cat"})"), kMonday1pm, &err)) << err;
  EXPECT_EQ(e->profile().fields.at("name"), "愛子");
  EXPECT_TRUE(e->setProfile(J(R"({"name": null})"), kMonday1pm, &err));
  EXPECT_FALSE(e->profile().fields.count("name"));
  // Marks (U+200E, U+200F), a joiner (U+2060), superscript zero (U+2070): ordinary parts of names.
  for (const char* ok : {"\u200e", "\u200f", "\u2060", "\u2070"}) EXPECT_TRUE(e->setProfile(named(ok), kMonday1pm, &err)) << ok << err;
}

TEST(Engine, AStoredNameWithBidiControlsIsKeptButNotShown) {
  // A profile stored before the bidi check (or relayed whole from another
  // tab) holds a name with U+202E: it loads and is kept as stored, but the
  // engine decides as if the name were not given, so it never reaches a page.
  auto e = demo();
  std::string err;
  ASSERT_TRUE(e->setProfile(J(R"({"name": "Aiko", "pet": "cat"})"), kMonday1pm, &err)) << err;
  std::string stored = e->saveProfile();
  const std::string from = "\"name\":\"Aiko\"";
  ASSERT_NE(stored.find(from), std::string::npos) << stored;
  stored.replace(stored.find(from), from.size(), "\"name\":\"Ai\\u202eko\"");
  ASSERT_TRUE(e->loadProfile(stored, kMonday1pm, &err)) << err;
  EXPECT_EQ(e->profile().fields.at("name"), "Ai\u202eko");   // nothing lost
  EXPECT_FALSE(e->attributes(kMonday1pm)["profile"].contains("name"));
  EXPECT_EQ(e->attributes(kMonday1pm)["profile"]["pet"], "cat");
  for (const auto& d : e->decideAll(kMonday1pm)) {
    EXPECT_EQ(d.toJson().dump().find("\u202e"), std::string::npos) << d.toJson().dump();
    EXPECT_EQ(d.toJson().dump().find("\xE2\x80\xAE"), std::string::npos) << d.toJson().dump();
  }
}

// Lint's list of the attributes the engine builds (pathProblem) holds every
// attribute the engine does build: one added to the engine and not to the
// list would make lint refuse rules that read it.
TEST(Engine, LintKnowsEveryAttributeTheEngineBuilds) {
  auto e = demo();
  std::string err;
  for (const char* s : {R"({"type": "dwell", "sku": "cat-tower", "seconds": 30})", R"({"type": "add_to_cart", "sku": "dog-leash"})",
                        R"({"type": "purchase", "sku": "cat-tower"})", R"({"type": "add_to_cart", "sku": "cat-food-tuna"})"})
    ASSERT_TRUE(e->track(J(s), kMonday1pm, &err)) << err;
  const Json a = e->attributes(kMonday1pm);
  int checked = 0;
  for (const char* root : {"context", "behavior", "session"})
    for (auto it = a[root].begin(); it != a[root].end(); ++it, ++checked)
      EXPECT_EQ(pathProblem({root, it.key()}, {}), "") << root << "." << it.key();
  EXPECT_GE(checked, 30);
  EXPECT_NE(pathProblem({"behavior", "hoursSincePurchase"}, {}), "");
}

TEST(Engine, BadSignalsNameTheField) {
  auto e = demo();
  std::string err;
  EXPECT_FALSE(e->track(J(R"({"type": "teleport"})"), kMonday1pm, &err));
  EXPECT_NE(err.find("signal.type"), std::string::npos);
  EXPECT_FALSE(e->track(J(R"({"type": "dwell", "sku": "x", "seconds": -3})"), kMonday1pm, &err));
  EXPECT_NE(err.find("signal.seconds"), std::string::npos);
  EXPECT_FALSE(e->track(J(R"({"type": "view"})"), kMonday1pm, &err));
  EXPECT_NE(err.find("signal.sku"), std::string::npos);
  EXPECT_FALSE(e->track(J(R"({"type": "view", "sku": "x", "color": "red"})"), kMonday1pm, &err));
  EXPECT_NE(err.find("signal.color"), std::string::npos);
}

TEST(Engine, SessionCapHoldsForThePageButNotTheNextVisit) {
  auto e = demo();
  int64_t t = kMonday1pm;
  auto d = studyCatTower(*e, t);
  ASSERT_EQ(d->variant, "studying");
  EXPECT_TRUE(e->shown(*d, t));
  EXPECT_FALSE(e->shown(*d, t));  // idempotent within the page: nothing new to save
  // Still on screen on the same page, even though the cap (1 per session) is used.
  EXPECT_EQ(variant(*e, "promo", t + kMinute), "studying");
  // Next page of the same session: capped.
  e->beginPage(t + 2 * kMinute);
  EXPECT_EQ(variant(*e, "promo", t + 2 * kMinute), "default");
  // A new session (after 30 idle minutes) — but the session's dwell is fresh, so study again.
  e->beginPage(t + 3 * kHour);
  EXPECT_EQ(studyCatTower(*e, t + 3 * kHour)->variant, "studying");
}

TEST(Engine, LoadingAProfileKeepsWhatThisPageShows) {
  // Another tab's profile (or the stored one) arrives while the capped
  // variant is on screen: it stays for this page and is not counted twice.
  auto e = demo();
  std::string err;
  int64_t t = kMonday1pm;
  auto d = studyCatTower(*e, t);
  ASSERT_EQ(d->variant, "studying");
  std::string otherTab = e->saveProfile();   // a profile that never saw this impression
  ASSERT_TRUE(e->shown(*d, t));
  std::string saved = e->saveProfile();
  ASSERT_TRUE(e->loadProfile(saved, t + kMinute, &err)) << err;
  EXPECT_EQ(variant(*e, "promo", t + kMinute), "studying");
  EXPECT_FALSE(e->shown(*d, t + kMinute));
  EXPECT_EQ(e->profile().caps.at("promo/studying").lifetime, 1);
  // The other tab's profile lacks it: counted into it, once.
  ASSERT_TRUE(e->loadProfile(otherTab, t + kMinute, &err)) << err;
  EXPECT_EQ(e->profile().caps.at("promo/studying").lifetime, 1);
  ASSERT_TRUE(e->loadProfile(e->saveProfile(), t + kMinute, &err)) << err;
  EXPECT_EQ(e->profile().caps.at("promo/studying").lifetime, 1);
  EXPECT_EQ(variant(*e, "promo", t + kMinute), "studying");
  // A profile that fails to load (garbage from another tab) changes nothing:
  // still on screen, still counted once.
  std::string good = e->saveProfile();
  EXPECT_FALSE(e->loadProfile("{garbage", t + kMinute, &err));
  EXPECT_EQ(e->saveProfile(), good);
  EXPECT_EQ(variant(*e, "promo", t + kMinute), "studying");
  EXPECT_EQ(e->profile().caps.at("promo/studying").lifetime, 1);
  // A new page (a single-page app's route change): the session cap applies.
  e->newPage();
  EXPECT_EQ(variant(*e, "promo", t + 2 * kMinute), "default");
}

TEST(Engine, APageSignalCountsTheViewAndIsReplayedOnce) {
  auto e = demo();
  std::string err;
  int64_t t = kMonday1pm;
  e->beginPage(t);
  int before = e->profile().session.pageViews;
  ASSERT_TRUE(e->track(J(R"({"type": "page", "id": "p1"})"), t, &err)) << err;
  EXPECT_EQ(e->profile().session.pageViews, before + 1);
  ASSERT_TRUE(e->track(J(R"({"type": "page", "id": "p1"})"), t, &err));  // the same page replayed
  EXPECT_EQ(e->profile().session.pageViews, before + 1);
  // It does not reset what the page shows (it is replayed while the page is on screen).
  auto d = studyCatTower(*e, t);
  ASSERT_TRUE(e->shown(*d, t));
  ASSERT_TRUE(e->track(J(R"({"type": "page", "id": "p2"})"), t, &err));
  EXPECT_FALSE(e->shown(*d, t));
}

TEST(Engine, AProfileFromANewerVersionIsNotCalledCorrupted) {
  auto e = demo();
  std::string err;
  EXPECT_FALSE(e->loadProfile(R"({"v": 99, "deviceId": "x"})", kMonday1pm, &err));
  EXPECT_EQ(err.rfind(omo::Profile::kNewerSchema, 0), 0u) << err;
  EXPECT_EQ(err.find("corrupted"), std::string::npos) << err;
  EXPECT_FALSE(e->loadProfile(R"({"v": 0, "deviceId": "x"})", kMonday1pm, &err));
  EXPECT_NE(err.find("corrupted"), std::string::npos) << err;
}

TEST(Engine, YouMayAlsoLikeIsFrequencyCapped) {
  auto e = demo();
  int64_t t = kMonday1pm;
  int shownCount = 0;
  // Thirty page views over three days: session cap 1, cooldown 4 h, day cap 2, lifetime 5.
  for (int i = 0; i < 30; ++i) {
    int64_t now = t + i * 2 * kHour + (i % 3) * kMinute;
    e->beginPage(now);
    auto d = e->decide("also-like", now);
    if (d->personalized()) {
      ++shownCount;
      e->shown(*d, now);
    }
  }
  EXPECT_GE(shownCount, 3);
  EXPECT_LE(shownCount, 5);
}

TEST(Engine, ExperimentArmIsStickyAndDeterministic) {
  auto a = demo("device-0"), b = demo("device-0"), c = demo("device-3");
  EXPECT_EQ(a->armOf("greeting-test"), "named");
  EXPECT_EQ(b->armOf("greeting-test"), "named");
  EXPECT_EQ(c->armOf("greeting-test"), "plain");
  EXPECT_FALSE(a->inHoldout());
  EXPECT_TRUE(demo("device-45")->inHoldout());
}

TEST(Engine, RepeatedEventIdsAreIgnored) {
  auto e = demo();
  std::string err;
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(e->track(J(R"({"type": "view", "sku": "dog-leash", "id": "tab1-7"})"), kMonday1pm, &err));
  EXPECT_EQ(e->profile().products.at("dog-leash").views, 1);
}

TEST(Engine, ExplainSpeaksPlainWords) {
  auto e = demo("device-0");
  std::string err;
  ASSERT_TRUE(e->setProfile(J(R"({"name": "Aiko", "pet": "dog"})"), kMonday1pm, &err));
  std::string why = e->explain("greeting", kMonday1pm);
  // The rules' why stands as written: it read "You see this because You told us your name".
  EXPECT_EQ(why.rfind("You told us your name, so we greet you by it.", 0), 0u) << why;
  EXPECT_NE(why.find("name and pet"), std::string::npos) << why;
  EXPECT_NE(e->explain("help", kMonday1pm).find("usual content"), std::string::npos);
  EXPECT_NE(why.find("All of this is kept only on this device."), std::string::npos) << why;
  // Before consent nothing is kept: the explanation said it was kept on this device.
  for (const char* consent : {"pending", "denied"}) {
    ASSERT_TRUE(e->setContext(Json{{"tzOffsetMinutes", 540}, {"device", "desktop"}, {"consent", consent}}, &err)) << err;
    std::string hero = e->explain("hero", kMonday1pm);
    EXPECT_EQ(hero.find("kept"), std::string::npos) << consent << ": " << hero;
  }
}

// A Japanese page got English explanations: the rules' why and the engine's
// own words follow the page's language (English and Japanese built in; the
// why falls back to its first language, the words to English).
// A picture's alt text was one string: a Japanese page described the dog in
// English to a screen reader. It takes one text per language, like text.
TEST(Engine, ImageAltInThePagesLanguage) {
  auto e = demo("device-0");
  std::string err;
  ASSERT_TRUE(e->setProfile(J(R"({"pet": "dog"})"), kMonday1pm, &err)) << err;
  for (const auto& [lang, alt] : std::vector<std::pair<const char*, const char*>>{
           {"ja-JP", "ボールを持った元気な犬"}, {"en", "A happy dog with a ball"}, {"fr", "A happy dog with a ball"}}) {
    ASSERT_TRUE(e->setContext(Json{{"tzOffsetMinutes", 540}, {"language", lang}}, &err)) << err;
    auto d = e->decide("hero", kMonday1pm);
    ASSERT_TRUE(d && d->imageAlt) << lang;
    EXPECT_EQ(*d->imageAlt, alt) << lang;
  }
  Diagnostics diags;
  EXPECT_FALSE(Ruleset::compileText(R"({"version":1,"site":"s","slots":{"a":{"variants":[
    {"id":"x","image":{"src":"/a.svg","alt":{"ja":5}}}]}}})", &diags));
  ASSERT_FALSE(diags.empty());
  EXPECT_EQ(diags.list()[0].pointer, "/slots/a/variants/0/image/alt/ja");
}

TEST(Engine, ExplainsInThePagesLanguage) {
  auto e = demo("device-0");
  std::string err;
  ASSERT_TRUE(e->setProfile(J(R"({"name": "Aiko", "pet": "dog"})"), kMonday1pm, &err)) << err;
  ASSERT_TRUE(e->setContext(J(R"({"tzOffsetMinutes": 540, "device": "desktop", "language": "ja-JP"})"), &err)) << err;
  std::string ja = e->explain("greeting", kMonday1pm);
  EXPECT_EQ(ja.rfind("お名前を教えていただいたので、お名前でごあいさつしています。使った情報", 0), 0u) << ja;
  EXPECT_NE(ja.find("使った情報（お客様から伺ったもの）：name。"), std::string::npos) << ja;  // the ja text reads no pet
  EXPECT_EQ(e->decide("greeting", kMonday1pm)->reason.why, "お名前を教えていただいたので、お名前でごあいさつしています。");
  EXPECT_EQ(e->explain("nowhere", kMonday1pm), "このサイトに「nowhere」というパーソナライズ枠はありません。");
  EXPECT_EQ(e->explain("help", kMonday1pm), "今はお客様に合わせた内容がないため、ショップの通常の内容を表示しています。");

  // A why given only in English, on a Japanese page: a space before the engine's Japanese words.
  Diagnostics diags;
  auto plain = Ruleset::compileText(R"({"version":1,"site":"s","slots":{"a":{"variants":[
    {"id":"x","text":"t","when":{"context.device":"desktop"},"why":"Because you are on a computer."}]}}})", &diags);
  ASSERT_TRUE(plain);
  Engine p(plain, 1);
  ASSERT_TRUE(p.setContext(J(R"({"device": "desktop", "language": "ja"})"), &err)) << err;
  EXPECT_EQ(p.explain("a", kMonday1pm).rfind("Because you are on a computer. 適用された条件：端末の種類。", 0), 0u)
      << p.explain("a", kMonday1pm);

  for (const char* lang : {"en-GB", "fr"}) {
    std::string ctx = std::string("{\"tzOffsetMinutes\": 540, \"language\": \"") + lang + "\"}";
    ASSERT_TRUE(e->setContext(J(ctx.c_str()), &err)) << err;
    std::string en = e->explain("greeting", kMonday1pm);
    EXPECT_EQ(en.rfind("You told us your name, so we greet you by it. It used what you told us: ", 0), 0u) << lang << ": " << en;
    EXPECT_NE(en.find(" It used what you told us: name and pet."), std::string::npos) << en;
  }
}

// explain() tells a visitor what a personalization depends on in words they
// know, never the rules' conditions ("behavior.focusDwell $gte 15").
TEST(Engine, ExplainSaysWhatItDependsOnInWords) {
  auto e = demo("device-0");
  std::string err;
  auto d = studyCatTower(*e, kMonday1pm);
  ASSERT_EQ(d->variant, "studying");
  EXPECT_EQ(e->explain("promo", kMonday1pm),
            "You spent a while looking at this product. It depends on what you have done on this site. It used nothing you told us about yourself. All of this is kept only on this device.");
  // A schedule's hours and the device (urgent help at 05:00 on a phone).
  ASSERT_TRUE(e->setContext(J(R"({"tzOffsetMinutes": 540, "device": "mobile", "consent": "granted"})"), &err)) << err;
  const int64_t fiveAm = kMonday1pm - 8 * kHour;
  ASSERT_EQ(variant(*e, "help", fiveAm), "urgent-help");
  EXPECT_NE(e->explain("help", fiveAm).find(" It depends on the time of day and your type of device."),
            std::string::npos) << e->explain("help", fiveAm);
  // Conditions on declared fields only: what it used is said once, as the fields.
  ASSERT_TRUE(e->setProfile(J(R"({"name": "Aiko"})"), kMonday1pm, &err)) << err;
  std::string greeting = e->explain("greeting", kMonday1pm);
  EXPECT_EQ(greeting.find("depends on"), std::string::npos) << greeting;
  EXPECT_NE(greeting.find("It used what you told us: name and pet."), std::string::npos) << greeting;
  // In Japanese.
  ASSERT_TRUE(e->setContext(J(R"({"tzOffsetMinutes": 540, "device": "mobile", "language": "ja", "consent": "granted"})"), &err));
  EXPECT_NE(e->explain("help", fiveAm).find("適用された条件：時間帯、端末の種類。"), std::string::npos)
      << e->explain("help", fiveAm);
  // No slot's explanation shows a condition as written in the rules.
  for (const auto& dd : e->decideAll(kMonday1pm))
    for (const char* jargon : {"$", "profile.", "behavior.", "context.", "session.", "segment", "schedule"})
      EXPECT_EQ(e->explain(dd.slot, kMonday1pm).find(jargon), std::string::npos) << dd.slot << ": " << jargon;
}

TEST(Engine, ReportsOncePerTaskPerClosedWindowWithinBudget) {
  auto e = demo("device-0");
  std::string err;
  ASSERT_TRUE(e->setProfile(J(R"({"pet": "dog", "region": "kanto"})"), kMonday1pm, &err));
  EXPECT_EQ(e->dueReports(kMonday1pm), "");  // this week has not closed yet
  int64_t nextWeek = kMonday1pm + 7 * 24 * kHour;
  e->beginPage(nextWeek);
  std::string batch = e->dueReports(nextWeek);
  ASSERT_FALSE(batch.empty());
  ReportBatch b;
  ASSERT_TRUE(ReportBatch::parse(batch, &b, &err)) << err;
  // greeting-test (eps 4) + pet-mix (2) + region-mix (2) = 8 = the weekly budget.
  EXPECT_EQ(b.reports.size(), 3u);
  EXPECT_EQ(b.site, "petshop");
  for (const auto& r : b.reports) EXPECT_EQ(r.win, "2026-W48");
  // A retry sends identical bytes; nothing new is encoded for the same window.
  EXPECT_EQ(e->dueReports(nextWeek), batch);
  e->reportsFailed(nextWeek);
  EXPECT_EQ(e->dueReports(nextWeek + 1000), "");  // backing off
  EXPECT_EQ(e->dueReports(nextWeek + 3 * kMinute), batch);
  std::vector<std::string> rids;
  for (const auto& r : b.reports) rids.push_back(r.rid);
  e->acknowledgeReports(rids, nextWeek);
  EXPECT_EQ(e->dueReports(nextWeek + kHour), "");
}

// Tabs exchange whole profiles (BroadcastChannel, IndexedDB): a copy that
// never saw this tab's reports must not make it encode them again, which would
// send a second randomized answer for the same task and window (SPEC section 6).
TEST(Engine, ReportsEncodedStayEncodedWhenAnOlderCopyOfTheProfileIsLoaded) {
  auto e = demo("device-0");
  std::string err;
  ASSERT_TRUE(e->setProfile(J(R"({"pet": "dog", "region": "kanto"})"), kMonday1pm, &err));
  int64_t nextWeek = kMonday1pm + 7 * 24 * kHour;
  e->beginPage(nextWeek);
  const std::string older = e->saveProfile();   // another tab's copy: nothing encoded yet
  std::string batch = e->dueReports(nextWeek);
  ASSERT_FALSE(batch.empty());
  ASSERT_TRUE(e->loadProfile(older, nextWeek + kMinute, &err)) << err;
  // The same reports, the same bytes: nothing encoded anew.
  EXPECT_EQ(e->dueReports(nextWeek + kMinute), batch);
  ReportBatch b;
  ASSERT_TRUE(ReportBatch::parse(batch, &b, &err)) << err;
  std::vector<std::string> rids;
  for (const auto& r : b.reports) rids.push_back(r.rid);
  e->acknowledgeReports(rids, nextWeek + kMinute);
  ASSERT_TRUE(e->loadProfile(older, nextWeek + 2 * kMinute, &err)) << err;
  EXPECT_EQ(e->dueReports(nextWeek + 2 * kMinute), "");
  // The budget spent stays spent.
  EXPECT_DOUBLE_EQ(e->profile().epsilonSpent.at("2026-W48"), 8);
  // Another device's profile (forget() in another tab gives a new device id)
  // carries none of this device's reports over.
  ASSERT_TRUE(e->loadProfile(demo("device-3")->saveProfile(), nextWeek + 3 * kMinute, &err)) << err;
  EXPECT_TRUE(e->profile().reportedWindow.empty());
  EXPECT_TRUE(e->profile().epsilonSpent.empty());
}

// A report one tab had acknowledged came back as pending in a tab that still
// held it (the encoding tab sends its profile to the others before the
// reports leave), and was sent again: the collector answered dup, every time
// the tabs exchanged profiles. Both ways round, it is done. And two copies
// that each encoded the same window (tabs without Web Locks) keep one report.
TEST(Engine, AnAcknowledgedReportDoesNotComeBackFromAnotherTab) {
  std::string err;
  auto e = demo("device-0");
  ASSERT_TRUE(e->setProfile(J(R"({"pet": "dog", "region": "kanto"})"), kMonday1pm, &err));
  int64_t nextWeek = kMonday1pm + 7 * 24 * kHour;
  e->beginPage(nextWeek);
  std::string batch = e->dueReports(nextWeek);
  ASSERT_FALSE(batch.empty());
  const std::string sent = e->saveProfile();   // what the other tabs got: the reports pending
  ReportBatch b;
  ASSERT_TRUE(ReportBatch::parse(batch, &b, &err)) << err;
  std::vector<std::string> rids;
  for (const auto& r : b.reports) rids.push_back(r.rid);
  e->acknowledgeReports(rids, nextWeek);
  auto other = demo("device-0");
  ASSERT_TRUE(other->loadProfile(sent, nextWeek, &err)) << err;
  // This tab takes in the other's state; the other takes in this tab's.
  ASSERT_TRUE(e->loadProfile(other->saveProfile(), nextWeek + kMinute, &err)) << err;
  EXPECT_EQ(e->dueReports(nextWeek + kMinute), "");
  ASSERT_TRUE(other->loadProfile(e->saveProfile(), nextWeek + kMinute, &err)) << err;
  EXPECT_EQ(other->dueReports(nextWeek + kMinute), "");

  auto first = demo("device-0"), second = demo("device-0");
  second->beginPage(kMonday1pm + kMinute);   // the tabs' random numbers differ
  for (auto* t : {first.get(), second.get()})
    ASSERT_TRUE(t->setProfile(J(R"({"pet": "dog", "region": "kanto"})"), kMonday1pm, &err));
  std::string firstBatch = first->dueReports(nextWeek);
  ASSERT_FALSE(firstBatch.empty());
  ASSERT_FALSE(second->dueReports(nextWeek).empty());
  ASSERT_TRUE(first->loadProfile(second->saveProfile(), nextWeek + kMinute, &err)) << err;
  // Three reports, not six: of two for one window, the smaller rid (here each of first's).
  EXPECT_EQ(first->dueReports(nextWeek + kMinute), firstBatch);
}

// Tabs without Web Locks each encode the window and send each other their
// state at once (both ways, each from before it took in the other's): each
// kept the other's report, so when the first sends failed, their retries sent
// two different reports for one task and window. Both keep the same one.
TEST(Engine, TwoTabsThatEachEncodedAWindowAndSwappedStatesKeepTheSameReport) {
  std::string err;
  int64_t nextWeek = kMonday1pm + 7 * 24 * kHour;
  auto first = demo("device-0"), second = demo("device-0");
  second->beginPage(kMonday1pm + kMinute);   // the tabs' random numbers differ
  for (auto* t : {first.get(), second.get()})
    ASSERT_TRUE(t->setProfile(J(R"({"pet": "dog", "region": "kanto"})"), kMonday1pm, &err));
  ASSERT_FALSE(first->dueReports(nextWeek).empty());
  ASSERT_FALSE(second->dueReports(nextWeek).empty());
  const std::string fromFirst = first->saveProfile(), fromSecond = second->saveProfile();
  ASSERT_TRUE(first->loadProfile(fromSecond, nextWeek + kMinute, &err)) << err;
  ASSERT_TRUE(second->loadProfile(fromFirst, nextWeek + kMinute, &err)) << err;
  std::string a = first->dueReports(nextWeek + kMinute), b = second->dueReports(nextWeek + kMinute);
  auto rids = [&](const std::string& text) {
    ReportBatch batch;
    EXPECT_TRUE(ReportBatch::parse(text, &batch, &err)) << err;
    std::set<std::string> out;
    for (const auto& r : batch.reports) out.insert(r.rid);
    return out;
  };
  EXPECT_EQ(rids(a).size(), 3u);   // one per task
  EXPECT_EQ(rids(a), rids(b));
}

// Tabs restored together each read the store, then take turns encoding: the
// one that goes second first takes in the reports the first one stored.
TEST(Engine, ReportsAnotherTabStoredAreTakenInAndNothingElse) {
  std::string err;
  auto first = demo("device-0"), second = demo("device-0");
  second->beginPage(kMonday1pm + kMinute);   // the tabs' random numbers differ
  for (auto* e : {first.get(), second.get()})
    ASSERT_TRUE(e->setProfile(J(R"({"pet": "dog", "region": "kanto"})"), kMonday1pm, &err));
  int64_t nextWeek = kMonday1pm + 7 * 24 * kHour;
  std::string batch = first->dueReports(nextWeek);
  ASSERT_FALSE(batch.empty());
  ASSERT_TRUE(first->setProfile(J(R"({"name": "Aiko"})"), nextWeek, &err));
  second->keepReportsFrom(first->saveProfile());
  EXPECT_EQ(second->dueReports(nextWeek), batch);            // the same reports, not new ones
  EXPECT_FALSE(second->profile().fields.count("name"));     // nothing but the reports
  // Garbage, or another device's profile, changes nothing.
  auto third = demo("device-0");
  ASSERT_TRUE(third->setProfile(J(R"({"pet": "dog"})"), kMonday1pm, &err));
  third->keepReportsFrom("{garbage");
  third->keepReportsFrom(demo("device-3")->saveProfile());
  EXPECT_TRUE(third->profile().reportedWindow.empty());
  EXPECT_FALSE(third->dueReports(nextWeek).empty());   // it encodes its own
}

TEST(Engine, NoReportLeavesTheDeviceWithAProfileValue) {
  auto e = demo("device-0");
  std::string err;
  ASSERT_TRUE(e->setProfile(J(R"({"name": "Zebediah", "pet": "dog"})"), kMonday1pm, &err));
  int64_t nextWeek = kMonday1pm + 7 * 24 * kHour;
  std::string batch = e->dueReports(nextWeek);
  EXPECT_EQ(batch.find("Zebediah"), std::string::npos);
  EXPECT_EQ(batch.find("dog"), std::string::npos);
  EXPECT_EQ(batch.find(e->profile().deviceId), std::string::npos);
}

TEST(Engine, OnePurchaseOfSeveralItemsIsOneOrderOfExactlyThoseItems) {
  auto e = demo();
  std::string err;
  ASSERT_TRUE(e->track(J(R"({"type": "add_to_cart", "sku": "sku-ball"})"), kMonday1pm, &err)) << err;
  ASSERT_TRUE(e->track(J(R"({"type": "add_to_cart", "sku": "sku-bed"})"), kMonday1pm, &err)) << err;
  ASSERT_TRUE(e->track(J(R"({"type": "purchase", "id": "order-1",
      "items": ["sku-bed", {"sku": "sku-leash", "category": "walks", "quantity": 2}]})"), kMonday1pm + kMinute, &err)) << err;
  const Profile& p = e->profile();
  EXPECT_EQ(p.purchaseCount, 1);                       // one order, not one per item
  EXPECT_EQ(p.purchasedSkus, (std::set<std::string>{"sku-bed", "sku-leash"}));
  EXPECT_TRUE(p.purchasedCategories.count("walks"));   // the item's own category
  EXPECT_EQ(p.cart.count("sku-bed"), 0u);              // bought: out of the cart
  EXPECT_EQ(p.cart.count("sku-ball"), 1u);             // not in this order: stays
  // A replayed order id counts once.
  ASSERT_TRUE(e->track(J(R"({"type": "purchase", "id": "order-1", "items": ["sku-bed"]})"), kMonday1pm + kMinute, &err));
  EXPECT_EQ(e->profile().purchaseCount, 1);
}

TEST(Engine, BadPurchaseItemsNameTheProblem) {
  auto e = demo();
  std::string err;
  for (const char* bad : {R"({"type": "view", "sku": "a", "items": ["b"]})",
                          R"({"type": "purchase", "sku": "a", "items": ["b"]})",
                          R"({"type": "purchase", "items": []})",
                          R"({"type": "purchase", "items": "sku-bed"})",
                          R"({"type": "purchase", "items": [5]})",
                          R"({"type": "purchase", "items": [""]})",
                          R"({"type": "purchase", "items": [{"category": "beds"}]})",
                          R"({"type": "purchase", "items": [{"sku": "a", "price": 3}]})",
                          R"({"type": "purchase", "items": [{"sku": "a", "quantity": 0}]})",
                          R"({"type": "purchase", "items": [{"sku": "a\u0007"}]})"}) {
    err.clear();
    EXPECT_FALSE(e->track(J(bad), kMonday1pm, &err)) << bad;
    EXPECT_NE(err.find("signal.items"), std::string::npos) << bad << " -> " << err;
  }
  EXPECT_EQ(e->profile().purchaseCount, 0);
}

// A script's "at" was any 64-bit integer: two signals at INT64_MAX and -2
// overflowed the session gap (undefined behaviour), and a negative time was
// stored and then refused on loading. Times are JavaScript's: 0 to 2^53.
TEST(Engine, ScriptTimesAreJavaScriptTimes) {
  Engine e(demoRules(), 1);
  std::string err;
  EXPECT_FALSE(e.loadProfileScript(J(R"({"signals": [{"type": "page", "at": 9223372036854775807},
                                                     {"type": "page", "at": -2}]})"),
                                   kMonday1pm, &err));
  EXPECT_NE(err.find("must be UTC milliseconds"), std::string::npos) << err;
  EXPECT_FALSE(e.loadProfileScript(J(R"({"signals": [{"type": "page", "at": -1}]})"), kMonday1pm, &err));
  ASSERT_TRUE(e.loadProfileScript(J(R"({"signals": [{"type": "page", "at": 1763870400000}]})"), kMonday1pm, &err))
      << err;
  Engine back(demoRules(), 2);
  EXPECT_TRUE(back.loadProfile(e.saveProfile(), kMonday1pm, &err)) << err;
}

// context.region is the visitor's declared region when there is one
// (docs/rules.md), and context.season follows that region's hemisphere. A
// variant chosen by them was chosen by what the visitor told us, but its
// reason listed no field, so "Why am I seeing this?" said "It used nothing you
// told us about yourself." to a visitor who had picked Hokkaido.
TEST(Engine, TheDeclaredRegionIsAFieldUsedByRegionAndSeason) {
  const int64_t january = 1768525200000;  // 2026-01-16 10:00 JST: winter
  std::string err;
  for (bool declared : {true, false}) {
    auto e = std::make_unique<Engine>(demoRules(), 7);
    ASSERT_TRUE(e->setContext(J(declared ? R"({"tzOffsetMinutes": 540})" : R"({"tzOffsetMinutes": 540, "region": "hokkaido"})"),
                              &err)) << err;
    ASSERT_TRUE(e->loadProfileScript(J(declared ? R"({"deviceId": "device-3", "fields": {"region": "hokkaido"}})"
                                                : R"({"deviceId": "device-3"})"), january, &err)) << err;
    e->beginPage(january);
    auto d = e->decide("seasonal", january);   // segment cold-region-winter: context.region and context.season
    ASSERT_EQ(d->variant, "winter-cold-region");
    EXPECT_EQ(d->reason.fields, declared ? std::vector<std::string>{"profile.region"} : std::vector<std::string>{});
    std::string why = e->explain("seasonal", january);
    EXPECT_EQ(why.find("It used nothing you told us") == std::string::npos, declared) << why;
    EXPECT_EQ(why.find("It used what you told us: region.") != std::string::npos, declared) << why;
  }
  // A season in the schedule follows the declared region too (Sydney: July is winter).
  auto e = std::make_unique<Engine>(demoRules(), 7);
  const int64_t july = 1783900800000;  // 2026-07-13
  ASSERT_TRUE(e->setContext(J(R"({"tzOffsetMinutes": 600})"), &err)) << err;
  ASSERT_TRUE(e->loadProfileScript(J(R"({"deviceId": "device-3", "fields": {"region": "sydney"}})"), july, &err)) << err;
  e->beginPage(july);
  auto d = e->decide("seasonal", july);
  ASSERT_EQ(d->variant, "winter");
  EXPECT_EQ(d->reason.fields, std::vector<std::string>{"profile.region"});
}
