// The embedded datastore of `ktwin server` (k3s's kine-over-SQLite role): one SQLite file in WAL mode
// holding every object as JSON, keyed (kind, namespace, name), and the store's revision.
#pragma once

#include <memory>
#include <string>

#include "core/store/store_journal.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ktwin::realnet {

struct SqliteOptions {
  // synchronous=FULL: each commit fsyncs the WAL, so an acknowledged write (the client saw 2xx)
  // survives a power loss, not only a crash of the process. false: NORMAL, which survives `kill -9`
  // but may lose the last commits on power loss; for benchmarks and throwaway clusters.
  bool fsync_each_commit = true;
  // Like etcd's --quota-backend-bytes: writes that would grow the file past it fail. 0: no quota.
  int64_t quota_bytes = 0;
};

class SqliteJournal : public core::StoreJournal {
 public:
  // DATA_DIR/server/db/state.db, as k3s keeps DATA_DIR/server/db/state.db.
  static std::string default_path(const std::string& data_dir);

  // Opens the database at `path`, creating it and its directories when absent. A file that is not
  // a ktwin state database, is corrupt (quick_check), cannot be opened read-write, or is held by
  // another server gives Unavailable naming the path and the cause; the file is never altered then.
  static core::Result<std::unique_ptr<SqliteJournal>> open(const std::string& path,
                                                           SqliteOptions options = {});
  ~SqliteJournal() override;
  SqliteJournal(const SqliteJournal&) = delete;
  SqliteJournal& operator=(const SqliteJournal&) = delete;

  // One transaction per write: the object's row (replaced, or removed for kDelete) and the revision.
  // Returns entry.revision: in SQLite mode the store numbers its writes.
  core::Result<uint64_t> record(const core::JournalEntry& entry) override;
  // Every object, decoded, and the revision, for core::MemoryStore::restore. Invalid names the row
  // whose JSON does not decode or does not match its key.
  core::Result<core::PersistedState> load();
  // PRAGMA integrity_check over the whole file: ok, or Unavailable with SQLite's findings.
  core::Status check_integrity();
  const std::string& path() const { return path_; }

 private:
  SqliteJournal(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  core::Status init(const SqliteOptions& options);
  core::Status exec(const char* sql);
  core::Status error(const std::string& what) const;  // Unavailable with SQLite's message
  core::Status write(const core::JournalEntry& entry);

  sqlite3* db_;
  std::string path_;
  sqlite3_stmt* upsert_ = nullptr;
  sqlite3_stmt* delete_ = nullptr;
  sqlite3_stmt* set_revision_ = nullptr;
};

}  // namespace ktwin::realnet
