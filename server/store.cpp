#include "store.h"

#include <sqlite3.h>

#include <map>
#include <tuple>

namespace omo {
namespace server {
namespace {

std::string sqliteError(sqlite3* db, const char* what) {
  return std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
}

// Finalizes a statement at scope exit.
struct Stmt {
  sqlite3_stmt* s = nullptr;
  ~Stmt() {
    if (s) sqlite3_finalize(s);
  }
};

}  // namespace

Store::~Store() { close(); }

void Store::close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (insert_) sqlite3_finalize(insert_);
  insert_ = nullptr;
  if (db_) sqlite3_close(db_);  // checkpoints the WAL when it is the last connection
  db_ = nullptr;
}

bool Store::exec(const char* sql, std::string* error) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
    if (error) *error = std::string(sql) + ": " + (msg ? msg : "error");
    sqlite3_free(msg);
    return false;
  }
  return true;
}

bool Store::open(const std::string& path, std::string* error) {
  close();
  std::lock_guard<std::mutex> lock(mu_);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    if (error) *error = sqliteError(db_, ("cannot open " + path).c_str());
    sqlite3_close(db_);
    db_ = nullptr;
    return false;
  }
  sqlite3_busy_timeout(db_, 5000);
  // WAL: readers (results) never block the writer (reports), and a commit
  // appends to one file. synchronous=FULL: each commit fsyncs the WAL before
  // the 202 goes out, so an acknowledged report survives kill -9 and also a
  // power cut (NORMAL would survive kill -9 but not power loss: the client
  // forgets a report once acknowledged, so a lost one would be lost for good).
  sqlite3_stmt* st = nullptr;
  std::string mode;
  bool ran = sqlite3_prepare_v2(db_, "PRAGMA journal_mode=WAL", -1, &st, nullptr) == SQLITE_OK &&
             sqlite3_step(st) == SQLITE_ROW;
  if (ran) {
    const unsigned char* t = sqlite3_column_text(st, 0);
    mode = t ? reinterpret_cast<const char*>(t) : "";
  }
  // Not a database, locked by another process, ...: SQLite's reason, not a guess.
  std::string why = ran ? "journal_mode is \"" + mode + "\"" : sqlite3_errmsg(db_);
  sqlite3_finalize(st);
  if (mode != "wal") {
    if (error) *error = "cannot switch " + path + " to WAL mode (" + why + ")";
    sqlite3_close(db_);
    db_ = nullptr;
    return false;
  }
  if (!exec("PRAGMA synchronous=FULL", error) ||
      !exec("CREATE TABLE IF NOT EXISTS reports ("
            " rid TEXT PRIMARY KEY NOT NULL,"
            " site TEXT NOT NULL, task TEXT NOT NULL, cfg TEXT NOT NULL, win TEXT NOT NULL,"
            " eps REAL NOT NULL, d INTEGER NOT NULL, y INTEGER NOT NULL) WITHOUT ROWID",
            error) ||
      !exec("CREATE INDEX IF NOT EXISTS reports_by_task ON reports(site, task, win)", error) ||
      !exec("PRAGMA user_version=1", error)) {
    sqlite3_close(db_);
    db_ = nullptr;
    return false;
  }
  if (sqlite3_prepare_v2(db_,
                         "INSERT OR IGNORE INTO reports(rid, site, task, cfg, win, eps, d, y)"
                         " VALUES(?,?,?,?,?,?,?,?)",
                         -1, &insert_, nullptr) != SQLITE_OK) {
    if (error) *error = sqliteError(db_, "prepare insert");
    sqlite3_close(db_);
    db_ = nullptr;
    return false;
  }
  return true;
}

bool Store::insert(const ReportBatch& batch, std::vector<std::string>* ok, std::vector<std::string>* dup,
                   std::string* error) {
  Pending me;
  me.batch = &batch;
  std::unique_lock<std::mutex> lock(queueMu_);
  queue_.push_back(&me);
  while (!me.done) {
    if (committing_) {
      queueCv_.wait(lock);
      continue;
    }
    // Leader: take everything queued so far (this batch included) and commit it.
    committing_ = true;
    std::vector<Pending*> group;
    group.swap(queue_);
    lock.unlock();
    commitGroup(group);
    lock.lock();
    committing_ = false;
    for (Pending* p : group) p->done = true;
    queueCv_.notify_all();
  }
  lock.unlock();
  if (!me.success) {
    if (error) *error = me.error;
    return false;
  }
  if (ok) *ok = std::move(me.ok);
  if (dup) *dup = std::move(me.dup);
  return true;
}

