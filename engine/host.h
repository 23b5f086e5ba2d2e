// What the engine asks of the platform it runs on: converting numbers between
// text and double, and e^x. JavaScript's Number(), Number.prototype.toString
// and Math.exp are exactly the semantics the engine follows (correctly
// rounded; shortest round-trip digits), and a browser already ships them, so
// the wasm build takes them from JavaScript (bindings/) and carries no strtod,
// Dragonbox or libm exp, nor their tables (about 10 KB gzip,
// docs/benchmarks.md). The native build implements the same three with
// libraries (host_native.cpp). Plain C functions, so the engine needs no
// Emscripten header: the linker finds them in whichever of the two is built.
#pragma once
#include <cstddef>

extern "C" {
// Number(text) for `length` bytes of a JSON number's text; +-Infinity when
// the number is beyond a double's range, +-0 when it is too small for one.
double omo_host_number(const char* text, size_t length);
// String(d) for a finite, non-zero d, written to out (32 bytes suffice); its length.
size_t omo_host_number_text(double d, char* out);
// Math.exp(x), for the randomized response's probabilities (measure.cpp).
double omo_host_exp(double x);
}
