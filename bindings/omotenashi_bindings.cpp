// The engine, exposed to JavaScript: the one Embind file.
//
// One class_ (`Engine`) holds the state of one page's engine: the compiled
// rules, the visitor's profile, the page context, and the decisions last
// handed out (so `shown(slot)` records exactly what was painted). JS owns the
// object and calls .delete() when done; the loader keeps one per page.
//
// Data crosses as plain JS values, never as bound classes, so nothing else
// has a lifetime: inputs are JSON text (the loader JSON.stringify()s plain
// objects), outputs are JSON text the loader JSON.parse()s into plain
// objects. That was measured smaller and faster than building the objects
// through emval or value_object (docs/benchmarks.md), and decisions are
// written by Decision::write, so the browser and the CLI answer in the same
// shape.
//
// No exception crosses the boundary: this build has exceptions disabled, the
// engine never throws, every JSON input is parsed with exceptions off and
// checked, and every failure comes back as an error string ("" = success).
#include <emscripten/bind.h>
#include <emscripten/em_macros.h>
#include <emscripten/em_js.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "diagnostics.h"
#include "engine.h"
#include "json.h"
#include "parse.h"

// The engine's host (engine/host.h) is JavaScript: its own number
// conversions and Math.exp, which the engine's rules follow, instead of
// ~10 KB gzip of strtod, Dragonbox and exp tables in the wasm. The number
// texts are ASCII.
EM_JS(double, omo_host_number, (const char* text, size_t length), {
  return Number(UTF8ToString(text, length));
});
EM_JS(double, omo_host_exp, (double x), { return Math.exp(x); });
EM_JS(size_t, omo_host_number_text, (double d, char* out), {
  var s = String(d);
  for (var i = 0; i < s.length; ++i) HEAPU8[out + i] = s.charCodeAt(i);
  return s.length;
});

// Embind's C++ half is this file's, not libembind's (bindings/CMakeLists.txt
// links only Embind's JavaScript): libembind registers every built-in type at
// start-up (wide strings, 64-bit integers, 19 memory views), so all their
// JavaScript converters ship in the glue. The Engine class needs five; they
// are registered with it, below. Types are identified by address
// (EMSCRIPTEN_HAS_UNBOUND_TYPE_NAMES=0, no RTTI), so they have no names for
// Embind to print about a type it cannot convert (the bindings hand it none).
extern "C" const char* EMSCRIPTEN_KEEPALIVE __getTypeName(const void*) {
  return strdup("(a type the bindings do not register)");  // Embind frees it
}

namespace {

using omo::Json;

// Times cross as JS numbers (ms since the epoch, exact up to 2^53). NaN or a
// number beyond 2^53 (which no clock gives) becomes 0 instead of undefined
// behaviour in the conversion.
int64_t ms(double v) {
  constexpr double kMax = static_cast<double>(omo::kMaxJsInteger);
  return v >= -kMax && v <= kMax ? static_cast<int64_t>(v) : 0;
}

class WebEngine {
 public:
  // The seed is 64 bits from crypto.getRandomValues, in two 32-bit halves
  // (JS numbers cannot carry 64 bits without BigInt).
  WebEngine(const std::string& rulesText, double seedHigh, double seedLow) {
    uint64_t seed = (static_cast<uint64_t>(static_cast<uint32_t>(seedHigh)) << 32) |
                    static_cast<uint64_t>(static_cast<uint32_t>(seedLow));
    engine_ = omo::Engine::fromRulesText(rulesText, seed, &diags_);
    if (!engine_ && diags_.empty()) diags_.error("", "the rules could not be compiled");
  }

  bool ok() const { return engine_ != nullptr; }

  // [{pointer, message}, ...]: every problem found in the rules.
  std::string diagnostics() const {
    Json list = Json::array();
    for (const auto& d : diags_.list()) list.push_back(Json{{"pointer", d.pointer}, {"message", d.message}});
    return list.dump();
  }

