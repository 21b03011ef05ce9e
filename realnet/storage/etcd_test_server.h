// Test fixtures for the etcd tests: a real etcd (Debian's etcd-server) on free loopback ports in a
// temporary directory, a store attached to it, and an executor that other threads may post to.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "core/api/pod.h"
#include "core/store/memory_store.h"
#include "realnet/storage/datastore.h"
#include "realnet/storage/etcd_client.h"
#include "realnet/storage/etcd_datastore.h"

namespace ktwin::realnet::testing {

// The pod the etcd tests write: a name and the label app=web.
inline std::shared_ptr<core::Pod> web_pod(std::string name) {
  auto p = std::make_shared<core::Pod>();
  p->metadata.name = std::move(name);
  p->metadata.labels = {{"app", "web"}};
  return p;
}

inline int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// One etcd member in a temporary directory; stop() and start() keep its data and ports.
class EtcdServer {
 public:
  EtcdServer() : client_port_(free_port()), peer_port_(free_port()) {
    char tmpl[] = "/tmp/ktwin-etcd-XXXXXX";
    dir_ = mkdtemp(tmpl);
    start();
  }
  ~EtcdServer() {
    stop();
    std::filesystem::remove_all(dir_);
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(client_port_); }

  void start() {
    std::string client = endpoint(), peer = "http://127.0.0.1:" + std::to_string(peer_port_);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
      std::string log = dir_ + "/etcd.log", cluster = "default=" + peer;
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);  // not freopen: it would flush
      dup2(fd, 1);                                                        // the parent's buffered output
      dup2(fd, 2);
      execlp("etcd", "etcd", "--data-dir", (dir_ + "/data").c_str(), "--listen-client-urls", client.c_str(),
             "--advertise-client-urls", client.c_str(), "--listen-peer-urls", peer.c_str(),
             "--initial-advertise-peer-urls", peer.c_str(), "--initial-cluster", cluster.c_str(), nullptr);
      _exit(127);
    }
    auto probe = EtcdClient::create(endpoint(), std::chrono::seconds(1)).value();
    for (int i = 0; i < 200; ++i) {
      if (probe->get("/probe").is_ok()) return;
      int status = 0;
      REQUIRE(waitpid(pid_, &status, WNOHANG) == 0);  // 127: etcd is not installed (etcd-server)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("etcd did not answer within 10 s; see " << dir_ << "/etcd.log");
  }
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }

 private:
  int client_port_, peer_port_;
  std::string dir_;
  pid_t pid_ = 0;
};

// Real time; tasks posted from any thread run on the test's thread inside run_until.
class ThreadedExecutor : public core::Executor {
 public:
  core::Time now() const override {
    return std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
  }
  void post(core::Task task) override {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.push_back(std::move(task));
    cv_.notify_all();
  }
  core::TimerId post_after(core::Duration, core::Task) override { return 0; }  // unused by the store
  void cancel(core::TimerId) override {}

  // Runs posted tasks until `done()` holds (checked between tasks, and every 10 ms while none come,
  // since it may look at another thread's progress) or `timeout` passed; returns done().
  bool run_until(const std::function<bool()>& done, core::Duration timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (done()) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
      core::Task task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        auto until = std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(10));
        if (!cv_.wait_until(lock, until, [&] { return !tasks_.empty(); })) continue;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }
  // Runs what is posted for `quiet` after the last task (to see that nothing more arrives).
  void run_for(core::Duration quiet) { run_until([] { return false; }, quiet); }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<core::Task> tasks_;
};

// A MemoryStore attached to etcd as `ktwin server` attaches it, with the watch's log kept.
struct EtcdStore {
  explicit EtcdStore(const std::string& endpoint) {
    DatastoreOptions options{.data_dir = "",
                             .endpoint = endpoint,
                             .post = [this](core::Task t) { executor.post(std::move(t)); },
                             .log = [this](const std::string& line) { log.push_back(line); }};
    auto attached = attach_datastore(options, store);
    REQUIRE(attached.is_ok());
    journal = std::move(attached).value();
  }
  EtcdDatastore& datastore() { return static_cast<EtcdDatastore&>(*journal); }

  ThreadedExecutor executor;
  core::MemoryStore store{executor, core::Rng(std::random_device{}(), "store")};
  std::vector<std::string> log;
  std::unique_ptr<core::StoreJournal> journal;  // last: destroyed first, stopping the watch
};

}  // namespace ktwin::realnet::testing
