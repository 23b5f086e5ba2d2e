// The engine's one JSON type. Ordered, because GrowthBook's equality of
// objects is JSON.stringify equality, which depends on key order.
// Built with JSON_NOEXCEPTION everywhere (see CMakeLists.txt): never call
// at(), get<T>() on a value of the wrong type, or parse() with exceptions on.
#pragma once
#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

namespace omo {
using Json = nlohmann::ordered_json;

// Typed look-ups that never abort: nullptr / fallback when absent or mistyped.
inline const Json* member(const Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}
inline const Json* member(const Json& obj, const std::string& key) {
  return member(obj, key.c_str());
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
  return v && v->is_string() ? v->get_ref<const std::string&>() : fallback;
}
inline double numberOr(const Json& obj, const char* key, double fallback) {
  const Json* v = member(obj, key);
  return v && v->is_number() ? v->get<double>() : fallback;
}
}  // namespace omo
