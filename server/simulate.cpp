#include "simulate.h"

#include "context.h"

#include <httplib.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include "collector.h"
#include "commands.h"
#include "parse.h"
#include "rules_loader.h"

namespace omo {
namespace server {
namespace {

bool endsWith(const std::string& s, const char* suffix) {
  size_t n = std::char_traits<char>::length(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

// Arm names when the labels are arm/no, arm/yes pairs; else empty.
std::vector<std::string> armsOf(const MeasurementTask& task) {
  std::vector<std::string> arms;
  const auto& c = task.categories;
  if (c.size() < 2 || c.size() % 2) return {};
  for (size_t i = 0; i < c.size(); i += 2) {
    if (!endsWith(c[i], "/no") || !endsWith(c[i + 1], "/yes")) return {};
    std::string arm = c[i].substr(0, c[i].size() - 3);
    if (c[i + 1] != arm + "/yes") return {};
    arms.push_back(arm);
  }
  return arms;
}

std::string percent(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", 100 * x);
  return buf;
}

std::string points(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.2f pp", 100 * x);
  return buf;
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

std::vector<double> syntheticTruth(const MeasurementTask& task) {
  const size_t d = task.categories.size();
  std::vector<double> p(d, 0);
  if (d == 0) return p;
  std::vector<std::string> arms = armsOf(task);
  if (!arms.empty()) {
    int j = 0;
    for (size_t a = 0; a < arms.size(); ++a) {
      double rate = arms[a] == "holdout" ? 0.03 : 0.03 * (1 + 0.2 * (++j));
      p[2 * a] = (1 - rate) / arms.size();
      p[2 * a + 1] = rate / arms.size();
    }
    return p;
  }
  bool unset = d >= 2 && task.categories.back() == "unset";
  size_t values = unset ? d - 1 : d;
  double harmonic = 0;
  for (size_t i = 0; i < values; ++i) harmonic += 1.0 / (i + 1);
  double mass = unset ? 0.8 : 1.0;
  for (size_t i = 0; i < values; ++i) p[i] = mass * (1.0 / (i + 1)) / harmonic;
  if (unset) p[d - 1] = 0.2;
  return p;
}

std::vector<SimulatedTask> simulateVisitors(const std::vector<MeasurementTask>& tasks, int64_t visitors,
                                            uint64_t seed, const std::string& cfg, const std::string& window,
                                            const std::function<bool(const Report&)>& sink) {
  Rng truthRng(seed);
  Rng deviceRng(seed ^ 0x5eed5eed5eed5eedull);
  std::vector<SimulatedTask> out;
  std::vector<std::vector<double>> cumulative;
  for (const auto& t : tasks) {
    SimulatedTask s;
    s.task = t;
    s.truth.assign(t.categories.size(), 0);
    s.observed.assign(t.categories.size(), 0);
    out.push_back(std::move(s));
    std::vector<double> p = syntheticTruth(t), cum;
    double acc = 0;
    for (double x : p) cum.push_back(acc += x);
    cumulative.push_back(std::move(cum));
  }
  bool sending = true;
  for (int64_t v = 0; v < visitors; ++v) {
    for (size_t k = 0; k < out.size(); ++k) {
      const auto& cum = cumulative[k];
      if (cum.size() < 2) continue;
      double u = truthRng.uniform();
      size_t cell = 0;
      while (cell + 1 < cum.size() && u >= cum[cell]) ++cell;
      out[k].truth[cell]++;
      Report r = measure::encode(out[k].task, static_cast<int>(cell), cfg, window, deviceRng);
      out[k].observed[static_cast<size_t>(r.y)]++;
      if (sending && sink) sending = sink(r);
    }
  }
  for (auto& s : out) s.estimate = measure::estimate(s.observed, s.task.epsilon, s.task.categories);
  return out;
}

std::string formatSimulation(const std::vector<SimulatedTask>& results, int64_t visitors, uint64_t seed,
                             const std::string& window) {
  std::string o;
  char line[512];
  std::snprintf(line, sizeof line,
                "SIMULATED: %lld synthetic visitors (seed %llu, window %s), not real data; truth vs the "
                "collector's estimate from randomized reports\n",
                static_cast<long long>(visitors), static_cast<unsigned long long>(seed), window.c_str());
  o += line;
  for (const auto& s : results) {
    const auto& t = s.task;
    std::snprintf(line, sizeof line, "\ntask %s (%s, eps %g, d %d, %lld reports)\n", t.id.c_str(),
                  t.kind == MeasurementTask::Experiment ? "experiment" : "field", t.epsilon, t.d(),
                  static_cast<long long>(s.estimate.n));
    o += line;
    if (t.d() < 2) {
      o += "  (fewer than 2 cells: nothing to measure)\n";
      continue;
    }
    o += "  " + pad("cell", 22) + pad("true", 10) + pad("estimate", 10) + pad("95% interval", 20) + "covered\n";
    const double n = static_cast<double>(visitors > 0 ? visitors : 1);
    for (size_t i = 0; i < s.estimate.cells.size(); ++i) {
      const auto& c = s.estimate.cells[i];
      double truth = s.truth[i] / n;
      bool covered = truth >= c.low && truth <= c.high;
      o += "  " + pad(c.label, 22) + pad(percent(truth), 10) + pad(percent(c.share), 10) +
           pad("[" + percent(c.low) + ", " + percent(c.high) + "]", 20) + (covered ? "yes" : "NO") + "\n";
    }
    auto conv = measure::conversions(s.estimate, t.epsilon);
    if (!conv.empty()) {
      o += "  " + pad("conversion by arm", 22) + pad("true", 10) + pad("estimate", 10) + pad("95% interval", 20) +
           "lift vs holdout [95%]\n";
      for (size_t a = 0; a < conv.size(); ++a) {
        double no = static_cast<double>(s.truth[2 * a]), yes = static_cast<double>(s.truth[2 * a + 1]);
        double truth = no + yes > 0 ? yes / (no + yes) : 0;
        std::string lift = conv[a].hasLift ? points(conv[a].lift) + " [" + points(conv[a].liftLow) + ", " +
                                                 points(conv[a].liftHigh) + "]"
                                           : "";
        o += "  " + pad(conv[a].arm, 22) + pad(percent(truth), 10) + pad(percent(conv[a].rate), 10) +
             pad("[" + percent(conv[a].low) + ", " + percent(conv[a].high) + "]", 20) + lift + "\n";
      }
    }
  }
  return o;
}

}  // namespace server

namespace simulate {
namespace {

int usage(const std::string& problem) {
  std::fprintf(stderr, "omotenashi simulate: %s\n", problem.c_str());
  std::fprintf(stderr,
               "usage: omotenashi simulate --rules R.json --visitors N [--seed S] [--post URL] [--window YYYY-Www]\n");
  return 2;
}

bool parseUint(const std::string& s, uint64_t hi, uint64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > hi) return false;
  *out = v;
  return true;
}

// "http://HOST:PORT[/path]" on a loopback address only: simulate sends
// synthetic traffic, never to another machine.
bool parsePostUrl(const std::string& url, std::string* base, std::string* path, std::string* problem) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return (*problem = "must start with http://"), false;
  std::string rest = url.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  *path = slash == std::string::npos ? "" : rest.substr(slash);
  if (path->empty() || *path == "/") *path = "/v1/reports";
  std::string host = hostport;
  if (!hostport.empty() && hostport[0] == '[') {
    size_t close = hostport.find(']');
    host = close == std::string::npos ? "" : hostport.substr(0, close + 1);
  } else {
    host = hostport.substr(0, hostport.find(':'));
  }
  bool loopback = host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
  if (host.rfind("127.", 0) == 0)
    for (char c : host)
      if (!((c >= '0' && c <= '9') || c == '.')) loopback = false;
  if (!loopback) return (*problem = "must be a loopback address (127.x.x.x, localhost or [::1])"), false;
  *base = scheme + hostport;
  return true;
}

}  // namespace

int run(int argc, char** argv) {
  std::string rulesPath, postUrl, window;
  uint64_t visitors = 0, seed = 1;
  bool haveVisitors = false;
  // Options start after the subcommand, whether argv is main's or starts at it.
  int first = argc > 1 && std::string(argv[1]) == "simulate" ? 2 : 1;
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      usage("synthetic visitors through the real report encoder and estimator");
      return 0;
    }
    if (a.rfind("--", 0) != 0) return usage("unexpected argument \"" + a + "\"");
    if (i + 1 >= argc) return usage(a + ": missing value");
    std::string v = argv[++i];
    if (a == "--rules") {
      rulesPath = v;
    } else if (a == "--visitors") {
      if (!parseUint(v, 100000000, &visitors) || visitors == 0)
        return usage("--visitors: must be an integer from 1 to 100000000");
      haveVisitors = true;
    } else if (a == "--seed") {
      if (!parseUint(v, UINT64_MAX / 10, &seed)) return usage("--seed: must be a non-negative integer");
    } else if (a == "--post") {
      postUrl = v;
    } else if (a == "--window") {
      if (!parseIsoWeek(v, nullptr, nullptr)) return usage("--window: must be an ISO week YYYY-Www that exists");
      window = v;
    } else {
      return usage("unknown option " + a);
    }
  }
  if (rulesPath.empty()) return usage("--rules is required");
  if (!haveVisitors) return usage("--visitors is required");
  std::string base, path, problem;
  if (!postUrl.empty() && !parsePostUrl(postUrl, &base, &path, &problem)) return usage("--post: " + problem);

