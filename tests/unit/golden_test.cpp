// Golden decide cases, one per file under tests/fixtures/decide/: the same
// files are replayed in Chromium by tests/browser against the wasm build.
#include <gtest/gtest.h>

#include <dirent.h>

#include <fstream>
#include <sstream>

#include "engine.h"
#include "parse.h"

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> fixtureNames() {
  std::vector<std::string> out;
  if (DIR* d = opendir(OMO_FIXTURES_DIR "/decide")) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 5 && n.substr(n.size() - 5) == ".json") out.push_back(n.substr(0, n.size() - 5));
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

class Golden : public testing::TestWithParam<std::string> {};

TEST_P(Golden, DecidesAsRecorded) {
  std::string err;
  omo::Json c = omo::parseJson(slurp(std::string(OMO_FIXTURES_DIR) + "/decide/" + GetParam() + ".json"), &err);
  ASSERT_FALSE(c.is_discarded()) << err;
  SCOPED_TRACE(c["description"].get<std::string>());
  omo::Diagnostics diags;
  auto engine = omo::Engine::fromRulesText(slurp(std::string(OMO_SOURCE_DIR) + "/" + c["rules"].get<std::string>()), 1, &diags);
  ASSERT_TRUE(engine) << diags.list().front().pointer << ": " << diags.list().front().message;
  int64_t now = c["now"].get<int64_t>();
  ASSERT_TRUE(engine->setContext(c["context"], &err)) << err;
  ASSERT_TRUE(engine->loadProfileScript(c["profile"], now, &err)) << err;
  engine->beginPage(now);
  omo::Json got = omo::Json::array();
  for (const auto& d : engine->decideAll(now)) got.push_back(d.toJson());
  EXPECT_EQ(got.dump(2), c["expected"].dump(2));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Golden, testing::ValuesIn(fixtureNames()),
                         [](const testing::TestParamInfo<std::string>& i) {
                           std::string n = i.param;
                           for (char& ch : n)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

TEST(Golden, ThereAreFixtures) { EXPECT_GE(fixtureNames().size(), 10u); }

}  // namespace
