// The engine's one JSON type: a small DOM with the part of nlohmann/json's
// interface the engine uses (docs/architecture.md, "JSON"). Objects keep
// their keys in insertion order, because GrowthBook's equality of objects is
// JSON.stringify equality, which depends on key order. Nothing here throws or
// aborts: reading a value as the wrong type gives that type's zero.
//
// Why not nlohmann/json itself: its template instantiations and the libc
// strtod/printf it pulls in were ~30 KB gzip of the 60 KB browser budget.
// Parsing is our own reader (parse.cpp), checked against RapidJSON's
// (tests/oracle/). Numbers between text and double are the platform's
// (host.h): JavaScript's in the browser, std::from_chars and fmt's Dragonbox
// natively, both in JavaScript's format.
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace omo {

class Json {
 public:
  enum class value_t : uint8_t {
    null, object, array, string, boolean, number_integer, number_unsigned, number_float, discarded
  };
  using array_t = std::vector<Json>;
  using object_t = std::vector<std::pair<std::string, Json>>;

  Json() noexcept {}
  Json(std::nullptr_t) noexcept {}
  Json(value_t t);
  Json(bool b) noexcept : type_(value_t::boolean) { v_.b = b; }
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                                          std::is_signed_v<T>, int> = 0>
  Json(T i) noexcept : type_(value_t::number_integer) { v_.i = i; }
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                                          std::is_unsigned_v<T>, int> = 0>
  Json(T u) noexcept : type_(value_t::number_unsigned) { v_.u = u; }
  Json(double d) noexcept : type_(value_t::number_float) { v_.d = d; }
  Json(float d) noexcept : Json(static_cast<double>(d)) {}
  Json(const char* s) : Json(std::string(s)) {}
  Json(std::string_view s) : Json(std::string(s)) {}
  Json(std::string s);
  // nlohmann's rule: a list of [string, value] pairs is an object, anything
  // else an array.
  Json(std::initializer_list<Json> list);
  template <class T>
  Json(const std::vector<T>& v) : Json(value_t::array) {
    for (const T& e : v) v_.a->push_back(Json(e));
  }

  Json(const Json& o);
  Json(Json&& o) noexcept : type_(o.type_), v_(o.v_) { o.type_ = value_t::null; }
  Json& operator=(Json o) noexcept {
    swap(o);
    return *this;
  }
  ~Json() { destroy(); }
  void swap(Json& o) noexcept {
    std::swap(type_, o.type_);
    std::swap(v_, o.v_);
  }

  static Json object() { return Json(value_t::object); }
  static Json array() { return Json(value_t::array); }

  value_t type() const { return type_; }
  bool is_null() const { return type_ == value_t::null; }
  bool is_boolean() const { return type_ == value_t::boolean; }
  bool is_number() const {
    return type_ == value_t::number_integer || type_ == value_t::number_unsigned ||
           type_ == value_t::number_float;
  }
  bool is_number_integer() const {
    return type_ == value_t::number_integer || type_ == value_t::number_unsigned;
  }
  bool is_number_unsigned() const { return type_ == value_t::number_unsigned; }
  bool is_number_float() const { return type_ == value_t::number_float; }
  bool is_string() const { return type_ == value_t::string; }
  bool is_array() const { return type_ == value_t::array; }
  bool is_object() const { return type_ == value_t::object; }
  bool is_discarded() const { return type_ == value_t::discarded; }
  bool is_primitive() const { return !is_array() && !is_object() && !is_discarded(); }

  // Scalar reads: the value converted, or 0 / false / "" for another type.
  bool asBool() const { return type_ == value_t::boolean && v_.b; }
  double asDouble() const;
  int64_t asInt64() const;
  uint64_t asUint64() const;
  const std::string& asString() const;
  template <class T>
  T get() const {
    if constexpr (std::is_same_v<T, bool>) return asBool();
    else if constexpr (std::is_same_v<T, std::string>) return asString();
    else if constexpr (std::is_floating_point_v<T>) return static_cast<T>(asDouble());
    else if constexpr (std::is_unsigned_v<T>) return static_cast<T>(asUint64());
    else return static_cast<T>(asInt64());
  }
  template <class T>
  const std::string& get_ref() const {
    static_assert(std::is_same_v<T, const std::string&>, "only strings are read by reference");
    return asString();
  }

  // Arrays and objects (size() is 0 for scalars).
  size_t size() const;
  bool empty() const { return size() == 0; }
  Json& operator[](const std::string& key);  // makes null an object; inserts null
  Json& operator[](const char* key) { return (*this)[std::string(key)]; }
  const Json& operator[](std::string_view key) const;  // null when absent
  const Json& operator[](const char* key) const { return (*this)[std::string_view(key)]; }
  const Json& operator[](const std::string& key) const { return (*this)[std::string_view(key)]; }
  Json& operator[](size_t i);  // makes a non-array an array; grows it to hold i
  const Json& operator[](size_t i) const;
  Json& operator[](int i) { return (*this)[static_cast<size_t>(i)]; }
  const Json& operator[](int i) const { return (*this)[static_cast<size_t>(i)]; }
  bool contains(std::string_view key) const;
  size_t erase(std::string_view key);
  void push_back(Json v);  // makes null an array
  template <class... A>
  Json& emplace_back(A&&... a) {
    push_back(Json(std::forward<A>(a)...));
    return arr().back();
  }
  const Json& back() const { return arr().back(); }

  // One iterator for arrays (elements) and objects (values, with key()).
  template <bool Const>
  class Iter {
   public:
    using J = std::conditional_t<Const, const Json, Json>;
    Iter(J* base, size_t i) : base_(base), i_(i) {}
    J& value() const {
      return base_->is_object() ? (*base_->v_.o)[i_].second : (*base_->v_.a)[i_];
    }
    const std::string& key() const { return (*base_->v_.o)[i_].first; }
    J& operator*() const { return value(); }
    J* operator->() const { return &value(); }
    Iter& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const Iter& o) const { return i_ == o.i_; }
    bool operator!=(const Iter& o) const { return i_ != o.i_; }
    operator Iter<true>() const { return Iter<true>(base_, i_); }

   private:
    friend class Json;
    J* base_;
    size_t i_;
  };
  using iterator = Iter<false>;
  using const_iterator = Iter<true>;
  iterator begin() { return iterator(this, 0); }
  iterator end() { return iterator(this, size()); }
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, size()); }
  iterator find(std::string_view key);
  const_iterator find(std::string_view key) const;
  void erase(const_iterator it);

  template <class T>
  T value(const char* key, T fallback) const {
    auto it = find(key);
    if (it == end()) return fallback;
    const Json& v = *it;
    if constexpr (std::is_same_v<T, bool>) return v.is_boolean() ? v.asBool() : fallback;
    else if constexpr (std::is_arithmetic_v<T>) return v.is_number() ? v.get<T>() : fallback;
    else return v.is_string() ? T(v.asString()) : fallback;
  }
  std::string value(const char* key, const char* fallback) const {
    return value<std::string>(key, fallback);
  }

  // JSON text: compact, or pretty with `indent` spaces. Numbers print as
  // JSON.stringify prints them (non-finite as null); invalid UTF-8 in a
  // string becomes U+FFFD.
  std::string dump(int indent = -1) const;
  void dumpTo(std::string& out, int indent = -1, int depth = 0) const;

  // Deep equality; numbers compare by value across integer and float.
  friend bool operator==(const Json& a, const Json& b);
  friend bool operator!=(const Json& a, const Json& b) { return !(a == b); }

  const array_t& arr() const { return *v_.a; }  // only when is_array()
  array_t& arr() { return *v_.a; }
  const object_t& obj() const { return *v_.o; }  // only when is_object()
  object_t& obj() { return *v_.o; }

 private:
  void destroy() noexcept;
  value_t type_ = value_t::null;
  union {
    bool b;
    int64_t i;
    uint64_t u;
    double d;
    std::string* s;
    array_t* a;
    object_t* o;
  } v_{};
};

