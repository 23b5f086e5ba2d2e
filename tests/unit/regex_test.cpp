#include <gtest/gtest.h>

#include <chrono>

#include "jsregex.h"

using omo::Regex;

namespace {
bool test(const char* pattern, const char* subject, bool icase = false) {
  auto re = Regex::compile(pattern, icase);
  return re && re->test(subject);
}
bool invalid(const char* pattern) { return Regex::compile(pattern, false) == nullptr; }
}  // namespace

TEST(Regex, LiteralsAnchorsAndClasses) {
  EXPECT_TRUE(test("-12-25$", "1980-12-25"));
  EXPECT_FALSE(test("-12-25$", "1980-12-25x"));
  EXPECT_TRUE(test("^ping", "pingpong"));
  EXPECT_FALSE(test("^ping", "xpingpong"));
  EXPECT_TRUE(test("[a-c]x[^0-9]", "zzbxz"));
  EXPECT_FALSE(test("[a-c]x[^0-9]", "bx9"));
  EXPECT_TRUE(test("\\d{3}-\\d{4}", "call 555-1234 now"));
  EXPECT_FALSE(test("\\d{3}-\\d{4}", "55-1234"));
  EXPECT_TRUE(test("\\bcat\\b", "a cat sat"));
  EXPECT_FALSE(test("\\bcat\\b", "concatenate"));
  EXPECT_TRUE(test("colou?r", "color"));
  EXPECT_TRUE(test("a{2,3}$", "caaa"));
  EXPECT_TRUE(test("x{", "x{"));  // Annex B: a lone brace is a literal
}

TEST(Regex, AlternationGroupsAndLookahead) {
  EXPECT_TRUE(test("(Mobile|Tablet)", "Android Mobile Browser"));
  EXPECT_FALSE(test("(mobile|tablet)", "Android Mobile Browser"));
  EXPECT_TRUE(test("(mobile|tablet)", "Android Mobile Browser", true));
  EXPECT_TRUE(test("(?:ab)+c", "xxababc"));
  EXPECT_TRUE(test("foo(?=bar)", "foobar"));
  EXPECT_FALSE(test("foo(?!bar)", "foobar"));
  EXPECT_TRUE(test("", "anything"));
}

TEST(Regex, UnicodeSubjectsAreUtf16) {
  EXPECT_TRUE(test("^.$", "犬"));
  EXPECT_TRUE(test("^..$", "🐕"));  // a surrogate pair is two code units, as in JS
  EXPECT_TRUE(test("さん", "アイコさん"));
}

TEST(Regex, InvalidPatternsAreErrorsNotCrashes) {
  EXPECT_TRUE(invalid("/???***[)"));
  EXPECT_TRUE(invalid("(abc"));
  EXPECT_TRUE(invalid("abc)"));
  EXPECT_TRUE(invalid("[abc"));
  EXPECT_TRUE(invalid("*a"));
  EXPECT_TRUE(invalid("a**"));
  EXPECT_TRUE(invalid("[z-a]"));
  EXPECT_TRUE(invalid("a{3,1}"));
  EXPECT_TRUE(invalid("(a)\\1"));
  EXPECT_TRUE(invalid("\\"));
  std::string err;
  EXPECT_EQ(Regex::compile("(?<x>a)", false, &err), nullptr);
  EXPECT_NE(err.find("not supported"), std::string::npos);
}

TEST(Regex, PathologicalPatternsStayLinear) {
  // (a+)+$ on "aaaa…b" is exponential for a backtracking engine.
  std::string subject(5000, 'a');
  subject += 'b';
  auto re = Regex::compile("(a+)+$", false);
  ASSERT_TRUE(re);
  EXPECT_FALSE(re->test(subject));
  EXPECT_TRUE(test("(a*)*b", "aaab"));
  EXPECT_EQ(Regex::compile("(a{1000}){1000}", false), nullptr);  // too large, refused
}

// A lookahead inside a lookahead ran again for every position of the outer
// one: three levels on 400 characters took 45 s, four never ended.
TEST(Regex, NestedLookaheadsStayPolynomial) {
  std::string subject(400, 'a');
  auto start = std::chrono::steady_clock::now();
  auto re = Regex::compile("(?=.*(?=.*(?=.*x)))", false);
  ASSERT_TRUE(re);
  EXPECT_FALSE(re->test(subject));
  EXPECT_TRUE(re->test(subject + "x"));
  EXPECT_TRUE(test("a(?=b(?!c))", "abd"));
  EXPECT_FALSE(test("a(?=b(?!c))", "abc"));
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5.0);
}

// The instruction bound was per program, and each copy of a repeated
// lookahead is a program of its own: a 30-character pattern compiled to
// 20 million instructions (380 MB), a nested one to billions. Class ranges
// are copied with their class and count too.
TEST(Regex, RepeatedLookaheadsAndClassesAreBoundedToo) {
  EXPECT_EQ(Regex::compile("(?:(?:(?=a{1000})){1000}){19}", false), nullptr);
  EXPECT_EQ(Regex::compile("(?=(?:(?=(?:(?=a{100})){100})){100})", false), nullptr);
  EXPECT_EQ(Regex::compile("[" + std::string(5000, 'b') + "a]{1000}", false), nullptr);
  EXPECT_TRUE(test("(?:(?=a)a){3}", "aaa"));
  EXPECT_TRUE(test("[ab]{1000}", std::string(1000, 'a').c_str()));
}
