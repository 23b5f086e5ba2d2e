// omo::Json, the engine's JSON DOM, and parseJson (engine/json.*, parse.*).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "json.h"
#include "parse.h"

using omo::Json;
using omo::JsonError;
using omo::parseJson;

namespace {
Json parse(const std::string& text) { return parseJson(text, static_cast<std::string*>(nullptr)); }
JsonError errorOf(const std::string& text) {
  JsonError e;
  EXPECT_TRUE(parseJson(text, &e).is_discarded()) << text;
  return e;
}
// The shortest "%.*e" that reads back as d, as digits and exponent: the
// reference for "shortest round-trip" (libc's printf is correctly rounded).
std::string shortestReference(double d) {
  char buf[64];
  for (int p = 1; p <= 17; ++p) {
    std::snprintf(buf, sizeof buf, "%.*e", p - 1, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  return buf;
}
}  // namespace

TEST(Json, NumbersPrintAsJavaScriptDoes) {
  // Expected strings are what String(x) / JSON.stringify(x) give in JavaScript.
  EXPECT_EQ(Json(0.1 + 0.2).dump(), "0.30000000000000004");
  EXPECT_EQ(Json(1.0 / 3).dump(), "0.3333333333333333");
  EXPECT_EQ(Json(5e-324).dump(), "5e-324");
  EXPECT_EQ(Json(1.7976931348623157e308).dump(), "1.7976931348623157e+308");
  EXPECT_EQ(Json(1.2345678901234568e20).dump(), "123456789012345680000");
  EXPECT_EQ(Json(1e21).dump(), "1e+21");
  EXPECT_EQ(Json(1e-7).dump(), "1e-7");
  EXPECT_EQ(Json(0.000001).dump(), "0.000001");
  EXPECT_EQ(Json(3.0).dump(), "3");
  EXPECT_EQ(Json(-0.5).dump(), "-0.5");
  EXPECT_EQ(Json(9007199254740992.0).dump(), "9007199254740992");
  EXPECT_EQ(Json(std::nan("")).dump(), "null");
  EXPECT_EQ(Json(INFINITY).dump(), "null");
  EXPECT_EQ(Json(INT64_MIN).dump(), "-9223372036854775808");
  EXPECT_EQ(Json(UINT64_MAX).dump(), "18446744073709551615");
}

TEST(Json, RandomDoublesPrintShortestAndReadBackExactly) {
  std::mt19937_64 rng(20261123);
  for (int i = 0; i < 200000; ++i) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isfinite(d)) continue;
    std::string text = Json(d).dump();
    Json back = parse(text);
    ASSERT_TRUE(back.is_number()) << text;
    ASSERT_EQ(back.get<double>(), d) << text;
    // Same significant digits as the shortest correctly rounded printf form.
    std::string ref = shortestReference(std::fabs(d));
    std::string refDigits, gotDigits;
    for (char c : ref.substr(0, ref.find('e')))
      if (c >= '0' && c <= '9') refDigits += c;
    for (char c : text.substr(0, text.find('e')))
      if (c >= '0' && c <= '9') gotDigits += c;
    auto trim = [](std::string s) {
      while (s.size() > 1 && s.back() == '0') s.pop_back();
      size_t z = s.find_first_not_of('0');
      return z == std::string::npos ? std::string("0") : s.substr(z);
    };
    ASSERT_EQ(trim(gotDigits), trim(refDigits)) << text << " vs " << ref;
  }
}

