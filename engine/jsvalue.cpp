#include "jsvalue.h"

#include "parse.h"

#include <cmath>
#include <limits>

namespace omo::js {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool isJsWhitespace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
}  // namespace

double stringToNumber(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && isJsWhitespace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && isJsWhitespace(static_cast<unsigned char>(s[e - 1]))) --e;
  s = s.substr(b, e - b);
  if (s.empty()) return 0;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    double v = 0;
    for (size_t i = 2; i < s.size(); ++i) {
      int d = hexDigit(static_cast<unsigned char>(s[i]));
      if (d < 0) return kNaN;
      v = v * 16 + d;
    }
    return v;
  }
  // A JavaScript decimal literal ([+-] digits [. digits] [e [+-] digits],
  // either side of the point may be empty) rewritten as a JSON number, which
  // the JSON reader converts with full precision.
  std::string json;
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-') {
    if (s[0] == '-') json += '-';
    ++i;
  }
  if (s.substr(i) == "Infinity")
    return json.empty() ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
  size_t intStart = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  std::string_view intPart = s.substr(intStart, i - intStart);
  std::string_view fracPart;
  if (i < s.size() && s[i] == '.') {
    size_t f = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    fracPart = s.substr(f, i - f);
  }
  if (intPart.empty() && fracPart.empty()) return kNaN;
  while (intPart.size() > 1 && intPart[0] == '0') intPart.remove_prefix(1);
  json += intPart.empty() ? std::string_view("0") : intPart;
  if (!fracPart.empty()) {
    json += '.';
    json += fracPart;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    json += 'e';
    json += s.substr(i + 1);  // the reader rejects a malformed exponent
    i = s.size();
  }
  if (i != s.size()) return kNaN;
  JsonError err;
  Json v = parseJson(json, &err);
  if (v.is_number()) return v.asDouble();
  if (err.numberTooBig) return json[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  return kNaN;
}

double toNumber(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return 0;
    case Json::value_t::boolean: return v.get<bool>() ? 1 : 0;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return v.get<double>();
    case Json::value_t::string: return stringToNumber(v.get_ref<const std::string&>());
    case Json::value_t::array: return stringToNumber(toString(v));
    default: return kNaN;  // objects, discarded
  }
}

std::string numberToString(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  std::string out;
  appendJsNumber(out, d);
  return out;
}

std::string toString(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return v.dump();
    case Json::value_t::number_float: return numberToString(v.get<double>());
    case Json::value_t::string: return v.get<std::string>();
    case Json::value_t::array: {
      std::string out;
      bool first = true;
      for (const auto& e : v) {
        if (!first) out += ',';
        first = false;
        if (!e.is_null()) out += toString(e);  // [null].join() == ""
      }
      return out;
    }
    case Json::value_t::object: return "[object Object]";
    default: return "undefined";
  }
}

bool strictEquals(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Json::value_t::null: return true;
    case Json::value_t::boolean: return a.get<bool>() == b.get<bool>();
    case Json::value_t::string: return a.get_ref<const std::string&>() == b.get_ref<const std::string&>();
    default: return false;  // arrays and objects compare by identity in JS
  }
}

namespace {
// ToPrimitive with hint number, for JSON values: arrays and objects become strings.
Json toPrimitive(const Json& v) {
  if (v.is_array() || v.is_object()) return Json(toString(v));
  return v;
}
bool utf16Less(const std::string& a, const std::string& b) { return utf16(a) < utf16(b); }
}  // namespace

bool compare(const Json& a0, const Json& b0, Rel rel) {
  Json a = toPrimitive(a0), b = toPrimitive(b0);
  if (a.is_string() && b.is_string()) {
    const auto& x = a.get_ref<const std::string&>();
    const auto& y = b.get_ref<const std::string&>();
    switch (rel) {
      case Rel::Lt: return utf16Less(x, y);
      case Rel::Lte: return !utf16Less(y, x);
      case Rel::Gt: return utf16Less(y, x);
      case Rel::Gte: return !utf16Less(x, y);
    }
  }
  double x = toNumber(a), y = toNumber(b);
  if (std::isnan(x) || std::isnan(y)) return false;
  switch (rel) {
    case Rel::Lt: return x < y;
    case Rel::Lte: return x <= y;
    case Rel::Gt: return x > y;
    case Rel::Gte: return x >= y;
  }
  return false;
}

const char* typeOf(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::array: return "array";
    case Json::value_t::string: return "string";
    case Json::value_t::boolean: return "boolean";
    case Json::value_t::object: return "object";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return "number";
    default: return "unknown";
  }
}

std::string stringify(const Json& v) { return v.dump(); }

bool truthy(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return false;
    case Json::value_t::boolean: return v.get<bool>();
    case Json::value_t::string: return !v.get_ref<const std::string&>().empty();
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: {
      double d = v.get<double>();
      return d != 0 && !std::isnan(d);
    }
    default: return true;
  }
}

std::string lowerAscii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::u16string utf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0xFFFD;
    size_t len = 1;
    if (c < 0x80) {
      cp = c;
    } else if ((c >> 5) == 0x6 && i + 1 < s.size()) {
      cp = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F);
      len = 2;
    } else if ((c >> 4) == 0xE && i + 2 < s.size()) {
      cp = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
      len = 3;
    } else if ((c >> 3) == 0x1E && i + 3 < s.size()) {
      cp = ((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6) |
           (s[i + 3] & 0x3F);
      len = 4;
    }
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out += static_cast<char16_t>(0xD800 + (cp >> 10));
      out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
    } else {
      out += static_cast<char16_t>(cp);
    }
  }
  return out;
}

}  // namespace omo::js
