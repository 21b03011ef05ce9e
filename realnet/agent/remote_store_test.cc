#include "realnet/agent/remote_store.h"

#include <catch2/catch.hpp>

#include "core/api/node.h"
#include "core/api/service.h"
#include "core/store/memory_store.h"
#include "realnet/agent/fake_rest_handler.h"
#include "realnet/agent/handler_transport.h"
#include "realnet/api/api_server.h"
#include "sim/event_loop.h"

namespace ktwin::realnet {
namespace {

using core::Kind;
using core::WatchEventType;
const core::Time kStart = core::Time(std::chrono::hours(24 * 365 * 51));

// A server (MemoryStore behind the fake REST handler) and a RemoteStore for node worker1 talking to
// it without sockets, all on virtual time.
// Sends requests to the real ApiServer when it is set, else to the fake.
struct Switch : HttpHandler {
  HttpHandler* fake = nullptr;
  std::unique_ptr<ApiServer> api;
  HandlerResult handle(const HttpRequest& r) override { return api ? api->handle(r) : fake->handle(r); }
};

struct Fixture {
  sim::EventLoop loop{kStart};
  core::MemoryStore server{loop, core::Rng(1, "server")};
  testing::FakeRestHandler handler{server};
  Switch route;
  HandlerTransport transport{route, loop, UserInfo{"system:node:worker1", {"system:nodes", "system:authenticated"}}};
  std::vector<std::string> logs;
  std::unique_ptr<RemoteStore> remote;
  std::vector<std::string> events;  // "ADDED default/a rv" as the watch handlers saw them