  // "" when loaded; otherwise why the stored profile was rejected (the
  // engine keeps the profile it held).
  std::string loadProfile(const std::string& text, double nowMs) {
    if (!engine_) return "engine not initialized";
    std::string error;
    if (engine_->loadProfile(text, ms(nowMs), &error)) return "";
    return error.empty() ? "corrupted profile" : error;
  }

  // The readable profile form of test fixtures and `omotenashi decide`
  // ({deviceId?, fields?, signals?}, or a stored profile); "" when loaded.
  std::string loadProfileScript(const std::string& json, double nowMs) {
    Json j;
    std::string error = parse(json, &j);
    if (!error.empty()) return error;
    if (!engine_->loadProfileScript(j, ms(nowMs), &error)) return error.empty() ? "invalid profile" : error;
    return "";
  }

  std::string saveProfile() { return engine_ ? engine_->saveProfile() : std::string(); }

  bool profileEmpty() const { return !engine_ || engine_->profile().empty(); }

  void forget(double nowMs) {
    if (engine_) engine_->forget(ms(nowMs));
    last_.clear();
  }

  std::string setContext(const std::string& json) {
    Json j;
    std::string error = parse(json, &j);
    if (!error.empty()) return error;
    if (!engine_->setContext(j, &error)) return error.empty() ? "invalid context" : error;
    return "";
  }

  std::string setProfile(const std::string& json, double nowMs) {
    Json j;
    std::string error = parse(json, &j);
    if (!error.empty()) return error;
    if (!engine_->setProfile(j, ms(nowMs), &error)) return error.empty() ? "invalid profile fields" : error;
    return "";
  }

  std::string track(const std::string& json, double nowMs) {
    Json j;
    std::string error = parse(json, &j);
    if (!error.empty()) return error;
    if (!engine_->track(j, ms(nowMs), &error)) return error.empty() ? "invalid signal" : error;
    return "";
  }

  void beginPage(double nowMs) {
    if (engine_) engine_->beginPage(ms(nowMs));
  }

  // A single-page app's route change: the next impressions count anew.
  void newPage() {
    if (engine_) engine_->newPage();
  }

  // [decision, ...] for every slot in the rules (Decision::write).
  std::string decideAll(double nowMs) {
    std::string text;
    omo::JsonWriter w(text);
    w.beginArray();
    if (engine_) {
      for (auto& d : engine_->decideAll(ms(nowMs))) {
        d.write(w);
        remember(std::move(d));
      }
    }
    w.endArray();
    return text;
  }

  // The decision, or null for a slot the rules do not declare.
  std::string decide(const std::string& slot, double nowMs) {
    auto d = engine_ ? engine_->decide(slot, ms(nowMs)) : std::nullopt;
    if (!d) return "null";
    std::string text;
    omo::JsonWriter w(text);
    d->write(w);
    remember(std::move(*d));
    return text;
  }

  // The last decision handed out for `slot` is on screen. True when that
  // counted an impression (the profile changed and wants saving).
  bool shown(const std::string& slot, double nowMs) {
    if (!engine_) return false;
    for (const auto& d : last_)
      if (d.slot == slot) return engine_->shown(d, ms(nowMs));
    return false;
  }

  std::string explain(const std::string& slot, double nowMs) const {
    return engine_ ? engine_->explain(slot, ms(nowMs)) : std::string();
  }

  std::string exportData() const { return (engine_ ? engine_->exportData() : Json::object()).dump(); }

  std::string attributes(double nowMs) const { return (engine_ ? engine_->attributes(ms(nowMs)) : Json::object()).dump(); }

  // The serialized batch to POST, or "" when nothing is due.
  std::string dueReports(double nowMs) { return engine_ ? engine_->dueReports(ms(nowMs)) : std::string(); }

  // What another tab stored: its reports only (Engine::keepReportsFrom).
  void keepReportsFrom(const std::string& text) {
    if (engine_) engine_->keepReportsFrom(text);
  }

