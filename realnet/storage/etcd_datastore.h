// etcd mode of `ktwin server` as a whole: the journal's guarded transactions, whose revisions become
// resourceVersions, and a watch (EtcdWatcher) whose changes by other writers (etcdctl, another
// process) reach the MemoryStore, its watches and the API in revision order.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "core/env/executor.h"
#include "core/store/memory_store.h"
#include "realnet/storage/etcd_journal.h"
#include "realnet/storage/etcd_watcher.h"

namespace ktwin::realnet {

class EtcdDatastore : public core::StoreJournal {
 public:
  // Runs a task on the store's executor thread; callable from any thread (for AsioExecutor:
  // boost::asio::post on its io_context).
  using Post = std::function<void(core::Task)>;
  using Log = std::function<void(const std::string&)>;  // called on the executor thread
  struct Options {
    std::string endpoint;  // http://HOST:PORT
    Post post;
    Log log;
    core::Duration timeout = std::chrono::seconds(5);  // each etcd request; a catch-up's wait
  };

  // Opens the journal, restores `store` from etcd (each object's resourceVersion its key's
  // mod_revision, the store's revision etcd's), journals every later write of `store` here and
  // watches /registry/ from the next revision. REQUIRES: `store` was never written. Destroy this on
  // the executor's thread; tasks it posted afterwards do nothing.
  static core::Result<std::unique_ptr<EtcdDatastore>> open(const Options& options, core::MemoryStore& store);
  ~EtcdDatastore() override;

  // The journal's transaction (EtcdJournal::record). When its revision is not the store's next one,
  // other writers changed /registry/ meanwhile: their changes are applied first, from the watch
  // (waiting for it to reach this write, at most the timeout), so the store's events stay in
  // revision order. After a refused guard the store first catches up with the key's latest change,
  // so the caller's re-read sees what it conflicted with. After an unanswered write, the next one
  // first reads that write's key and catches up with it if it landed.
  core::Result<uint64_t> record(const core::JournalEntry& entry) override;
  // Ends the watch; the store then sees only its own writes. Idempotent.
  void stop();

  EtcdJournal& journal() { return *journal_; }
  int TEST_relists() const { return relists_; }
  // Stops the watch and starts a new one from the store's next revision, as after a lost connection.
  core::Status TEST_restart_watch();
  int TEST_watch_streams() const { return watcher_ ? watcher_->TEST_streams() : 0; }

 private:
  EtcdDatastore(const Options& options, core::MemoryStore& store, std::unique_ptr<EtcdJournal> journal);
  void post_drain();
  void drain();
  void apply(std::vector<EtcdWatcher::Item> items);
  void apply_change(const EtcdWatcher::Item& item);
  void replace(const EtcdClient::Range& listing);
  core::Status relist();
  void catch_up(uint64_t revision, bool for_own_write);
  void check_unanswered();
  core::Status start_watch(uint64_t from);

  Options options_;
  core::MemoryStore& store_;
  std::unique_ptr<EtcdJournal> journal_;
  std::unique_ptr<EtcdWatcher> watcher_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // posted tasks hold a weak_ptr to it
  std::atomic<bool> drain_posted_{false};
  bool needs_relist_ = false;  // a catch-up timed out: changes below the store's revision may be missing
  uint64_t foreign_at_ = 0;    // the revision of the last change applied from the watch
  std::string unanswered_key_;  // the key of a write etcd did not answer, until it is checked
  int relists_ = 0;
};

}  // namespace ktwin::realnet
