// The page context: what the page knows without any profile. Gathered once
// per page by the web layer (or read from a file by the CLI). The clock is
// not read here: local time is derived from a `now` handed in.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "json.h"

namespace omo {

// The values of the context attributes that have a fixed set: words with a
// space on each side, for oneOf(). Context::fromJson accepts only these, and
// lint refuses a condition comparing an attribute with another value.
constexpr std::string_view kDevices = " mobile tablet desktop ";
constexpr std::string_view kConsents = " pending granted denied ";
constexpr std::string_view kReferrers = " none internal search social other ";
constexpr std::string_view kSeasons = " winter spring summer autumn ";
// Whether `word` is one of `words`, written as above.
bool oneOf(std::string_view words, const std::string& word);

struct Context {
  int tzOffsetMinutes = 0;   // minutes east of UTC (JST is +540); JS: -getTimezoneOffset()
  std::string device = "desktop";   // "mobile" | "tablet" | "desktop"
  std::string language;             // BCP 47, e.g. "ja-JP"
  std::string path = "/";           // location.pathname
  std::string referrer = "none";    // "none" | "internal" | "search" | "social" | "other"
  std::string region;               // a guess (e.g. from the time zone); profile.region wins
  std::string timeZone;             // IANA name, informational
  // "granted" | "pending" | "denied". The CLI decides for a stored profile
  // (granted); the browser says what the visitor chose.
  std::string consent = "granted";

  // Reads {"tzOffsetMinutes", "device", "language", "path", "referrer",
  // "region", "timeZone", "consent"}; unknown keys and wrong types are errors naming
  // the field. Absent keys keep their defaults.
  static bool fromJson(const Json& j, Context* out, std::string* error);
  Json toJson() const;
};

// Local calendar time at `nowMs` (UTC milliseconds) shifted by the offset.
struct LocalTime {
  int year, month, day;     // month 1-12
  int hour, minute;
  int weekday;              // 0 = Sunday
  std::string date() const;          // "YYYY-MM-DD"
  std::string isoWeek() const;       // "2026-W48"
  int64_t dayNumber;                 // days since 1970-01-01 (local)
};
LocalTime localTime(int64_t nowMs, int tzOffsetMinutes);
// "winter" | "spring" | "summer" | "autumn" for a month in a hemisphere.
const char* season(int month, bool southernHemisphere);
// ISO 8601 weeks ("2026-W48") are the measurement windows. Days count from
// 1970-01-01.
std::string isoWeekUtc(int64_t nowMs);
std::string isoWeekOfDay(int64_t day);
// True only for a week that exists ("2025-W53" does not); year/week may be null.
bool parseIsoWeek(const std::string& week, int* year, int* weekNumber);
int64_t isoWeekStartDay(int year, int week);   // its Monday

}  // namespace omo
