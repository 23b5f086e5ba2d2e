// `omotenashi serve`: argument parsing, signals, the admin token.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "collector.h"
#include "commands.h"
#include "rules_loader.h"

#ifndef OMO_DASHBOARD_DIR
#define OMO_DASHBOARD_DIR "server/dashboard"
#endif

namespace omo {
namespace serve {
namespace {

int usage(const std::string& problem) {
  std::fprintf(stderr, "omotenashi serve: %s\n", problem.c_str());
  std::fprintf(stderr,
               "usage: omotenashi serve [--port N] [--host H] [--db sqlite:PATH] [--static DIR] [--token T]\n"
               "                        [--k K] [--rate N] [--trusted-proxy ADDR] [--rules R.json] [--dashboard DIR]\n"
               "                        [--label TEXT]\n");
  return 2;
}

// Whole decimal integer in [lo, hi]; no strtol surprises ("12abc", overflow).
bool parseInt(const std::string& s, int64_t lo, int64_t hi, int64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v < lo || v > hi) return false;
  *out = v;
  return true;
}

}  // namespace

int run(int argc, char** argv) {
  server::CollectorOptions opt;
  opt.dashboardDir = OMO_DASHBOARD_DIR;
  std::string rulesPath;
  // Options start after the subcommand, whether argv is main's or starts at it.
  int first = argc > 1 && std::string(argv[1]) == "serve" ? 2 : 1;
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      usage("the collector (SPEC section 5)");
      return 0;
    }
    if (a.rfind("--", 0) != 0) return usage("unexpected argument \"" + a + "\"");
    if (i + 1 >= argc) return usage(a + ": missing value");
    std::string v = argv[++i];
    int64_t n = 0;
    if (a == "--port") {
      if (!parseInt(v, 0, 65535, &n)) return usage("--port: must be an integer from 0 to 65535");
      opt.port = static_cast<int>(n);
    } else if (a == "--host") {
      if (v.empty()) return usage("--host: must not be empty");
      opt.host = v;
    } else if (a == "--db") {
      if (v.rfind("sqlite:", 0) != 0 || v.size() == 7) return usage("--db: must be sqlite:PATH");
      opt.dbPath = v.substr(7);
    } else if (a == "--static") {
      opt.staticDir = v;
    } else if (a == "--dashboard") {
      opt.dashboardDir = v;
    } else if (a == "--token") {
      if (v.size() < 8 || v.size() > 256 || v.find_first_of(" \t\r\n") != std::string::npos)
        return usage("--token: must be 8 to 256 characters without spaces");
      opt.token = v;
    } else if (a == "--label") {
      // Shown on the dashboard above the results, e.g. "SIMULATED traffic".
      const size_t chars = codePoints(v);
      if (chars == std::string::npos || chars > 200) return usage("--label: at most 200 characters of UTF-8 text");
      opt.label = v;
    } else if (a == "--k") {
      if (!parseInt(v, 1, 1000000000, &n)) return usage("--k: must be an integer from 1 to 1000000000");
      opt.k = n;
    } else if (a == "--rate") {
      if (!parseInt(v, 0, 1000000000, &n)) return usage("--rate: must be an integer (requests per minute per client; 0 = off)");
      opt.ratePerMinute = static_cast<double>(n);
    } else if (a == "--trusted-proxy") {
      if (v.empty() || v.find_first_of(" \t,") != std::string::npos)
        return usage("--trusted-proxy: must be the proxy's address, e.g. 127.0.0.1");
      opt.trustedProxy = v;
    } else if (a == "--rules") {
      rulesPath = v;
    } else {
      return usage("unknown option " + a);
    }
  }
  if (!opt.staticDir.empty()) {
    std::ifstream probe(opt.staticDir + "/.");
    if (!probe) return usage("--static: " + opt.staticDir + " is not a readable folder");
  }
  if (!rulesPath.empty()) {
    std::vector<MeasurementTask> tasks;
    std::string site, cfg;
    if (!loadRulesFile(rulesPath, &tasks, &site, &cfg, "omotenashi serve")) return 1;
    for (const auto& t : tasks)
      opt.tasks[t.id] = {t.kind == MeasurementTask::Experiment ? "experiment" : "field", t.categories};
  }
  bool generated = false;
  if (opt.token.empty()) {
    opt.token = server::randomToken();
    generated = true;
    if (opt.token.empty()) {
      std::fprintf(stderr, "omotenashi serve: cannot read /dev/urandom for the admin token\n");
      return 1;
    }
  }

  // Signals go to one waiting thread (blocked everywhere else, including
  // the server's worker threads, which inherit this mask), which stops the
  // server; run() then returns and the database is closed in order.
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, &old);
  signal(SIGPIPE, SIG_IGN);

  int rc = 0;
  {
    server::Collector collector(opt);
    std::string error;
    if (!collector.start(&error)) {
      std::fprintf(stderr, "omotenashi serve: %s\n", error.c_str());
      pthread_sigmask(SIG_SETMASK, &old, nullptr);
      return 1;
    }
    std::thread waiter([&collector, set] {
      int sig = 0;
      sigwait(&set, &sig);
      collector.stop();
    });
    // An IPv6 address goes in brackets in a URL (http://[::1]:8080/).
    bool v6 = opt.host.find(':') != std::string::npos;
    std::printf("omotenashi collector listening on http://%s%s%s:%d/ (dashboard: /dashboard)\n", v6 ? "[" : "",
                opt.host.c_str(), v6 ? "]" : "", collector.port());
    if (generated) std::printf("admin token: %s\n", opt.token.c_str());
    std::fflush(stdout);
    collector.run();
    pthread_kill(waiter.native_handle(), SIGTERM);  // wakes the waiter if the server stopped by itself
    waiter.join();
    std::printf("omotenashi collector stopped\n");
    std::fflush(stdout);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return rc;
}

}  // namespace serve
}  // namespace omo
