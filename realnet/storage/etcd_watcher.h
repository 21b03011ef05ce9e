// A watch on etcd's v3 JSON gateway (POST /v3/watch, a stream of newline-separated JSON answers) on a
// thread of its own, queueing every change under a prefix in revision order for the store's thread
// to apply. After a compaction it re-lists and queues the listing instead, as a reflector re-lists
// on "too old resource version" (etcd3/watcher.go turns ErrCompacted into that 410).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/util/time.h"
#include "realnet/storage/etcd_client.h"

namespace ktwin::realnet {

class EtcdWatcher {
 public:
  // One change at `revision`: a put of kv, or a delete of kv.key (kv.value empty). Or, for a
  // re-list, the whole prefix as of `revision` in `listing`.
  struct Item {
    uint64_t revision = 0;
    bool deleted = false;
    EtcdClient::KeyValue kv;
    std::optional<EtcdClient::Range> listing;
  };
  // Called on the watcher's thread after items were queued, and with a log line (a lost connection,
  // a re-list, a malformed answer). Neither may block or call back into the watcher.
  using Notify = std::function<void()>;
  using Log = std::function<void(const std::string&)>;

  // Starts the thread: watches every key with `prefix` from revision `from` on `endpoint`
  // (http://HOST:PORT, as EtcdClient::create checks), reconnecting after a lost stream from the
  // revision after the last it saw. `timeout` bounds the connect and the re-list.
  static core::Result<std::unique_ptr<EtcdWatcher>> start(const std::string& endpoint, std::string prefix,
                                                          uint64_t from, Notify notify, Log log,
                                                          core::Duration timeout);
  ~EtcdWatcher();  // stop()
  EtcdWatcher(const EtcdWatcher&) = delete;
  EtcdWatcher& operator=(const EtcdWatcher&) = delete;

  // Ends the stream and joins the thread; no notify after it returns. Idempotent. REQUIRES: not
  // called from `notify` or `log`.
  void stop();
  // Blocks until an item at `revision` or later is queued (or was taken), or `timeout` passed; false then.
  bool wait_for(uint64_t revision, core::Duration timeout);
  // Removes and returns the queued items below `limit`, oldest first, stopping at the first that is not.
  std::vector<Item> take(uint64_t limit = UINT64_MAX);
  // Test hook: the streams opened so far (1 once connected; more after reconnects and re-lists).
  int TEST_streams() const { return streams_.load(); }

 private:
  struct Stream;
  EtcdWatcher(std::unique_ptr<EtcdClient> lister, std::string host, std::string port, std::string prefix,
              uint64_t from, Notify notify, Log log, core::Duration timeout);
  void run();
  void connect();
  void read();
  void on_line(const std::string& line);
  void relist();
  void reconnect_later(const std::string& why);
  void push(Item item);

  std::unique_ptr<EtcdClient> lister_;  // the re-list's range requests, on the watcher's thread
  std::string host_, port_, prefix_;
  uint64_t next_;  // the revision the next stream starts from (watcher thread only)
  Notify notify_;
  Log log_;
  core::Duration timeout_;
  core::Duration backoff_;
  std::unique_ptr<Stream> stream_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> streams_{0};
  std::mutex mu_;
  std::condition_variable queued_;
  std::deque<Item> items_;  // guarded by mu_
  uint64_t seen_ = 0;       // the highest revision queued; guarded by mu_
  std::thread thread_;
};

}  // namespace ktwin::realnet