  // `ridsJson`: a JSON array of report ids the collector accepted (ok + dup).
  std::string acknowledgeReports(const std::string& ridsJson, double nowMs) {
    Json j;
    std::string error = parse(ridsJson, &j);
    if (!error.empty()) return error;
    if (!j.is_array()) return "expected an array of report ids";
    std::vector<std::string> rids;
    for (const auto& r : j)
      if (r.is_string()) rids.push_back(r.get<std::string>());
    engine_->acknowledgeReports(rids, ms(nowMs));
    return "";
  }

  void reportsFailed(double nowMs) {
    if (engine_) engine_->reportsFailed(ms(nowMs));
  }

 private:
  // Parses JSON input without exceptions; "" on success.
  std::string parse(const std::string& text, Json* j) const {
    if (!engine_) return "engine not initialized";
    std::string error;
    *j = omo::parseJson(text, &error);
    if (j->is_discarded()) return error.empty() ? "invalid JSON" : error;
    return "";
  }

  void remember(omo::Decision&& d) {
    for (auto& old : last_) {
      if (old.slot == d.slot) {
        old = std::move(d);
        return;
      }
    }
    last_.push_back(std::move(d));
  }

  std::unique_ptr<omo::Engine> engine_;
  omo::Diagnostics diags_;
  std::vector<omo::Decision> last_;   // the latest decision per slot
};

// The types registered below. A bound method with any other type would build
// and then fail when called, so each method is checked at compile time.
template <class T>
constexpr bool kRegistered = std::is_same_v<T, void> || std::is_same_v<T, bool> || std::is_same_v<T, double> ||
                             std::is_same_v<T, std::string>;
template <class M>
struct UsesRegisteredTypes;
template <class R, class... A>
struct UsesRegisteredTypes<R (WebEngine::*)(A...)>
    : std::bool_constant<(kRegistered<R> && ... && kRegistered<std::decay_t<A>>)> {};
template <class R, class... A>
struct UsesRegisteredTypes<R (WebEngine::*)(A...) const> : UsesRegisteredTypes<R (WebEngine::*)(A...)> {};

// The Engine class's methods, bound and checked from this one list.
#define OMO_METHODS(X) \
  X(ok) \
  X(diagnostics) \
  X(loadProfile) \
  X(loadProfileScript) \
  X(saveProfile) \
  X(profileEmpty) \
  X(forget) \
  X(setContext) \
  X(setProfile) \
  X(track) \
  X(beginPage) \
  X(newPage) \
  X(decideAll) \
  X(decide) \
  X(shown) \
  X(explain) \
  X(exportData) \
  X(attributes) \
  X(dueReports) \
  X(keepReportsFrom) \
  X(acknowledgeReports) \
  X(reportsFailed)
#define OMO_CHECK(name) \
  static_assert(UsesRegisteredTypes<decltype(&WebEngine::name)>::value, \
                #name ": a type the bindings do not register (see EMSCRIPTEN_BINDINGS)");
OMO_METHODS(OMO_CHECK)

}  // namespace

EMSCRIPTEN_BINDINGS(omotenashi) {
  using namespace emscripten::internal;
  _embind_register_void(TypeID<void>::get(), "void");
  _embind_register_bool(TypeID<bool>::get(), "bool", sizeof(bool), true, false);
  _embind_register_float(TypeID<double>::get(), "double", sizeof(double));
  _embind_register_std_string(TypeID<std::string>::get(), "std::string");
  // Embind's class code refers to emval's handle table (for smart pointers).
  _embind_register_emval(TypeID<emscripten::val>::get(), "emscripten::val");

#define OMO_BIND(name) .function(#name, &WebEngine::name)
  emscripten::class_<WebEngine>("Engine").constructor<const std::string&, double, double>() OMO_METHODS(OMO_BIND);
}
