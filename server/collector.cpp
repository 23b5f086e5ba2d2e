#include "collector.h"

#include <strings.h>
#include <sys/stat.h>

#include "context.h"
#include "files.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>

namespace omo {
namespace server {
namespace {

constexpr const char* kJson = "application/json";

int64_t systemNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
double monotonicSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void sendJson(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(dumpJson(body), kJson);
}
void sendError(httplib::Response& res, int status, const std::string& message) {
  Json j = Json::object();
  j["error"] = message;
  sendJson(res, status, j);
}

// Compares without an early exit, so timing does not reveal a token prefix.
bool sameSecret(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  size_t n = a.size() < b.size() ? a.size() : b.size();
  for (size_t i = 0; i < n; ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0 && !b.empty();
}

bool isSiteId(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.'))
      return false;
  return true;
}

// What httplib lets through but must not reach routing, as "field: problem";
// empty when nothing. Checked before the body is read.
// - A decoded path holding a NUL byte ("/index.html%00.txt") would be cut
//   short by every file call: the mount served index.html under that name.
// - httplib reads Content-Length with strtoull: "abc" as 0 (an empty body),
//   "7abc" or "7, 9" as 7, "-1" as a huge length (a worker waiting out the
//   read timeout), and of two headers only the first.
std::string malformed(const httplib::Request& req) {
  if (req.path.find('\0') != std::string::npos) return "path: holds a NUL byte";
  size_t lengths = req.get_header_value_count("Content-Length");
  if (lengths > 1) return "Content-Length: given more than once";
  std::string length = req.get_header_value("Content-Length");
  if (lengths == 1 && (length.empty() || length.find_first_not_of("0123456789") != std::string::npos))
    return "Content-Length: must be a decimal number of bytes";
  return "";
}

// True when the request declares a body over `maxBody` bytes (its
// Content-Length, checked by malformed() first). httplib answers 413 only
// after reading and dropping that many bytes: a worker waits for a body that
// may never come, or comes a byte at a time. The connection carries one
// request (routes()), so the body left unread is never read as another.
bool overLimit(const httplib::Request& req, size_t maxBody) {
  std::string length = req.get_header_value("Content-Length");
  length.erase(0, std::min(length.find_first_not_of('0'), length.size()));  // "000148": 148
  return length.size() > 18 || (!length.empty() && std::stoull(length) > maxBody);
}

// The 413's message, for whichever check finds the body too large.
std::string tooLarge(size_t maxBody) { return "body: over " + std::to_string(maxBody) + " bytes"; }

// True when the static file a GET names (a folder's index.html for a path
// ending in "/") exists and, with every symlink resolved, is outside `root`
// (itself resolved). httplib's mount follows symlinks: a link in the shop's
// folder to /etc/passwd served that file.
bool outsideStaticRoot(const std::string& root, const std::string& path) {
  std::string file = root + path;
  if (file.back() == '/') file += "index.html";
  std::error_code ec;
  std::filesystem::path real = std::filesystem::canonical(file, ec);
  if (ec) return false;  // nothing there: httplib serves nothing either
  std::filesystem::path inside = real.lexically_relative(root);
  return inside.empty() || *inside.begin() == "..";
}

// splitmix64 over the key and the bytes: enough to spread buckets, and with
// a random per-process key the stored value says nothing about an address.
uint64_t keyedHash(uint64_t key, const std::string& s) {
  uint64_t h = key;
  for (unsigned char c : s) {
    h ^= c;
    h += 0x9e3779b97f4a7c15ull;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
    h ^= h >> 31;
  }
  return h;
}

uint64_t urandom64() {
  uint64_t v = 0;
  if (FILE* f = std::fopen("/dev/urandom", "rb")) {
    if (std::fread(&v, sizeof v, 1, f) != 1) v = 0;
    std::fclose(f);
  }
  if (v == 0) v = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  return v;
}

std::string utcDate(int64_t day) {
  time_t t = static_cast<time_t>(day * 86400);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

double round6(double x) { return std::round(x * 1e6) / 1e6; }

// Whole days since 1970-01-01 (rounded down, also before it).
int64_t dayOf(int64_t seconds) { return seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400; }

// What the collector refuses beyond the wire format, which ReportBatch::parse
// (shared with the browser) checks; checked here so the browser's bundle
// does not carry it:
// - a window that starts after next week by the server's clock (one week of
//   slack for a device clock ahead). A device reports a window only once it
//   has closed by its own clock; stored, "9999-W52" would never close and
//   never be released.
// - eps below the rules' lowest (no rules file can produce it): such a report
//   carries next to nothing and blows up the intervals of its whole series.
bool admissible(const ReportBatch& batch, int64_t today, std::string* error) {
  const int64_t nextWeek = today - (today % 7 + 7 + 3) % 7 + 7;  // day 0, 1970-01-01, was a Thursday
  for (size_t i = 0; i < batch.reports.size(); ++i) {
    const Report& r = batch.reports[i];
    const std::string at = "reports[" + std::to_string(i) + "].";
    int year = 0, week = 0;
    parseIsoWeek(r.win, &year, &week);  // validated by parse
    if (isoWeekStartDay(year, week) > nextWeek) {
      *error = at + "win: " + r.win + " starts after next week (" + isoWeekOfDay(nextWeek) + ") by the server's clock";
      return false;
    }
    if (r.eps < measure::kMinEpsilon) {
      *error = at + "eps: must be at least " + dumpJson(measure::kMinEpsilon) + ", the lowest epsilon rules allow";
      return false;
    }
  }
  return true;
}

}  // namespace

std::string dumpJson(const Json& j) { return j.dump(); }

std::string randomToken() {
  unsigned char raw[24];
  FILE* f = std::fopen("/dev/urandom", "rb");
  if (!f) return "";
  bool ok = std::fread(raw, 1, sizeof raw, f) == sizeof raw;
  std::fclose(f);
  if (!ok) return "";
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  for (size_t i = 0; i < sizeof raw; i += 3) {
    uint32_t v = (uint32_t(raw[i]) << 16) | (uint32_t(raw[i + 1]) << 8) | raw[i + 2];
    for (int s = 18; s >= 0; s -= 6) out += abc[(v >> s) & 63];
  }
  return out;
}

// --- RateLimiter -------------------------------------------------------------

namespace {
// The client a request comes from. Behind a reverse proxy every request comes
// from the proxy's address (one rate-limit bucket for all visitors); from the
// trusted proxy only, the client is the last X-Forwarded-For entry, the one
// that proxy added (entries before it are whatever the client sent).
std::string clientAddress(const httplib::Request& req, const std::string& trustedProxy) {
  size_t n = req.get_header_value_count("X-Forwarded-For");
  if (trustedProxy.empty() || req.remote_addr != trustedProxy || n == 0) return req.remote_addr;
  std::string last = req.get_header_value("X-Forwarded-For", n - 1);
  last = last.substr(last.rfind(',') + 1);  // npos + 1 == 0: the whole value
  size_t b = last.find_first_not_of(" \t"), e = last.find_last_not_of(" \t");
  return b == std::string::npos ? req.remote_addr : last.substr(b, e - b + 1);
}
}  // namespace

RateLimiter::RateLimiter(double perMinute, uint64_t key)
    : capacity_(perMinute), perSecond_(perMinute / 60.0), key_(key) {}

bool RateLimiter::allow(const std::string& client, double now, int* retryAfter) {
  if (capacity_ <= 0) return true;
  uint64_t h = keyedHash(key_, client);
  std::lock_guard<std::mutex> lock(mu_);
  if (buckets_.size() > 100000) {
    // Forget clients whose bucket is full again: they are indistinguishable
    // from new ones. Bounds memory under many addresses.
    for (auto it = buckets_.begin(); it != buckets_.end();)
      it = it->second.tokens + (now - it->second.updated) * perSecond_ >= capacity_ ? buckets_.erase(it) : ++it;
  }
  auto it = buckets_.find(h);
  if (it == buckets_.end()) it = buckets_.emplace(h, Bucket{capacity_, now}).first;
  Bucket& b = it->second;
  b.tokens = std::fmin(capacity_, b.tokens + (now - b.updated) * perSecond_);
  b.updated = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return true;
  }
  if (retryAfter) *retryAfter = static_cast<int>(std::ceil((1 - b.tokens) / perSecond_));
  return false;
}

// --- Collector -------------------------------------------------------------------

Collector::Collector(CollectorOptions options)
    : opt_(std::move(options)), http_(new httplib::Server), limiter_(opt_.ratePerMinute, urandom64()) {
  if (!opt_.now) opt_.now = systemNow;
}

Collector::~Collector() {
  stop();
  store_.close();
}

bool Collector::start(std::string* error) {
  if (opt_.token.empty()) {
    if (error) *error = "no admin token";
    return false;
  }
  // The static folder with every symlink resolved: what its files must stay in.
  std::string staticRoot;
  if (!opt_.staticDir.empty()) {
    std::error_code ec;
    staticRoot = std::filesystem::canonical(opt_.staticDir, ec).string();
    if (ec) {
      if (error) *error = "static folder " + opt_.staticDir + ": " + ec.message();
      return false;
    }
  }
  if (!store_.open(opt_.dbPath, error)) return false;
  routes(staticRoot);
  if (opt_.port == 0) {
    port_ = http_->bind_to_any_port(opt_.host);
    if (port_ <= 0) {
      if (error) *error = "cannot bind " + opt_.host + " on any port";
      return false;
    }
  } else {
    if (!http_->bind_to_port(opt_.host, opt_.port)) {
      if (error) *error = "cannot bind " + opt_.host + ":" + std::to_string(opt_.port) + " (in use?)";
      return false;
    }
    port_ = opt_.port;
  }
  return true;
}

void Collector::run() {
  if (!stopped_) http_->listen_after_bind();
  store_.close();
}

void Collector::stop() {
  stopped_ = true;
  if (http_) http_->stop();
}

void Collector::routes(const std::string& staticRoot) {
  httplib::Server& s = *http_;
  // A Content-Length over the limit is answered 413 before routing
  // (overLimit()); httplib's own check, after it has read that many bytes,
  // stays as a backstop. Bodies without one (chunked) are checked in
  // postReports.
  s.set_payload_max_length(opt_.maxBody);
  // Enough workers for the requests waiting on the group commit: this
  // costs stacks, not CPU.
  s.new_task_queue = [] { return new httplib::ThreadPool(64); };
  // One request per connection. Several paths answer without reading the
  // body (429, multipart, 413 while reading, a malformed Content-Length),
  // and httplib 0.11 keeps the connection open whatever header the answer
  // sets: the unread body was read as the next request. Behind a proxy that
  // reuses its connections to us, that next request's answer went to
  // another visitor (request smuggling). A report is one request per page,
  // so keep-alive bought little (docs/collector.md).
  s.set_keep_alive_max_count(1);
  s.set_tcp_nodelay(true);  // headers and body go out as two writes: no Nagle + delayed-ACK stall
  s.set_read_timeout(5);
  s.set_write_timeout(5);
  // No request log at all: nothing to leak an address through.
  s.set_default_headers({{"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "no-referrer"}});
  const size_t maxBody = opt_.maxBody;
  s.set_pre_routing_handler([staticRoot, maxBody](const httplib::Request& req, httplib::Response& res) {
    std::string problem = malformed(req);
    if (!problem.empty()) {
      sendError(res, 400, problem);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (overLimit(req, maxBody)) {
      res.set_header("Access-Control-Allow-Origin", "*");  // as postReports' own 413: a browser may read it
      sendError(res, 413, tooLarge(maxBody));
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!staticRoot.empty() && (req.method == "GET" || req.method == "HEAD") &&
        outsideStaticRoot(staticRoot, req.path)) {
      sendError(res, 404, "not found");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s.set_error_handler([staticRoot, maxBody](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    // A static folder asked for without its slash ("/cart") moves to "/cart/",
    // where the mount serves its index.html. Not from "//cart": a Location
    // of "//cart/" (or "/\cart/") is another host to a browser.
    struct stat st;
    if (res.status == 404 && !staticRoot.empty() && req.method == "GET" && !req.path.empty() &&
        req.path.back() != '/' && req.path.find("..") == std::string::npos && req.path.rfind("//", 0) != 0 &&
        req.path.rfind("/\\", 0) != 0 &&
        ::stat((staticRoot + req.path).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      res.status = 301;
      res.set_header("Location", req.path + "/");
      return;
    }
    sendError(res, res.status, res.status == 413   ? tooLarge(maxBody)
                               : res.status == 404 ? "not found"
                               : res.status == 405 ? "method not allowed"
                                                   : "bad request");
  });

  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });

  s.Options("/v1/reports", [](const httplib::Request&, httplib::Response& res) {
    res.status = 204;
    res.set_header("Access-Control-Allow-Origin", "*");
    res.set_header("Access-Control-Allow-Methods", "POST");
    res.set_header("Access-Control-Allow-Headers", "Content-Type");
    res.set_header("Access-Control-Max-Age", "86400");
  });
  // With a content reader httplib leaves the body to us: no form parsing
  // (its 8 KiB limit on x-www-form-urlencoded bodies would turn a valid
  // batch sent as a "simple" CORS request into a 413), and the size limit
  // holds for chunked bodies too. The rate limit is checked before reading.
  s.Post("/v1/reports",
         [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& read) {
           postReports(req, res, read);
         });
  s.Get("/v1/results", [this](const httplib::Request& req, httplib::Response& res) { getResults(req, res); });

  std::string dir = opt_.dashboardDir;
  auto file = [this](std::string path, const char* type) {
    return [this, path, type](const httplib::Request&, httplib::Response& res) { serveFile(path, type, res); };
  };
  s.Get("/dashboard", file(dir + "/index.html", "text/html; charset=utf-8"));
  s.Get("/dashboard/", file(dir + "/index.html", "text/html; charset=utf-8"));
  s.Get("/dashboard/dashboard.js", file(dir + "/dashboard.js", "text/javascript; charset=utf-8"));
  s.Get("/dashboard/dashboard.css", file(dir + "/dashboard.css", "text/css; charset=utf-8"));
  s.Get("/dashboard/uPlot.iife.min.js",
        file(dir + "/node_modules/uplot/dist/uPlot.iife.min.js", "text/javascript; charset=utf-8"));
  s.Get("/dashboard/uPlot.min.css", file(dir + "/node_modules/uplot/dist/uPlot.min.css", "text/css; charset=utf-8"));

  if (!staticRoot.empty()) s.set_mount_point("/", staticRoot);
}

void Collector::serveFile(const std::string& path, const char* type, httplib::Response& res) {
  std::string body, error;
  if (!readFile(path, &body, &error)) {
    sendError(res, 404, "dashboard asset missing (run npm ci in server/dashboard)");
    return;
  }
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
  res.set_content(body, type);
}

void Collector::postReports(const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader& read) {
  res.set_header("Access-Control-Allow-Origin", "*");
  int retryAfter = 1;
  // The address only feeds the in-memory bucket (hashed); never logged.
  if (!limiter_.allow(clientAddress(req, opt_.trustedProxy), monotonicSeconds(), &retryAfter)) {
    res.set_header("Retry-After", std::to_string(retryAfter));
    sendError(res, 429, "rate limited: retry after " + std::to_string(retryAfter) + " s");
    return;
  }
  // httplib reads a multipart body only through the multipart callbacks,
  // which we do not give: it threw bad_function_call (a 500).
  if (req.is_multipart_form_data()) {
    sendError(res, 400, "Content-Type: multipart/form-data is not accepted; send the JSON batch as the body");
    return;
  }
  std::string body;
  bool over = false;
  bool complete = read([&](const char* data, size_t len) {
    if (body.size() + len > opt_.maxBody) {
      over = true;
      return false;
    }
    body.append(data, len);
    return true;
  });
  if (over || body.size() > opt_.maxBody || res.status == 413) {
    sendError(res, 413, tooLarge(opt_.maxBody));
    return;
  }
  if (!complete) {
    sendError(res, 400, "body: could not be read");
    return;
  }
  ReportBatch batch;
  std::string error;
  if (!ReportBatch::parse(body, &batch, &error) || !admissible(batch, dayOf(opt_.now()), &error)) {
    sendError(res, 400, error);
    return;
  }
  std::vector<std::string> ok, dup;
  if (!store_.insert(batch, &ok, &dup, &error)) {
    std::fprintf(stderr, "omotenashi serve: storing a batch failed: %s\n", error.c_str());
    res.set_header("Retry-After", "5");
    sendError(res, 503, "storage unavailable, retry later");
    return;
  }
  Json ack = Json::object();
  ack["ok"] = ok;
  ack["dup"] = dup;
  sendJson(res, 202, ack);
}

void Collector::getResults(const httplib::Request& req, httplib::Response& res) {
  res.set_header("Cache-Control", "no-store");
  std::string auth = req.get_header_value("Authorization");
  std::string token;
  // The scheme is case-insensitive (RFC 9110 section 11.1): "Bearer", "bearer", "BEARER".
  if (auth.size() > 7 && strncasecmp(auth.c_str(), "Bearer ", 7) == 0) token = auth.substr(7);
  if (!sameSecret(token, opt_.token)) {
    res.set_header("WWW-Authenticate", "Bearer");
    sendError(res, 401, auth.empty() ? "Authorization: missing bearer token" : "Authorization: wrong token");
    return;
  }
  std::string site = req.get_param_value("site");
  if (!isSiteId(site)) {
    sendError(res, 400, "site: must be an id of 1 to 64 letters, digits, '-', '_' or '.'");
    return;
  }
  std::string error;
  Json body = results(site, &error);
  if (body.is_null()) {
    std::fprintf(stderr, "omotenashi serve: reading results failed: %s\n", error.c_str());
    sendError(res, 503, "storage unavailable, retry later");
    return;
  }
  sendJson(res, 200, body);
}

Json Collector::results(const std::string& site, std::string* error) {
  std::vector<Store::Tally> tallies;
  if (!store_.tallies(site, &tallies, error)) return Json();
  const int64_t today = dayOf(opt_.now());
  Json out = Json::object();
  out["site"] = site;
  out["k"] = opt_.k;
  out["currentWindow"] = isoWeekOfDay(today);
  if (!opt_.label.empty()) out["label"] = opt_.label;
  Json tasks = Json::array();
  for (const auto& t : tallies) {
    Json j = Json::object();
    j["task"] = t.task;
    j["win"] = t.win;
    auto info = opt_.tasks.find(t.task);
    bool labelled = info != opt_.tasks.end() && static_cast<int>(info->second.labels.size()) == t.d;
    j["kind"] = info != opt_.tasks.end() ? info->second.kind : "unknown";
    int year = 0, week = 0;
    parseIsoWeek(t.win, &year, &week);  // validated on the way in
    int64_t closesDay = isoWeekStartDay(year, week) + 7;
    j["closes"] = utcDate(closesDay) + "T00:00:00Z";
    if (today < closesDay) {
      // Nothing about an open window leaves, not even how many reports it has.
      j["status"] = "withheld";
      j["reason"] = "window still open";
    } else if (t.n < opt_.k) {
      j["status"] = "withheld";
      j["reason"] = "fewer than k reports";
    } else {
      std::vector<std::string> labels;
      for (int i = 0; i < t.d; ++i) labels.push_back(labelled ? info->second.labels[i] : "cell " + std::to_string(i));
      measure::Estimate e = measure::estimate(t.counts, t.eps, labels);
      j["status"] = "released";
      j["n"] = e.n;
      j["eps"] = t.eps;
      j["d"] = t.d;
      j["cfgs"] = std::vector<std::string>(t.cfgs.begin(), t.cfgs.end());
      Json cells = Json::array();
      for (const auto& c : e.cells) {
        Json cj = Json::object();
        cj["label"] = c.label;
        cj["count"] = round6(c.count);
        cj["share"] = round6(c.share);
        cj["low"] = round6(c.low);
        cj["high"] = round6(c.high);
        cells.push_back(std::move(cj));
      }
      j["cells"] = std::move(cells);
      if (labelled && info->second.kind == "experiment") {
        Json arms = Json::array();
        for (const auto& a : measure::conversions(e, t.eps)) {
          Json aj = Json::object();
          aj["arm"] = a.arm;
          aj["reports"] = round6(a.reports);
          aj["rate"] = round6(a.rate);
          aj["low"] = round6(a.low);
          aj["high"] = round6(a.high);
          if (a.hasLift) {
            const double low = round6(a.liftLow), high = round6(a.liftHigh);
            aj["lift"] = round6(a.lift);
            aj["liftLow"] = low;
            aj["liftHigh"] = high;
            // Whether the arm's 95% lift interval, as given, leaves out zero.
            aj["verdict"] = low > 0 ? "better" : high < 0 ? "worse" : "unclear";
          }
          arms.push_back(std::move(aj));
        }
        j["arms"] = std::move(arms);
      }
    }
    tasks.push_back(std::move(j));
  }
  out["tasks"] = std::move(tasks);
  return out;
}

}  // namespace server
}  // namespace omo
