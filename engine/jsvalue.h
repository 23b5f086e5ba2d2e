// JavaScript value semantics over JSON values, as GrowthBook's condition
// language defines them (it is specified by its JavaScript implementation):
// ToNumber, ToString, strict equality, relational comparison, typeof.
#pragma once
#include <string>
#include <string_view>

#include "json.h"

namespace omo::js {

double toNumber(const Json& v);              // Number(v); NaN when not numeric
double stringToNumber(std::string_view s);   // Number("...") for strings
std::string numberToString(double d);        // String(1.5) == "1.5", String(1e21) == "1e+21"
std::string toString(const Json& v);         // String(v) / v + ""
bool strictEquals(const Json& a, const Json& b);  // a === b (objects never equal)
// a < b, a <= b, a > b, a >= b with JavaScript's abstract relational comparison.
enum class Rel { Lt, Lte, Gt, Gte };
bool compare(const Json& a, const Json& b, Rel rel);
const char* typeOf(const Json& v);           // "null","array","string","number","boolean","object"
std::string stringify(const Json& v);        // JSON.stringify(v) for JSON values
bool truthy(const Json& v);                  // !!v
std::string lowerAscii(std::string s);

// UTF-16 code units of a UTF-8 string (JavaScript's string model). Invalid
// UTF-8 bytes become U+FFFD.
std::u16string utf16(std::string_view utf8);

}  // namespace omo::js
