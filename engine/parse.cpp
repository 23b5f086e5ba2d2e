#include "parse.h"

#include <cmath>
#include <cstring>

#include <rapidjson/reader.h>

#include "host.h"

namespace omo {
namespace {

// RapidJSON's SAX events build the DOM; the stack of open containers also
// names the place of an error.
class Builder {
 public:
  Json root;
  std::vector<Json*> open;
  std::vector<std::string> keys;  // per open object: the key being read
  std::string key;
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
    key.assign(s, n);
    return !(badString = !validUtf8(key));
  }
  bool StartObject() { return push(Json::value_t::object); }
  bool StartArray() { return push(Json::value_t::array); }
  bool EndObject(rapidjson::SizeType) { return pop(); }
  bool EndArray(rapidjson::SizeType) { return pop(); }

  std::vector<JsonError::Step> path() const {
    std::vector<JsonError::Step> out;
    for (const Json* c : open) {
      if (c->is_array()) out.push_back({true, c->size(), ""});
      else out.push_back({false, 0, ""});
    }
    // An open object's step is the key of its open child, or the key just read.
    for (size_t i = 0, k = 0; i < out.size(); ++i) {
      if (out[i].isIndex) {
        if (i + 1 < out.size()) --out[i].index;  // that child was added already
      } else {
        out[i].key = i + 1 < out.size() ? keys[k] : key;
        ++k;
      }
    }
    return out;
  }

 private:
  Json* add(Json v) {
    if (open.empty()) {
      root = std::move(v);
      return &root;
    }
    Json* top = open.back();
    if (top->is_array()) {
      top->push_back(std::move(v));
      return &top->arr().back();
    }
    Json& slot = (*top)[key];  // a repeated key keeps its place and takes the last value
    slot = std::move(v);
    return &slot;
  }
  bool push(Json::value_t t) {
    if (open.size() >= static_cast<size_t>(kMaxJsonDepth)) {
      tooDeep = true;
      return false;
    }
    if (!open.empty() && open.back()->is_object()) keys.push_back(key);
    open.push_back(add(Json(t)));
    return true;
  }
  bool pop() {
    open.pop_back();
    if (!open.empty() && open.back()->is_object()) keys.pop_back();
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

}  // namespace

Json parseJson(std::string_view text, JsonError* error) {
  // RapidJSON reads up to a NUL: copy, and reject a NUL inside the text.
  const void* nul = std::memchr(text.data(), 0, text.size());
  std::string copy(text.substr(0, nul ? static_cast<const char*>(nul) - text.data() : text.size()));
  Builder b;
  rapidjson::Reader reader;
  rapidjson::StringStream in(copy.c_str());
  constexpr unsigned kFlags = rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag |
                              rapidjson::kParseNumbersAsStringsFlag;
  rapidjson::ParseResult r = reader.Parse<kFlags>(in, b);
  if (r && !nul) return std::move(b.root);
  if (error) {
    JsonError e;
    e.offset = r ? copy.size() : r.Offset();
    for (size_t i = 0; i < e.offset && i < copy.size(); ++i) {
      if (copy[i] == '\n') {
        ++e.line;
        e.column = 1;
      } else {
        ++e.column;
      }
    }
    const char* why = r ? "a NUL byte in the text"
                      : b.tooDeep ? "nested deeper than 256 levels"
                      : b.badString ? "a \\u escape of a lone UTF-16 surrogate"
                      : b.numberTooBig ? describe(rapidjson::kParseErrorNumberTooBig)
                                  : describe(r.Code());
    e.numberTooBig = !r && (r.Code() == rapidjson::kParseErrorNumberTooBig || b.numberTooBig);
    e.message = "line " + decimal(e.line) + ", column " + decimal(e.column) + ": " + why;
    e.path = b.path();
    *error = std::move(e);
  }
  return Json(Json::value_t::discarded);
}

Json parseJson(std::string_view text, std::string* error) {
  JsonError e;
  Json j = parseJson(text, error ? &e : nullptr);
  if (error && j.is_discarded()) *error = e.message;
  return j;
}

}  // namespace omo
