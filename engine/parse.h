// Parsing JSON text without exceptions, with the position of a syntax error.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "json.h"

namespace omo {

// Where and why a text is not JSON.
struct JsonError {
  size_t offset = 0, line = 1, column = 1;  // 1-based line and column (bytes)
  std::string message;                      // "line 3, column 7: missing ':' after a key"
  bool numberTooBig = false;                // a number beyond a double's range
  // The value the error is in: object keys and array indexes from the root.
  struct Step {
    bool isIndex;
    size_t index;
    std::string key;
  };
  std::vector<Step> path;
};

// Containers deeper than this are an error (they never occur in a rules file,
// a profile or a report, and the DOM's copy and destruction recurse).
constexpr int kMaxJsonDepth = 256;

// On a syntax error returns a discarded value and fills *error. A repeated
// key keeps its place and takes the last value, as JSON.parse does; with
// `repeatedKeys`, the JSON pointer of each repeat is added to it.
Json parseJson(std::string_view text, JsonError* error, std::vector<std::string>* repeatedKeys = nullptr);
// The same, with only the message ("line 3, column 7: ...").
Json parseJson(std::string_view text, std::string* error, std::vector<std::string>* repeatedKeys = nullptr);

}  // namespace omo
