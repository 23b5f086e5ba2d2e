// The engine's only source of randomness: a seeded generator handed in by
// the caller (crypto.getRandomValues in the browser, --seed in the CLI), so
// every decision and report encoding can be replayed in a test.
#pragma once
#include <cstdint>
#include <string>

namespace omo {

// xoshiro256** seeded through splitmix64.
class Rng {
 public:
  explicit Rng(uint64_t seed = 0) { reseed(seed); }
  void reseed(uint64_t seed) {
    for (auto& s : s_) {
      seed += 0x9e3779b97f4a7c15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      s = z ^ (z >> 31);
    }
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1) with 53 bits.
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
  // Uniform integer in [0, n), n > 0, without modulo bias.
  uint64_t below(uint64_t n) {
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do x = next();
    while (x >= limit);
    return x % n;
  }
  // `bytes` random bytes as unpadded base64url.
  std::string base64url(size_t bytes) {
    static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string raw;
    for (size_t i = 0; i < bytes; ++i) raw += static_cast<char>(next() & 0xFF);
    std::string out;
    for (size_t i = 0; i < raw.size(); i += 3) {
      uint32_t v = static_cast<uint8_t>(raw[i]) << 16;
      if (i + 1 < raw.size()) v |= static_cast<uint8_t>(raw[i + 1]) << 8;
      if (i + 2 < raw.size()) v |= static_cast<uint8_t>(raw[i + 2]);
      out += abc[(v >> 18) & 63];
      out += abc[(v >> 12) & 63];
      if (i + 1 < raw.size()) out += abc[(v >> 6) & 63];
      if (i + 2 < raw.size()) out += abc[v & 63];
    }
    return out;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace omo
