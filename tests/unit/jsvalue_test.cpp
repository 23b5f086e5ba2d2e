#include <gtest/gtest.h>

#include <cmath>

#include "jsvalue.h"
#include "parse.h"

using omo::Json;
namespace js = omo::js;

TEST(JsValue, NumberToStringMatchesJavaScript) {
  EXPECT_EQ(js::numberToString(1.5), "1.5");
  EXPECT_EQ(js::numberToString(10), "10");
  EXPECT_EQ(js::numberToString(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(js::numberToString(1e21), "1e+21");
  EXPECT_EQ(js::numberToString(1e-7), "1e-7");
  EXPECT_EQ(js::numberToString(0.000001), "0.000001");
  EXPECT_EQ(js::numberToString(-42), "-42");
}

TEST(JsValue, ToNumber) {
  EXPECT_EQ(js::toNumber(Json("  8 ")), 8);
  EXPECT_EQ(js::toNumber(Json("")), 0);
  EXPECT_EQ(js::toNumber(Json(nullptr)), 0);
  EXPECT_EQ(js::toNumber(Json(true)), 1);
  EXPECT_TRUE(std::isnan(js::toNumber(Json("abc"))));
  EXPECT_TRUE(std::isnan(js::toNumber(Json("inf"))));
  EXPECT_EQ(js::toNumber(Json("0x10")), 16);
  // Out of range: Infinity, and zero digits with a huge exponent are zero.
  EXPECT_EQ(js::toNumber(Json("1e400")), INFINITY);
  EXPECT_EQ(js::toNumber(Json("-1e400")), -INFINITY);
  EXPECT_EQ(js::toNumber(Json("0e400")), 0);
  EXPECT_TRUE(std::signbit(js::toNumber(Json("-0.000e999"))));
  EXPECT_EQ(js::toNumber(Json("1e-400")), 0);
}

TEST(JsValue, RelationalComparison) {
  EXPECT_TRUE(js::compare(Json("8"), Json(5), js::Rel::Gt));
  EXPECT_TRUE(js::compare(Json(8), Json("10"), js::Rel::Lt));
  EXPECT_FALSE(js::compare(Json("8"), Json("10"), js::Rel::Lt));  // string order
  EXPECT_TRUE(js::compare(Json(nullptr), Json(10), js::Rel::Lt));  // null is 0
  EXPECT_FALSE(js::compare(Json("x"), Json(10), js::Rel::Lt));     // NaN
}

TEST(JsValue, StringifyKeepsKeyOrder) {
  Json a = omo::parseJson(R"({"b":1,"a":[1,"x",null,true]})", static_cast<std::string*>(nullptr));
  EXPECT_EQ(js::stringify(a), R"({"b":1,"a":[1,"x",null,true]})");
}
