// SqliteJournal: open and validate the file, one transaction per write, load for a restart.
#include "realnet/storage/sqlite_journal.h"

#include <sqlite3.h>

#include <filesystem>
#include <set>

#include "core/api/codec.h"
#include "realnet/storage/persisted_object.h"

namespace ktwin::realnet {

using core::Result;
using core::Status;

namespace {

#define KTWIN_SCHEMA_TAG "ktwin-state-1"  // a macro: it is spliced into the schema's SQL text
constexpr const char* kSchemaTag = KTWIN_SCHEMA_TAG;

// A statement run to completion, its text result rows collected (PRAGMAs answer with rows).
struct Rows {
  int rc = SQLITE_OK;
  std::vector<std::string> values;  // first column of each row
};

Rows query(sqlite3* db, const char* sql) {
  Rows out;
  sqlite3_stmt* stmt = nullptr;
  out.rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (out.rc != SQLITE_OK) return out;
  while ((out.rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    out.values.push_back(text ? reinterpret_cast<const char*>(text) : "");
  }
  if (out.rc == SQLITE_DONE) out.rc = SQLITE_OK;
  sqlite3_finalize(stmt);
  return out;
}

std::string column_text(sqlite3_stmt* stmt, int i) {
  const unsigned char* text = sqlite3_column_text(stmt, i);
  return text ? std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt, i))
              : std::string();
}

}  // namespace

std::string SqliteJournal::default_path(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "server" / "db" / "state.db").string();
}

Result<std::unique_ptr<SqliteJournal>> SqliteJournal::open(const std::string& path, SqliteOptions options) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Status::unavailable("storage: cannot create " + parent.string() + ": " + ec.message());
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<SqliteJournal> journal(new SqliteJournal(db, path));  // closes db on every path out
  if (rc != SQLITE_OK) return journal->error("cannot open");
  // SQLite silently opens a write-protected file read-only; every write would then fail later.
  if (sqlite3_db_readonly(db, "main") == 1)
    return Status::unavailable("storage: " + path + ": the file is read-only; the server needs to write it");
  if (Status s = journal->init(options); !s.is_ok()) return s;
  return journal;
}

SqliteJournal::~SqliteJournal() {
  sqlite3_finalize(upsert_);
  sqlite3_finalize(delete_);
  sqlite3_finalize(set_revision_);
  sqlite3_close(db_);  // a clean close checkpoints the WAL into the database
}

