// omotenashi — the command line (SPEC section 2): lint, decide, serve, simulate.
// Bad input of any kind gets a one-line error and a non-zero exit.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "engine.h"
#include "files.h"
#include "parse.h"
#ifdef OMO_WITH_SERVER
#include "commands.h"
#endif

namespace {

constexpr const char* kUsage =
    "usage:\n"
    "  omotenashi lint RULES.json\n"
    "  omotenashi decide --rules R.json --profile P.json --context C.json [--slot NAME] [--now MS] [--seed S]\n"
    "  omotenashi serve [--port N] [--db sqlite:PATH] [--static DIR] [--token T]\n"
    "  omotenashi simulate --rules R.json --visitors N [--seed S] [--post URL]\n";

using omo::readFile;

int fail(const std::string& message) {
  std::cerr << "omotenashi: " << message << "\n";
  return 2;
}

bool parseInt64(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno || *end) return false;
  *out = v;
  return true;
}

int lint(int argc, char** argv) {
  if (argc != 3) return fail("lint takes one file: omotenashi lint RULES.json");
  std::string path = argv[2], text, error;
  if (!readFile(path, &text, &error)) return fail(error);
  omo::Diagnostics diags;
  auto rules = omo::Ruleset::compileText(text, &diags);
  if (!rules) {
    for (const auto& d : diags.list()) std::cerr << path << ":" << d.pointer << ": " << d.message << "\n";
    return 1;
  }
  std::cout << path << ": ok (" << rules->slots.size() << " slots, version " << rules->hash << ")\n";
  return 0;
}

int decide(int argc, char** argv) {
  std::string rulesPath, profilePath, contextPath, slot;
  int64_t now = 0, seed = 1;
  bool haveNow = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--rules" && value(&rulesPath)) continue;
    if (a == "--profile" && value(&profilePath)) continue;
    if (a == "--context" && value(&contextPath)) continue;
    if (a == "--slot" && value(&slot)) continue;
    if (a == "--now" && value(&v)) {
      if (!parseInt64(v, &now)) return fail("--now takes UTC milliseconds, got \"" + v + "\"");
      haveNow = true;
      continue;
    }
    if (a == "--seed" && value(&v)) {
      if (!parseInt64(v, &seed)) return fail("--seed takes a whole number, got \"" + v + "\"");
      continue;
    }
    return fail("decide: unexpected argument \"" + a + "\"\n" + kUsage);
  }
  if (rulesPath.empty() || contextPath.empty()) return fail("decide needs --rules and --context (and usually --profile)");

  std::string text, error;
  if (!readFile(rulesPath, &text, &error)) return fail(error);
  omo::Diagnostics diags;
  auto engine = omo::Engine::fromRulesText(text, static_cast<uint64_t>(seed), &diags);
  if (!engine) {
    const auto& d = diags.list().front();
    return fail(rulesPath + ":" + d.pointer + ": " + d.message +
                (diags.list().size() > 1 ? " (and " + std::to_string(diags.list().size() - 1) + " more; run lint)" : ""));
  }

  if (!readFile(contextPath, &text, &error)) return fail(error);
  omo::Json ctx = omo::parseJson(text, &error);
  if (ctx.is_discarded()) return fail(contextPath + ": not valid JSON: " + error);
  if (const omo::Json* n = omo::member(ctx, "now")) {
    if (!n->is_number_integer()) return fail(contextPath + ": now must be UTC milliseconds");
    if (!haveNow) now = n->get<int64_t>();
    haveNow = true;
  }
  if (!haveNow) return fail("the time is an input: give --now MS or \"now\" in the context");
  if (!engine->setContext(ctx, &error)) return fail(contextPath + ": " + error);

  if (!profilePath.empty()) {
    if (!readFile(profilePath, &text, &error)) return fail(error);
    omo::Json prof = omo::parseJson(text, &error);
    if (prof.is_discarded()) return fail(profilePath + ": not valid JSON: " + error);
    if (!engine->loadProfileScript(prof, now, &error)) return fail(profilePath + ": " + error);
  }
  engine->beginPage(now);

  if (!slot.empty()) {
    auto d = engine->decide(slot, now);
    if (!d) return fail("no slot named \"" + slot + "\" in " + rulesPath);
    std::cout << d->toJson().dump(2) << "\n";
    return 0;
  }
  omo::Json all = omo::Json::array();
  for (const auto& d : engine->decideAll(now)) all.push_back(d.toJson());
  std::cout << all.dump(2) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  std::string cmd = argv[1];
  if (cmd == "lint") return lint(argc, argv);
  if (cmd == "decide") return decide(argc, argv);
#ifdef OMO_WITH_SERVER
  if (cmd == "serve") return omo::serve::run(argc, argv);
  if (cmd == "simulate") return omo::simulate::run(argc, argv);
#endif
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << "omotenashi: unknown command \"" << cmd << "\"\n" << kUsage;
  return 2;
}
