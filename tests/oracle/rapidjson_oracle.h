// RapidJSON's reader as an oracle for the engine's own (engine/parse.cpp).
#pragma once
#include <string>
#include <string_view>

#include "parse.h"

namespace omo::oracle {
// "" when the engine's reader and RapidJSON's agree on the text: both accept
// it with the same value (types included), or both reject it at the same
// offset with the same path. Otherwise how they differ. The differences the
// engine's reader has by design (numbers beyond RapidJSON's range, the place
// a lone \u surrogate is reported) are not reported.
std::string compareWithRapidJson(std::string_view text);
// The DOM RapidJSON's reader builds (discarded on an error): the peer of
// parseJson in tests/bench/engine_bench.
Json parseWithRapidJson(std::string_view text);
}  // namespace omo::oracle
