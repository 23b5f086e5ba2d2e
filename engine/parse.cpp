#include "parse.h"

#include <cmath>
#include <cstring>
#include <map>

#include "diagnostics.h"
#include "host.h"

namespace omo {
namespace {

// JSON (RFC 8259) read by recursive descent into the DOM. Our own reader, not
// RapidJSON's: in the browser bundle this one is 2.3 KB gzip smaller
// (docs/architecture.md, "Why these libraries"). It reports errors at the same
// places as RapidJSON's iterative reader, which tests/unit/parse_oracle_test
// and the fuzz target check against it. Nesting is bounded (kMaxJsonDepth),
// so the recursion is too.
class Reader {
 public:
  Reader(const char* begin, const char* end) : begin_(begin), p_(begin), end_(end) {}

  Json root;
  std::vector<std::string>* repeated = nullptr;  // when wanted: the pointer of each repeated key
  const char* why = nullptr;  // the first error, at offset `at`
  size_t at = 0;
  bool numberTooBig = false;

  void document() {
    ws();
    if (p_ == end_) {
      fail("the text is empty", p_);
      return;
    }
    if (!value()) return;
    ws();
    if (p_ != end_) fail("unexpected text after the JSON value", p_);
  }

  // Where the error is: the key or index of each open container, from the root.
  std::vector<JsonError::Step> path() const {
    std::vector<JsonError::Step> out;
    for (size_t i = 0; i < open_.size(); ++i) {
      const Open& o = open_[i];
      const bool inner = i + 1 == open_.size();  // else its open child was added already
      if (o.json->is_array()) out.push_back({true, o.json->size() - !inner, ""});
      else out.push_back({false, 0, o.key});
    }
    return out;
  }

 private:
  const char* const begin_;
  const char* p_;
  const char* const end_;
  struct Open {
    Json* json;
    std::string key;              // of an object: the key read last
    std::map<std::string, int64_t> index;  // of a large object: its members' positions (memberNamed)
  };
  std::vector<Open> open_;  // the containers being read, outermost first
  std::string text_;        // a string being decoded

  bool fail(const char* message, const char* where) {
    why = message;
    at = static_cast<size_t>(where - begin_);
    return false;
  }
  bool is(char c) const { return p_ != end_ && *p_ == c; }
  bool digit() const { return p_ != end_ && *p_ >= '0' && *p_ <= '9'; }
  void digits() {
    while (digit()) ++p_;
  }
  void ws() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  Json* add(Json v) {
    if (open_.empty()) {
      root = std::move(v);
      return &root;
    }
    Open& top = open_.back();
    if (top.json->is_array()) {
      top.json->push_back(std::move(v));
      return &top.json->arr().back();
    }
    Json& slot = memberNamed(top);  // a repeated key keeps its place and takes the last value
    slot = std::move(v);
    return &slot;
  }

  // The member of o's object named o.key, added at the end when there is none.
  // Searching the members one by one made reading an object of n members take
  // n^2 steps (a catalog of 50,000 products took 3.7 s); past a few members
  // they are found through an index of their positions by key.
  Json& memberNamed(Open& o) {
    Json::object_t& members = o.json->obj();
    const int64_t n = static_cast<int64_t>(members.size());
    if (n < 16) {
      for (auto& m : members)
        if (m.first == o.key) return repeat(m.second);
    } else {
      if (o.index.empty())
        for (int64_t i = 0; i < n; ++i) o.index[members[i].first] = i;
      auto it = o.index.find(o.key);
      if (it != o.index.end()) return repeat(members[it->second].second);
      o.index[o.key] = n;
    }
    members.emplace_back(o.key, Json());
    return members.back().second;
  }

  Json& repeat(Json& member) {
    if (kAuthoringChecks && repeated) {
      std::string ptr;
      for (const auto& s : path()) ptr = s.isIndex ? pointerJoin(ptr, s.index) : pointerJoin(ptr, s.key);
      repeated->push_back(ptr);
    }
    return member;
  }

  // A value at p_, which is not whitespace.
  bool value() {
    if (p_ == end_) return fail("not a JSON value", p_);
    switch (*p_) {
      case '{': return container(Json::value_t::object);
      case '[': return container(Json::value_t::array);
      case '"':
        if (!string()) return false;
        add(Json(std::move(text_)));
        return true;
      case 't': return literal("true", Json(true));
      case 'f': return literal("false", Json(false));
      case 'n': return literal("null", Json());
      default: return number();  // and anything else, which is not a value
    }
  }

  bool literal(const char* word, Json v) {
    for (++p_, ++word; *word; ++p_, ++word)
      if (!is(*word)) return fail("not a JSON value", p_);
    add(std::move(v));
    return true;
  }

  // Checked against JSON's grammar; integers are read here, exact to 64 bits
  // (int64 when they fit, else uint64), the rest converted by the host.
  bool number() {
    const char* start = p_;
    const bool minus = is('-');
    p_ += minus;
    if (is('0')) ++p_;
    else if (digit()) digits();
    else return fail("not a JSON value", p_);
    bool integer = true;
    if (is('.')) {
      ++p_;
      integer = false;
      if (!digit()) return fail("expected digits after '.'", p_);
      digits();
    }
    if (is('e') || is('E')) {
      ++p_;
      integer = false;
      if (is('+') || is('-')) ++p_;
      if (!digit()) return fail("expected digits in the exponent", p_);
      digits();
    }
    const size_t n = static_cast<size_t>(p_ - start) - minus;  // its digits, when an integer
    if (integer && (n < 20 || (n == 20 && std::strncmp(start + minus, "18446744073709551615", 20) <= 0))) {
      uint64_t u = 0;
      for (const char* d = start + minus; d != p_; ++d) u = u * 10 + static_cast<uint64_t>(*d - '0');
      if (!minus) {
        add(u <= static_cast<uint64_t>(INT64_MAX) ? Json(static_cast<int64_t>(u)) : Json(u));
        return true;
      }
      if (u <= static_cast<uint64_t>(INT64_MAX) + 1) {
        add(Json(static_cast<int64_t>(0 - u)));
        return true;
      }
    }
    const double d = omo_host_number(start, static_cast<size_t>(p_ - start));
    // Beyond a double's range (1.8e308): an error, never Infinity.
    if ((numberTooBig = !std::isfinite(d))) return fail("number out of range", start);
    add(Json(d));
    return true;
  }

