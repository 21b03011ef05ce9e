// EtcdJournal against a real etcd (Debian's etcd-server) started on free loopback ports by each test:
// Kubernetes' key layout, a round trip across a reopen, etcd going away and back, a second writer.
#include "realnet/storage/etcd_journal.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "core/util/base64.h"
#include <filesystem>
#include <thread>

#include "core/api/codec.h"
#include "core/api/node.h"
#include "core/api/pod.h"
#include "core/store/memory_store.h"
#include "realnet/storage/datastore.h"

using namespace ktwin;
using core::Kind;
using realnet::EtcdJournal;

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

int free_port() {
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
    auto probe = realnet::EtcdClient::create(endpoint(), std::chrono::seconds(1)).value();
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

struct EtcdStore {
  explicit EtcdStore(const std::string& endpoint) {
    auto attached = realnet::attach_datastore({.data_dir = "", .endpoint = endpoint}, store);
    REQUIRE(attached.is_ok());
    journal = std::move(attached).value();
  }
  IdleExecutor executor;
  core::MemoryStore store{executor, core::Rng(std::random_device{}(), "store")};
  std::unique_ptr<core::StoreJournal> journal;
};

std::shared_ptr<core::Pod> pod(std::string name) {
  auto p = std::make_shared<core::Pod>();
  p->metadata.name = std::move(name);
  p->metadata.labels = {{"app", "web"}};
  return p;
}

std::map<std::string, nlohmann::json> everything(const core::Store& store) {
  std::map<std::string, nlohmann::json> out;
  for (Kind kind : core::kAllKinds)
    for (const core::ObjectPtr& obj : store.list(kind)) out[core::namespaced_name(*obj)] = core::encode(*obj);
  return out;
}

}  // namespace

TEST_CASE("etcd keys follow Kubernetes' layout", "[storage][etcd]") {
  CHECK(EtcdJournal::key_of(Kind::kPod, "default", "web-1") == "/registry/pods/default/web-1");
  CHECK(EtcdJournal::key_of(Kind::kNode, "", "worker1") == "/registry/minions/worker1");
  CHECK(EtcdJournal::key_of(Kind::kService, "chat", "mongo") == "/registry/services/specs/chat/mongo");
  CHECK(EtcdJournal::key_of(Kind::kEndpoints, "chat", "mongo") == "/registry/services/endpoints/chat/mongo");
  CHECK(core::base64_encode("/registry/x") == "L3JlZ2lzdHJ5L3g=");
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff", 2)})
    CHECK(core::base64_decode(core::base64_encode(s)) == s);
  CHECK_FALSE(core::base64_decode("L3J=ZQ=="));
  CHECK_FALSE(core::base64_decode("abc"));
  auto bad = realnet::EtcdClient::create("https://127.0.0.1:2379", std::chrono::seconds(1));
  CHECK(bad.status().message().find("https is not supported") != std::string::npos);
  CHECK_FALSE(realnet::EtcdClient::create("127.0.0.1:2379", std::chrono::seconds(1)).is_ok());
}

TEST_CASE("objects and the revision survive a reopen through etcd", "[storage][etcd]") {
  EtcdServer etcd;
  std::map<std::string, nlohmann::json> before;
  uint64_t revision = 0;
  {
    EtcdStore d(etcd.endpoint());
    REQUIRE(d.store.create(pod("a")).is_ok());
    auto b = d.store.create(pod("b")).value();
    auto copy = core::mutable_copy(*core::as<core::Pod>(b));
    copy->status.phase = "Running";
    REQUIRE(d.store.update(copy).is_ok());
    REQUIRE(d.store.create(pod("gone")).is_ok());
    REQUIRE(d.store.remove(Kind::kPod, "default", "gone").is_ok());
    auto node = std::make_shared<core::Node>();
    node->metadata.name = "worker1";
    REQUIRE(d.store.create(node).is_ok());
    before = everything(d.store);
    revision = d.store.resource_version();
  }
  CHECK(revision == 6);
  EtcdStore d(etcd.endpoint());
  CHECK(everything(d.store) == before);
  CHECK(d.store.resource_version() == revision);
  CHECK(d.store.create(pod("c")).value()->metadata.resourceVersion == revision + 1);
  // The layout an etcdctl user expects: JSON under /registry/<resource>/<namespace>/<name>.
  auto journal = EtcdJournal::open(etcd.endpoint());
  REQUIRE(journal.is_ok());
  auto raw = journal.value()->client().get("/registry/pods/default/b");
  REQUIRE(raw.is_ok());
  REQUIRE(raw.value());
  auto doc = nlohmann::json::parse(*raw.value());
  CHECK(doc["status"]["phase"] == "Running");
  CHECK(journal.value()->client().get("/registry/minions/worker1").value());
  CHECK_FALSE(journal.value()->client().get("/registry/pods/default/gone").value());
  CHECK(journal.value()->client().get(EtcdJournal::kRevisionKey).value() == std::to_string(revision + 1));
}

TEST_CASE("while etcd is away writes fail and change nothing, and resume when it is back",
          "[storage][etcd]") {
  EtcdServer etcd;
  EtcdStore d(etcd.endpoint());
  REQUIRE(d.store.create(pod("before")).is_ok());
  etcd.stop();
  auto refused = d.store.create(pod("during"));
  CHECK(refused.status().code() == core::Status::Code::kUnavailable);
  CHECK(refused.status().message().find(etcd.endpoint()) != std::string::npos);
  CHECK_FALSE(d.store.find(Kind::kPod, "default", "during"));
  CHECK(d.store.resource_version() == 1);
  etcd.start();
  REQUIRE(d.store.create(pod("after")).is_ok());  // the unanswered write had not landed: carry on
  EtcdStore reopened(etcd.endpoint());
  CHECK(reopened.store.list(Kind::kPod).size() == 2);
  CHECK_FALSE(reopened.store.find(Kind::kPod, "default", "during"));
  CHECK(reopened.store.find(Kind::kPod, "default", "after"));
}

TEST_CASE("a second server writing to the same etcd is refused", "[storage][etcd]") {
  EtcdServer etcd;
  EtcdStore first(etcd.endpoint());
  EtcdStore second(etcd.endpoint());
  REQUIRE(first.store.create(pod("mine")).is_ok());
  auto refused = second.store.create(pod("theirs"));
  CHECK(refused.status().code() == core::Status::Code::kUnavailable);
  CHECK(refused.status().message().find("another server writes to this etcd") != std::string::npos);
  CHECK_FALSE(second.store.find(Kind::kPod, "default", "theirs"));
  REQUIRE(first.store.create(pod("mine-too")).is_ok());  // the first is unaffected
}

TEST_CASE("an etcd with Kubernetes keys but no ktwin revision is refused and left alone", "[storage][etcd]") {
  EtcdServer etcd;
  auto client = realnet::EtcdClient::create(etcd.endpoint(), std::chrono::seconds(2)).value();
  REQUIRE(client
              ->call("/v3/kv/put", {{"key", core::base64_encode("/registry/pods/default/x")},
                                    {"value", core::base64_encode("k8s\x00protobuf")}})
              .is_ok());
  auto opened = EtcdJournal::open(etcd.endpoint());
  REQUIRE_FALSE(opened.is_ok());
  CHECK(opened.status().message().find("not a ktwin datastore") != std::string::npos);
  CHECK_FALSE(client->get(EtcdJournal::kRevisionKey).value());
}
