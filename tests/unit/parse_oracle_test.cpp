// The engine's JSON reader (engine/parse.cpp) against RapidJSON's
// (tests/oracle/): every text both accept gives the same value, every text
// both reject is rejected at the same offset and path. The texts are every
// short string over JSON's interesting characters, and deterministic
// mutations of the repository's own JSON files. The fuzz target runs the same
// comparison on what libFuzzer finds.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "rapidjson_oracle.h"
#include "test_util.h"

namespace {

using omo::oracle::compareWithRapidJson;

std::string show(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f) out += static_cast<char>(c);
    else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

// An object of 60 members, some keys repeated (large objects are read
// through a hash table of their keys).
std::string bigObject() {
  std::string s = "{";
  for (int i = 0; i < 60; ++i) s += (i ? ",\"" : "\"") + std::to_string(i % 45) + "\":[" + std::to_string(i) + "]";
  return s + "}";
}

TEST(JsonReaderOracle, AgreesOnHandPickedTexts) {
  const std::vector<std::string> texts = {
      "", " ", "{}", "[]", "[[]]", "{\"a\":{\"b\":[1,{\"c\":\"d\"}]}}", "{\"a\":1,\"a\":2}", "[1,]", "{\"a\":1,}",
      "{,}", "[,]", "{\"a\" 1}", "{\"a\":}", "{1:2}", "]", "}", ",", ":", "01", "-", "-01", "1.", "1.e5", "1e",
      "1e+", "-0", "-0.0e-0", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
      "-9223372036854775809", "18446744073709551615", "18446744073709551616", "1e308", "1.8e308", "1e400",
      "1e-400", "123456789012345678901234567890", "tru", "truex", "nul", "fals", "true false", "\"\\u0000\"",
      "\"\\ud83d\\ude00\"", "\"\\ud83d\"", "\"\\ud83dx\"", "\"\\ud83d\\u0041\"", "\"\\ud83d\\uzzzz\"",
      "\"\\udc00\"", "\"\\uDFFF\"", "\"\\u12\"", "\"\\x\"", "\"\\", "\"abc", "\"a\tb\"", "\"\x7f\"",
      "\"\xc3\xa9\"", "\"\xc3\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xff\"",
      "\"\xe2\x82\"", "{\"sd\\uDDDD\xe5" "D\":1}", std::string("[1]\0", 4), std::string("[\0]", 3), std::string("\"a\0\"", 4),
      "[1 2]", "[1\n,\r\n2\t]", "{\"a\":[1,2,{\"b\":tru}]}", "{\"a\":[1,2,{\"b\":\"\\q\"}]}",
      std::string(256, '[') + std::string(256, ']'), std::string(257, '[') + std::string(257, ']'),
      "{\"a\":" + std::string(300, '['),
      // Every escape, and \u escapes at the edges of UTF-8's lengths and of the surrogates.
      R"("\/\b\f\n\r\t\"\\")", R"("\u007f\u0080\u07ff\u0800\uffff\ud800\udc00\udbff\udfff")",
      R"("\uDBFF\uDC00\uD800\uDFFF")",
      // Paths after a container closes, and in an object before its first key.
      R"({"a":{"b":1} x})", R"({"a":[{"b":1}],})", R"({"a":{"\q":1}})", R"([[1,2],[3 4]])",
      // Numbers RapidJSON cannot read: out of range for Number() too, or not.
      "[0e400 x]", "[1e400]", "-1e400", "1" + std::string(400, '0'), "0." + std::string(400, '0') + "1e400",
      "[0e400, 1e400]", std::string(341, '2') + ".x", "[" + std::string(400, '9') + "e]", "0e400.", "{\"a\":[1, -0E+999, {\"b\":2e308}]}", bigObject(), "[" + bigObject() + "," + bigObject() + "]",
      bigObject().substr(0, 300)};
  for (const std::string& t : texts) EXPECT_EQ(compareWithRapidJson(t), "") << show(t);
}

TEST(JsonReaderOracle, AgreesOnEveryShortText) {
  // Every text of up to three characters over these (14^3 = 2,744 of length 3).
  const std::string alphabet = std::string("{}[],:\"\\u0-e1 ") ;
  std::vector<std::string> texts = {""};
  for (int length = 1; length <= 3; ++length) {
    std::vector<std::string> longer;
    for (const std::string& t : texts)
      if (t.size() == static_cast<size_t>(length - 1))
        for (char c : alphabet) longer.push_back(t + c);
    texts.insert(texts.end(), longer.begin(), longer.end());
  }
  size_t failures = 0;
  for (const std::string& t : texts) {
    std::string diff = compareWithRapidJson(t);
    if (!diff.empty() && ++failures <= 10) ADD_FAILURE() << show(t) << ": " << diff;
  }
  EXPECT_EQ(failures, 0u);
}

TEST(JsonReaderOracle, AgreesOnMutatedRepositoryJson) {
  std::vector<std::string> seeds;
  for (const char* dir : {"/tests/fixtures", "/demo", "/tests/fuzz/corpus"})
    for (const auto& e : std::filesystem::recursive_directory_iterator(std::string(OMO_SOURCE_DIR) + dir))
      if (e.is_regular_file() && e.file_size() < 20000) seeds.push_back(omo::testing::slurp(e.path()));
  ASSERT_GT(seeds.size(), 20u);
  // Fragments that sit at the edges of JSON's grammar and of UTF-8.
  const std::vector<std::string> pieces = {
      "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\udc00", "\\ud800\\udc00", "\\u00e9", "-",
      "0", "01", ".", "e", "E+", "1e400", "1e-400", "18446744073709551616", "-9223372036854775809", "true",
      "nul", " ", "\n", "\t", "\x01", "\x7f", "\xc3\xa9", "\xc3", "\xe2\x82\xac", "\xed\xa0\x80",
      "\xf0\x9f\x98\x80", "\xf4\x90\x80\x80", "\xff", std::string(1, '\0'), "\\/", "\\b", "\\f",
      "\\uDBFF\\uDFFF", "\\u07ff", "\\u0800", "\\uffff", "\\u0080", "0e400", "1e400", "}x"};
  std::mt19937_64 rng(20261123);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  size_t failures = 0, rejected = 0;
  const int kMutants = 100000;
  for (int m = 0; m < kMutants; ++m) {
    std::string t = seeds[pick(seeds.size())];
    for (int k = 1 + static_cast<int>(pick(3)); k > 0 && !t.empty(); --k) {
      const size_t at = pick(t.size() + 1);
      switch (pick(4)) {
        case 0: t.insert(at, pieces[pick(pieces.size())]); break;
        case 1: t.erase(at, 1 + pick(4)); break;
        case 2: if (at < t.size()) t[at] = static_cast<char>(rng()); break;
        default: t = t.substr(0, at); break;
      }
    }
    std::string diff = compareWithRapidJson(t);
    if (!diff.empty() && ++failures <= 10) ADD_FAILURE() << show(t.substr(0, 300)) << ": " << diff;
    rejected += omo::parseJson(t, static_cast<std::string*>(nullptr)).is_discarded();
  }
  EXPECT_EQ(failures, 0u);
  // Both kinds are exercised: most mutants are broken, some still parse.
  EXPECT_GT(rejected, kMutants / 4u);
  EXPECT_LT(rejected, kMutants - 100u);
}

}  // namespace