  int hex4() {
    int v = 0;
    for (int i = 0; i < 4; ++i, ++p_) {
      if (p_ == end_) return -1;
      const int h = hexDigit(static_cast<unsigned char>(*p_));
      if (h < 0) return -1;
      v = v * 16 + h;
    }
    return v;
  }

  void utf8(uint32_t cp) {
    if (cp < 0x80) {
      text_ += static_cast<char>(cp);
      return;
    }
    const int n = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    text_ += static_cast<char>((0xF00 >> n) | (cp >> (6 * (n - 1))));
    for (int k = n - 2; k >= 0; --k) text_ += static_cast<char>(0x80 | ((cp >> (6 * k)) & 0x3F));
  }

  // The string at p_ (its opening quote), decoded into text_.
  bool string() {
    text_.clear();
    for (++p_;;) {
      if (p_ == end_) return fail("unterminated string", p_);
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return fail("a control character in a string", p_);
      if (c != '\\') {
        const size_t n = utf8Length(reinterpret_cast<const unsigned char*>(p_), static_cast<size_t>(end_ - p_), 0);
        if (!n) return fail("a string is not valid UTF-8", p_);
        text_.append(p_, n);
        p_ += n;
        continue;
      }
      const char* escape = p_++;
      const char e = p_ == end_ ? 0 : *p_++;
      switch (e) {
        case '"': case '\\': case '/': text_ += e; continue;
        case 'b': text_ += '\b'; continue;
        case 'f': text_ += '\f'; continue;
        case 'n': text_ += '\n'; continue;
        case 'r': text_ += '\r'; continue;
        case 't': text_ += '\t'; continue;
        default: break;
      }
      if (e != 'u') return fail("invalid escape in a string", escape);
      int cp = hex4();
      if (cp < 0) return fail("invalid \\u escape", escape);
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        const bool escaped = is('\\') && p_ + 1 != end_ && p_[1] == 'u';
        if (!escaped) return fail("invalid UTF-16 surrogate pair in a \\u escape", escape);
        p_ += 2;
        const int low = hex4();
        if (low < 0) return fail("invalid \\u escape", escape);
        if (low < 0xDC00 || low > 0xDFFF) return fail("invalid UTF-16 surrogate pair in a \\u escape", escape);
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return fail("a \\u escape of a lone UTF-16 surrogate", escape);
      }
      utf8(static_cast<uint32_t>(cp));
    }
  }

  // An object or array at p_; its members or elements, then its end.
  bool container(Json::value_t type) {
    if (open_.size() >= static_cast<size_t>(kMaxJsonDepth)) return fail("nested deeper than 256 levels", p_);
    const bool object = type == Json::value_t::object;
    const char close = object ? '}' : ']';
    open_.push_back({add(Json(type)), "", {}});
    ++p_;
    ws();
    if (!is(close)) {
      for (;;) {
        if (object) {
          if (!is('"')) return fail("expected a key in double quotes", p_);
          if (!string()) return false;
          open_.back().key = std::move(text_);
          ws();
          if (!is(':')) return fail("expected ':' after a key", p_);
          ++p_;
          ws();
        }
        if (!value()) return false;
        ws();
        if (!is(',')) break;
        ++p_;
        ws();
      }
      if (!is(close)) return fail(object ? "expected ',' or '}' after a member" : "expected ',' or ']' after an element", p_);
    }
    ++p_;
    open_.pop_back();
    return true;
  }
};

}  // namespace

Json parseJson(std::string_view text, JsonError* error, std::vector<std::string>* repeatedKeys) {
  // A NUL byte ends the text; if what comes before it is JSON, the NUL is the error.
  const void* nul = text.empty() ? nullptr : std::memchr(text.data(), 0, text.size());
  const char* end = nul ? static_cast<const char*>(nul) : text.data() + text.size();
  Reader r(text.data(), end);
  r.repeated = repeatedKeys;
  r.document();
  if (!r.why && !nul) return std::move(r.root);
  if (error) {
    JsonError e;
    e.offset = r.why ? r.at : static_cast<size_t>(end - text.data());
    for (size_t i = 0; i < e.offset; ++i) {
      if (text[i] == '\n') {
        ++e.line;
        e.column = 1;
      } else {
        ++e.column;
      }
    }
    e.numberTooBig = r.numberTooBig;
    e.message = "line " + decimal(e.line) + ", column " + decimal(e.column) + ": " + (r.why ? r.why : "a NUL byte in the text");
    e.path = r.path();
    *error = std::move(e);
  }
  return Json(Json::value_t::discarded);
}

Json parseJson(std::string_view text, std::string* error, std::vector<std::string>* repeatedKeys) {
  JsonError e;
  Json j = parseJson(text, error ? &e : nullptr, repeatedKeys);
  if (error && j.is_discarded()) *error = e.message;
  return j;
}

}  // namespace omo