  std::vector<MeasurementTask> tasks;
  std::string site, cfg;
  if (!loadRulesFile(rulesPath, &tasks, &site, &cfg, "omotenashi simulate")) return 1;
  if (tasks.empty()) {
    std::fprintf(stderr, "omotenashi simulate: %s declares no measurements\n", rulesPath.c_str());
    return 1;
  }
  if (cfg.empty()) cfg = "simulated";
  if (window.empty()) {
    // The previous ISO week: already closed, so a collector releases it at once.
    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    window = isoWeekOfDay(now / 86400 - 7);
  }

  // Posting: batches of at most 100 reports, retried after 429 as told.
  std::unique_ptr<httplib::Client> client;
  ReportBatch batch;
  batch.site = site;
  int64_t sent = 0, dup = 0, failed = 0;
  std::string postError;
  auto flush = [&]() -> bool {
    if (batch.reports.empty()) return true;
    std::string body = batch.serialize();
    for (int attempt = 0; attempt < 100; ++attempt) {
      auto res = client->Post(path.c_str(), body, "application/json");
      if (!res) {
        postError = "cannot reach " + postUrl + " (" + httplib::to_string(res.error()) + ")";
        return false;
      }
      if (res->status == 429) {
        int wait = std::atoi(res->get_header_value("Retry-After").c_str());
        std::this_thread::sleep_for(std::chrono::seconds(wait < 1 ? 1 : wait > 60 ? 60 : wait));
        continue;
      }
      if (res->status != 202) {
        postError = "collector answered " + std::to_string(res->status) + ": " + res->body;
        return false;
      }
      std::string perr;
      Json j = parseJson(res->body, &perr);
      const Json* ok = member(j, "ok");
      const Json* dp = member(j, "dup");
      sent += ok && ok->is_array() ? static_cast<int64_t>(ok->size()) : 0;
      dup += dp && dp->is_array() ? static_cast<int64_t>(dp->size()) : 0;
      batch.reports.clear();
      return true;
    }
    postError = "still rate-limited after 100 attempts";
    return false;
  };
  std::function<bool(const Report&)> sink;
  if (!postUrl.empty()) {
    if (site.empty()) {
      std::fprintf(stderr, "omotenashi simulate: %s has no site id to post reports for\n", rulesPath.c_str());
      return 1;
    }
    client.reset(new httplib::Client(base));
    client->set_connection_timeout(5);
    client->set_read_timeout(30);
    client->set_keep_alive(true);
    client->set_tcp_nodelay(true);
    sink = [&](const Report& r) {
      batch.reports.push_back(r);
      if (batch.reports.size() < measure::kMaxReportsPerBatch) return true;
      if (flush()) return true;
      ++failed;
      return false;
    };
  }
  auto results = server::simulateVisitors(tasks, static_cast<int64_t>(visitors), seed, cfg, window, sink);
  if (client && failed == 0 && !flush()) ++failed;
  std::fputs(server::formatSimulation(results, static_cast<int64_t>(visitors), seed, window).c_str(), stdout);
  if (client) {
    if (failed) {
      std::fprintf(stderr, "omotenashi simulate: posting stopped: %s\n", postError.c_str());
      return 1;
    }
    std::printf("\nposted to %s%s: %lld reports stored, %lld duplicates (site %s, window %s)\n", base.c_str(),
                path.c_str(), static_cast<long long>(sent), static_cast<long long>(dup), site.c_str(),
                window.c_str());
  }
  return 0;
}

}  // namespace simulate
}  // namespace omo
