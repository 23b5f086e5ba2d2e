#include "json.h"

#include <cmath>
#include <cstring>

#include "host.h"

namespace omo {
namespace {
const std::string kEmptyString;
const Json kNull;

void appendUnsigned(std::string& out, uint64_t u) {
  char buf[24];
  char* p = buf + sizeof buf;
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u);
  out.append(p, buf + sizeof buf - p);
}

}  // namespace

size_t utf8Length(const unsigned char* s, size_t n, size_t i) {
  unsigned char c = s[i];
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > n) return 0;
  uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < len; ++k) {
    if ((s[i + k] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i + k] & 0x3F);
  }
  static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

size_t codePoints(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t count = 0;
  for (size_t i = 0, len; i < s.size(); i += len, ++count)
    if (!(len = utf8Length(p, s.size(), i))) return std::string_view::npos;
  return count;
}

void appendJsonString(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), run = 0;  // s[run..i) is copied as it is
  for (size_t i = 0; i < n;) {
    unsigned char c = p[i];
    size_t len = c < 0x80 ? (c >= 0x20 && c != '"' && c != '\\') : utf8Length(p, n, i);
    if (len) {
      i += len;
      continue;
    }
    out.append(s.data() + run, i - run);
    if (c >= 0x80) {
      out += "\xEF\xBF\xBD";  // U+FFFD for a byte that is not UTF-8
    } else {
      out += '\\';
      const char* esc = std::strchr("\"\"\\\\\bb\ff\nn\rr\tt", c);  // pairs: byte, letter
      if (esc && c) {
        out += esc[1];
      } else {
        out += "u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    }
    run = ++i;
  }
  out.append(s.data() + run, n - run);
  out += '"';
}

namespace {
void newline(std::string& out, int indent, int depth) {
  if (indent < 0) return;
  out += '\n';
  out.append(static_cast<size_t>(indent) * depth, ' ');
}
}  // namespace

void appendJsNumber(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  if (d == 0) {
    out += '0';
    return;
  }
  char text[32];
  out.append(text, omo_host_number_text(d, text));
}

std::string decimal(int64_t i) {
  std::string out;
  appendInteger(out, i);
  return out;
}

void appendInteger(std::string& out, int64_t i) {
  if (i < 0) {
    out += '-';
    appendUnsigned(out, 0 - static_cast<uint64_t>(i));
  } else {
    appendUnsigned(out, static_cast<uint64_t>(i));
  }
}

Json::Json(value_t t) : type_(t) {
  if (t == value_t::object) v_.o = new object_t();
  else if (t == value_t::array) v_.a = new array_t();
  else if (t == value_t::string) v_.s = new std::string();
}

Json::Json(std::string s) : type_(value_t::string) { v_.s = new std::string(std::move(s)); }

Json::Json(std::initializer_list<Json> list) {
  bool isObject = true;
  for (const Json& e : list)
    if (!e.is_array() || e.v_.a->size() != 2 || !(*e.v_.a)[0].is_string()) {
      isObject = false;
      break;
    }
  if (isObject && list.size() > 0) {
    type_ = value_t::object;
    v_.o = new object_t();
    for (const Json& e : list) (*this)[*(*e.v_.a)[0].v_.s] = (*e.v_.a)[1];
  } else {
    type_ = value_t::array;
    v_.a = new array_t(list);
  }
}

Json::Json(const Json& o) : type_(o.type_), v_(o.v_) {
  if (type_ == value_t::string) v_.s = new std::string(*o.v_.s);
  else if (type_ == value_t::array) v_.a = new array_t(*o.v_.a);
  else if (type_ == value_t::object) v_.o = new object_t(*o.v_.o);
}

void Json::destroy() noexcept {
  if (type_ == value_t::string) delete v_.s;
  else if (type_ == value_t::array) delete v_.a;
  else if (type_ == value_t::object) delete v_.o;
  type_ = value_t::null;
}

double Json::asDouble() const {
  switch (type_) {
    case value_t::number_integer: return static_cast<double>(v_.i);
    case value_t::number_unsigned: return static_cast<double>(v_.u);
    case value_t::number_float: return v_.d;
    default: return 0;
  }
}

int64_t Json::asInt64() const {
  switch (type_) {
    case value_t::number_integer: return v_.i;
    case value_t::number_unsigned: return static_cast<int64_t>(v_.u);
    case value_t::number_float:
      // Truncation as a cast would do, without the undefined cases.
      return std::isfinite(v_.d) && std::fabs(v_.d) < 9.2e18 ? static_cast<int64_t>(v_.d) : 0;
    default: return 0;
  }
}

uint64_t Json::asUint64() const {
  if (type_ == value_t::number_float)
    return v_.d >= 0 && v_.d < 1.8e19 ? static_cast<uint64_t>(v_.d) : 0;
  return static_cast<uint64_t>(asInt64());
}

const std::string& Json::asString() const { return is_string() ? *v_.s : kEmptyString; }

size_t Json::size() const {
  if (is_array()) return v_.a->size();
  if (is_object()) return v_.o->size();
  return 0;
}

Json& Json::operator[](const std::string& key) {
  if (!is_object()) *this = object();
  for (auto& kv : *v_.o)
    if (kv.first == key) return kv.second;
  v_.o->emplace_back(key, Json());
  return v_.o->back().second;
}

const Json& Json::operator[](std::string_view key) const {
  auto it = find(key);
  return it == end() ? kNull : *it;
}

Json& Json::operator[](size_t i) {
  // Like nlohmann: a non-array becomes an array, which grows to hold i.
  if (!is_array()) *this = array();
  if (i >= v_.a->size()) v_.a->resize(i + 1);
  return (*v_.a)[i];
}
const Json& Json::operator[](size_t i) const {
  return is_array() && i < v_.a->size() ? (*v_.a)[i] : kNull;
}

Json::iterator Json::find(std::string_view key) {
  return iterator(this, static_cast<const Json&>(*this).find(key).i_);
}

Json::const_iterator Json::find(std::string_view key) const {
  if (is_object())
    for (size_t i = 0; i < v_.o->size(); ++i)
      if ((*v_.o)[i].first == key) return const_iterator(this, i);
  return end();
}

bool Json::contains(std::string_view key) const { return find(key) != end(); }

size_t Json::erase(std::string_view key) {
  auto it = find(key);
  if (it == end()) return 0;
  erase(const_iterator(it));
  return 1;
}

void Json::erase(const_iterator it) {
  if (is_object()) v_.o->erase(v_.o->begin() + it.i_);
  else if (is_array()) v_.a->erase(v_.a->begin() + it.i_);
}

void Json::push_back(Json v) {
  if (!is_array()) *this = array();
  v_.a->push_back(std::move(v));
}

std::string Json::dump(int indent) const {
  std::string out;
  dumpTo(out, indent, 0);
  return out;
}

void Json::dumpTo(std::string& out, int indent, int depth) const {
  switch (type_) {
    case value_t::null:
    case value_t::discarded: out += "null"; break;
    case value_t::boolean: out += v_.b ? "true" : "false"; break;
    case value_t::number_integer: appendInteger(out, v_.i); break;
    case value_t::number_unsigned: appendUnsigned(out, v_.u); break;
    case value_t::number_float: appendJsNumber(out, v_.d); break;
    case value_t::string: appendJsonString(out, *v_.s); break;
    case value_t::array:
    case value_t::object: {
      bool isObject = type_ == value_t::object;
      size_t n = size();
      out += isObject ? '{' : '[';
      for (size_t i = 0; i < n; ++i) {
        if (i) out += ',';
        newline(out, indent, depth + 1);
        if (isObject) {
          appendJsonString(out, (*v_.o)[i].first);
          out += indent < 0 ? ":" : ": ";
        }
        (isObject ? (*v_.o)[i].second : (*v_.a)[i]).dumpTo(out, indent, depth + 1);
      }
      if (n) newline(out, indent, depth);
      out += isObject ? '}' : ']';
    }
  }
}

bool operator==(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_number_float() || b.is_number_float()) return a.asDouble() == b.asDouble();
    if (a.type_ == b.type_) return a.v_.u == b.v_.u;
    // integer and unsigned: equal when both are the same non-negative value
    return a.asInt64() >= 0 && b.asInt64() >= 0 && a.v_.u == b.v_.u;
  }
  if (a.type_ != b.type_) return false;
  switch (a.type_) {
    case Json::value_t::boolean: return a.v_.b == b.v_.b;
    case Json::value_t::string: return *a.v_.s == *b.v_.s;
    case Json::value_t::array: return *a.v_.a == *b.v_.a;
    case Json::value_t::object: return *a.v_.o == *b.v_.o;
    default: return true;  // null, discarded
  }
}

}  // namespace omo
