// Reading a file named on the command line (native builds only: the wasm
// engine never touches files). Bounded, so /dev/zero or a huge file is an
// error, not an endless read; a folder is named as one.
#pragma once
#include <cstddef>
#include <string>

namespace omo {

constexpr size_t kMaxFileBytes = 16 * 1024 * 1024;

// The whole file into *text; false with *error ("PATH: why") otherwise.
bool readFile(const std::string& path, std::string* text, std::string* error);

}  // namespace omo
