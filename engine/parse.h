// Parsing JSON text without exceptions, with the position of a syntax error.
#pragma once
#include <string>
#include <string_view>

#include "json.h"

namespace omo {

// On a syntax error returns a discarded value and sets *error to a message
// naming the byte offset, line and column ("line 3, column 7: ...").
Json parseJson(std::string_view text, std::string* error);

}  // namespace omo
