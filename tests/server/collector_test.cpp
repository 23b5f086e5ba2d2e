// The collector over real HTTP on a loopback port, with a temporary SQLite
// file: validation, duplicates, limits, auth, release rules, durability.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "collector.h"
#include "context.h"
#include "measure.h"
#include "parse.h"

namespace omo {
namespace {

const char* kToken = "test-token-0123456789";

// 2026-W10 runs Monday 2026-03-02 .. Sunday 2026-03-08.
constexpr int64_t kDay = 86400;
const int64_t kW10Start = isoWeekStartDay(2026, 10) * kDay;

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/omo-collector-XXXXXX";
    char* p = mkdtemp(tmpl);
    path = p ? p : "/tmp";
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

Report makeReport(Rng& rng, const std::string& task = "pets", const std::string& win = "2026-W10", int d = 4,
                  int y = 1) {
  Report r;
  r.rid = rng.base64url(16);
  r.task = task;
  r.cfg = "abc123";
  r.win = win;
  r.eps = 4;
  r.d = d;
  r.y = y;
  return r;
}

std::string batchOf(const std::vector<Report>& reports, const std::string& site = "petshop") {
  ReportBatch b;
  b.site = site;
  b.reports = reports;
  return b.serialize();
}

int64_t countRows(const std::string& dbPath) {
  sqlite3* db = nullptr;
  int64_t n = -1;
  if (sqlite3_open_v2(dbPath.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM reports", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return n;
}

// Sends `request` as it is (httplib's client would not send a malformed
// header) and returns what comes back until the server closes the
// connection, or after 3 s of silence.
std::string rawExchange(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{3, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
    char buf[4096];
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

class CollectorTest : public ::testing::Test {
 protected:
  void startWith(std::function<void(server::CollectorOptions&)> tweak = nullptr) {
    server::CollectorOptions opt;
    opt.port = 0;
    opt.dbPath = dir.path + "/collector.db";
    opt.token = kToken;
    opt.k = 3;
    opt.ratePerMinute = 0;
    opt.dashboardDir = OMO_TEST_DASHBOARD_DIR;
    opt.now = [this] { return now.load(); };
    if (tweak) tweak(opt);
    dbPath = opt.dbPath;
    collector.reset(new server::Collector(opt));
    std::string error;
    ASSERT_TRUE(collector->start(&error)) << error;
    thread = std::thread([this] { collector->run(); });
    client.reset(new httplib::Client("127.0.0.1", collector->port()));
    client->set_read_timeout(10);
    for (int i = 0; i < 100; ++i) {
      if (auto res = client->Get("/healthz"); res && res->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL() << "collector did not come up";
  }
  void TearDown() override {
    if (collector) collector->stop();
    if (thread.joinable()) thread.join();
  }

  httplib::Result post(const std::string& body) { return client->Post("/v1/reports", body, "application/json"); }

  // 400 whose error message starts with `field`.
  void expectRejected(const std::string& body, const std::string& field) {
    auto res = post(body);
    ASSERT_TRUE(res) << "no response";
    EXPECT_EQ(res->status, 400) << body.substr(0, 200) << " -> " << res->body;
    std::string err;
    Json j = parseJson(res->body, &err);
    const Json* e = member(j, "error");
    ASSERT_TRUE(e && e->is_string()) << res->body;
    EXPECT_EQ(e->get_ref<const std::string&>().rfind(field + ":", 0), 0u)
        << "expected the error to name " << field << ": " << res->body;
  }

  Json results(const std::string& site = "petshop") {
    httplib::Headers h{{"Authorization", std::string("Bearer ") + kToken}};
    auto res = client->Get(("/v1/results?site=" + site).c_str(), h);
    if (!res || res->status != 200) return Json();
    std::string err;
    return parseJson(res->body, &err);
  }

  const Json* findTask(const Json& r, const std::string& task, const std::string& win) {
    const Json* tasks = member(r, "tasks");
    if (!tasks || !tasks->is_array()) return nullptr;
    for (const auto& t : *tasks)
      if (stringOr(t, "task", "") == task && stringOr(t, "win", "") == win) return &t;
    return nullptr;
  }

  TempDir dir;
  std::string dbPath;
  std::atomic<int64_t> now{kW10Start + 10 * kDay};  // 2026-W11: W10 has closed
  std::unique_ptr<server::Collector> collector;
  std::thread thread;
  std::unique_ptr<httplib::Client> client;
  Rng rng{42};
};

TEST_F(CollectorTest, Healthz) {
  startWith();
  auto res = client->Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(CollectorTest, AcceptsAValidBatch) {
  startWith();
  std::vector<Report> rs = {makeReport(rng), makeReport(rng)};
  auto res = post(batchOf(rs));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202) << res->body;
  std::string err;
  Json j = parseJson(res->body, &err);
  ASSERT_TRUE(member(j, "ok") && member(j, "dup"));
  EXPECT_EQ((*member(j, "ok")).size(), 2u);
  EXPECT_EQ((*member(j, "dup")).size(), 0u);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(countRows(dbPath), 2);
}

TEST_F(CollectorTest, RejectsMalformedJson) {
  startWith();
  expectRejected("{\"v\":1,\"site\":\"petshop\",\"reports\":[", "body");
  expectRejected("", "body");
  expectRejected("not json", "body");
  expectRejected("[1,2,3]", "body");
  expectRejected("{\"v\":1,\"site\":\"petshop\",\"reports\":[{\"rid\":\"\xff\xfe\"}]}", "body");  // invalid UTF-8
}

TEST_F(CollectorTest, RejectsWrongTypes) {
  startWith();
  Json base = ReportBatch{1, "petshop", {makeReport(rng)}}.toJson();
  auto with = [&](const char* key, Json value) {
    Json b = base;
    b["reports"][0][key] = std::move(value);
    return b.dump();
  };
  expectRejected(with("y", "1"), "reports[0].y");
  expectRejected(with("y", 1.5), "reports[0].y");
  expectRejected(with("y", true), "reports[0].y");
  expectRejected(with("y", -1), "reports[0].y");
  expectRejected(with("y", 4), "reports[0].y");  // d is 4
  expectRejected(with("d", 9.5), "reports[0].d");
  expectRejected(with("d", 1), "reports[0].d");
  expectRejected(with("d", 65), "reports[0].d");
  expectRejected(with("eps", "4"), "reports[0].eps");
  expectRejected(with("eps", 0), "reports[0].eps");
  expectRejected(with("eps", 10.5), "reports[0].eps");
  expectRejected(with("mech", "laplace"), "reports[0].mech");
  expectRejected(with("win", "2026-W54"), "reports[0].win");
  expectRejected(with("win", "2025-W53"), "reports[0].win");  // 2025 has 52 ISO weeks
  expectRejected(with("win", 202610), "reports[0].win");
  expectRejected(with("rid", 7), "reports[0].rid");
  expectRejected(with("rid", "AAAAAAAAAAAAAAAAAAAAAB"), "reports[0].rid");  // not canonical 16 bytes
  expectRejected(with("task", Json::array()), "reports[0].task");
  expectRejected(with("cfg", nullptr), "reports[0].cfg");
  Json b = base;
  b["v"] = "1";
  expectRejected(b.dump(), "v");
  b = base;
  b["v"] = 2;
  expectRejected(b.dump(), "v");
  b = base;
  b["site"] = 5;
  expectRejected(b.dump(), "site");
  b = base;
  b["reports"] = Json::object();
  expectRejected(b.dump(), "reports");
  b = base;
  b["reports"] = Json::array();
  expectRejected(b.dump(), "reports");
  b = base;
  b["reports"][0] = "a report";
  expectRejected(b.dump(), "reports[0]");
  b = base;
  b["reports"][0].erase("y");
  expectRejected(b.dump(), "reports[0].y");
  // The index names the bad report, not the first one.
  b = base;
  for (int i = 0; i < 4; ++i) b["reports"].push_back(makeReport(rng).toJson());
  b["reports"][3]["y"] = 9;
  expectRejected(b.dump(), "reports[3].y");
}

TEST_F(CollectorTest, RejectsUnknownKeys) {
  startWith();
  Json base = ReportBatch{1, "petshop", {makeReport(rng)}}.toJson();
  Json b = base;
  b["visitor"] = "abc";
  expectRejected(b.dump(), "visitor");
  b = base;
  b["reports"][0]["ts"] = 1700000000;
  expectRejected(b.dump(), "reports[0].ts");
  b = base;
  b["reports"][0]["url"] = "https://example.com/";
  expectRejected(b.dump(), "reports[0].url");
}

TEST_F(CollectorTest, RejectsHugeNumbers) {
  startWith();
  Json base = ReportBatch{1, "petshop", {makeReport(rng)}}.toJson();
  std::string s = base.dump();
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string t = s;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  expectRejected(replace("\"y\":1", "\"y\":99999999999999999999999999"), "reports[0].y");
  expectRejected(replace("\"y\":1", "\"y\":1e400"), "reports[0].y");
  expectRejected(replace("\"d\":4", "\"d\":18446744073709551615"), "reports[0].d");
  expectRejected(replace("\"eps\":4", "\"eps\":1e400"), "reports[0].eps");
  expectRejected(replace("\"eps\":4", "\"eps\":-1e308"), "reports[0].eps");
  expectRejected(replace("\"v\":1", "\"v\":18446744073709551617"), "v");
}

TEST_F(CollectorTest, RejectsOverlongStrings) {
  startWith();
  Json base = ReportBatch{1, "petshop", {makeReport(rng)}}.toJson();
  Json b = base;
  b["reports"][0]["task"] = std::string(65, 'a');
  expectRejected(b.dump(), "reports[0].task");
  b = base;
  b["reports"][0]["rid"] = base["reports"][0]["rid"].get<std::string>() + "A";
  expectRejected(b.dump(), "reports[0].rid");
  b = base;
  b["site"] = std::string(10000, 's');
  expectRejected(b.dump(), "site");
  b = base;
  b["reports"][0]["cfg"] = std::string(30000, 'c');
  expectRejected(b.dump(), "reports[0].cfg");
  b = base;
  b[std::string(5000, 'k')] = 1;
  auto res = post(b.dump());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_LT(res->body.size(), 300u) << "the error echoes a long key";
  // More than 100 reports in one batch.
  std::vector<Report> many;
  for (int i = 0; i < 101; ++i) many.push_back(makeReport(rng));
  expectRejected(batchOf(many), "reports");
}

// A window in the future ("9999-W52") was accepted and stored, and never
// closed, so never released. Now a window may start at most next week by
// the server's clock (one week of slack for a device clock ahead).
TEST_F(CollectorTest, RefusesWindowsThatStartAfterNextWeek) {
  startWith();  // the clock is in 2026-W11
  for (const char* win : {"2026-W13", "2027-W01", "9999-W52"})
    expectRejected(batchOf({makeReport(rng, "pets", win)}), "reports[0].win");
  // One such report refuses the whole batch, naming it.
  expectRejected(batchOf({makeReport(rng), makeReport(rng, "pets", "9999-W52")}), "reports[1].win");
  auto res = post(batchOf({makeReport(rng, "pets", "2026-W13")}));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, R"({"error":"reports[0].win: 2026-W13 starts after next week (2026-W12) by the server's clock"})");
  EXPECT_EQ(countRows(dbPath), 0);
  // This week and next week are accepted, and W13 once the clock is in W12.
  ASSERT_EQ(post(batchOf({makeReport(rng, "pets", "2026-W11"), makeReport(rng, "pets", "2026-W12")}))->status, 202);
  now = isoWeekStartDay(2026, 12) * kDay;
  ASSERT_EQ(post(batchOf({makeReport(rng, "pets", "2026-W13")}))->status, 202);
  EXPECT_EQ(countRows(dbPath), 3);
}

TEST_F(CollectorTest, StoresEachRidOnce) {
  startWith();
  Report a = makeReport(rng), b = makeReport(rng), c = makeReport(rng);
  auto first = post(batchOf({a, b}));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 202);
  auto again = post(batchOf({a, b}));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 202);
  std::string err;
  Json j = parseJson(again->body, &err);
  EXPECT_EQ(j["ok"].size(), 0u);
  ASSERT_EQ(j["dup"].size(), 2u);
  EXPECT_EQ(j["dup"][0].get<std::string>(), a.rid);
  auto mixed = post(batchOf({c, a, c}));
  ASSERT_TRUE(mixed);
  j = parseJson(mixed->body, &err);
  ASSERT_EQ(j["ok"].size(), 1u);
  EXPECT_EQ(j["ok"][0].get<std::string>(), c.rid);
  EXPECT_EQ(j["dup"].size(), 2u);
  EXPECT_EQ(countRows(dbPath), 3);
}

TEST_F(CollectorTest, RejectsOversizeBodies) {
  startWith();
  std::string big(70 * 1024, ' ');
  big += batchOf({makeReport(rng)});
  auto res = post(big);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  // Without Content-Length (chunked): checked once read.
  auto chunked = client->Post(
      "/v1/reports",
      [&](size_t offset, httplib::DataSink& sink) {
        if (offset >= big.size()) {
          sink.done();
          return true;
        }
        size_t n = std::min<size_t>(8192, big.size() - offset);
        return sink.write(big.data() + offset, n);
      },
      "application/json");
  if (chunked) EXPECT_EQ(chunked->status, 413);  // some versions close the connection instead
  // Still serving; nothing stored.
  auto ok = post(batchOf({makeReport(rng)}));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 202);
  EXPECT_EQ(countRows(dbPath), 1);
}

// httplib read Content-Length with strtoull: "abc" as 0, so the request went
// on with an empty body ("body: invalid JSON"); "7abc" as 7; "-1" as a huge
// length, so no answer until the read timeout. Now a clear 400.
TEST_F(CollectorTest, RefusesAMalformedContentLength) {
  startWith();
  const std::string body = batchOf({makeReport(rng)}), n = std::to_string(body.size());
  auto request = [&](const std::string& lengthHeaders) {
    return rawExchange(collector->port(), "POST /v1/reports HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                          "Content-Type: application/json\r\n" + lengthHeaders + "\r\n" + body);
  };
  for (const std::string& length : std::vector<std::string>{"abc", "-1", n + "abc", n + ", " + n, "+" + n, "0x10", "1e3"}) {
    std::string res = request("Content-Length: " + length + "\r\n");
    EXPECT_EQ(res.rfind("HTTP/1.1 400", 0), 0u) << length << " -> " << res;
    EXPECT_NE(res.find("\r\n\r\n{\"error\":\"Content-Length: must be a decimal number of bytes\"}"), std::string::npos)
        << length << " -> " << res;
  }
  std::string twice = request("Content-Length: " + n + "\r\nContent-Length: 3\r\n");
  EXPECT_NE(twice.find("\r\n\r\n{\"error\":\"Content-Length: given more than once\"}"), std::string::npos) << twice;
  EXPECT_EQ(countRows(dbPath), 0);
  // A plain one, with the optional spaces around it, still works.
  std::string ok = request("Content-Length:  " + n + " \r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 202", 0), 0u) << ok;
  EXPECT_EQ(countRows(dbPath), 1);
}

// A Content-Length over the limit was answered 413 only once httplib had
// read and dropped that many bytes: a worker waited for a body that never
// came (until the read timeout), or for as long as a client trickled one
// (a length of 2^64). Now the 413 comes before any of the body is read.
TEST_F(CollectorTest, AnOversizeContentLengthIsRefusedBeforeItsBodyIsRead) {
  startWith();
  for (const std::string& length : {std::string("65537"), std::string("100000"), std::string("99999999999999999999999"),
                                    std::string("00000000000000000000000000000070000")}) {
    auto start = std::chrono::steady_clock::now();
    // The headers only: no body follows.
    std::string res = rawExchange(collector->port(), "POST /v1/reports HTTP/1.1\r\nHost: x\r\n"
                                                     "Content-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n");
    EXPECT_EQ(res.rfind("HTTP/1.1 413", 0), 0u) << length << " -> " << res;
    EXPECT_NE(res.find("\r\n\r\n{\"error\":\"body: over 65536 bytes\"}"), std::string::npos) << length << " -> " << res;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2)) << length;
  }
  // At the limit, and with leading zeros, a length is still read as given.
  const std::string body = batchOf({makeReport(rng)});
  std::string ok = rawExchange(collector->port(), "POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                                  "Content-Length: 000" + std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(ok.rfind("HTTP/1.1 202", 0), 0u) << ok;
  EXPECT_EQ(countRows(dbPath), 1);
}

// A multipart/form-data body (what an HTML form posts) made httplib call
// its empty multipart callbacks: std::bad_function_call, a 500 with an
// EXCEPTION_WHAT header, and the connection kept open with the rest of the
// body unread, to be taken for the next request.
TEST_F(CollectorTest, RejectsMultipartBodies) {
  startWith();
  httplib::MultipartFormDataItems items{{"batch", batchOf({makeReport(rng)}), "", "application/json"}};
  auto res = client->Post("/v1/reports", items);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400) << res->body;
  EXPECT_FALSE(res->has_header("EXCEPTION_WHAT"));
  std::string err;
  Json j = parseJson(res->body, &err);
  EXPECT_EQ(stringOr(j, "error", "").rfind("Content-Type:", 0), 0u) << res->body;
  auto ok = post(batchOf({makeReport(rng)}));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 202);
  EXPECT_EQ(countRows(dbPath), 1);
}

// The answers that leave a body unread (429 here; also multipart, 413 and a
// malformed Content-Length) kept the connection open, whatever header they
// set: httplib 0.11 read the rest of the body as the next request. Behind a
// proxy reusing its connections, that answer went to the next visitor. Now
// every connection carries one request: one answer, then the end.
TEST_F(CollectorTest, AnUnreadBodyIsNeverReadAsTheNextRequest) {
  startWith([](server::CollectorOptions& o) { o.ratePerMinute = 1; });
  ASSERT_EQ(post(batchOf({makeReport(rng)}))->status, 202);
  std::string smuggled;
  while (smuggled.size() < 20000) smuggled += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string res = rawExchange(collector->port(), "POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                                                       "\r\nContent-Length: " + std::to_string(smuggled.size()) +
                                                       "\r\n\r\n" + smuggled);
  EXPECT_EQ(res.rfind("HTTP/1.1 429", 0), 0u) << res.substr(0, 200);
  EXPECT_EQ(res.find("HTTP/1.1", 1), std::string::npos) << "a second answer on the connection: " << res.substr(0, 400);
  // Keep-alive is off for every answer, so a good one also ends its connection.
  auto ok = client->Get("/healthz");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->get_header_value("Connection"), "close");
}

TEST_F(CollectorTest, RateLimitsPerClient) {
  startWith([](server::CollectorOptions& o) { o.ratePerMinute = 5; });
  int accepted = 0, limited = 0;
  std::string retryAfter;
  for (int i = 0; i < 8; ++i) {
    auto res = post(batchOf({makeReport(rng)}));
    ASSERT_TRUE(res);
    if (res->status == 202) ++accepted;
    if (res->status == 429) {
      ++limited;
      retryAfter = res->get_header_value("Retry-After");
    }
  }
  EXPECT_EQ(accepted, 5);
  EXPECT_EQ(limited, 3);
  EXPECT_FALSE(retryAfter.empty());
  EXPECT_EQ(countRows(dbPath), 5);
  // Health and results are not rate-limited.
  EXPECT_EQ(client->Get("/healthz")->status, 200);
}

// Behind a reverse proxy every request came from the proxy's address: one
// bucket for all visitors, so a busy site got 429s for everyone. With
// --trusted-proxy the bucket is the client the proxy saw (the last
// X-Forwarded-For entry); from anyone else the header is ignored.
TEST_F(CollectorTest, RateLimitsPerClientBehindATrustedProxy) {
  for (bool trusted : {true, false}) {
    TearDown();  // the first round's collector
    startWith([&](server::CollectorOptions& o) {
      o.ratePerMinute = 2;
      if (trusted) o.trustedProxy = "127.0.0.1";
    });
    auto from = [&](const std::string& xff) {
      auto res = client->Post("/v1/reports", {{"X-Forwarded-For", xff}}, batchOf({makeReport(rng)}), "application/json");
      return res ? res->status : -1;
    };
    EXPECT_EQ(from("203.0.113.1"), 202);
    EXPECT_EQ(from("203.0.113.1"), 202);
    EXPECT_EQ(from("203.0.113.1"), 429);
    // What the client itself wrote before the proxy's entry does not pick the bucket.
    EXPECT_EQ(from("198.51.100.7, 203.0.113.1"), 429);
    EXPECT_EQ(from("203.0.113.2"), trusted ? 202 : 429) << (trusted ? "trusted" : "not trusted");
  }
}

TEST_F(CollectorTest, ResultsNeedTheToken) {
  startWith();
  auto none = client->Get("/v1/results?site=petshop");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  auto wrong = client->Get("/v1/results?site=petshop", {{"Authorization", "Bearer nope"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto prefix = client->Get("/v1/results?site=petshop", {{"Authorization", std::string("Bearer ") + kToken + "x"}});
  EXPECT_EQ(prefix->status, 401);
  auto basic = client->Get("/v1/results?site=petshop", {{"Authorization", std::string("Basic ") + kToken}});
  EXPECT_EQ(basic->status, 401);
  auto right = client->Get("/v1/results?site=petshop", {{"Authorization", std::string("Bearer ") + kToken}});
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 200);
  // The scheme is case-insensitive (RFC 9110): only "Bearer" and "bearer" were accepted.
  auto upper = client->Get("/v1/results?site=petshop", {{"Authorization", std::string("BEARER ") + kToken}});
  EXPECT_EQ(upper->status, 200);
  auto noSite = client->Get("/v1/results", {{"Authorization", std::string("Bearer ") + kToken}});
  EXPECT_EQ(noSite->status, 400);
}

TEST_F(CollectorTest, ReleasesOnlyClosedWindowsWithAtLeastK) {
  now = kW10Start + 3 * kDay;  // inside 2026-W10
  startWith();
  ASSERT_EQ(post(batchOf({makeReport(rng), makeReport(rng)}))->status, 202);
  Json r = results();
  const Json* t = findTask(r, "pets", "2026-W10");
  ASSERT_TRUE(t) << r.dump();
  EXPECT_EQ(stringOr(*t, "status", ""), "withheld");
  EXPECT_EQ(stringOr(*t, "reason", ""), "window still open");
  EXPECT_FALSE(member(*t, "n")) << "an open window must not reveal its count";

  now = kW10Start + 7 * kDay;  // Monday 00:00 UTC of W11: closed, but 2 < k = 3
  r = results();
  t = findTask(r, "pets", "2026-W10");
  ASSERT_TRUE(t);
  EXPECT_EQ(stringOr(*t, "status", ""), "withheld");
  EXPECT_EQ(stringOr(*t, "reason", ""), "fewer than k reports");
  EXPECT_FALSE(member(*t, "cells"));

  ASSERT_EQ(post(batchOf({makeReport(rng)}))->status, 202);
  r = results();
  t = findTask(r, "pets", "2026-W10");
  ASSERT_TRUE(t);
  EXPECT_EQ(stringOr(*t, "status", ""), "released");
  EXPECT_EQ(numberOr(*t, "n", 0), 3);
  const Json* cells = member(*t, "cells");
  ASSERT_TRUE(cells && cells->is_array());
  ASSERT_EQ(cells->size(), 4u);
  double sum = 0;
  for (const auto& c : *cells) {
    sum += numberOr(c, "share", -1);
    EXPECT_LE(numberOr(c, "low", 2), numberOr(c, "share", -1));
    EXPECT_GE(numberOr(c, "high", -1), numberOr(c, "share", 2));
  }
  EXPECT_NEAR(sum, 1, 1e-5);
  EXPECT_EQ(stringOr((*cells)[0], "label", ""), "cell 0");  // no rules: by index
  // Another site sees nothing.
  Json other = results("othershop");
  ASSERT_TRUE(member(other, "tasks"));
  EXPECT_TRUE(other["tasks"].empty());
}

// A report with eps below the rules' lowest (0.1) was accepted (0 < eps <= 10
// was the only bound): it carries next to nothing and blows up the intervals.
TEST_F(CollectorTest, RefusesEpsilonBelowTheRulesMinimum) {
  startWith();
  auto withEps = [&](double eps) {
    Report r = makeReport(rng);
    r.eps = eps;
    return batchOf({r});
  };
  for (double eps : {0.0999, 1e-9, 1e-17}) expectRejected(withEps(eps), "reports[0].eps");
  auto res = post(withEps(0.05));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, R"({"error":"reports[0].eps: must be at least 0.1, the lowest epsilon rules allow"})");
  EXPECT_EQ(countRows(dbPath), 0);
  EXPECT_EQ(post(withEps(0.1))->status, 202);
  EXPECT_EQ(countRows(dbPath), 1);
}

// An eps so small that e^eps is 1.0 in a double makes p == q: the estimator
// divided by p - q = 0 and released a null count with a share of 1 and an
// interval of [1, 1], a certainty the reports cannot carry (and the
// dashboard's count.toFixed threw). The collector no longer accepts such
// reports, but a database may hold some stored before it refused them.
TEST_F(CollectorTest, TinyEpsilonReleasesNoFalseCertainty) {
  std::vector<Report> rs;
  for (int i = 0; i < 8; ++i) {
    rs.push_back(makeReport(rng, "even", "2026-W10", 4, i % 4));     // 2, 2, 2, 2
    rs.push_back(makeReport(rng, "skewed", "2026-W10", 4, i % 3));   // 3, 3, 2, 0
  }
  for (Report& r : rs) r.eps = 1e-17;
  {
    server::Store old;
    std::string error;
    std::vector<std::string> ok, dup;
    ASSERT_TRUE(old.open(dir.path + "/collector.db", &error)) << error;
    ASSERT_TRUE(old.insert(ReportBatch{1, "petshop", rs}, &ok, &dup, &error)) << error;
  }
  startWith();
  Json r = results();
  for (const char* task : {"even", "skewed"}) {
    const Json* t = findTask(r, task, "2026-W10");
    ASSERT_TRUE(t) << r.dump();
    EXPECT_EQ(stringOr(*t, "status", ""), "released");
    const Json* cells = member(*t, "cells");
    ASSERT_TRUE(cells && cells->size() == 4u) << t->dump();
    for (const auto& c : *cells) {
      for (const char* k : {"count", "share", "low", "high"})
        EXPECT_TRUE(member(c, k) && member(c, k)->is_number()) << task << ": " << k << " in " << c.dump();
      EXPECT_LT(numberOr(c, "share", 1), 1) << task << ": " << c.dump();
      EXPECT_EQ(numberOr(c, "low", -1), 0) << task << ": " << c.dump();
      EXPECT_EQ(numberOr(c, "high", -1), 1) << task << ": " << c.dump();
    }
  }
}

TEST_F(CollectorTest, ExperimentResultsWithRules) {
  startWith([](server::CollectorOptions& o) {
    o.tasks["greeting-test"] = {"experiment", {"a/no", "a/yes", "holdout/no", "holdout/yes"}};
    o.tasks["pets"] = {"field", {"dog", "cat", "fish", "unset"}};
  });
  std::vector<Report> rs;
  for (int i = 0; i < 60; ++i) {
    rs.push_back(makeReport(rng, "greeting-test", "2026-W10", 4, i % 4));
    if (rs.size() == 100 || i == 59) {
      ASSERT_EQ(post(batchOf(rs))->status, 202);
      rs.clear();
    }
  }
  ASSERT_EQ(post(batchOf({makeReport(rng), makeReport(rng), makeReport(rng)}))->status, 202);
  Json r = results();
  const Json* t = findTask(r, "greeting-test", "2026-W10");
  ASSERT_TRUE(t) << r.dump();
  EXPECT_EQ(stringOr(*t, "kind", ""), "experiment");
  const Json* arms = member(*t, "arms");
  ASSERT_TRUE(arms && arms->size() == 2) << t->dump();
  EXPECT_EQ(stringOr((*arms)[0], "arm", ""), "a");
  EXPECT_TRUE(member((*arms)[0], "lift"));
  EXPECT_TRUE(member((*arms)[0], "liftLow"));
  EXPECT_FALSE(member((*arms)[1], "lift"));  // the holdout itself
  const Json* pets = findTask(r, "pets", "2026-W10");
  ASSERT_TRUE(pets);
  EXPECT_EQ(stringOr((*pets)["cells"][0], "label", ""), "dog");
}

// Each arm with a lift says whether its 95% interval leaves out zero, so
// the dashboard can say in words which arm works (or that none is clear yet).
TEST_F(CollectorTest, ExperimentArmsSayWhetherTheirLiftIsClear) {
  startWith([](server::CollectorOptions& o) {
    for (const char* task : {"up", "down", "even"}) o.tasks[task] = {"experiment", {"a/no", "a/yes", "holdout/no", "holdout/yes"}};
  });
  // Cells: 0 a/no, 1 a/yes, 2 holdout/no, 3 holdout/yes.
  const std::map<std::string, std::vector<int>> cells = {{"up", {1, 2}}, {"down", {0, 3}}, {"even", {0, 1, 2, 3}}};
  for (const auto& [task, ys] : cells) {
    std::vector<Report> rs;
    for (int i = 0; i < 80; ++i) rs.push_back(makeReport(rng, task, "2026-W10", 4, ys[i % ys.size()]));
    ASSERT_EQ(post(batchOf(rs))->status, 202);
  }
  Json r = results();
  for (const auto& [task, verdict] : std::map<std::string, std::string>{{"up", "better"}, {"down", "worse"}, {"even", "unclear"}}) {
    const Json* t = findTask(r, task, "2026-W10");
    ASSERT_TRUE(t) << r.dump();
    const Json* arms = member(*t, "arms");
    ASSERT_TRUE(arms && arms->size() == 2) << t->dump();
    EXPECT_EQ(stringOr((*arms)[0], "verdict", ""), verdict) << t->dump();
    EXPECT_FALSE(member((*arms)[1], "verdict"));  // the holdout itself
  }
}

TEST_F(CollectorTest, NothingStoredIsLostAfterErrors) {
  startWith();
  std::vector<Report> good;
  for (int i = 0; i < 10; ++i) good.push_back(makeReport(rng));
  ASSERT_EQ(post(batchOf(good))->status, 202);
  Json before = results();
  // A batch whose last report is bad is rejected whole: its good ones are not stored.
  Json bad = ReportBatch{1, "petshop", {makeReport(rng), makeReport(rng)}}.toJson();
  bad["reports"][1]["y"] = 99;
  expectRejected(bad.dump(), "reports[1].y");
  expectRejected("{", "body");
  EXPECT_EQ(post(std::string(80000, '{'))->status, 413);
  ASSERT_EQ(post(batchOf(good))->status, 202);  // retried: all dup
  EXPECT_EQ(countRows(dbPath), 10);
  EXPECT_EQ(results().dump(), before.dump());
}

TEST_F(CollectorTest, ServesTheDashboard) {
  startWith();
  auto page = client->Get("/dashboard");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("uPlot.iife.min.js"), std::string::npos);
  auto js = client->Get("/dashboard/dashboard.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
}

// --- The collector as a child process ----------------------------------------------

struct Child {
  pid_t pid = -1;
  int port = 0;
  std::string firstLines;
};

// Starts collector_child serve ... and reads the listening line for the port.
Child startChild(const std::vector<std::string>& args) {
  Child c;
  int out[2];
  if (pipe(out) != 0) return c;
  c.pid = fork();
  if (c.pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(OMO_COLLECTOR_CHILD));
    argv.push_back(const_cast<char*>("serve"));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(OMO_COLLECTOR_CHILD, argv.data());
    _exit(127);
  }
  close(out[1]);
  std::string text;
  char buf[256];
  while (text.find("admin token") == std::string::npos && text.find('\n') == std::string::npos) {
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);  // the child ignores SIGPIPE
  c.firstLines = text;
  size_t at = text.find("http://127.0.0.1:");
  if (at != std::string::npos) c.port = std::atoi(text.c_str() + at + 17);
  return c;
}

// The printed URL of an IPv6 host has its brackets: it was http://::1:PORT/,
// which no browser opens.
TEST(CollectorProcess, PrintsAnIPv6HostAsAUrl) {
  TempDir dir;
  Child c = startChild({"--host", "::1", "--port", "0", "--db", "sqlite:" + dir.path + "/v6.db", "--token", kToken});
  ASSERT_GT(c.pid, 0);
  kill(c.pid, SIGTERM);
  int status = 0;
  waitpid(c.pid, &status, 0);
  if (c.firstLines.find("listening on") == std::string::npos) GTEST_SKIP() << "no IPv6 loopback here: " << c.firstLines;
  EXPECT_NE(c.firstLines.find("listening on http://[::1]:"), std::string::npos) << c.firstLines;
}

TEST(CollectorProcess, AcknowledgedReportsSurviveKillDashNine) {
  TempDir dir;
  std::string db = dir.path + "/durable.db";
  Child c = startChild({"--port", "0", "--db", "sqlite:" + db, "--token", kToken, "--rate", "0"});
  ASSERT_GT(c.pid, 0);
  ASSERT_GT(c.port, 0) << c.firstLines;
  httplib::Client client("127.0.0.1", c.port);
  Rng rng(7);
  std::vector<Report> rs;
  for (int i = 0; i < 100; ++i) rs.push_back(makeReport(rng));
  auto res = client.Post("/v1/reports", batchOf(rs), "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 202);
  // No graceful anything: the process dies right after the 202.
  ASSERT_EQ(kill(c.pid, SIGKILL), 0);
  int status = 0;
  waitpid(c.pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(countRows(db), 100);
  // And the exact rids are there.
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM reports WHERE rid = ?", -1, &st, nullptr), SQLITE_OK);
  for (const auto& r : rs) {
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, r.rid.c_str(), -1, SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(st, 0), 1) << r.rid;
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
}

TEST(CollectorProcess, StopsCleanlyOnSigterm) {
  TempDir dir;
  std::string db = dir.path + "/term.db";
  Child c = startChild({"--port", "0", "--db", "sqlite:" + db, "--rate", "0"});
  ASSERT_GT(c.pid, 0);
  ASSERT_GT(c.port, 0) << c.firstLines;
  EXPECT_NE(c.firstLines.find("admin token: "), std::string::npos) << "a generated token is printed";
  httplib::Client client("127.0.0.1", c.port);
  Rng rng(8);
  ASSERT_EQ(client.Post("/v1/reports", batchOf({makeReport(rng)}), "application/json")->status, 202);
  ASSERT_EQ(kill(c.pid, SIGTERM), 0);
  int status = 0;
  for (int i = 0; i < 100 && waitpid(c.pid, &status, WNOHANG) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(WIFEXITED(status)) << "still running or killed";
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(countRows(db), 1);
}

TEST(CollectorProcess, BadArgumentsExitWithOneLine) {
  for (std::vector<std::string> args : {std::vector<std::string>{"--port", "99999"},
                                        std::vector<std::string>{"--db", "postgres:x"},
                                        std::vector<std::string>{"--bogus", "1"},
                                        std::vector<std::string>{"--k", "-3"}}) {
    std::string cmd = std::string(OMO_COLLECTOR_CHILD) + " serve";
    for (const auto& a : args) cmd += " '" + a + "'";
    int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
    EXPECT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) != 0) << cmd;
  }
}

TEST_F(CollectorTest, ResultsCarryTheDashboardLabel) {
  startWith([](server::CollectorOptions& o) { o.label = "SIMULATED traffic"; });
  Json r = results();
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(stringOr(r, "label", ""), "SIMULATED traffic");
}

TEST_F(CollectorTest, NoLabelByDefault) {
  startWith();
  Json r = results();
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(member(r, "label"), nullptr);
}

TEST_F(CollectorTest, StaticFilesAndFoldersWithoutTheirSlash) {
  std::string site = dir.path + "/site";
  ASSERT_EQ(std::system(("mkdir -p '" + site + "/cart' && echo home > '" + site + "/index.html' && echo cart > '" +
                         site + "/cart/index.html'").c_str()),
            0);
  startWith([&](server::CollectorOptions& o) { o.staticDir = site; });
  auto cart = client->Get("/cart/");
  ASSERT_TRUE(cart);
  EXPECT_EQ(cart->status, 200);
  EXPECT_EQ(cart->body, "cart\n");
  auto moved = client->Get("/cart");
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->status, 301);
  EXPECT_EQ(moved->get_header_value("Location"), "/cart/");
  auto missing = client->Get("/nowhere");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  auto escape = client->Get("/../etc");
  ASSERT_TRUE(escape);
  EXPECT_NE(escape->status, 301);
  // A NUL byte does not cut the path short: not index.html under another name.
  auto nul = client->Get("/index.html%00.txt");
  ASSERT_TRUE(nul);
  EXPECT_EQ(nul->status, 400);
  EXPECT_EQ(nul->body, R"({"error":"path: holds a NUL byte"})");
  auto nulFolder = client->Get("/cart%00");
  ASSERT_TRUE(nulFolder);
  EXPECT_EQ(nulFolder->status, 400);
}

// httplib's mount followed symlinks: a link in the shop's folder to a file
// outside it (/etc/passwd) served that file. Now anything whose real path is
// outside the static folder is not found; links that stay inside still work,
// and so does a static folder that is itself a link.
TEST_F(CollectorTest, StaticFilesDoNotFollowSymlinksOutOfTheFolder) {
  const std::string site = dir.path + "/site", out = dir.path + "/outside";
  ASSERT_EQ(std::system(("mkdir -p '" + site + "/cart' '" + site + "/linked' '" + out + "' && echo home > '" + site +
                         "/index.html' && echo cart > '" + site + "/cart/index.html' && echo secret > '" + out +
                         "/secret.txt' && echo secret > '" + out + "/index.html' && ln -s '" + out + "/secret.txt' '" +
                         site + "/passwd' && ln -s /etc/passwd '" + site + "/etc-passwd' && ln -s '" + out + "' '" +
                         site + "/ext' && ln -s '" + out + "/index.html' '" + site + "/linked/index.html' && ln -s " +
                         "index.html '" + site + "/home.html' && ln -s '" + site + "' '" + dir.path + "/site-link'")
                            .c_str()),
            0);
  startWith([&](server::CollectorOptions& o) { o.staticDir = dir.path + "/site-link"; });
  for (const char* path : {"/passwd", "/etc-passwd", "/ext/secret.txt", "/ext/", "/ext", "/linked/", "/cart/../passwd"}) {
    auto res = client->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path << " -> " << res->body;
    EXPECT_EQ(res->body.find("secret"), std::string::npos) << path;
    EXPECT_EQ(res->body.find("root:"), std::string::npos) << path;
    EXPECT_FALSE(res->has_header("Location")) << path;
  }
  auto head = client->Head("/passwd");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 404);
  for (auto [path, body] : {std::pair<const char*, const char*>{"/", "home\n"}, {"/index.html", "home\n"},
                            {"/home.html", "home\n"}, {"/cart/", "cart\n"}}) {
    auto res = client->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->body, body) << path;
  }
  auto moved = client->Get("/cart");
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->status, 301);
  EXPECT_EQ(moved->get_header_value("Location"), "/cart/");
}