void Store::commitGroup(std::vector<Pending*>& group) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string error;
  auto failAll = [&](const std::string& e) {
    for (Pending* p : group) {
      p->success = false;
      p->error = e;
      p->ok.clear();
      p->dup.clear();
    }
  };
  if (!db_) return failAll("database closed");
  if (!exec("BEGIN IMMEDIATE", &error)) return failAll(error);
  for (Pending* p : group) {
    for (const Report& r : p->batch->reports) {
      const std::string& site = p->batch->site;
      sqlite3_reset(insert_);
      sqlite3_bind_text(insert_, 1, r.rid.data(), static_cast<int>(r.rid.size()), SQLITE_STATIC);
      sqlite3_bind_text(insert_, 2, site.data(), static_cast<int>(site.size()), SQLITE_STATIC);
      sqlite3_bind_text(insert_, 3, r.task.data(), static_cast<int>(r.task.size()), SQLITE_STATIC);
      sqlite3_bind_text(insert_, 4, r.cfg.data(), static_cast<int>(r.cfg.size()), SQLITE_STATIC);
      sqlite3_bind_text(insert_, 5, r.win.data(), static_cast<int>(r.win.size()), SQLITE_STATIC);
      sqlite3_bind_double(insert_, 6, r.eps);
      sqlite3_bind_int(insert_, 7, r.d);
      sqlite3_bind_int(insert_, 8, r.y);
      if (sqlite3_step(insert_) != SQLITE_DONE) {
        std::string e = sqliteError(db_, "insert");
        sqlite3_reset(insert_);
        exec("ROLLBACK", nullptr);
        return failAll(e);
      }
      (sqlite3_changes(db_) == 1 ? p->ok : p->dup).push_back(r.rid);
    }
  }
  sqlite3_reset(insert_);
  sqlite3_clear_bindings(insert_);
  if (!exec("COMMIT", &error)) {
    exec("ROLLBACK", nullptr);
    return failAll(error);
  }
  for (Pending* p : group) p->success = true;
}

bool Store::tallies(const std::string& site, std::vector<Tally>* out, std::string* error) {
  std::lock_guard<std::mutex> lock(mu_);
  out->clear();
  if (!db_) {
    if (error) *error = "database closed";
    return false;
  }
  using Key = std::tuple<std::string, std::string, int, double>;
  std::map<Key, Tally> byKey;
  Stmt counts;
  if (sqlite3_prepare_v2(db_,
                         "SELECT task, win, d, eps, y, COUNT(*) FROM reports WHERE site = ?"
                         " GROUP BY task, win, d, eps, y",
                         -1, &counts.s, nullptr) != SQLITE_OK) {
    if (error) *error = sqliteError(db_, "prepare tallies");
    return false;
  }
  sqlite3_bind_text(counts.s, 1, site.data(), static_cast<int>(site.size()), SQLITE_TRANSIENT);
  auto text = [](sqlite3_stmt* s, int col) {
    const unsigned char* t = sqlite3_column_text(s, col);
    return std::string(t ? reinterpret_cast<const char*>(t) : "");
  };
  int rc;
  while ((rc = sqlite3_step(counts.s)) == SQLITE_ROW) {
    Key key{text(counts.s, 0), text(counts.s, 1), sqlite3_column_int(counts.s, 2), sqlite3_column_double(counts.s, 3)};
    int y = sqlite3_column_int(counts.s, 4);
    int64_t c = sqlite3_column_int64(counts.s, 5);
    Tally& t = byKey[key];
    if (t.counts.empty()) {
      t.task = std::get<0>(key);
      t.win = std::get<1>(key);
      t.d = std::get<2>(key);
      t.eps = std::get<3>(key);
      t.counts.assign(static_cast<size_t>(t.d > 0 ? t.d : 0), 0);
    }
    if (y >= 0 && y < t.d) t.counts[static_cast<size_t>(y)] += c;  // validated on the way in
    t.n += c;
  }
  if (rc != SQLITE_DONE) {
    if (error) *error = sqliteError(db_, "tallies");
    return false;
  }
  Stmt cfgs;
  if (sqlite3_prepare_v2(db_, "SELECT DISTINCT task, win, d, eps, cfg FROM reports WHERE site = ?", -1, &cfgs.s,
                         nullptr) != SQLITE_OK) {
    if (error) *error = sqliteError(db_, "prepare cfgs");
    return false;
  }
  sqlite3_bind_text(cfgs.s, 1, site.data(), static_cast<int>(site.size()), SQLITE_TRANSIENT);
  while ((rc = sqlite3_step(cfgs.s)) == SQLITE_ROW) {
    Key key{text(cfgs.s, 0), text(cfgs.s, 1), sqlite3_column_int(cfgs.s, 2), sqlite3_column_double(cfgs.s, 3)};
    auto it = byKey.find(key);
    if (it != byKey.end()) it->second.cfgs.insert(text(cfgs.s, 4));
  }
  for (auto& kv : byKey) out->push_back(std::move(kv.second));
  return true;
}

int64_t Store::countReports() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!db_) return -1;
  Stmt s;
  if (sqlite3_prepare_v2(db_, "SELECT COUNT(*) FROM reports", -1, &s.s, nullptr) != SQLITE_OK) return -1;
  return sqlite3_step(s.s) == SQLITE_ROW ? sqlite3_column_int64(s.s, 0) : -1;
}

}  // namespace server
}  // namespace omo
