// The JSON reader the engine used before its own (engine/parse.cpp), on
// RapidJSON's iterative SAX reader (Debian's rapidjson-dev), kept as the
// oracle the engine's reader is checked against: the unit tests and the fuzz
// target feed both the same texts (compareWithRapidJson).
#include "rapidjson_oracle.h"

#include <cmath>
#include <cstring>

#include <rapidjson/reader.h>

#include "host.h"

namespace omo::oracle {
namespace {

// RapidJSON's SAX events build the DOM; the stack of open containers also
// names the place of an error.
class Builder {
 public:
  Json root;
  struct Open {
    Json* json;
    std::string key;  // of an object: the key read last
  };
  std::vector<Open> open;
  bool tooDeep = false;
  bool badString = false;
  bool numberTooBig = false;

  bool Null() { return add(Json()); }
  bool Bool(bool b) { return add(Json(b)); }
  bool Int(int) { return false; }            // numbers come as text (RawNumber)
  bool Uint(unsigned) { return false; }
  bool Int64(int64_t i) { return add(Json(i)); }
  bool Uint64(uint64_t u) {
    return add(u <= static_cast<uint64_t>(INT64_MAX) ? Json(static_cast<int64_t>(u)) : Json(u));
  }
  bool Double(double d) {
    // Beyond a double's range (1.8e308): an error, never Infinity.
    if ((numberTooBig = !std::isfinite(d))) return false;
    return add(Json(d));
  }
  // The reader hands over each number's text, checked against JSON's
  // grammar. Integers are read here, exact to 64 bits, in the types RapidJSON
  // would give them; the rest is converted by the host (host.h).
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    const bool minus = s[0] == '-';
    uint64_t u = 0;
    bool integer = n - minus <= 19 || (n - minus == 20 && std::strncmp(s + minus, "18446744073709551615", 20) <= 0);
    for (size_t i = minus; integer && i < n; ++i) {
      if (s[i] < '0' || s[i] > '9') integer = false;
      else u = u * 10 + static_cast<uint64_t>(s[i] - '0');
    }
    if (integer && !minus) return Uint64(u);
    if (integer && u <= static_cast<uint64_t>(INT64_MAX) + 1) return Int64(static_cast<int64_t>(0 - u));
    return Double(omo_host_number(s, n));
  }
  // The reader validates the bytes of the text; a \u escape of a lone
  // surrogate still decodes to bytes that are not UTF-8, caught here.
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if ((badString = !validUtf8({s, n}))) return false;
    return add(Json(std::string(s, n)));
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    open.back().key.assign(s, n);
    return !(badString = !validUtf8(open.back().key));
  }
  bool StartObject() { return push(Json::value_t::object); }
  bool StartArray() { return push(Json::value_t::array); }
  bool EndObject(rapidjson::SizeType) { return pop(); }
  bool EndArray(rapidjson::SizeType) { return pop(); }

  std::vector<JsonError::Step> path() const {
    std::vector<JsonError::Step> out;
    for (size_t i = 0; i < open.size(); ++i) {
      const bool inner = i + 1 == open.size();  // else its open child was added already
      if (open[i].json->is_array()) out.push_back({true, open[i].json->size() - !inner, ""});
      else out.push_back({false, 0, open[i].key});
    }
    return out;
  }

 private:
  Json* add(Json v) {
    if (open.empty()) {
      root = std::move(v);
      return &root;
    }
    Open& top = open.back();
    if (top.json->is_array()) {
      top.json->push_back(std::move(v));
      return &top.json->arr().back();
    }
    Json& slot = (*top.json)[top.key];  // a repeated key keeps its place and takes the last value
    slot = std::move(v);
    return &slot;
  }
  bool push(Json::value_t t) {
    if (open.size() >= static_cast<size_t>(kMaxJsonDepth)) {
      tooDeep = true;
      return false;
    }
    open.push_back({add(Json(t)), ""});
    return true;
  }
  bool pop() {
    open.pop_back();
    return true;
  }
};

const char* describe(rapidjson::ParseErrorCode code) {
  using namespace rapidjson;
  switch (code) {
    case kParseErrorDocumentEmpty: return "the text is empty";
    case kParseErrorDocumentRootNotSingular: return "unexpected text after the JSON value";
    case kParseErrorValueInvalid: return "not a JSON value";
    case kParseErrorObjectMissName: return "expected a key in double quotes";
    case kParseErrorObjectMissColon: return "expected ':' after a key";
    case kParseErrorObjectMissCommaOrCurlyBracket: return "expected ',' or '}' after a member";
    case kParseErrorArrayMissCommaOrSquareBracket: return "expected ',' or ']' after an element";
    case kParseErrorStringUnicodeEscapeInvalidHex: return "invalid \\u escape";
    case kParseErrorStringUnicodeSurrogateInvalid: return "invalid UTF-16 surrogate pair in a \\u escape";
    case kParseErrorStringEscapeInvalid: return "invalid escape in a string";
    case kParseErrorStringMissQuotationMark: return "unterminated string";
    case kParseErrorStringInvalidEncoding: return "a string is not valid UTF-8 or holds a control character";
    case kParseErrorNumberTooBig: return "number out of range";
    case kParseErrorNumberMissFraction: return "expected digits after '.'";
    case kParseErrorNumberMissExponent: return "expected digits in the exponent";
    default: return "syntax error";
  }
}


struct Result {
  Json value;
  JsonError error;
  rapidjson::ParseErrorCode code = rapidjson::kParseErrorNone;
  bool badString = false;
};