  explicit Fixture(bool real_api = false) {
    route.fake = &handler;
    if (real_api) route.api = std::make_unique<ApiServer>(server, loop);
    auto options = RemoteStoreOptions::for_kubelet("worker1");
    options.log = [this](const std::string& m) { logs.push_back(m); };
    remote = std::make_unique<RemoteStore>(loop, transport, options);
  }
  void settle(core::Duration d = std::chrono::milliseconds(1)) { loop.run_until(loop.now() + d); }
  void start_and_sync() {
    bool synced = false;
    remote->start();
    remote->on_synced([&] { synced = true; });
    remote->watch(Kind::kPod, [this](const core::WatchEvent& e) {
      events.push_back(std::string(core::watch_event_name(e.type)) + " " + core::namespaced_name(*e.object) + " " +
                       std::to_string(e.object->metadata.resourceVersion));
    });
    settle();
    REQUIRE(synced);
  }
  std::shared_ptr<core::Pod> pod(const std::string& name, const std::string& node) {
    auto p = std::make_shared<core::Pod>();
    p->metadata.name = name;
    p->metadata.namespace_ = "default";
    p->spec.nodeName = node;
    core::Container c;
    c.name = "app";
    c.image = "busybox";
    p->spec.containers.push_back(c);
    p->status.phase = "Pending";
    return p;
  }
  core::ObjectPtr server_pod(const std::string& name, const std::string& node) {
    auto created = server.create(pod(name, node));
    REQUIRE(created.is_ok());
    return created.value();
  }
};

TEST_CASE("RemoteStore lists only its node's pods, syncs, then follows the watch", "[remote_store]") {
  Fixture f;
  f.server_pod("mine", "worker1");
  f.server_pod("theirs", "worker2");
  f.start_and_sync();
  CHECK(f.remote->synced());
  CHECK(f.remote->find(Kind::kPod, "default", "mine") != nullptr);
  CHECK(f.remote->list(Kind::kPod).size() == 1);
  CHECK(f.remote->list_pods_on_node("worker1").size() == 1);
  CHECK(f.handler.targets[0] == "GET /api/v1/pods?fieldSelector=spec.nodeName%3Dworker1");
  bool saw_watch = false;
  for (const auto& t : f.handler.targets)
    if (t.find("/api/v1/pods?watch=true&resourceVersion=") != std::string::npos &&
        t.find("allowWatchBookmarks=false&fieldSelector=spec.nodeName%3Dworker1") != std::string::npos)
      saw_watch = true;
  CHECK(saw_watch);
  CHECK(f.events == std::vector<std::string>{});  // handlers registered after the list's ADDED

  f.server_pod("later", "worker1");
  f.server_pod("elsewhere", "worker2");
  f.settle();
  REQUIRE(f.events.size() == 1);
  CHECK(f.events[0].rfind("ADDED default/later", 0) == 0);
  auto p = core::mutable_copy(*core::find<core::Pod>(f.server, "default", "later"));
  p->status.phase = "Running";
  REQUIRE(f.server.update(p).is_ok());
  REQUIRE(f.server.remove(Kind::kPod, "default", "mine", core::DeleteOptions{0, {}}).is_ok());
  f.settle();
  REQUIRE(f.events.size() == 3);
  CHECK(f.events[1].rfind("MODIFIED default/later", 0) == 0);
  CHECK(f.events[2].rfind("DELETED default/mine", 0) == 0);
  CHECK(core::find<core::Pod>(*f.remote, "default", "later")->status.phase == "Running");
  CHECK(f.remote->find(Kind::kPod, "default", "mine") == nullptr);
  CHECK(f.remote->lists(Kind::kPod) == 1);
}

TEST_CASE("RemoteStore writes are read back at once and echoed by the watch only once", "[remote_store]") {
  Fixture f;
  f.server_pod("web", "worker1");
  f.start_and_sync();
  auto copy = core::mutable_copy(*core::find<core::Pod>(*f.remote, "default", "web"));
  copy->status.phase = "Running";
  auto written = f.remote->update(copy);
  REQUIRE(written.is_ok());
  CHECK(f.handler.targets.back().rfind("PUT /api/v1/namespaces/default/pods/web/status", 0) == 0);
  // Read-your-writes: the answer is in the cache before the watch delivers it.
  auto cached = core::find<core::Pod>(*f.remote, "default", "web");
  CHECK(cached->status.phase == "Running");
  CHECK(cached->metadata.resourceVersion == written.value()->metadata.resourceVersion);
  CHECK(cached->metadata.resourceVersion == f.server.find(Kind::kPod, "default", "web")->metadata.resourceVersion);
  f.settle();
  REQUIRE(f.events.size() == 1);  // ours, not again from the watch
  CHECK(f.events[0] == "MODIFIED default/web " + std::to_string(written.value()->metadata.resourceVersion));

  // The kubelet's final delete: grace 0 with the uid as precondition; the object is gone from the
  // cache at once and the watch's late DELETED does not repeat it.
  core::DeleteOptions options{0, cached->metadata.uid};
  REQUIRE(f.remote->remove(Kind::kPod, "default", "web", options).is_ok());
  CHECK(f.handler.targets.back() == "DELETE /api/v1/namespaces/default/pods/web");
  CHECK(f.remote->find(Kind::kPod, "default", "web") == nullptr);
  CHECK(f.server.find(Kind::kPod, "default", "web") == nullptr);
  f.settle();
  REQUIRE(f.events.size() == 2);
  CHECK(f.events[1].rfind("DELETED default/web", 0) == 0);

  // A Node create goes to /api/v1/nodes and lands in the node cache; its update to /status.
  auto node = std::make_shared<core::Node>();
  node->metadata.name = "worker1";
  auto created = f.remote->create(node);
  REQUIRE(created.is_ok());
  CHECK(f.handler.targets.back() == "POST /api/v1/nodes");
  REQUIRE(f.remote->find(Kind::kNode, "", "worker1") != nullptr);
  auto n = core::mutable_copy(*core::as<core::Node>(created.value()));
  n->status.conditions.push_back({"Ready", "True", "KubeletReady", "", {}, {}});
  REQUIRE(f.remote->update(n).is_ok());
  CHECK(f.handler.targets.back() == "PUT /api/v1/nodes/worker1/status");
  CHECK(core::find<core::Node>(f.server, "", "worker1")->is_ready());
  // A lease is a plain object under coordination.k8s.io.
  auto lease = std::make_shared<core::Lease>();
  lease->metadata.namespace_ = "kube-node-lease";
  lease->metadata.name = "worker1";
  REQUIRE(f.remote->create(lease).is_ok());
  CHECK(f.handler.targets.back() == "POST /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases");
  CHECK(f.remote->find(Kind::kLease, "kube-node-lease", "worker1") != nullptr);
}

TEST_CASE("RemoteStore status writes clear what the kubelet cleared, not keep it from the read document", "[remote_store]") {
  bool real_api = GENERATE(false, true);
  INFO((real_api ? "the real ApiServer" : "the fake handler"));
  Fixture f(real_api);
  auto p = f.pod("web", "worker1");
  p->status.reason = "Old";
  p->status.message = "stale";
  core::ContainerStatus cs;
  cs.name = "app";
  cs.state.waiting = core::ContainerStateWaiting{"ContainerCreating", ""};
  p->status.containerStatuses.push_back(cs);
  REQUIRE(f.server.create(p).is_ok());
  f.start_and_sync();
  auto read = core::find<core::Pod>(*f.remote, "default", "web");
  REQUIRE(read->original);  // decoded from the server's JSON
  auto copy = core::mutable_copy(*read);
  copy->status.reason.clear();
  copy->status.message.clear();
  copy->status.containerStatuses[0].state.waiting.reset();
  copy->status.containerStatuses[0].state.running = core::ContainerStateRunning{f.loop.now()};
  REQUIRE(f.remote->update(copy).is_ok());
  auto stored = core::find<core::Pod>(f.server, "default", "web");
  CHECK(stored->status.reason.empty());
  CHECK(stored->status.message.empty());
  CHECK(!stored->status.containerStatuses[0].state.waiting);
  CHECK(stored->status.containerStatuses[0].state.running);
}

TEST_CASE("RemoteStore turns Kubernetes Status errors into store codes", "[remote_store]") {
  Fixture f;
  auto web = f.server_pod("web", "worker1");
  f.start_and_sync();
  // 409 AlreadyExists
  CHECK(f.remote->create(f.pod("web", "worker1")).status().is_already_exists());
  // 409 Conflict: a stale resourceVersion
  auto stale = core::mutable_copy(*core::as<core::Pod>(web));
  auto fresh = core::mutable_copy(*core::as<core::Pod>(web));
  fresh->status.phase = "Running";
  REQUIRE(f.server.update(fresh).is_ok());
  stale->status.phase = "Failed";
  CHECK(f.remote->update(stale).status().is_conflict());
  // 404 NotFound
  CHECK(f.remote->remove(Kind::kPod, "default", "nope").is_not_found());
  CHECK(f.remote->update(f.pod("nope", "worker1")).status().is_not_found());
  // 422 Invalid: no name
  CHECK(f.remote->create(f.pod("", "worker1")).status().code() == core::Status::Code::kInvalid);
  // No answer at all: Unavailable, and the cache is untouched
  f.transport.set_down(true);
  CHECK(f.remote->update(fresh).status().code() == core::Status::Code::kUnavailable);
  CHECK(core::find<core::Pod>(*f.remote, "default", "web") != nullptr);
  // A 500 is Unavailable with the server's message
  HttpResponse internal{500, {}, testing::FakeRestHandler::error(500, "InternalError", "etcd is down").response.body};
  core::Status s = status_from_response(internal);
  CHECK(s.code() == core::Status::Code::kUnavailable);
  CHECK(s.message().find("etcd is down") != std::string::npos);
  CHECK(status_from_response(HttpResponse{403, {}, "forbidden"}).code() == core::Status::Code::kForbidden);
}

TEST_CASE("RemoteStore relists on 410 Gone and reports what changed meanwhile", "[remote_store]") {
  for (bool as_event : {false, true}) {
    DYNAMIC_SECTION("410 as " << (as_event ? "an ERROR event" : "the watch's status")) {
      Fixture f;
      f.server_pod("stays", "worker1");
      f.server_pod("goes", "worker1");
      f.start_and_sync();
      // The server restarts: its watches end, and what the client knew is compacted away.
      f.handler.drop_watches();
      f.handler.gone_below = UINT64_MAX;
      f.handler.gone_as_event = as_event;
      REQUIRE(f.server.remove(Kind::kPod, "default", "goes", core::DeleteOptions{0, {}}).is_ok());
      f.server_pod("new", "worker1");
      f.settle(std::chrono::milliseconds(100));  // events missed: the watch was down
      f.handler.gone_below = 0;
      f.settle(std::chrono::seconds(5));
      CHECK(f.remote->lists(Kind::kPod) >= 2);
      CHECK(f.remote->find(Kind::kPod, "default", "goes") == nullptr);
      CHECK(f.remote->find(Kind::kPod, "default", "new") != nullptr);
      CHECK(f.remote->find(Kind::kPod, "default", "stays") != nullptr);
      bool deleted = false, added = false;
      for (const auto& e : f.events) {
        deleted |= e.rfind("DELETED default/goes", 0) == 0;
        added |= e.rfind("ADDED default/new", 0) == 0;
      }
      CHECK(deleted);
      CHECK(added);
      // Watching again: a later change arrives.
      auto p = core::mutable_copy(*core::find<core::Pod>(f.server, "default", "stays"));
      p->status.phase = "Running";
      REQUIRE(f.server.update(p).is_ok());
      f.settle();
      CHECK(core::find<core::Pod>(*f.remote, "default", "stays")->status.phase == "Running");
      CHECK(f.handler.open_watches() == 3);  // pods, node, lease
    }
  }
}

TEST_CASE("RemoteStore survives a server outage: relists with backoff until it answers", "[remote_store]") {
  Fixture f;
  f.start_and_sync();
  f.transport.set_down(true);  // connections reset, new ones refused
  f.settle(std::chrono::seconds(20));
  uint64_t lists_down = f.remote->lists(Kind::kPod);
  // 800 ms doubling: 0.8 + 1.6 + 3.2 + 6.4 (= 12 s) then 12.8 more: about 5 lists in 20 s, not hundreds.
  CHECK(lists_down >= 4);
  CHECK(lists_down <= 7);
  CHECK(!f.logs.empty());
  f.server_pod("while-down", "worker1");
  f.transport.set_down(false);
  f.settle(std::chrono::seconds(31));  // at most one full backoff
  CHECK(f.remote->find(Kind::kPod, "default", "while-down") != nullptr);
  f.server_pod("after", "worker1");
  f.settle();
  CHECK(f.remote->find(Kind::kPod, "default", "after") != nullptr);
}

TEST_CASE("RemoteStore fails fast for a moment after a request got no answer", "[remote_store]") {
  Fixture f;
  f.server_pod("web", "worker1");
  f.start_and_sync();
  f.transport.set_down(true);
  auto copy = core::mutable_copy(*core::find<core::Pod>(*f.remote, "default", "web"));
  size_t before = f.transport.requests();
  CHECK(f.remote->update(copy).status().code() == core::Status::Code::kUnavailable);
  CHECK(f.transport.requests() == before + 1);
  // The kubelet's immediate retries do not reach the (dead) transport.
  for (int i = 0; i < 4; ++i) {
    auto s = f.remote->update(copy).status();
    CHECK(s.code() == core::Status::Code::kUnavailable);
    CHECK(s.message().find("failing fast") != std::string::npos);
  }
  CHECK(f.transport.requests() == before + 1);
  f.transport.set_down(false);
  f.loop.run_until(f.loop.now() + std::chrono::milliseconds(1001));
  CHECK(f.remote->update(copy).is_ok());
}

TEST_CASE("RemoteStore resumes a watch the server ended cleanly, without relisting", "[remote_store]") {
  Fixture f;
  f.start_and_sync();
  f.settle(std::chrono::seconds(2));  // a watch that lived long enough: a normal timeout
  f.handler.drop_watches();
  f.settle();
  CHECK(f.remote->lists(Kind::kPod) == 1);
  f.server_pod("next", "worker1");
  f.settle();
  CHECK(f.remote->find(Kind::kPod, "default", "next") != nullptr);
  // A server that refuses watches (500) makes the client relist with backoff, not spin.
  f.handler.fail_watches = 500;
  f.handler.drop_watches();
  f.settle(std::chrono::seconds(10));
  CHECK(f.remote->lists(Kind::kPod) >= 2);
  CHECK(f.remote->lists(Kind::kPod) <= 6);
}

TEST_CASE("RemoteStore reads outside its informers go to the server", "[remote_store]") {
  Fixture f;
  f.server_pod("theirs", "worker2");
  auto svc = std::make_shared<core::Service>();
  svc->metadata.name = "mongo";
  svc->metadata.namespace_ = "default";
  REQUIRE(f.server.create(svc).is_ok());
  f.start_and_sync();
  CHECK(f.remote->find(Kind::kService, "default", "mongo") != nullptr);
  CHECK(f.remote->list(Kind::kService, "default").size() == 1);
  CHECK(f.remote->find(Kind::kService, "default", "none") == nullptr);
  // Another node's lease is outside the lease informer's pinned name.
  auto lease = std::make_shared<core::Lease>();
  lease->metadata.namespace_ = "kube-node-lease";
  lease->metadata.name = "worker2";
  REQUIRE(f.server.create(lease).is_ok());
  CHECK(f.remote->find(Kind::kLease, "kube-node-lease", "worker2") != nullptr);
  CHECK(f.remote->find(Kind::kLease, "kube-node-lease", "worker1") == nullptr);
}

}  // namespace
}  // namespace ktwin::realnet
