// A small regular-expression engine for JavaScript (ECMAScript, non-unicode
// mode) pattern syntax, used by the `$regex` / `$regexi` condition operators.
//
// Why not std::regex: in this Emscripten build exceptions are compiled out, so
// an invalid pattern would abort the page instead of failing one condition,
// and it costs far more bytes than this. Why not RE2: its syntax is not
// JavaScript's and it needs Abseil in the wasm build.
//
// Matching is a Pike VM over UTF-16 code units (as JavaScript strings are):
// linear in the subject for a given pattern without lookahead, so a hostile
// pattern cannot hang the page. A lookahead is its own program, run at most
// once per position of one test() (its result is kept), so a pattern with
// lookaheads is at most quadratic in the subject, whatever their nesting. Supported: literals, escapes (\d \w \s \b \B \t \n \r \f \v \0
// \xHH \uHHHH and escaped punctuation), `.`, classes, groups, non-capturing
// groups, alternation, greedy and lazy quantifiers (* + ? {n} {n,} {n,m}),
// anchors, lookahead (?= ) (?! ) and the `i` flag. Back-references and
// lookbehind are reported as unsupported at compile time.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "shared.h"

namespace omo {

class Regex {
 public:
  // Returns nullptr and sets *error (if given) when the pattern is invalid
  // or unsupported.
  static Shared<const Regex> compile(std::string_view pattern, bool ignoreCase,
                                     std::string* error = nullptr);
  // RegExp.prototype.test: true when the pattern matches anywhere in subject.
  bool test(std::string_view subjectUtf8) const;
  bool test(const std::u16string& subject) const;

  struct Inst;
  struct Program;
  ~Regex();

 private:
  Regex() = default;
  std::vector<Program> programs_;  // [0] is the main program, others lookaheads
  bool ignoreCase_ = false;
  bool matchProgram(size_t prog, const std::u16string& s, size_t start, bool anchored,
                    std::vector<std::vector<signed char>>& looks) const;
};

}  // namespace omo
