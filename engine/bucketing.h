// Deterministic bucketing, compatible with GrowthBook's hashing so a
// visitor's variant is stable and reproducible anywhere: FNV-1a 32-bit over
// UTF-16 code units, hash versions 1 and 2.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace omo::bucketing {

uint32_t fnv1a32(const std::string& utf8);
// A number in [0, 1); nullopt for an unknown version.
std::optional<double> hash(const std::string& seed, const std::string& value, int version);
std::vector<double> equalWeights(int n);
using Range = std::pair<double, double>;
std::vector<Range> bucketRanges(int numVariations, double coverage, const std::vector<double>* weights);
int chooseVariation(double n, const std::vector<Range>& ranges);  // -1 for none
bool inNamespace(const std::string& hashValue, const std::string& id, double start, double end);

}  // namespace omo::bucketing