// "//cart" named the static folder "cart", and the redirect to add its
// slash answered Location: //cart/, which a browser reads as another host
// (http://cart/): an open redirect to any host named like a folder.
TEST_F(CollectorTest, NoRedirectToAnotherHost) {
  std::string site = dir.path + "/site";
  ASSERT_EQ(std::system(("mkdir -p '" + site + "/cart' && echo cart > '" + site + "/cart/index.html'").c_str()), 0);
  startWith([&](server::CollectorOptions& o) { o.staticDir = site; });
  for (const char* path : {"//cart", "///cart", "/\\cart"}) {
    auto res = client->Get(path);
    ASSERT_TRUE(res) << path;
    std::string location = res->get_header_value("Location");
    EXPECT_FALSE(location.size() >= 2 && location[0] == '/' && (location[1] == '/' || location[1] == '\\'))
        << path << " -> " << res->status << " Location: " << location;
  }
}

// A database file SQLite cannot use: start() fails and says why. It said
// "cannot switch ... to WAL mode (journal_mode is \"\")" for a file that is not
// a database at all, and the same for a database locked by another process.
TEST(CollectorStore, AFileThatIsNotADatabaseIsNamedSo) {
  TempDir dir;
  std::string path = dir.path + "/garbage.db";
  ASSERT_EQ(std::system(("head -c 8192 /dev/urandom > '" + path + "'").c_str()), 0);
  server::CollectorOptions opt;
  opt.port = 0;
  opt.dbPath = path;
  opt.token = kToken;
  server::Collector c(opt);
  std::string error;
  EXPECT_FALSE(c.start(&error));
  EXPECT_NE(error.find(path), std::string::npos) << error;
  EXPECT_NE(error.find("not a database"), std::string::npos) << error;
}

}  // namespace
}  // namespace omo
