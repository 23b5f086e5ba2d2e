#include "jsvalue.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
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
  std::string str(s);
  if (str.size() > 2 && str[0] == '0' && (str[1] == 'x' || str[1] == 'X')) {
    double v = 0;
    for (size_t i = 2; i < str.size(); ++i) {
      char c = str[i];
      int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0) return kNaN;
      v = v * 16 + d;
    }
    return v;
  }
  if (str == "Infinity" || str == "+Infinity") return std::numeric_limits<double>::infinity();
  if (str == "-Infinity") return -std::numeric_limits<double>::infinity();
  // strtod accepts more than JS does (hex floats, "inf", "nan"): allow only
  // the decimal literal alphabet first.
  for (char c : str) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'))
      return kNaN;
  }
  char* end = nullptr;
  double v = std::strtod(str.c_str(), &end);
  if (end != str.c_str() + str.size()) return kNaN;
  return v;
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
  if (d == 0) return "0";
  // Shortest representation that round-trips, as JavaScript prints it.
  char buf[40];
  int prec = 1;
  for (; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*e", prec - 1, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  // buf is like "-1.2345e+05": split digits and exponent.
  std::string s(buf);
  bool neg = s[0] == '-';
  if (neg) s.erase(0, 1);
  size_t epos = s.find('e');
  int exp10 = std::atoi(s.c_str() + epos + 1);
  std::string digits;
  for (size_t i = 0; i < epos; ++i)
    if (s[i] != '.') digits += s[i];
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  int k = static_cast<int>(digits.size());
  int n = exp10 + 1;  // position of the decimal point
  std::string out;
  if (k <= n && n <= 21) {
    out = digits + std::string(n - k, '0');
  } else if (0 < n && n <= 21) {
    out = digits.substr(0, n) + "." + digits.substr(n);
  } else if (-6 < n && n <= 0) {
    out = "0." + std::string(-n, '0') + digits;
  } else {
    out = digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    out += (n - 1 >= 0 ? "e+" : "e-") + std::to_string(std::abs(n - 1));
  }
  return neg ? "-" + out : out;
}

std::string toString(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case Json::value_t::number_integer: return std::to_string(v.get<int64_t>());
    case Json::value_t::number_unsigned: return std::to_string(v.get<uint64_t>());
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

std::string stringify(const Json& v) {
  switch (v.type()) {
    case Json::value_t::number_float: {
      double d = v.get<double>();
      return std::isfinite(d) ? numberToString(d) : "null";
    }
    case Json::value_t::array: {
      std::string out = "[";
      bool first = true;
      for (const auto& e : v) {
        if (!first) out += ',';
        first = false;
        out += stringify(e);
      }
      return out + "]";
    }
    case Json::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out += ',';
        first = false;
        out += Json(it.key()).dump() + ":" + stringify(it.value());
      }
      return out + "}";
    }
    default: return v.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
}

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
