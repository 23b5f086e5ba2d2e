// The real `omotenashi` binary, run as a user would (SPEC section 2).
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

namespace {

struct Result {
  int code;
  std::string out;  // stdout and stderr together
};

Result run(const std::string& args, const std::string& prefix = "") {
  std::string cmd = prefix + std::string(OMO_CLI) + " " + args + " 2>&1";
  Result r{-1, ""};
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::string write(const std::string& name, const std::string& text) {
  std::string path = testing::TempDir() + "omo_cli_" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

const std::string kRules = std::string(OMO_SOURCE_DIR) + "/demo/rules.json";

int lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

TEST(Cli, LintAcceptsTheDemoRules) {
  Result r = run("lint " + kRules);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("ok"), std::string::npos);
}

TEST(Cli, LintListsEveryProblemAsFilePointerMessage) {
  std::string f = write("bad.json", R"({"version": 1, "site": "s", "slots": {"a": {"variants": [
      {"id": "x", "txt": "typo"}, {"id": "y", "text": "ok", "when": {"a": {"$gte": 1, "$nope": 2}}}]}}})");
  Result r = run("lint " + f);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find(f + ":/slots/a/variants/0/txt: unknown key"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(f + ":/slots/a/variants/1/when/a/$nope: unknown operator"), std::string::npos) << r.out;
  EXPECT_GE(lines(r.out), 3);
}

TEST(Cli, LintReportsBrokenJsonWithItsPosition) {
  std::string f = write("broken.json", "{\n  \"version\": 1,\n  \"site\": \n}");
  Result r = run("lint " + f);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("line 4"), std::string::npos) << r.out;
}

TEST(Cli, DecidePrintsDecisionsAsJson) {
  std::string ctx = write("ctx.json", R"({"now": 1795406400000, "tzOffsetMinutes": 540, "device": "desktop"})");
  std::string prof = write("prof.json", R"({"deviceId": "device-0", "fields": {"name": "Aiko", "pet": "dog"}})");
  Result r = run("decide --rules " + kRules + " --profile " + prof + " --context " + ctx + " --slot greeting");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"variant\": \"named\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Welcome back, Aiko!"), std::string::npos) << r.out;
}

// A file that never ends is read only up to the bound. A regression would
// read forever: the memory limit and the timeout stop it first.
TEST(Cli, EndlessFileStopsAtTheBound) {
  Result r = run("lint /dev/zero", "ulimit -v 1000000; timeout 20 ");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_EQ(r.out, "omotenashi: /dev/zero: larger than 16 MiB\n");
}

TEST(Cli, BadInputGetsOneLineAndNonZeroExit) {
  std::string ctx = write("ctx2.json", R"({"now": 1795406400000})");
  std::string good = write("p.json", R"({"fields": {"pet": "dog"}})");
  const std::pair<std::string, std::string> cases[] = {
      {"", "usage"},
      {"frobnicate", "unknown command"},
      {"lint", "lint takes one file"},
      {"lint /nonexistent/rules.json", "cannot read"},
      {"lint " + testing::TempDir(), "is a folder, not a file"},
      {"decide --rules " + kRules + " --context " + ctx + " --profile " + testing::TempDir(), "is a folder, not a file"},
      {"decide --rules " + kRules, "needs --rules and --context"},
      {"decide --rules " + kRules + " --context " + write("c.json", "[1,2") , "not valid JSON"},
      {"decide --rules " + kRules + " --context " + write("c3.json", R"({"device": "fridge", "now": 1})"), "context.device"},
      {"decide --rules " + kRules + " --context " + write("c4.json", R"({"device": "mobile"})"), "time is an input"},
      {"decide --rules " + kRules + " --context " + ctx + " --profile " + write("p1.json", R"({"fields": {"pet": "dragon"}})"), "pet"},
      {"decide --rules " + kRules + " --context " + ctx + " --profile " + write("p2.json", R"({"fields": {"nick": "x"}})"), "nick"},
      {"decide --rules " + kRules + " --context " + ctx + " --profile " + write("p3.json", R"({"v": 2, "deviceId": 5})"), "corrupted profile"},
      {"decide --rules " + kRules + " --context " + ctx + " --profile " + good + " --slot nowhere", "no slot named"},
      {"decide --rules " + kRules + " --context " + ctx + " --now tomorrow", "--now takes"},
      {"decide --rules " + write("r.json", "{}") + " --context " + ctx, "/version"},
      {"serve --label " + std::string(201, 'x'), "--label: at most 200 characters"},
      {"serve --label \"$(printf 'a\\377b')\" --port x", "--label: at most 200 characters of UTF-8 text"},
      // 100 characters of Japanese (300 bytes) is a label: the next option is the error.
      {"serve --label " + [] { std::string s; for (int i = 0; i < 100; ++i) s += "あ"; return s; }() + " --port x", "--port: must be an integer"},
  };
  for (const auto& [args, expect] : cases) {
    Result r = run(args);
    EXPECT_NE(r.code, 0) << args;
    EXPECT_LT(r.code, 128) << "crashed: " << args;
    EXPECT_NE(r.out.find(expect), std::string::npos) << args << "\n" << r.out;
  }
}

// docs/rules.md's second worked example, a furniture store written from the
// docs alone, lints; and the context and profile files that "Trying a visitor
// with decide" shows (read from the page itself) decide as it says: the sofa
// promotion for the sofa studied.
TEST(Cli, TheDocsFurnitureExampleLintsAndDecidesAsDocumented) {
  const std::string rules = std::string(OMO_SOURCE_DIR) + "/docs/examples/furniture.rules.json";
  Result lint = run("lint " + rules);
  EXPECT_EQ(lint.code, 0) << lint.out;

  std::ifstream in(std::string(OMO_SOURCE_DIR) + "/docs/rules.md");
  std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t at = doc.find("### Trying a visitor with `decide`");
  ASSERT_NE(at, std::string::npos);
  std::string blocks[2];
  for (auto& b : blocks) {
    size_t open = doc.find("```json\n", at), close = doc.find("```", open + 8);
    ASSERT_NE(close, std::string::npos);
    b = doc.substr(open + 8, close - open - 8);
    at = close + 3;
  }
  Result r = run("decide --rules " + rules + " --context " + write("doc_ctx.json", blocks[0]) + " --profile " +
                 write("doc_prof.json", blocks[1]) + " --slot sofa-promo");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"variant\": \"still-deciding\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"sofa-oslo-3\""), std::string::npos) << r.out;
}
