// EtcdDatastore against a real etcd: changes written behind the server's back (as etcdctl would)
// reach the store and its watches with etcd's revisions, in revision order with the server's own
// writes; a compaction the watch missed makes it re-list; the watch stops with the server.
#include "realnet/storage/etcd_datastore.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string_view>

#include "core/api/codec.h"
#include "core/api/pod.h"
#include "core/util/base64.h"
#include "realnet/storage/etcd_test_server.h"

using namespace ktwin;
using core::Kind;
using realnet::EtcdClient;
using realnet::testing::EtcdServer;
using realnet::testing::EtcdStore;
using realnet::testing::web_pod;

namespace {

// A Pod as a person would write it with etcdctl put: no uid, no resourceVersion.
std::string pod_json(const std::string& name, const std::string& node = "") {
  nlohmann::json doc = {{"apiVersion", "v1"},
                        {"kind", "Pod"},
                        {"metadata", {{"name", name}, {"namespace", "default"}}},
                        {"spec", {{"containers", {{{"name", "c"}, {"image", "busybox"}}}}}}};
  if (!node.empty()) doc["spec"]["nodeName"] = node;
  return doc.dump();
}

// etcdctl put / del: the revision etcd gave the write.
uint64_t put(EtcdClient& etcd, const std::string& key, const std::string& value) {
  auto answer = etcd.call("/v3/kv/put", {{"key", core::base64_encode(key)}, {"value", core::base64_encode(value)}});
  REQUIRE(answer.is_ok());
  return EtcdClient::header_revision(answer.value());
}
uint64_t del(EtcdClient& etcd, const std::string& key) {
  auto answer = etcd.call("/v3/kv/deleterange", {{"key", core::base64_encode(key)}});
  REQUIRE(answer.is_ok());
  return EtcdClient::header_revision(answer.value());
}

// A TCP proxy in front of etcd that can lose answers: the next `n` transactions reach etcd, and
// etcd applies them, but their connection is closed before the answer comes back (a lost network).
class LossyProxy {
 public:
  explicit LossyProxy(int target) : target_(target) {
    listen_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(listen_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    getsockname(listen_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    REQUIRE(listen(listen_, 16) == 0);
    threads_.emplace_back([this] { accept_loop(); });
  }
  ~LossyProxy() {
    ::shutdown(listen_, SHUT_RDWR);
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (std::thread& t : threads_) t.join();
    close(listen_);
    for (int fd : fds_) close(fd);
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void lose_answers(int n) { to_lose_ = n; }

 private:
  void accept_loop() {
    for (;;) {
      int client = accept(listen_, nullptr, nullptr);
      if (client < 0) return;
      int upstream = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      addr.sin_port = htons(target_);
      if (connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
      auto lose = std::make_shared<std::atomic<bool>>(false);
      std::lock_guard<std::mutex> lock(mu_);
      fds_.push_back(client);
      fds_.push_back(upstream);
      threads_.emplace_back([=, this] { pump(client, upstream, lose, true); });
      threads_.emplace_back([=, this] { pump(upstream, client, lose, false); });
    }
  }
  void pump(int from, int to, std::shared_ptr<std::atomic<bool>> lose, bool requests) {
    char buf[65536];
    for (ssize_t n; (n = recv(from, buf, sizeof buf, 0)) > 0;) {
      if (requests && std::string_view(buf, n).find("POST /v3/kv/txn") != std::string_view::npos && to_lose_ > 0) {
        --to_lose_;
        *lose = true;  // before etcd can answer
      }
      if (!requests && *lose) break;  // etcd answered; the client never hears it
      if (send(to, buf, n, MSG_NOSIGNAL) != n) break;
    }
    ::shutdown(from, SHUT_RDWR);
    ::shutdown(to, SHUT_RDWR);
  }

  int target_, listen_, port_;
  std::atomic<int> to_lose_{0};
  std::mutex mu_;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
};

std::map<std::string, nlohmann::json> everything(const core::Store& store) {
  std::map<std::string, nlohmann::json> out;
  for (Kind kind : core::kAllKinds)
    for (const core::ObjectPtr& obj : store.list(kind)) out[core::namespaced_name(*obj)] = core::encode(*obj);
  return out;
}

struct Seen {
  std::vector<std::string> events;
  std::vector<uint64_t> versions;
  void watch(core::Store& store, Kind kind) {
    store.watch(kind, [this](const core::WatchEvent& e) {
      events.push_back(std::string(core::watch_event_name(e.type)) + " " + e.object->metadata.name + " " +
                       std::to_string(e.object->metadata.resourceVersion));
      versions.push_back(e.object->metadata.resourceVersion);
    });
  }
};

}  // namespace

TEST_CASE("a key written behind the server's back reaches the store and its watches", "[storage][etcd][watch]") {
  EtcdServer etcd;
  EtcdStore d(etcd.endpoint());
  auto etcdctl = EtcdClient::create(etcd.endpoint(), std::chrono::seconds(2)).value();
  Seen seen;
  seen.watch(d.store, Kind::kPod);

  uint64_t added = put(*etcdctl, "/registry/pods/default/x", pod_json("x", "worker1"));
  REQUIRE(d.executor.run_until([&] { return seen.events.size() == 1; }));
  auto x = d.store.find(Kind::kPod, "default", "x");
  REQUIRE(x);
  CHECK(x->metadata.resourceVersion == added);
  CHECK(d.store.resource_version() == added);
  CHECK(d.store.list_pods_on_node("worker1").size() == 1);
  CHECK(seen.events.back() == "ADDED x " + std::to_string(added));

  uint64_t modified = put(*etcdctl, "/registry/pods/default/x", pod_json("x", "worker2"));
  REQUIRE(d.executor.run_until([&] { return seen.events.size() == 2; }));
  CHECK(seen.events.back() == "MODIFIED x " + std::to_string(modified));
  CHECK(d.store.list_pods_on_node("worker2").size() == 1);

  uint64_t deleted = del(*etcdctl, "/registry/pods/default/x");
  REQUIRE(d.executor.run_until([&] { return seen.events.size() == 3; }));
  CHECK(seen.events.back() == "DELETED x " + std::to_string(deleted));
  CHECK_FALSE(d.store.find(Kind::kPod, "default", "x"));
  CHECK(d.store.resource_version() == deleted);

  // The store's own writes come back through the watch too, and are not applied twice.
  auto mine = d.store.create(web_pod("mine")).value();
  d.executor.run_for(std::chrono::milliseconds(300));
  CHECK(seen.events.back() == "ADDED mine " + std::to_string(mine->metadata.resourceVersion));
  CHECK(seen.events.size() == 4);
  CHECK(d.store.find(Kind::kPod, "default", "mine") == mine);

  SECTION("keys ktwin does not model, and values that do not decode, are left out") {
    put(*etcdctl, "/registry/configmaps/default/c", "{}");
    put(*etcdctl, "/registry/pods/default/bad", "not json");
    uint64_t good = put(*etcdctl, "/registry/pods/default/good", pod_json("good"));
    REQUIRE(d.executor.run_until([&] { return d.store.find(Kind::kPod, "default", "good") != nullptr; }));
    CHECK(d.store.resource_version() == good);
    CHECK_FALSE(d.store.find(Kind::kPod, "default", "bad"));
    bool logged = false;
    for (const std::string& line : d.log) logged = logged || line.find("/registry/pods/default/bad") != std::string::npos;
    CHECK(logged);
  }
  SECTION("every key of another writer's transaction is applied") {
    auto put_op = [](const std::string& key, const std::string& value) {
      return nlohmann::json{{"requestPut", {{"key", core::base64_encode(key)}, {"value", core::base64_encode(value)}}}};
    };
    auto txn = etcdctl->call("/v3/kv/txn", {{"success", {put_op("/registry/pods/default/t1", pod_json("t1")),
                                                          put_op("/registry/pods/default/t2", pod_json("t2"))}}});
    REQUIRE(txn.is_ok());
    uint64_t revision = EtcdClient::header_revision(txn.value());
    REQUIRE(d.executor.run_until([&] { return d.store.find(Kind::kPod, "default", "t2") != nullptr; }));
    CHECK(d.store.find(Kind::kPod, "default", "t1")->metadata.resourceVersion == revision);
    CHECK(d.store.find(Kind::kPod, "default", "t2")->metadata.resourceVersion == revision);
  }
}

TEST_CASE("a write after another writer's comes after it, in revision order", "[storage][etcd][watch]") {
  EtcdServer etcd;
  EtcdStore d(etcd.endpoint());
  auto etcdctl = EtcdClient::create(etcd.endpoint(), std::chrono::seconds(2)).value();
  Seen seen;
  seen.watch(d.store, Kind::kPod);
  // The store has not heard of these (no task ran) when it writes its own: its transaction's
  // revision skips theirs, so it applies them from the watch first.
  uint64_t first = put(*etcdctl, "/registry/pods/default/theirs-1", pod_json("theirs-1"));
  uint64_t second = put(*etcdctl, "/registry/pods/default/theirs-2", pod_json("theirs-2"));
  auto mine = d.store.create(web_pod("mine")).value();
  CHECK(mine->metadata.resourceVersion == second + 1);
  CHECK(d.store.find(Kind::kPod, "default", "theirs-1"));
  CHECK(d.store.find(Kind::kPod, "default", "theirs-2"));
  d.executor.run_for(std::chrono::milliseconds(300));
  CHECK(seen.events == std::vector<std::string>{"ADDED theirs-1 " + std::to_string(first),
                                                "ADDED theirs-2 " + std::to_string(second),
                                                "ADDED mine " + std::to_string(second + 1)});
}

TEST_CASE("a write whose gap the watch cannot fill is applied, then the store re-lists", "[storage][etcd][watch]") {
  EtcdServer etcd;
  EtcdStore d(etcd.endpoint());
  auto etcdctl = EtcdClient::create(etcd.endpoint(), std::chrono::seconds(2)).value();
  Seen seen;
  seen.watch(d.store, Kind::kPod);
  d.datastore().stop();  // the watch will not bring `theirs`
  uint64_t theirs = put(*etcdctl, "/registry/pods/default/theirs", pod_json("theirs"));
  auto mine = d.store.create(web_pod("mine")).value();
  CHECK(mine->metadata.resourceVersion == theirs + 1);
  REQUIRE(d.executor.run_until([&] { return d.store.find(Kind::kPod, "default", "theirs") != nullptr; }));
  CHECK(d.datastore().TEST_relists() == 1);
  CHECK(d.store.find(Kind::kPod, "default", "theirs")->metadata.resourceVersion == theirs);
  CHECK(d.store.find(Kind::kPod, "default", "mine") == mine);  // the re-list found it as written
  CHECK(d.store.resource_version() == mine->metadata.resourceVersion);
  // The documented cost: the missed change is delivered after the write that noticed the gap.
  d.executor.run_for(std::chrono::milliseconds(200));  // the store's watch delivery
  CHECK(seen.events == std::vector<std::string>{"ADDED mine " + std::to_string(theirs + 1),
                                                "ADDED theirs " + std::to_string(theirs)});
}

TEST_CASE("a restart reloads what other writers wrote with its revisions", "[storage][etcd][watch]") {
  EtcdServer etcd;
  auto etcdctl = EtcdClient::create(etcd.endpoint(), std::chrono::seconds(2)).value();
  uint64_t revision = 0;
  {
    EtcdStore d(etcd.endpoint());
    d.store.create(web_pod("mine"));
    revision = put(*etcdctl, "/registry/pods/default/theirs", pod_json("theirs"));
  }
  EtcdStore d(etcd.endpoint());
  REQUIRE(d.store.find(Kind::kPod, "default", "theirs"));
  CHECK(d.store.find(Kind::kPod, "default", "theirs")->metadata.resourceVersion == revision);
  CHECK(d.store.resource_version() == revision);
}

TEST_CASE("a compaction the watch missed makes it re-list", "[storage][etcd][watch]") {
  EtcdServer etcd;
  EtcdStore d(etcd.endpoint());
  auto etcdctl = EtcdClient::create(etcd.endpoint(), std::chrono::seconds(2)).value();
  auto kept = d.store.create(web_pod("kept")).value();
  REQUIRE(d.store.create(web_pod("old")).is_ok());
  d.executor.run_for(std::chrono::milliseconds(200));
  Seen seen;
  seen.watch(d.store, Kind::kPod);
  d.datastore().stop();  // the watch is away while etcd changes and compacts
  uint64_t added = put(*etcdctl, "/registry/pods/default/new", pod_json("new"));
  uint64_t deleted = del(*etcdctl, "/registry/pods/default/old");
  REQUIRE(etcdctl->call("/v3/kv/compaction", {{"revision", std::to_string(deleted)}, {"physical", true}}).is_ok());

  REQUIRE(d.datastore().TEST_restart_watch().is_ok());  // from the store's next revision: compacted
  REQUIRE(d.executor.run_until([&] { return d.datastore().TEST_relists() == 1 && seen.events.size() == 2; }));
  CHECK(d.store.find(Kind::kPod, "default", "new")->metadata.resourceVersion == added);
  CHECK_FALSE(d.store.find(Kind::kPod, "default", "old"));
  CHECK(d.store.find(Kind::kPod, "default", "kept") == kept);  // unchanged: the same object
  CHECK(d.store.resource_version() == deleted);
  CHECK(seen.events == std::vector<std::string>{"ADDED new " + std::to_string(added),
                                                "DELETED old " + std::to_string(deleted)});
  bool logged = false;
  for (const std::string& line : d.log) logged = logged || line.find("compacted revision") != std::string::npos;
  CHECK(logged);
  // The watch goes on from the listing's revision.
  uint64_t later = put(*etcdctl, "/registry/pods/default/later", pod_json("later"));
  REQUIRE(d.executor.run_until([&] { return d.store.find(Kind::kPod, "default", "later") != nullptr; }));
  CHECK(d.store.resource_version() == later);
}

TEST_CASE("the watch stops with the datastore and survives etcd restarting", "[storage][etcd][watch]") {
  EtcdServer etcd;
  auto etcdctl = EtcdClient::create(etcd.endpoint(), std::chrono::seconds(2)).value();
  SECTION("stop") {
    EtcdStore d(etcd.endpoint());
    REQUIRE(d.executor.run_until([&] { return d.datastore().TEST_watch_streams() == 1; }));
    auto start = std::chrono::steady_clock::now();
    d.datastore().stop();
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
    put(*etcdctl, "/registry/pods/default/unheard", pod_json("unheard"));
    d.executor.run_for(std::chrono::milliseconds(300));
    CHECK_FALSE(d.store.find(Kind::kPod, "default", "unheard"));
  }
  SECTION("etcd restarts") {
    EtcdStore d(etcd.endpoint());
    REQUIRE(d.executor.run_until([&] { return d.datastore().TEST_watch_streams() == 1; }));
    etcd.stop();
    etcd.start();
    put(*etcdctl, "/registry/pods/default/after", pod_json("after"));
    REQUIRE(d.executor.run_until([&] { return d.store.find(Kind::kPod, "default", "after") != nullptr; }));
    CHECK(d.datastore().TEST_watch_streams() == 2);
  }
}

TEST_CASE("a write whose answer was lost but which landed is found before the next write", "[storage][etcd][watch]") {
  EtcdServer etcd;
  auto port = std::stoi(etcd.endpoint().substr(etcd.endpoint().rfind(':') + 1));
  LossyProxy proxy(port);
  EtcdStore d(proxy.endpoint());
  auto etcdctl = EtcdClient::create(etcd.endpoint(), std::chrono::seconds(2)).value();
  REQUIRE(d.store.create(web_pod("before")).is_ok());
  d.executor.run_for(std::chrono::milliseconds(200));  // its watch event delivered
  SECTION("the retry on a fresh connection meets its own write: AlreadyExists, and the store has it") {
    proxy.lose_answers(1);
    auto lost = d.store.create(web_pod("lost"));
    CHECK(lost.status().is_already_exists());  // as a client that retried after a timeout would see
    auto stored = d.store.find(Kind::kPod, "default", "lost");
    REQUIRE(stored);  // the refused guard caught the store up first
    CHECK(stored->metadata.resourceVersion != 0);
  }
  SECTION("unanswered twice: Unavailable, then the next write first brings in what landed") {
    proxy.lose_answers(2);
    auto lost = d.store.create(web_pod("lost"));
    CHECK(lost.status().code() == core::Status::Code::kUnavailable);
    CHECK_FALSE(d.store.find(Kind::kPod, "default", "lost"));
    Seen seen;
    seen.watch(d.store, Kind::kPod);
    auto next = d.store.create(web_pod("next")).value();
    auto landed = d.store.find(Kind::kPod, "default", "lost");
    REQUIRE(landed);
    auto raw = etcdctl->call("/v3/kv/range", {{"key", core::base64_encode("/registry/pods/default/lost")}});
    REQUIRE(raw.is_ok());
    CHECK(landed->metadata.resourceVersion ==
          EtcdClient::number(raw.value()["kvs"][0], "mod_revision").value());
    CHECK(landed->metadata.resourceVersion < next->metadata.resourceVersion);
    d.executor.run_for(std::chrono::milliseconds(200));
    CHECK(seen.events == std::vector<std::string>{"ADDED lost " + std::to_string(landed->metadata.resourceVersion),
                                                  "ADDED next " + std::to_string(next->metadata.resourceVersion)});
  }
}

TEST_CASE("two servers writing the same objects at once converge on etcd's state, in revision order",
          "[storage][etcd][watch]") {
  EtcdServer etcd;
  EtcdStore a(etcd.endpoint()), b(etcd.endpoint());
  struct Writer {
    EtcdStore& d;
    uint64_t seed;
    Seen seen;
    int conflicts = 0, done = 0;
    void run(int ops) {
      core::Rng rng(seed, "writer");
      for (int i = 0; i < ops; ++i) {
        std::string name = "p" + std::to_string(rng.uniform(8));  // both write the same few keys
        auto current = d.store.find(Kind::kPod, "default", name);
        core::Status s;
        if (!current) {
          s = d.store.create(web_pod(name)).status();
        } else if (rng.uniform(4) == 0) {
          core::DeleteOptions now;
          now.gracePeriodSeconds = 0;
          s = d.store.remove(Kind::kPod, "default", name, now);
        } else {
          auto copy = core::mutable_copy(*core::as<core::Pod>(current));
          copy->metadata.labels["n"] = std::to_string(i);
          s = d.store.update(copy).status();
        }
        if (s.is_conflict() || s.is_already_exists() || s.is_not_found()) ++conflicts;
        else REQUIRE(s.is_ok());
        d.executor.run_for(std::chrono::milliseconds(rng.uniform(3)));  // the other's changes arrive
      }
      ++done;
    }
  };
  Writer wa{a, 1, {}}, wb{b, 2, {}};
  wa.seen.watch(a.store, Kind::kPod);
  wb.seen.watch(b.store, Kind::kPod);
  std::thread ta([&] { wa.run(150); });  // each store used only on its own thread, as on a server
  std::thread tb([&] { wb.run(150); });
  ta.join();
  tb.join();
  EtcdStore fresh(etcd.endpoint());
  uint64_t final_revision = fresh.store.resource_version();
  for (Writer* w : {&wa, &wb}) {
    REQUIRE(w->d.executor.run_until([&] { return w->d.store.resource_version() >= final_revision; }));
    w->d.executor.run_for(std::chrono::milliseconds(100));
    CHECK(everything(w->d.store) == everything(fresh.store));
    CHECK(std::is_sorted(w->seen.versions.begin(), w->seen.versions.end()));
    CHECK(w->d.datastore().TEST_relists() == 0);
  }
  CHECK(wa.conflicts + wb.conflicts > 0);  // they did get in each other's way
}
