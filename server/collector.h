// The collector (SPEC section 5): receives report batches, stores each report
// once, releases debiased estimates of closed windows with at least k
// reports, and serves the dashboard. Usable in-process (tests) or through
// `omotenashi serve` (commands.h).
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "measure.h"
#include "store.h"

namespace httplib {
class Server;
class ContentReader;
struct Request;
struct Response;
}  // namespace httplib

namespace omo {
namespace server {

// What the rules (when given) say about a task: its kind and cell labels.
struct TaskInfo {
  std::string kind;                  // "field" | "experiment"
  std::vector<std::string> labels;   // cell labels, in cell order
};

struct CollectorOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                   // 0: any free port (see Collector::port())
  std::string dbPath = "omotenashi-collector.db";
  std::string staticDir;             // empty: no static files
  std::string dashboardDir;          // index.html, dashboard.js, node_modules/uplot/dist/
  std::string token;                 // admin token for GET /v1/results; must not be empty
  int64_t k = 50;                    // minimum reports before a window is released
  double ratePerMinute = 120;        // per client; burst of the same size; 0 = unlimited
  // The address of a reverse proxy in front (e.g. 127.0.0.1 for nginx on the
  // same host): for its requests the client is the last X-Forwarded-For
  // entry, the address the proxy saw. Empty: the header is ignored.
  std::string trustedProxy;
  size_t maxBody = 64 * 1024;        // bytes
  std::map<std::string, TaskInfo> tasks;  // from --rules; empty: cells labelled by index
  std::string label;                 // shown on the dashboard, e.g. "SIMULATED traffic"; empty: none
  // Wall clock, seconds since the epoch (UTC); decides which windows have
  // closed, and which start too late to accept. Tests replace it.
  std::function<int64_t()> now;
};

// In-memory token buckets per client. The client address is never stored,
// not even here: only a keyed hash of it (random key per process), and
// buckets that refilled completely are dropped.
class RateLimiter {
 public:
  RateLimiter(double perMinute, uint64_t key);
  // True when the request may go ahead; else *retryAfter (seconds).
  bool allow(const std::string& client, double nowSeconds, int* retryAfter);

 private:
  struct Bucket {
    double tokens;
    double updated;
  };
  double capacity_, perSecond_;
  uint64_t key_;
  std::mutex mu_;
  std::unordered_map<uint64_t, Bucket> buckets_;
};

class Collector {
 public:
  explicit Collector(CollectorOptions options);
  ~Collector();
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  // Opens the database and binds the socket; false with *error on failure.
  bool start(std::string* error);
  int port() const { return port_; }
  // Serves until stop(); returns after the listener closed.
  void run();
  // Safe from any thread; then run() returns and the database is closed.
  void stop();

  // The GET /v1/results body for a site (also used by tests).
  Json results(const std::string& site, std::string* error);

 private:
  void routes(const std::string& staticRoot);
  void postReports(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& read);
  void getResults(const httplib::Request& req, httplib::Response& res);
  void serveFile(const std::string& path, const char* type, httplib::Response& res);

  CollectorOptions opt_;
  std::unique_ptr<httplib::Server> http_;
  Store store_;
  RateLimiter limiter_;
  int port_ = 0;
  std::atomic<bool> stopped_{false};
};

// The admin token: 24 bytes from /dev/urandom as base64url; empty on failure.
std::string randomToken();
// Serializes without aborting on invalid UTF-8 (replaced by U+FFFD).
std::string dumpJson(const Json& j);

}  // namespace server
}  // namespace omo