Status SqliteJournal::error(const std::string& what) const {
  return Status::unavailable("storage: " + path_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

Status SqliteJournal::exec(const char* sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  std::string text = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  if (rc == SQLITE_OK) return Status::ok();
  return Status::unavailable("storage: " + path_ + ": " + sql + ": " + text);
}

Status SqliteJournal::init(const SqliteOptions& options) {
  // EXCLUSIVE: this server holds the file until it exits (the OS drops the lock on kill -9), so a
  // second server on the same data dir fails here instead of diverging; WAL then needs no -shm file.
  if (Status s = exec("PRAGMA locking_mode=EXCLUSIVE"); !s.is_ok()) return s;
  // Everything up to the schema check only reads, so a file that is not ours is left as it was.
  int rc = sqlite3_exec(db_, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr);
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    return Status::unavailable("storage: " + path_ +
                               ": the database is in use by another process (another "
                               "ktwin server on this data dir?)");
  if (rc != SQLITE_OK) return error("not a readable SQLite database");
  Rows tables = query(db_, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name");
  if (tables.rc != SQLITE_OK) {
    exec("ROLLBACK");
    return error("not a readable SQLite database");
  }
  bool fresh = tables.values.empty();
  if (!fresh) {
    std::string names;
    for (const std::string& t : tables.values) names += (names.empty() ? "" : ", ") + t;
    if (names != "meta, objects") {
      exec("ROLLBACK");
      return Status::unavailable("storage: " + path_ +
                                 ": a SQLite database, but not a ktwin state database; its tables: " + names);
    }
    // Before the tag: a damaged page can hide the tag and must be reported as damage.
    Rows check = query(db_, "PRAGMA quick_check");
    if (check.rc != SQLITE_OK || check.values != std::vector<std::string>{"ok"}) {
      exec("ROLLBACK");
      std::string found = check.values.empty() ? sqlite3_errmsg(db_) : check.values.front();
      return Status::unavailable("storage: " + path_ + ": the database is corrupt (quick_check: " + found +
                                 "); it was left untouched: restore a backup or move it away");
    }
    Rows tag = query(db_, "SELECT value FROM meta WHERE key='schema'");
    if (tag.rc != SQLITE_OK || tag.values != std::vector<std::string>{kSchemaTag}) {
      exec("ROLLBACK");
      return Status::unavailable("storage: " + path_ +
                                 ": not a ktwin state database of this version (schema " +
                                 (tag.values.empty() ? std::string("missing") : tag.values.front()) +
                                 ", expected " + kSchemaTag + ")");
    }
  }
  if (Status s = exec("COMMIT"); !s.is_ok()) return s;

  Rows mode = query(db_, "PRAGMA journal_mode=WAL");
  if (mode.rc != SQLITE_OK || mode.values != std::vector<std::string>{"wal"})
    return error("cannot enter WAL mode");
  if (Status s = exec(options.fsync_each_commit ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
      !s.is_ok())
    return s;
  if (fresh) {
    if (Status s =
            exec("BEGIN IMMEDIATE;"
                 "CREATE TABLE meta (key TEXT PRIMARY KEY, value NOT NULL);"
                 "CREATE TABLE objects (kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,"
                 " resource_version INTEGER NOT NULL, object TEXT NOT NULL,"
                 " PRIMARY KEY (kind, namespace, name)) WITHOUT ROWID;"
                 "INSERT INTO meta VALUES ('schema', '" KTWIN_SCHEMA_TAG "'), ('revision', 0);"
                 "COMMIT");
        !s.is_ok()) {
      exec("ROLLBACK");
      return s;
    }
  }
  if (options.quota_bytes > 0) {
    Rows page = query(db_, "PRAGMA page_size");
    int64_t page_size = page.values.empty() ? 0 : std::atoll(page.values.front().c_str());
    if (page_size <= 0) return error("cannot read the page size");
    std::string sql =
        "PRAGMA max_page_count=" + std::to_string(std::max<int64_t>(1, options.quota_bytes / page_size));
    if (Status s = exec(sql.c_str()); !s.is_ok()) return s;
  }
  if (sqlite3_prepare_v2(db_,
                         "INSERT OR REPLACE INTO objects (kind, namespace, name, resource_version, object)"
                         " VALUES (?1, ?2, ?3, ?4, ?5)",
                         -1, &upsert_, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db_, "DELETE FROM objects WHERE kind=?1 AND namespace=?2 AND name=?3", -1, &delete_,
                         nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db_, "UPDATE meta SET value=?1 WHERE key='revision'", -1, &set_revision_, nullptr) !=
          SQLITE_OK)
    return error("cannot prepare statements");
  return Status::ok();
}

Status SqliteJournal::write(const core::JournalEntry& entry) {
  std::string_view kind = core::kind_name(entry.kind);
  sqlite3_stmt* row = entry.op == core::JournalOp::kDelete ? delete_ : upsert_;
  sqlite3_reset(row);
  sqlite3_bind_text(row, 1, kind.data(), static_cast<int>(kind.size()), SQLITE_STATIC);
  sqlite3_bind_text(row, 2, entry.namespace_.data(), static_cast<int>(entry.namespace_.size()),
                    SQLITE_STATIC);
  sqlite3_bind_text(row, 3, entry.name.data(), static_cast<int>(entry.name.size()), SQLITE_STATIC);
  std::string json;
  if (entry.op != core::JournalOp::kDelete) {
    json = core::encode(entry.object).dump();
    sqlite3_bind_int64(row, 4, static_cast<sqlite3_int64>(entry.object.metadata.resourceVersion));
    sqlite3_bind_text(row, 5, json.data(), static_cast<int>(json.size()), SQLITE_STATIC);
  }
  if (sqlite3_step(row) != SQLITE_DONE) return error("cannot write " + std::string(kind) + " " + entry.name);
  sqlite3_reset(set_revision_);
  sqlite3_bind_int64(set_revision_, 1, static_cast<sqlite3_int64>(entry.revision));
  if (sqlite3_step(set_revision_) != SQLITE_DONE) return error("cannot write the revision");
  return Status::ok();
}

Result<uint64_t> SqliteJournal::record(const core::JournalEntry& entry) {
  if (!sqlite3_get_autocommit(db_)) exec("ROLLBACK");  // a transaction left open by a failed write
  if (Status s = exec("BEGIN IMMEDIATE"); !s.is_ok()) return s;
  Status s = write(entry);
  if (s.is_ok()) s = exec("COMMIT");  // returns once the WAL is synced (synchronous=FULL)
  if (!s.is_ok()) {
    exec("ROLLBACK");  // a failed COMMIT may already have rolled back: ignore
    return s;
  }
  return entry.revision;  // the store numbers its writes; this file only keeps them
}

Result<core::PersistedState> SqliteJournal::load() {
  core::PersistedState state;
  Rows revision = query(db_, "SELECT value FROM meta WHERE key='revision'");
  if (revision.rc != SQLITE_OK || revision.values.size() != 1) return error("cannot read the revision");
  char* end = nullptr;
  state.revision = std::strtoull(revision.values.front().c_str(), &end, 10);
  if (revision.values.front().empty() || *end)
    return Status::invalid("storage: " + path_ + ": the revision is not a number");
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT kind, namespace, name, resource_version, object FROM objects", -1,
                         &stmt, nullptr) != SQLITE_OK)
    return error("cannot read objects");
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::string kind = column_text(stmt, 0), ns = column_text(stmt, 1), name = column_text(stmt, 2);
    auto rv = static_cast<uint64_t>(sqlite3_column_int64(stmt, 3));
    std::string where = "storage: " + path_ + ": row (" + kind + ", " + ns + ", " + name + "): ";
    auto obj = decode_persisted(column_text(stmt, 4));
    if (!obj.is_ok()) return Status::invalid(where + obj.status().message());
    const core::ObjectMeta& meta = obj.value()->metadata;
    if (core::kind_name(obj.value()->kind()) != kind || meta.namespace_ != ns || meta.name != name ||
        meta.resourceVersion != rv)
      return Status::invalid(where +
                             "the object's kind, namespace, name or resourceVersion differ from its key");
    state.objects.push_back(obj.value());
  }
  if (rc != SQLITE_DONE) return error("cannot read objects");
  return state;
}

Status SqliteJournal::check_integrity() {
  Rows check = query(db_, "PRAGMA integrity_check");
  if (check.rc != SQLITE_OK) return error("integrity_check");
  if (check.values == std::vector<std::string>{"ok"}) return Status::ok();
  std::string found;
  for (const std::string& line : check.values) found += (found.empty() ? "" : "; ") + line;
  return Status::unavailable("storage: " + path_ + ": the database is corrupt: " + found);
}

}  // namespace ktwin::realnet
