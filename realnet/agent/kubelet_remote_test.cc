// The unmodified core kubelet over a RemoteStore: registration, lease, a pod to Running and its
// graceful deletion, every write a REST request to a server it reaches through the handler seam.
#include <catch2/catch.hpp>

#include "core/apiserver/admitting_store.h"
#include "core/kubelet/fake_runtime.h"
#include "core/kubelet/kubelet.h"
#include "core/store/memory_store.h"
#include "realnet/agent/fake_rest_handler.h"
#include "realnet/agent/handler_transport.h"
#include "realnet/agent/remote_store.h"
#include "realnet/api/api_server.h"
#include "sim/event_loop.h"
#include "tests/fakes/recording_events.h"

namespace ktwin::realnet {
namespace {

using core::Kind;
const core::Time kStart = core::Time(std::chrono::hours(24 * 365 * 51));

// Records each request's method and target, then passes it on.
class Recording : public HttpHandler {
 public:
  explicit Recording(HttpHandler& next) : next_(next) {}
  std::vector<std::string> targets;
  HandlerResult handle(const HttpRequest& request) override {
    targets.push_back(request.method + " " + request.target);
    return next_.handle(request);
  }

 private:
  HttpHandler& next_;
};

void run_pod_lifecycle(sim::EventLoop& loop, core::MemoryStore& server, HttpHandler& api) {
  Recording handler{api};
  HandlerTransport transport{handler, loop, UserInfo{"system:node:worker1", {"system:nodes", "system:authenticated"}}};
  RemoteStore remote{loop, transport, RemoteStoreOptions::for_kubelet("worker1")};
  ktwin::testing::RecordingEvents events;
  core::Env env{loop, remote, events, 7};
  core::testing::FakeRuntime runtime{loop};
  core::KubeletDisk disk;
  core::NodeRegistration reg;
  reg.name = "worker1";
  reg.internalIP = "10.199.0.11";
  reg.capacity["cpu"] = *core::Quantity::parse("2");
  reg.capacity["memory"] = *core::Quantity::parse("4Gi");
  core::Kubelet kubelet{env, runtime, core::KubeletConfig{}, reg, disk};

  remote.start();
  remote.on_synced([&] { kubelet.start(); });
  loop.run_until(loop.now() + std::chrono::seconds(1));
  // Registered over REST: the Node (POST /api/v1/nodes) and its Lease.
  auto node = core::find<core::Node>(server, "", "worker1");
  REQUIRE(node);
  CHECK(node->internal_ip() == "10.199.0.11");
  CHECK(node->is_ready());
  REQUIRE(core::find<core::Lease>(server, "kube-node-lease", "worker1"));

  // The IPAM controller's podCIDR, then a pod bound by the scheduler.
  auto n = core::mutable_copy(*node);
  n->spec.podCIDR = "10.42.1.0/24";
  n->spec.podCIDRs = {"10.42.1.0/24"};
  REQUIRE(server.update(n).is_ok());
  auto pod = std::make_shared<core::Pod>();
  pod->metadata.name = "web";
  pod->metadata.namespace_ = "default";
  pod->spec.nodeName = "worker1";
  core::Container c;
  c.name = "app";
  c.image = "busybox";
  pod->spec.containers.push_back(c);
  pod->status.phase = "Pending";
  REQUIRE(server.create(pod).is_ok());
  loop.run_until(loop.now() + std::chrono::seconds(10));
  auto running = core::find<core::Pod>(server, "default", "web");
  REQUIRE(running);
  CHECK(running->status.phase == "Running");
  CHECK(running->status.podIP.rfind("10.42.1.", 0) == 0);
  CHECK(running->status.hostIP == "10.199.0.11");
  REQUIRE(running->status.containerStatuses.size() == 1);
  CHECK(running->status.containerStatuses[0].ready);

  // The lease is renewed over REST as time goes on.
  auto renewed_before = *core::find<core::Lease>(server, "kube-node-lease", "worker1")->spec.renewTime;
  loop.run_until(loop.now() + std::chrono::seconds(30));
  CHECK(*core::find<core::Lease>(server, "kube-node-lease", "worker1")->spec.renewTime > renewed_before);

  // kubectl delete: graceful on the server; the kubelet stops the container and finishes with grace 0.
  REQUIRE(server.remove(Kind::kPod, "default", "web").is_ok());
  REQUIRE(server.find(Kind::kPod, "default", "web") != nullptr);
  loop.run_until(loop.now() + std::chrono::seconds(35));
  CHECK(server.find(Kind::kPod, "default", "web") == nullptr);
  CHECK(remote.find(Kind::kPod, "default", "web") == nullptr);
  CHECK(events.count("Killing") == 1);
  // No write storm: the wire's whole seconds must not look like a status change to the kubelet.
  size_t status_writes = std::count_if(handler.targets.begin(), handler.targets.end(), [](const std::string& t) {
    return t == "PUT /api/v1/namespaces/default/pods/web/status";
  });
  CHECK(status_writes >= 2);
  CHECK(status_writes <= 8);
  kubelet.stop();
}

TEST_CASE("The core kubelet drives a pod to Running through a RemoteStore and deletes it", "[kubelet_remote]") {
  sim::EventLoop loop{kStart};
  core::MemoryStore server{loop, core::Rng(1, "server")};
  SECTION("against the fake REST handler") {
    testing::FakeRestHandler fake{server};
    run_pod_lifecycle(loop, server, fake);
  }
  SECTION("against the real ApiServer, as system:node:worker1 under the Node authorizer") {
    ApiServer api{server, loop};
    REQUIRE(core::create_system_namespaces(server).is_ok());  // as the server does when it starts
    run_pod_lifecycle(loop, server, api);
  }
}

}  // namespace
}  // namespace ktwin::realnet