Result readWithRapidJson(std::string_view text) {
  Result out;
  const void* nul = std::memchr(text.data(), 0, text.size());
  std::string copy(text.substr(0, nul ? static_cast<const char*>(nul) - text.data() : text.size()));
  const size_t length = copy.size();
  // RapidJSON 1.1's UTF-8 validation reads up to two bytes past the
  // terminating NUL of a text that ends inside a multi-byte sequence
  // (Tencent/rapidjson#1636, found here by the fuzz target): room for them.
  copy.append(4, '\0');
  Builder b;
  rapidjson::Reader reader;
  rapidjson::StringStream in(copy.c_str());
  constexpr unsigned kFlags = rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag |
                              rapidjson::kParseNumbersAsStringsFlag;
  rapidjson::ParseResult r = reader.Parse<kFlags>(in, b);
  if (r && !nul) {
    out.value = std::move(b.root);
    return out;
  }
  out.value = Json(Json::value_t::discarded);
  out.error.offset = r ? length : r.Offset();
  out.error.message = r ? "a NUL byte in the text"
                      : b.tooDeep ? "nested deeper than 256 levels"
                      : b.badString ? "a \\u escape of a lone UTF-16 surrogate"
                      : b.numberTooBig ? describe(rapidjson::kParseErrorNumberTooBig)
                                       : describe(r.Code());
  out.error.numberTooBig = !r && (r.Code() == rapidjson::kParseErrorNumberTooBig || b.numberTooBig);
  out.error.path = b.path();
  out.code = r.Code();
  out.badString = b.badString;
  return out;
}

// Same type and value, recursively (== would call 1 and 1.0 equal).
bool same(const Json& a, const Json& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Json::value_t::object:
      if (a.size() != b.size()) return false;
      for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j)
        if (i.key() != j.key() || !same(*i, *j)) return false;
      return true;
    case Json::value_t::array:
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i)
        if (!same(a[i], b[i])) return false;
      return true;
    case Json::value_t::number_float: {
      double x = a.asDouble(), y = b.asDouble();
      return std::memcmp(&x, &y, sizeof x) == 0;
    }
    default: return a == b;
  }
}

std::string describePath(const std::vector<JsonError::Step>& path) {
  std::string s;
  for (const auto& step : path) s += step.isIndex ? "/" + std::to_string(step.index) : "/" + step.key;
  return s;
}

}  // namespace

Json parseWithRapidJson(std::string_view text) { return readWithRapidJson(text).value; }

std::string compareWithRapidJson(std::string_view text) {
  Result theirs = readWithRapidJson(text);
  JsonError ours;
  Json value = parseJson(text, &ours);
  // Where the two readers differ by design:
  // - RapidJSON rejects a number whose exponent or digits go beyond its
  //   limits even when the value is finite or zero ("0e400"); ours reads it
  //   as JavaScript's Number() does. So ours must reject it there when
  //   Number() gives Infinity; otherwise the rest of the text is compared,
  //   with that number written as 0;
  if (theirs.code == rapidjson::kParseErrorNumberTooBig) {
    // The number at RapidJSON's offset, by JSON's grammar; RapidJSON stops
    // at the digit that overflows, so a '.' or an exponent without digits
    // after it is ours to report, at the place its digits are missing.
    const size_t at = theirs.error.offset;
    size_t end = at;
    bool complete = true;
    auto digits = [&] {
      const size_t from = end;
      while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
      complete = complete && end > from;
    };
    end += text[end] == '-';
    digits();
    if (end < text.size() && text[end] == '.') ++end, digits();
    if (end < text.size() && (text[end] == 'e' || text[end] == 'E')) {
      ++end;
      if (end < text.size() && (text[end] == '+' || text[end] == '-')) ++end;
      digits();
    }
    if (!complete) {
      if (value.is_discarded() && ours.offset == end) return "";
      return "a malformed number RapidJSON found out of range, reported elsewhere by ours: " + ours.message;
    }
    if (std::isinf(omo_host_number(text.data() + at, end - at))) {
      if (value.is_discarded() && ours.offset == at && ours.numberTooBig &&
          describePath(ours.path) == describePath(theirs.error.path))
        return "";
      return "a number out of range, not reported as such by ours: " + ours.message;
    }
    return compareWithRapidJson(std::string(text.substr(0, at)) + "0" + std::string(text.substr(end)));
  }
  // - ours reports a \u escape of a lone low surrogate at the escape, while
  //   RapidJSON decodes it, and rejects the string after it ends or at a
  //   later error in it.
  const bool oursLone = value.is_discarded() && ours.message.find("lone UTF-16 surrogate") != std::string::npos;
  if (oursLone || theirs.badString) {
    if (oursLone && theirs.value.is_discarded() && theirs.error.offset >= ours.offset) return "";
    return "a lone surrogate: " + ours.message + " / " + theirs.error.message;
  }
  if (value.is_discarded() != theirs.value.is_discarded())
    return value.is_discarded() ? "only ours rejects: " + ours.message
                                : "only RapidJSON rejects at " + std::to_string(theirs.error.offset) + ": " + theirs.error.message;
  if (!value.is_discarded()) return same(value, theirs.value) ? "" : "different values: " + value.dump() + " / " + theirs.value.dump();
  if (ours.offset != theirs.error.offset)
    return "error offsets " + std::to_string(ours.offset) + " / " + std::to_string(theirs.error.offset) + ": " + ours.message +
           " / " + theirs.error.message;
  if (ours.numberTooBig != theirs.error.numberTooBig) return "numberTooBig differs: " + ours.message;
  if (describePath(ours.path) != describePath(theirs.error.path))
    return "error paths " + describePath(ours.path) + " / " + describePath(theirs.error.path);
  return "";
}

}  // namespace omo::oracle
