// SqliteJournal: round trip across a reopen, refused writes, bad files, and kill -9 mid-stream.
#include "realnet/storage/sqlite_journal.h"

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/api/codec.h"
#include "core/api/node.h"
#include "core/api/pod.h"
#include "core/api/service.h"
#include "core/store/memory_store.h"

using namespace ktwin;
using core::Kind;
using realnet::SqliteJournal;

namespace {

// Real time; posted work is kept, never run: these tests read the store, not its watches.
class IdleExecutor : public core::Executor {
 public:
  core::Time now() const override {
    return std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
  }
  void post(core::Task) override {}
  core::TimerId post_after(core::Duration, core::Task) override { return 0; }
  void cancel(core::TimerId) override {}
};

struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/ktwin-storage-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

std::shared_ptr<core::Pod> pod(std::string name) {
  auto p = std::make_shared<core::Pod>();
  p->metadata.name = std::move(name);
  p->metadata.labels = {{"app", "db"}};
  core::Container c;
  c.name = "c";
  c.image = "mongo:4.4";
  p->spec.containers.push_back(c);
  return p;
}

// A store journaled to the database at `path`, restored from it first, as the server starts.
struct DurableStore {
  explicit DurableStore(const std::string& path, realnet::SqliteOptions options = {}) {
    auto opened = SqliteJournal::open(path, options);
    REQUIRE(opened.is_ok());
    journal = std::move(opened).value();
    auto state = journal->load();
    REQUIRE(state.is_ok());
    REQUIRE(store.restore(state.value()).is_ok());
    store.set_journal(journal.get());
  }
  IdleExecutor executor;
  core::MemoryStore store{executor, core::Rng(std::random_device{}(), "store")};
  std::unique_ptr<SqliteJournal> journal;
};

std::string error_of(const std::string& path) {
  auto opened = SqliteJournal::open(path);
  REQUIRE_FALSE(opened.is_ok());
  return opened.status().message();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("the state is DATA_DIR/server/db/state.db", "[storage]") {
  CHECK(SqliteJournal::default_path("/var/lib/ktwin") == "/var/lib/ktwin/server/db/state.db");
}

TEST_CASE("objects, resourceVersions and the revision survive a reopen", "[storage]") {
  TempDir dir;
  std::string path = SqliteJournal::default_path(dir.path);  // the directories are created
  std::map<std::string, nlohmann::json> before;
  uint64_t revision = 0;
  {
    DurableStore d(path);
    REQUIRE(d.store.create(pod("a")).is_ok());
    auto b = d.store.create(pod("b")).value();
    auto copy = core::mutable_copy(*core::as<core::Pod>(b));
    copy->status.phase = "Running";
    copy->metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"] = "{\"x\":1}";
    REQUIRE(d.store.update(copy).is_ok());
    REQUIRE(d.store.create(pod("gone")).is_ok());
    REQUIRE(d.store.remove(Kind::kPod, "default", "gone").is_ok());  // unbound: deleted at once
    auto node = std::make_shared<core::Node>();
    node->metadata.name = "worker1";
    REQUIRE(d.store.create(node).is_ok());
    auto svc = std::make_shared<core::Service>();
    svc->metadata.name = "mongo";
    svc->metadata.namespace_ = "chat";
    svc->spec.clusterIP = "10.43.7.7";
    REQUIRE(d.store.create(svc).is_ok());
    for (Kind kind : core::kAllKinds)
      for (const core::ObjectPtr& obj : d.store.list(kind))
        before[core::namespaced_name(*obj)] = core::encode(*obj);
    revision = d.store.resource_version();
  }
  CHECK(revision == 7);
  DurableStore d(path);
  std::map<std::string, nlohmann::json> after;
  for (Kind kind : core::kAllKinds)
    for (const core::ObjectPtr& obj : d.store.list(kind))
      after[core::namespaced_name(*obj)] = core::encode(*obj);
  CHECK(after.size() == 4);
  CHECK(after == before);  // uid, resourceVersion, creationTimestamp, status, annotations
  CHECK_FALSE(d.store.find(Kind::kPod, "default", "gone"));
  CHECK(d.store.resource_version() == revision);  // the delete's revision, held by no object
  CHECK(d.store.create(pod("c")).value()->metadata.resourceVersion == revision + 1);
  CHECK(d.journal->check_integrity().is_ok());
}

TEST_CASE("a write the database refuses fails and is neither in memory nor on disk", "[storage]") {
  TempDir dir;
  std::string path = dir.path + "/state.db";
  std::set<std::string> acknowledged;
  std::string refused;
  {
    DurableStore d(path, {.fsync_each_commit = true, .quota_bytes = 64 * 1024});  // like etcd's quota
    for (int i = 0; i < 10000 && refused.empty(); ++i) {
      auto p = pod("p-" + std::to_string(i));
      p->metadata.annotations["padding"] = std::string(2000, 'x');
      auto created = d.store.create(p);
      if (created.is_ok()) {
        acknowledged.insert(p->metadata.name);
      } else {
        CHECK(created.status().code() == core::Status::Code::kUnavailable);
        CHECK(created.status().message().find("full") != std::string::npos);
        refused = p->metadata.name;
      }
    }
    REQUIRE_FALSE(refused.empty());
    CHECK_FALSE(d.store.find(Kind::kPod, "default", refused));
    CHECK(d.store.list(Kind::kPod).size() == acknowledged.size());
    CHECK(d.store.resource_version() == acknowledged.size());
    // Deleting frees room: the journal still works after a refusal.
    REQUIRE(d.store.remove(Kind::kPod, "default", *acknowledged.begin()).is_ok());
    acknowledged.erase(acknowledged.begin());
  }
  DurableStore d(path);
  std::set<std::string> stored;
  for (const core::ObjectPtr& obj : d.store.list(Kind::kPod)) stored.insert(obj->metadata.name);
  CHECK(stored == acknowledged);
  CHECK(d.store.resource_version() == acknowledged.size() + 2);  // the creates and the delete
}

TEST_CASE("a file that is not a healthy state database is refused and left untouched", "[storage]") {
  TempDir dir;
  SECTION("not SQLite at all") {
    std::string path = dir.path + "/state.db";
    std::ofstream(path) << std::string(8192, 'k');
    std::string message = error_of(path);
    CHECK(message.find(path) != std::string::npos);
    CHECK(message.find("not a database") != std::string::npos);
    CHECK(read_file(path) == std::string(8192, 'k'));
  }
  SECTION("a directory in its place") {
    std::filesystem::create_directory(dir.path + "/state.db");
    CHECK(error_of(dir.path + "/state.db").find("unable to open") != std::string::npos);
  }
  SECTION("another application's SQLite database") {
    std::string path = dir.path + "/other.db";
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('ann')", nullptr,
                         nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    std::string before = read_file(path);
    std::string message = error_of(path);
    CHECK(message.find("not a ktwin state database") != std::string::npos);
    CHECK(message.find("users") != std::string::npos);
    CHECK(read_file(path) == before);  // not switched to WAL, no tables added
  }
  SECTION("a ktwin database of another schema version") {
    std::string path = dir.path + "/state.db";
    { SqliteJournal::open(path).value(); }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "UPDATE meta SET value='ktwin-state-0' WHERE key='schema'", nullptr, nullptr,
                         nullptr) == SQLITE_OK);
    sqlite3_close(db);
    CHECK(error_of(path).find("schema ktwin-state-0, expected ktwin-state-1") != std::string::npos);
  }
  SECTION("a corrupted page") {
    std::string path = dir.path + "/state.db";
    {
      DurableStore d(path, {.fsync_each_commit = false});
      for (int i = 0; i < 300; ++i) REQUIRE(d.store.create(pod("p-" + std::to_string(i))).is_ok());
    }  // a clean close checkpoints everything into the main file
    std::string bytes = read_file(path);
    REQUIRE(bytes.size() > 8 * 4096);
    for (size_t i = 2 * 4096; i < 6 * 4096; ++i) bytes[i] = static_cast<char>(i * 7);  // b-tree pages
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    std::string message = error_of(path);
    INFO(message);
    CHECK(message.find("corrupt") != std::string::npos);
    CHECK(read_file(path) == bytes);
  }
  SECTION("held by another server") {
    std::string path = dir.path + "/state.db";
    auto first = SqliteJournal::open(path);
    REQUIRE(first.is_ok());
    CHECK(error_of(path).find("in use by another process") != std::string::npos);
  }
}

// The issue's "kill -9 of the server during a stream of applies, then a restart: every object whose
// create was acknowledged is there", at the store: a child creates as fast as it can and reports each
// acknowledged name on a pipe; it is killed mid-stream, three times over the same file.
TEST_CASE("kill -9 mid-stream loses no acknowledged create", "[storage][crash]") {
  TempDir dir;
  std::string path = dir.path + "/state.db";
  std::set<std::string> acknowledged;
  for (int round = 0; round < 3; ++round) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      close(fds[0]);
      auto opened = SqliteJournal::open(path);
      if (!opened.is_ok()) _exit(2);
      auto journal = std::move(opened).value();
      auto state = journal->load();
      IdleExecutor executor;
      core::MemoryStore store(executor, core::Rng(round + 100, "store"));
      if (!state.is_ok() || !store.restore(state.value()).is_ok()) _exit(3);
      store.set_journal(journal.get());
      for (int i = 0;; ++i) {
        std::string name = "r" + std::to_string(round) + "-" + std::to_string(i);
        if (!store.create(pod(name)).is_ok()) _exit(4);
        name += "\n";
        if (write(fds[1], name.data(), name.size()) != static_cast<ssize_t>(name.size())) _exit(5);
      }
    }
    close(fds[1]);
    FILE* acks = fdopen(fds[0], "r");
    char line[64];
    int seen = 0;
    while (seen < 150 + 70 * round && fgets(line, sizeof line, acks)) {
      acknowledged.insert(std::string(line, strcspn(line, "\n")));
      ++seen;
    }
    kill(child, SIGKILL);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));             // it was still writing, not failed
    while (fgets(line, sizeof line, acks))  // written before the kill: acknowledged too
      if (strchr(line, '\n')) acknowledged.insert(std::string(line, strcspn(line, "\n")));
    fclose(acks);
    REQUIRE(seen >= 150 + 70 * round);
  }
  auto journal = SqliteJournal::open(path);
  REQUIRE(journal.is_ok());
  CHECK(journal.value()->check_integrity().is_ok());
  auto state = journal.value()->load();
  REQUIRE(state.is_ok());
  std::set<std::string> stored;
  std::set<uint64_t> versions;
  for (const core::ObjectPtr& obj : state.value().objects) {
    stored.insert(obj->metadata.name);
    versions.insert(obj->metadata.resourceVersion);
  }
  std::vector<std::string> lost;
  for (const std::string& name : acknowledged)
    if (!stored.count(name)) lost.push_back(name);
  CHECK(lost.empty());
  CHECK(stored.size() <= acknowledged.size() + 3);  // at most the one unreported create per round
  CHECK(versions.size() == stored.size());          // resourceVersions kept increasing across restarts
  CHECK(state.value().revision == *versions.rbegin());
}
