#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "files.h"
#include "json.h"  // decimal

namespace omo {

bool readFile(const std::string& path, std::string* text, std::string* error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    *error = path + ": is a folder, not a file";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot read (" + std::strerror(errno) + ")";
    return false;
  }
  text->clear();
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text->append(buf, static_cast<size_t>(in.gcount()));
    if (text->size() > kMaxFileBytes) {
      *error = path + ": larger than " + decimal(static_cast<int64_t>(kMaxFileBytes >> 20)) + " MiB";
      return false;
    }
  }
  if (in.bad()) {
    *error = path + ": cannot read";
    return false;
  }
  return true;
}

}  // namespace omo
