#include "context.h"


namespace omo {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}
void civilFromDays(int64_t z, int* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(yy + (*m <= 2));
}
int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// ISO 8601 week-numbering year and week of a day number.
void isoWeekOf(int64_t dayNumber, int* isoYear, int* week) {
  int wd = static_cast<int>(((dayNumber % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
  int isoWd = wd == 0 ? 7 : wd;                               // Monday=1..Sunday=7
  int64_t thursday = dayNumber - isoWd + 4;
  int y, m, d;
  civilFromDays(thursday, &y, &m, &d);
  *isoYear = y;
  *week = static_cast<int>((thursday - daysFromCivil(y, 1, 1)) / 7 + 1);
}

bool readString(const Json& j, const char* key, std::string* out, std::string* error, size_t maxLen) {
  const Json* v = member(j, key);
  if (!v) return true;
  if (!v->is_string()) {
    *error = std::string("context.") + key + " must be a string";
    return false;
  }
  if (v->get_ref<const std::string&>().size() > maxLen) {
    *error = std::string("context.") + key + " is too long";
    return false;
  }
  *out = v->get<std::string>();
  return true;
}

}  // namespace

bool oneOf(std::string_view words, const std::string& word) {
  return !word.empty() && word.find(' ') == std::string::npos && words.find(" " + word + " ") != std::string_view::npos;
}

bool Context::fromJson(const Json& j, Context* out, std::string* error) {
  if (!j.is_object()) {
    *error = "context must be an object";
    return false;
  }
  if (const std::string* k = unknownKey(j, {"tzOffsetMinutes", "device", "language", "path", "referrer", "region",
                                             "timeZone", "consent", "now"})) {
    *error = "context." + *k + " is not a known context field";
    return false;
  }
  Context c;
  if (const Json* tz = member(j, "tzOffsetMinutes")) {
    if (!tz->is_number() || tz->get<double>() < -840 || tz->get<double>() > 840) {
      *error = "context.tzOffsetMinutes must be a number of minutes between -840 and 840";
      return false;
    }
    c.tzOffsetMinutes = static_cast<int>(tz->get<double>());
  }
  if (!readString(j, "device", &c.device, error, 16) || !readString(j, "language", &c.language, error, 35) ||
      !readString(j, "path", &c.path, error, 2048) || !readString(j, "referrer", &c.referrer, error, 16) ||
      !readString(j, "region", &c.region, error, 64) || !readString(j, "timeZone", &c.timeZone, error, 64) ||
      !readString(j, "consent", &c.consent, error, 16))
    return false;
  if (!oneOf(kConsents, c.consent)) {
    *error = "context.consent must be granted, pending or denied";
    return false;
  }
  if (!oneOf(kDevices, c.device)) {
    *error = "context.device must be mobile, tablet or desktop";
    return false;
  }
  if (!oneOf(kReferrers, c.referrer)) {
    *error = "context.referrer must be none, internal, search, social or other";
    return false;
  }
  *out = c;
  return true;
}

Json Context::toJson() const {
  Json j = Json::object();
  j["tzOffsetMinutes"] = tzOffsetMinutes;
  j["device"] = device;
  j["language"] = language;
  j["path"] = path;
  j["referrer"] = referrer;
  j["region"] = region;
  j["timeZone"] = timeZone;
  j["consent"] = consent;
  return j;
}

LocalTime localTime(int64_t nowMs, int tzOffsetMinutes) {
  int64_t localMs = nowMs + static_cast<int64_t>(tzOffsetMinutes) * 60000;
  int64_t days = floorDiv(localMs, 86400000);
  int64_t msOfDay = localMs - days * 86400000;
  LocalTime t{};
  civilFromDays(days, &t.year, &t.month, &t.day);
  t.hour = static_cast<int>(msOfDay / 3600000);
  t.minute = static_cast<int>((msOfDay / 60000) % 60);
  t.weekday = static_cast<int>(((days % 7) + 7 + 4) % 7);
  t.dayNumber = days;
  return t;
}

namespace {
// n in decimal with at least `width` digits (n >= 0).
std::string padded(int n, size_t width) {
  std::string s = decimal(n);
  return s.size() < width ? std::string(width - s.size(), '0') + s : s;
}
}  // namespace

std::string LocalTime::date() const { return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2); }

std::string LocalTime::isoWeek() const { return isoWeekOfDay(dayNumber); }

std::string isoWeekUtc(int64_t nowMs) { return localTime(nowMs, 0).isoWeek(); }

std::string isoWeekOfDay(int64_t day) {
  int y, w;
  isoWeekOf(day, &y, &w);
  return padded(y, 4) + "-W" + padded(w, 2);
}

int64_t isoWeekStartDay(int year, int week) {
  // Week 1 holds January 4th.
  int64_t jan4 = daysFromCivil(year, 1, 4);
  int wd = static_cast<int>(((jan4 % 7) + 7 + 4) % 7);
  return jan4 - ((wd == 0 ? 7 : wd) - 1) + static_cast<int64_t>(week - 1) * 7;
}

bool parseIsoWeek(const std::string& week, int* year, int* weekNumber) {
  if (week.size() != 8 || week[4] != '-' || week[5] != 'W') return false;
  int y = 0, w = 0;
  for (int i = 0; i < 4; ++i) {
    if (week[i] < '0' || week[i] > '9') return false;
    y = y * 10 + (week[i] - '0');
  }
  for (int i = 6; i < 8; ++i) {
    if (week[i] < '0' || week[i] > '9') return false;
    w = w * 10 + (week[i] - '0');
  }
  if (y < 1970 || w < 1 || w > 53) return false;
  int iy, iw;
  isoWeekOf(isoWeekStartDay(y, w), &iy, &iw);
  if (iy != y || iw != w) return false;  // week 53 of a 52-week year
  if (year) *year = y;
  if (weekNumber) *weekNumber = w;
  return true;
}

const char* season(int month, bool south) {
  static const char* north[] = {"winter", "winter", "spring", "spring", "spring", "summer",
                                "summer", "summer", "autumn", "autumn", "autumn", "winter"};
  int m = month < 1 || month > 12 ? 0 : month - 1;
  if (south) m = (m + 6) % 12;
  return north[m];
}

}  // namespace omo