// Numbers as JSON.stringify writes them (shortest round-trip digits; null when not
// finite), and integers, appended to `out`.
void appendJsNumber(std::string& out, double d);
void appendInteger(std::string& out, int64_t i);
// i in decimal: std::to_string for every integer type, without a copy of its
// code per type in the wasm.
std::string decimal(int64_t i);
// A JSON string literal for s (invalid UTF-8 becomes U+FFFD), appended to out.
void appendJsonString(std::string& out, std::string_view s);

// JSON text written directly, without building a Json first: for the hot
// paths (a page's decisions on every signal). Same text as Json::dump().
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  JsonWriter& beginObject() { return open('{'); }
  JsonWriter& endObject() { return close('}'); }
  JsonWriter& beginArray() { return open('['); }
  JsonWriter& endArray() { return close(']'); }
  JsonWriter& key(std::string_view k) {
    separate();
    appendJsonString(out_, k);
    out_ += ':';
    afterKey_ = true;
    return *this;
  }
  JsonWriter& value(std::string_view s) {
    separate();
    appendJsonString(out_, s);
    return *this;
  }
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  JsonWriter& value(T i) {
    separate();
    appendInteger(out_, static_cast<int64_t>(i));
    return *this;
  }
  JsonWriter& value(double d) {
    separate();
    appendJsNumber(out_, d);
    return *this;
  }
  JsonWriter& value(const Json& j) {
    separate();
    j.dumpTo(out_);
    return *this;
  }
  // An object of a map's entries.
  template <class Map>
  JsonWriter& object(const Map& m) {
    beginObject();
    for (const auto& [k, v] : m) key(k).value(v);
    return endObject();
  }
  template <class List>
  JsonWriter& array(const List& list) {
    beginArray();
    for (const auto& v : list) value(v);
    return endArray();
  }
  JsonWriter& value(const std::vector<std::string>& list) { return array(list); }
  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    return key(k).value(v);
  }

 private:
  void separate() {
    if (!afterKey_ && !first_) out_ += ',';
    afterKey_ = first_ = false;
  }
  JsonWriter& open(char c) {
    separate();
    out_ += c;
    first_ = true;
    return *this;
  }
  JsonWriter& close(char c) {
    out_ += c;
    first_ = false;
    return *this;
  }
  std::string& out_;
  bool first_ = true, afterKey_ = false;
};

