// The collector's storage: one SQLite file in WAL mode, synchronous=FULL
// (see docs/collector.md). One connection, serialized by a mutex: every
// batch is one short transaction, so a single writer is the bottleneck
// either way and a pool would only add lock contention.
// Stored per report: exactly its SPEC section 6 fields and the site. No
// arrival time, no client address, nothing else.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "measure.h"

struct sqlite3;
struct sqlite3_stmt;

namespace omo {
namespace server {

class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();

  // Opens (creating if needed) the database file; false with *error on failure.
  bool open(const std::string& path, std::string* error);
  void close();

  // Stores a validated batch in one transaction. Each rid is stored once:
  // a new one goes to *ok, one already stored (or repeated in the batch) to *dup.
  // Group commit: batches arriving while a commit is in progress wait and
  // are then written together in the next transaction (one fsync for all);
  // each caller returns only after the transaction holding its batch
  // committed. If that transaction fails, every batch in it fails.
  bool insert(const ReportBatch& batch, std::vector<std::string>* ok, std::vector<std::string>* dup,
              std::string* error);

  // Observed counts per (task, window, d, eps) of one site.
  struct Tally {
    std::string task, win;
    int d = 0;
    double eps = 0;
    std::vector<int64_t> counts;  // size d
    int64_t n = 0;
    std::set<std::string> cfgs;   // rules versions that sent reports
  };
  bool tallies(const std::string& site, std::vector<Tally>* out, std::string* error);

  int64_t countReports();

 private:
  struct Pending {
    const ReportBatch* batch;
    std::vector<std::string> ok, dup;
    bool done = false, success = false;
    std::string error;
  };
  void commitGroup(std::vector<Pending*>& group);
  bool exec(const char* sql, std::string* error);

  std::mutex queueMu_;               // guards queue_ and committing_
  std::condition_variable queueCv_;
  std::vector<Pending*> queue_;
  bool committing_ = false;
  std::mutex mu_;                    // guards the connection
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
};

}  // namespace server
}  // namespace omo