TEST(Json, ParsesNumbersExactly) {
  EXPECT_EQ(parse("9223372036854775807").get<int64_t>(), INT64_MAX);
  EXPECT_EQ(parse("-9223372036854775808").get<int64_t>(), INT64_MIN);
  EXPECT_TRUE(parse("18446744073709551615").is_number_unsigned());
  EXPECT_TRUE(parse("18446744073709551616").is_number_float());
  EXPECT_EQ(parse("0.1").get<double>(), 0.1);
  EXPECT_EQ(parse("2.2250738585072011e-308").get<double>(), 2.2250738585072011e-308);
  EXPECT_EQ(parse("1e-400").get<double>(), 0.0);
  EXPECT_TRUE(parse("12").is_number_integer());
  EXPECT_TRUE(parse("12.0").is_number_float());
  // Integers are read by the engine, in RapidJSON's types; beyond 64 bits
  // they are doubles, converted by the host (host.h).
  EXPECT_EQ(parse("-0").get<int64_t>(), 0);
  EXPECT_TRUE(parse("-9223372036854775809").is_number_float());
  EXPECT_EQ(parse("-9223372036854775809").get<double>(), -9223372036854775808.0);
  EXPECT_TRUE(parse("99999999999999999999").is_number_float());
  EXPECT_EQ(parse("123.456e-2").get<double>(), 1.23456);
  EXPECT_EQ(parse("1E+2").get<double>(), 100.0);
  // Too small for a double is zero, of its sign, whichever way the text says it.
  EXPECT_TRUE(std::signbit(parse("-1e-400").get<double>()));
  EXPECT_EQ(parse("0." + std::string(400, '0') + "1e5").get<double>(), 0.0);
  EXPECT_EQ(parse("2.4703282292062328e-324").get<double>(), 5e-324);  // rounds up to the smallest
  // A number is what JavaScript's Number() reads, whatever its exponent or
  // digits: RapidJSON's reader rejected these as out of range.
  EXPECT_EQ(parse("0e400").get<double>(), 0.0);
  EXPECT_EQ(parse("0.001e310").get<double>(), 1e307);
}

TEST(Json, SyntaxErrorsNameLineColumnAndPlace) {
  JsonError e = errorOf("{\n  \"a\": 1,\n  \"b\" 2\n}");
  EXPECT_EQ(e.line, 3u);
  EXPECT_EQ(e.column, 7u);
  EXPECT_NE(e.message.find("line 3, column 7: expected ':'"), std::string::npos) << e.message;

  // Beyond a double's range by its digits, not only by its exponent: an error
  // at the number, never Infinity.
  e = errorOf("[0, 1.8e308]");
  EXPECT_TRUE(e.numberTooBig);
  EXPECT_EQ(e.column, 5u);
  EXPECT_NE(e.message.find("number out of range"), std::string::npos) << e.message;

  e = errorOf(R"({"reports":[{"eps":1},{"eps":1e400}]})");
  EXPECT_TRUE(e.numberTooBig);
  ASSERT_EQ(e.path.size(), 3u);
  EXPECT_EQ(e.path[0].key, "reports");
  EXPECT_TRUE(e.path[1].isIndex);
  EXPECT_EQ(e.path[1].index, 1u);
  EXPECT_EQ(e.path[2].key, "eps");

  for (const char* bad : {"", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "tru", "\"\\x\"", "[1] 2",
                          "{'a':1}", "\"a\nb\"", "NaN", "Infinity", "\"\\ud800\"", "\"\\udc00x\"", "{\"\\udc00\":1}"})
    errorOf(bad);
}

TEST(Json, AnErrorsPathNamesTheOpenContainers) {
  auto path = [](const std::string& text) {
    std::string p;
    for (const auto& step : errorOf(text).path) p += step.isIndex ? "/" + std::to_string(step.index) : "/" + step.key;
    return p;
  };
  EXPECT_EQ(path(R"({"a":{"b":1} x})"), "/a");      // after a child closed: the key of that child
  EXPECT_EQ(path(R"({"a":[{"b":1}],})"), "/a");
  EXPECT_EQ(path(R"({"a":{"\q":1}})"), "/a/");    // no key read yet in the inner object
  EXPECT_EQ(path(R"([[1,2],[3 4]])"), "/1/1");
  EXPECT_EQ(path(R"({"a":[1,{"b":tru}]})"), "/a/1/b");
}

TEST(Json, RejectsInvalidUtf8NulAndDeepNesting) {
  errorOf("\"\xff\"");
  errorOf("\"\xc0\xaf\"");  // overlong '/'
  errorOf(std::string("{\"a\":1}\0{", 9));
  EXPECT_TRUE(parse(std::string(omo::kMaxJsonDepth, '[') + std::string(omo::kMaxJsonDepth, ']')).is_array());
  JsonError e = errorOf(std::string(omo::kMaxJsonDepth + 1, '[') + std::string(omo::kMaxJsonDepth + 1, ']'));
  EXPECT_NE(e.message.find("nested deeper"), std::string::npos) << e.message;
  errorOf(std::string(100000, '['));  // hostile nesting: an error, not a stack overflow
}