// The code points (characters) of s, or npos when s is not UTF-8 without
// surrogates, overlong forms or bytes beyond U+10FFFF.
size_t codePoints(std::string_view s);
inline bool validUtf8(std::string_view s) { return codePoints(s) != std::string_view::npos; }
// The length of the one such UTF-8 sequence at s[i..n), or 0 when it is invalid.
size_t utf8Length(const unsigned char* s, size_t n, size_t i);
// 2^53: up to here every integer is exact as a JavaScript number. Counts and
// times (ms since the epoch) that cross to JavaScript stay within it.
constexpr int64_t kMaxJsInteger = int64_t{1} << 53;
// The value of a hexadecimal digit (either case), or -1.
inline int hexDigit(char32_t c) {
  return c >= '0' && c <= '9' ? static_cast<int>(c - '0')
         : c >= 'a' && c <= 'f' ? static_cast<int>(c - 'a' + 10)
         : c >= 'A' && c <= 'F' ? static_cast<int>(c - 'A' + 10)
                                : -1;
}

// Typed look-ups that never fail: nullptr / fallback when absent or mistyped.
inline const Json* member(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}
// An unknown key is an error wherever the engine reads input (a typo must
// not be silently ignored): these find it.
inline bool knownKey(const std::string& key, std::initializer_list<const char*> known) {
  for (const char* k : known)
    if (key == k) return true;
  return false;
}
// The first key of an object that is not in `known`, or nullptr.
inline const std::string* unknownKey(const Json& obj, std::initializer_list<const char*> known) {
  if (!obj.is_object()) return nullptr;
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (!knownKey(it.key(), known)) return &it.key();
  return nullptr;
}
inline std::string stringOr(const Json& obj, const char* key, std::string fallback) {
  const Json* v = member(obj, key);
  return v && v->is_string() ? v->asString() : fallback;
}
inline double numberOr(const Json& obj, const char* key, double fallback) {
  const Json* v = member(obj, key);
  return v && v->is_number() ? v->asDouble() : fallback;
}
}  // namespace omo
