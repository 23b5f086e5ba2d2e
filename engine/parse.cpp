#include "parse.h"

namespace omo {
namespace {

// A SAX handler that builds the document like nlohmann's own DOM parser but
// records the parse error instead of throwing.
class Handler : public nlohmann::detail::json_sax_dom_parser<Json> {
 public:
  Handler(Json& root, std::string* error)
      : nlohmann::detail::json_sax_dom_parser<Json>(root, false), error_(error) {}
  template <class Exception>
  bool parse_error(std::size_t position, const std::string& token, const Exception& ex) {
    failed = true;
    if (error_) {
      std::string what = ex.what();
      // nlohmann's message: "[json.exception.parse_error.101] parse error at line 1, column 2: ..."
      size_t at = what.find(" at line ");
      *error_ = at != std::string::npos ? what.substr(at + 4) : what;
      (void)position;
      (void)token;
    }
    return false;
  }
  bool failed = false;

 private:
  std::string* error_;
};

}  // namespace

Json parseJson(std::string_view text, std::string* error) {
  Json root;
  Handler h(root, error);
  bool ok = Json::sax_parse(text.begin(), text.end(), &h, nlohmann::detail::input_format_t::json, true);
  if (!ok || h.failed) {
    if (error && error->empty()) *error = "invalid JSON";
    return Json(Json::value_t::discarded);
  }
  return root;
}

}  // namespace omo
