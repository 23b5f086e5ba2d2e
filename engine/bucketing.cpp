#include "bucketing.h"

#include "jsvalue.h"

namespace omo::bucketing {

uint32_t fnv1a32(const std::string& utf8) {
  uint32_t h = 0x811c9dc5u;
  for (char16_t unit : js::utf16(utf8)) {
    h ^= unit;
    h *= 16777619u;
  }
  return h;
}

std::optional<double> hash(const std::string& seed, const std::string& value, int version) {
  if (version == 2) return (fnv1a32(decimal(fnv1a32(seed + value))) % 10000) / 10000.0;
  if (version == 1) return (fnv1a32(value + seed) % 1000) / 1000.0;
  return std::nullopt;
}

std::vector<double> equalWeights(int n) {
  if (n <= 0) return {};
  return std::vector<double>(static_cast<size_t>(n), 1.0 / n);
}

std::vector<Range> bucketRanges(int numVariations, double coverage, const std::vector<double>* weights) {
  if (coverage < 0) coverage = 0;
  if (coverage > 1) coverage = 1;
  std::vector<double> w = equalWeights(numVariations);
  if (weights && static_cast<int>(weights->size()) == numVariations) {
    double total = 0;
    for (double x : *weights) total += x;
    if (total >= 0.99 && total <= 1.01) w = *weights;
  }
  std::vector<Range> out;
  double cumulative = 0;
  for (double x : w) {
    double start = cumulative;
    cumulative += x;
    out.push_back({start, start + coverage * x});
  }
  return out;
}

int chooseVariation(double n, const std::vector<Range>& ranges) {
  for (size_t i = 0; i < ranges.size(); ++i)
    if (n >= ranges[i].first && n < ranges[i].second) return static_cast<int>(i);
  return -1;
}

bool inNamespace(const std::string& hashValue, const std::string& id, double start, double end) {
  auto n = hash("__" + id, hashValue, 1);
  return n && *n >= start && *n < end;
}

}  // namespace omo::bucketing
