// Write throughput of the embedded datastore (docs/performance.md, "Real-mode storage"): N pod creates,
// then N updates, through core::MemoryStore journaled to a SqliteJournal in a fresh directory, each
// write one committed transaction, as `ktwin server` acknowledges them.
// Usage: ktwin_bench_storage DIR [N] [full|normal]: DIR must not exist (it is created, then removed).
//        ktwin_bench_storage http://HOST:PORT [N]: the same through EtcdDatastore (an empty etcd).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/api/pod.h"
#include "core/store/memory_store.h"
#include "realnet/storage/etcd_datastore.h"
#include "realnet/storage/sqlite_journal.h"

using namespace ktwin;

namespace {

class IdleExecutor : public core::Executor {
 public:
  core::Time now() const override {
    return std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
  }
  void post(core::Task) override {}
  core::TimerId post_after(core::Duration, core::Task) override { return 0; }
  void cancel(core::TimerId) override {}
};

// About the size of a Deployment's pod after admission (~1.3 KB of JSON).
std::shared_ptr<core::Pod> make_pod(int i) {
  auto p = std::make_shared<core::Pod>();
  p->metadata.name = "letschat-7c66bd64d5-" + std::to_string(i);
  p->metadata.labels = {{"app", "letschat"}, {"pod-template-hash", "7c66bd64d5"}};
  p->metadata.ownerReferences.push_back(
      {"apps/v1", "ReplicaSet", "letschat-7c66bd64d5", "5f1d8a56-0c33-4b7e-9a0e-3d2f1b6c9e01", true, true});
  core::Container c;
  c.name = "letschat";
  c.image = "sdelements/lets-chat:latest";
  c.imagePullPolicy = "Always";
  c.ports.push_back({"http", "TCP", 8080, 0});
  p->spec.containers.push_back(c);
  p->spec.restartPolicy = "Always";
  p->spec.schedulerName = "default-scheduler";
  p->spec.terminationGracePeriodSeconds = 30;
  p->spec.tolerations.push_back({"node.kubernetes.io/not-ready", "Exists", "", "NoExecute", 300});
  p->spec.tolerations.push_back({"node.kubernetes.io/unreachable", "Exists", "", "NoExecute", 300});
  p->status.phase = "Pending";
  return p;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [N] [full|normal]\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  int n = argc > 2 ? std::atoi(argv[2]) : 2000;
  bool full = argc <= 3 || std::string(argv[3]) != "normal";
  bool etcd = dir.rfind("http://", 0) == 0;
  if (!etcd && std::filesystem::exists(dir)) {
    std::fprintf(stderr, "%s exists; give a fresh directory\n", dir.c_str());
    return 2;
  }
  IdleExecutor executor;
  core::MemoryStore store(executor, core::Rng(1, "store"));
  std::unique_ptr<core::StoreJournal> journal;
  core::Status opened;
  if (etcd) {
    // As `ktwin server` runs it: the watch's thread streams every write back while the writes go on
    // (its changes, all the store's own, are queued for a drain this bench never runs).
    auto j = realnet::EtcdDatastore::open({.endpoint = dir, .post = [](core::Task) {}, .log = {}}, store);
    if (j.is_ok()) journal = std::move(j).value();
    opened = j.status();
  } else {
    auto j = realnet::SqliteJournal::open(dir + "/state.db", {.fsync_each_commit = full});
    if (j.is_ok()) journal = std::move(j).value();
    opened = j.status();
  }
  if (!journal) {
    std::fprintf(stderr, "%s\n", opened.message().c_str());
    return 1;
  }
  if (!etcd) store.set_journal(journal.get());  // EtcdDatastore::open attached itself
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i)
    if (!store.create(make_pod(i)).is_ok()) return 1;
  double create_s = seconds_since(start);
  start = std::chrono::steady_clock::now();
  for (const core::ObjectPtr& obj : store.list(core::Kind::kPod)) {
    auto copy = core::mutable_copy(*core::as<core::Pod>(obj));
    copy->spec.nodeName = "worker1";
    if (!store.update(copy).is_ok()) return 1;
  }
  double update_s = seconds_since(start);
  std::printf("%s  %d creates: %.0f/s (%.2f ms each)  %d updates: %.0f/s\n",
              etcd   ? "etcd"
              : full ? "sqlite synchronous=FULL"
                     : "sqlite synchronous=NORMAL",
              n, n / create_s, 1000 * create_s / n, n, n / update_s);
  journal.reset();
  if (!etcd) std::filesystem::remove_all(dir);
  return 0;
}