TEST(Json, StringsEscapeLikeJsonStringify) {
  EXPECT_EQ(Json("a\"b\\c\n\t\x01").dump(), R"("a\"b\\c\n\t\u0001")");
  EXPECT_EQ(Json("ねこ <img>").dump(), "\"ねこ <img>\"");
  EXPECT_EQ(Json(std::string("a\xff")).dump(), "\"a\xEF\xBF\xBD\"");  // U+FFFD, never invalid output
  EXPECT_EQ(parse(R"("\u00e9\ud83d\ude00")").get<std::string>(), "é😀");
}

TEST(Json, ObjectsKeepKeyOrderAndTheLastDuplicate) {
  Json j = parse(R"({"b":1,"a":2,"b":3})");
  EXPECT_EQ(j.dump(), R"({"b":3,"a":2})");
  j["c"] = Json::array();
  j["c"].push_back(1);
  j.erase("a");
  EXPECT_EQ(j.dump(), R"({"b":3,"c":[1]})");
  EXPECT_EQ(j.dump(2), "{\n  \"b\": 3,\n  \"c\": [\n    1\n  ]\n}");
  EXPECT_EQ(Json::object().dump(2), "{}");
}

TEST(Json, LargeObjectsReadInLinearTimeWithTheSameDuplicateRule) {
  // Past 16 members the reader finds keys through a hash table: the same
  // result, each repeated key in its first place with its last value.
  std::string text = "{", expected = "{";
  for (int i = 0; i < 5000; ++i) {
    text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
    expected += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i % 7 == 3 ? -i : i);
  }
  for (int i = 3; i < 5000; i += 7) text += ",\"k" + std::to_string(i) + "\":" + std::to_string(-i);
  Json j = parse(text + "}");
  EXPECT_EQ(j.dump(), expected + "}");
  EXPECT_EQ(j.size(), 5000u);
  // Nested large objects each keep their own table.
  Json n = parse("{\"a\":" + text + "},\"b\":" + text + ",\"k1\":0},\"a\":1}");
  EXPECT_EQ(n["a"].get<int64_t>(), 1);
  EXPECT_EQ(n["b"].size(), 5000u);
  EXPECT_EQ(n["b"]["k1"].get<int64_t>(), 0);
}

TEST(Json, InitializerListsAndEquality) {
  Json obj = {{"src", "a.svg"}, {"alt", ""}};
  EXPECT_TRUE(obj.is_object());
  Json arr = {1, "two", nullptr};
  EXPECT_TRUE(arr.is_array());
  EXPECT_EQ(arr.size(), 3u);
  EXPECT_EQ(Json(1), Json(1.0));
  EXPECT_EQ(Json(static_cast<uint64_t>(7)), Json(7));
  EXPECT_NE(Json(-1), Json(UINT64_MAX));
  EXPECT_NE(Json("1"), Json(1));
  EXPECT_EQ(parse(R"({"a":[1,{"b":null}]})"), parse(R"({"a":[1.0,{"b":null}]})"));
}

TEST(Json, WrongTypeReadsGiveZeroNeverAbort) {
  Json s("x"), n(5);
  EXPECT_EQ(s.get<int>(), 0);
  EXPECT_EQ(n.get<std::string>(), "");
  EXPECT_FALSE(n.get<bool>());
  EXPECT_TRUE(s["missing"].is_null());
  EXPECT_TRUE(static_cast<const Json&>(n)[3].is_null());
  Json grown = n;
  grown[2] = 1;  // a non-const index makes an array that holds it
  EXPECT_EQ(grown.dump(), "[null,null,1]");
  EXPECT_EQ(Json(1e300).get<int64_t>(), 0);  // out of range: 0, not undefined behaviour
  EXPECT_EQ(Json::object().value("k", 4), 4);
}
