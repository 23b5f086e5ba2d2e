// The native build's host (host.h): the number conversions and e^x that the
// browser build takes from JavaScript, done with libraries to the same
// definitions. Not part of the wasm build.
#include "host.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

// fmt's Dragonbox: the shortest digits that read back as the double, and of
// those the closest, which is what Number::toString needs (RapidJSON's Grisu2
// is neither in about a third of 17-digit cases). Header-only, only this.
#define FMT_HEADER_ONLY
#include <fmt/format-inl.h>

namespace {
// The decimal exponent of a JSON number's first significant digit (1.5e3 ->
// 3, 0.02 -> -2, 0 -> 0), saturating: which way a number out of range went.
long long magnitude(const char* p, const char* end) {
  if (p < end && *p == '-') ++p;
  long long m = -1, zeros = 0;
  bool significant = false;
  for (; p < end && *p >= '0' && *p <= '9'; ++p)
    if ((significant = significant || *p != '0')) ++m;
  if (p < end && *p == '.') {
    for (++p; p < end && *p >= '0' && *p <= '9'; ++p)
      if (!significant && !(significant = *p != '0')) ++zeros;
    if (m < 0) m = -1 - zeros;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    bool negative = p < end && *p == '-';
    if (p < end && (*p == '-' || *p == '+')) ++p;
    long long e = 0;
    for (; p < end && *p >= '0' && *p <= '9'; ++p) e = std::min<long long>(e * 10 + (*p - '0'), 1LL << 40);
    m += negative ? -e : e;
  }
  return m;
}
}  // namespace

extern "C" double omo_host_number(const char* text, size_t length) {
  double d = 0;
  // std::from_chars: correctly rounded like Number(), and unlike strtod
  // independent of the process's locale.
  auto r = std::from_chars(text, text + length, d);
  if (r.ec == std::errc::result_out_of_range) {
    bool negative = length && text[0] == '-';
    d = magnitude(text, text + length) < 0 ? 0.0 : std::numeric_limits<double>::infinity();
    if (negative) d = -d;
  }
  return d;
}

extern "C" size_t omo_host_number_text(double d, char* out) {
  char* o = out;
  if (d < 0) {
    *o++ = '-';
    d = -d;
  }
  // Shortest closest digits (Dragonbox), then Number::toString's layout.
  auto dec = fmt::detail::dragonbox::to_decimal(d);
  uint64_t sig = dec.significand;
  int K = dec.exponent;
  while (sig % 10 == 0) {
    sig /= 10;
    ++K;
  }
  char digits[24];
  int k = 0;
  for (char* p = digits + sizeof digits; sig; sig /= 10) *--p = static_cast<char>('0' + sig % 10), ++k;
  std::memmove(digits, digits + sizeof digits - k, k);
  auto put = [&o](const char* s, size_t n) { o = static_cast<char*>(std::memcpy(o, s, n)) + n; };
  auto zeros = [&o](int n) { o = static_cast<char*>(std::memset(o, '0', n)) + n; };
  int n = k + K;  // position of the decimal point
  if (k <= n && n <= 21) {
    put(digits, k);
    zeros(n - k);
  } else if (0 < n && n <= 21) {
    put(digits, n);
    *o++ = '.';
    put(digits + n, k - n);
  } else if (-6 < n && n <= 0) {
    put("0.", 2);
    zeros(-n);
    put(digits, k);
  } else {
    *o++ = digits[0];
    if (k > 1) {
      *o++ = '.';
      put(digits + 1, k - 1);
    }
    int e = n - 1;
    put(e < 0 ? "e-" : "e+", 2);
    o = std::to_chars(o, o + 4, e < 0 ? -e : e).ptr;
  }
  return static_cast<size_t>(o - out);
}

extern "C" double omo_host_exp(double x) { return std::exp(x); }
