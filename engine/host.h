// What the browser build takes from its host instead of carrying it in the
// wasm. With OMO_HOST_NUMBERS (set by bindings/CMakeLists.txt), numbers are
// converted, and e^x computed, by JavaScript: Number() and
// Number.prototype.toString are exactly the semantics the engine follows
// (both correctly rounded, shortest round-trip digits), so the wasm carries
// neither RapidJSON's strtod nor Dragonbox nor libm's exp, nor their tables
// (about 10 KB gzip, docs/benchmarks.md). bindings/ implements these; the
// native build, with no host, uses the libraries. Nothing here is Emscripten:
// plain C functions the linker finds in the bindings.
#pragma once
#include <cstddef>

#ifdef OMO_HOST_NUMBERS
extern "C" {
// Number(text) for `length` bytes of a JSON number's text.
double omo_host_number(const char* text, size_t length);
// String(d) for a finite d, written to out (32 bytes suffice); its length.
size_t omo_host_number_text(double d, char* out);
// Math.exp(x), for the randomized response's probabilities (measure.cpp).
double omo_host_exp(double x);
}
#endif
