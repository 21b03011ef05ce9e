// Kubelet behaviour against a MemoryStore and a FakeRuntime, on virtual time.
#include "core/kubelet/kubelet.h"

#include <catch2/catch.hpp>

#include "core/kubelet/kubelet_harness.h"

namespace ktwin::core {
namespace {

TEST_CASE("kubelet registers its node with labels, capacity, conditions and a lease", "[kubelet]") {
  Harness h;
  h.boot();
  h.run_for(millis(1));
  auto node = find<Node>(h.store, "", "worker1");
  REQUIRE(node);
  CHECK(node->metadata.labels.at("kubernetes.io/hostname") == "worker1");
  CHECK(node->metadata.labels.at("kubernetes.io/os") == "linux");
  CHECK(node->metadata.labels.at("kubernetes.io/arch") == "amd64");
  CHECK(node->metadata.labels.at("node-role.kubernetes.io/worker") == "true");
  CHECK(node->status.capacity.at("pods").value() == 110);
  CHECK(node->status.allocatable.at("cpu").milli_value() == 2000);
  CHECK(node->status.nodeInfo.kubeletVersion == "v1.20.4+k3s1");
  CHECK(node->status.nodeInfo.containerRuntimeVersion == "containerd://1.4.3-k3s3");
  CHECK(node->internal_ip() == "192.168.56.11");
  REQUIRE(node->status.images.size() == 1);
  CHECK(node->status.images[0].names[0] == "docker.io/library/nginx:1.19");
  REQUIRE(node->status.conditions.size() == 4);
  CHECK(node->status.conditions[0].type == "MemoryPressure");
  CHECK(node->status.conditions[0].reason == "KubeletHasSufficientMemory");
  CHECK(node->status.conditions[3].type == "Ready");
  CHECK(node->status.conditions[3].status == "True");
  CHECK(node->status.conditions[3].reason == "KubeletReady");
  CHECK(node->status.conditions[3].message == "kubelet is posting ready status");
  auto lease = find<Lease>(h.store, "kube-node-lease", "worker1");
  REQUIRE(lease);
  CHECK(lease->spec.holderIdentity == "worker1");
  CHECK(lease->spec.leaseDurationSeconds == 40);
  CHECK(lease->spec.renewTime == kStart);
}

TEST_CASE("lease renews every 10s; node status is posted only on change or every 5 minutes", "[kubelet]") {
  Harness h;
  std::vector<Time> renewals, node_posts;
  h.store.watch(Kind::kLease, [&](const WatchEvent& e) { renewals.push_back(*as<Lease>(e.object)->spec.renewTime); });
  h.store.watch(Kind::kNode, [&](const WatchEvent& e) {
    auto node = as<Node>(e.object);
    node_posts.push_back(*node->find_condition("Ready")->lastHeartbeatTime);
  });
  h.boot();
  h.run_for(minutes(11));
  REQUIRE(renewals.size() >= 60);
  // The first renewal after registration lands at a random phase; then every 10 s exactly.
  CHECK(renewals[1] - renewals[0] <= seconds(10));
  for (size_t i = 2; i < renewals.size(); ++i) CHECK(renewals[i] - renewals[i - 1] == seconds(10));
  // Registration, then nothing changes: full posts at +5 min and +10 min only (the 10 s checks see no change).
  REQUIRE(node_posts.size() == 3);
  CHECK(node_posts[0] == kStart);
  CHECK(node_posts[2] - node_posts[1] == minutes(5));
  // The first 10 s sync at or after 5 minutes since the last post.
  CHECK(node_posts[1] - node_posts[0] >= minutes(5));
  CHECK(node_posts[1] - node_posts[0] < minutes(5) + seconds(10));

  SECTION("a change is posted on the next 10 s sync") {
    h.runtime.images.push_back({{"docker.io/library/mongo:4.4"}, 400'000'000});
    Time before = h.loop.now();
    h.run_for(seconds(10));
    REQUIRE(node_posts.size() == 4);
    CHECK(node_posts[3] - before <= seconds(10));
    CHECK(find<Node>(h.store, "", "worker1")->status.images[0].names[0] == "docker.io/library/mongo:4.4");
  }
  SECTION("a Lease another writer changed is still renewed: the stale copy conflicts, the lease is read again") {
    auto lease = mutable_copy(*find<Lease>(h.store, "kube-node-lease", "worker1"));
    lease->spec.holderIdentity = "someone-else";
    REQUIRE(h.store.update(lease).is_ok());
    size_t before = renewals.size();
    h.run_for(seconds(10));
    REQUIRE(renewals.size() == before + 2);  // the foreign write, then the renewal
    auto renewed = find<Lease>(h.store, "kube-node-lease", "worker1");
    CHECK(renewed->spec.holderIdentity == "worker1");
    CHECK(*renewed->spec.renewTime > *lease->spec.renewTime);
  }
  SECTION("a status another writer changed is put back on the next 10 s sync") {
    // As the node lifecycle controller does when it marks the node Unknown.
    auto copy = mutable_copy(*find<Node>(h.store, "", "worker1"));
    copy->find_condition("Ready")->status = "Unknown";
    REQUIRE(h.store.update(copy).is_ok());
    h.run_for(seconds(10));
    REQUIRE(node_posts.size() == 5);  // the foreign write, then the kubelet's
    CHECK(find<Node>(h.store, "", "worker1")->find_condition("Ready")->status == "True");
  }
}

TEST_CASE("a pod goes ContainerCreating to Running with conditions and round-robin IPs", "[kubelet]") {
  Harness h;
  h.boot();
  h.run_for(millis(1));
  auto web = h.create_pod("web");
  h.run_for(millis(1));
  // No podCIDR yet: Pending, ContainerCreating, no IP.
  auto p = h.pod("web");
  CHECK(p->status.phase == "Pending");
  CHECK(p->status.hostIP == "192.168.56.11");
  CHECK(p->status.podIP.empty());
  REQUIRE(p->status.startTime);
  CHECK(app(*p).state.waiting->reason == "ContainerCreating");
  CHECK(condition(*p, "Initialized") == "True");
  CHECK(condition(*p, "Ready") == "False");
  CHECK(p->find_condition("Ready")->reason == "ContainersNotReady");
  CHECK(p->find_condition("Ready")->message == "containers with unready status: [app]");
  CHECK(condition(*p, "ContainersReady") == "False");
  CHECK(condition(*p, "PodScheduled") == "True");
  CHECK(h.runtime.calls.empty());

  h.run_for(seconds(5));
  h.set_pod_cidr("10.42.1.0/24");
  h.run_for(millis(500));
  p = h.pod("web");
  CHECK(p->status.podIP == "10.42.1.2");
  CHECK(app(*p).state.waiting->reason == "ContainerCreating");
  h.run_for(seconds(1));  // the fake's start latency
  p = h.pod("web");
  CHECK(p->status.phase == "Running");
  REQUIRE(app(*p).state.running);
  CHECK(app(*p).ready);
  CHECK(app(*p).restartCount == 0);
  CHECK(app(*p).containerID.rfind("containerd://", 0) == 0);
  CHECK(condition(*p, "Ready") == "True");
  CHECK(condition(*p, "ContainersReady") == "True");
  CHECK(p->find_condition("Ready")->reason.empty());

  h.create_pod("api");
  h.run_for(seconds(2));
  CHECK(h.pod("api")->status.podIP == "10.42.1.3");
  CHECK(h.pod("api")->status.phase == "Running");

  // Graceful deletion: Killing, containers stopped, pod removed from the store.
  REQUIRE(h.store.remove(Kind::kPod, "default", "web").is_ok());
  h.run_for(seconds(1));
  CHECK_FALSE(h.pod("web"));
  CHECK(h.events.count("Killing") == 1);
  CHECK(h.events.events.back().message == "Stopping container app");
  CHECK(h.runtime.running(web->metadata.uid, "app").empty());
  CHECK(h.runtime.sandboxes.size() == 1);

  // A replacement takes the next address, not the freed one.
  h.create_pod("web2");
  h.run_for(seconds(2));
  CHECK(h.pod("web2")->status.podIP == "10.42.1.4");
}

TEST_CASE("a crashing container restarts at +0, +10, +20, +40 s with CrashLoopBackOff between", "[kubelet]") {
  Harness h;
  h.runtime.start_latency = Duration::zero();
  h.runtime.exit_after = seconds(1);
  h.boot();
  h.run_for(millis(1));
  h.set_pod_cidr("10.42.1.0/24");
  auto pod = h.create_pod("crash");
  const std::string uid = pod->metadata.uid;
  h.run_for(seconds(40));
  // Exits come 1 s after each start; restarts follow the exit by 0, 10, 20 s.
  REQUIRE(h.runtime.started.size() == 4);
  auto gap = [&](size_t i) { return h.runtime.started[i].first - (h.runtime.started[i - 1].first + seconds(1)); };
  CHECK(gap(1) == seconds(0));
  CHECK(gap(2) == seconds(10));
  CHECK(gap(3) == seconds(20));

  // Between the 4th exit (t = start3 + 1 s) and the restart 40 s later: CrashLoopBackOff.
  h.loop.run_until(h.runtime.started[3].first + seconds(2));
  auto p = h.pod("crash");
  const ContainerStatus& cs = app(*p);
  REQUIRE(cs.state.waiting);
  CHECK(cs.state.waiting->reason == "CrashLoopBackOff");
  CHECK(cs.state.waiting->message ==
        "back-off 40s restarting failed container=app pod=crash_default(" + uid + ")");
  REQUIRE(cs.lastState.terminated);
  CHECK(cs.lastState.terminated->exitCode == 1);
  CHECK(cs.lastState.terminated->reason == "Error");
  CHECK(cs.lastState.terminated->finishedAt - cs.lastState.terminated->startedAt == seconds(1));
  CHECK(cs.restartCount == 3);
  CHECK(p->status.phase == "Running");
  CHECK(condition(*p, "Ready") == "False");
  CHECK(h.events.count("BackOff") == 3);
  CHECK(h.events.events.back().message == "Back-off restarting failed container");

  h.run_for(seconds(40));
  REQUIRE(h.runtime.started.size() == 5);
  CHECK(gap(4) == seconds(40));
  h.run_for(seconds(82));
  REQUIRE(h.runtime.started.size() == 6);
  CHECK(gap(5) == seconds(80));

  SECTION("the back-off caps at 300 s") {
    h.run_for(minutes(20));
    REQUIRE(h.runtime.started.size() >= 9);
    CHECK(gap(6) == seconds(160));
    CHECK(gap(7) == seconds(300));
    CHECK(gap(8) == seconds(300));
  }
  SECTION("after 10 minutes of running, the back-off starts over") {
    h.runtime.exit_after.reset();  // the next instance stays up
    h.run_for(seconds(165));
    REQUIRE(h.runtime.started.size() == 7);
    CHECK(app(*h.pod("crash")).state.running);
    CHECK(app(*h.pod("crash")).restartCount == 6);
    h.run_for(minutes(11));
    h.runtime.exit_after = seconds(1);
    Time exit_time = h.loop.now();
    h.runtime.exit(h.runtime.running(uid, "app"), 2);
    h.run_for(seconds(1));
    REQUIRE(h.runtime.started.size() == 8);
    CHECK(h.runtime.started[7].first == exit_time);  // immediate again
    h.run_for(seconds(30));
    REQUIRE(h.runtime.started.size() == 9);
    CHECK(gap(8) == seconds(10));  // then 10 s
  }
}

TEST_CASE("restart policy OnFailure and Never make pods Succeeded or Failed", "[kubelet]") {
  Harness h;
  h.boot();
  h.run_for(millis(1));
  h.set_pod_cidr("10.42.1.0/24");
  h.create_pod("job", "OnFailure");
  h.create_pod("once", "Never");
  h.run_for(seconds(2));
  h.runtime.exit(h.runtime.running(h.pod("job")->metadata.uid, "app"), 0);
  h.runtime.exit(h.runtime.running(h.pod("once")->metadata.uid, "app"), 3);
  h.run_for(seconds(30));
  auto job = h.pod("job");
  CHECK(job->status.phase == "Succeeded");
  CHECK(app(*job).state.terminated->reason == "Completed");
  CHECK(job->find_condition("Ready")->reason == "PodCompleted");
  auto once = h.pod("once");
  CHECK(once->status.phase == "Failed");
  CHECK(app(*once).state.terminated->exitCode == 3);
  CHECK(app(*once).state.terminated->reason == "Error");
  CHECK(h.runtime.started.size() == 2);  // no restarts
  CHECK(h.runtime.sandboxes.empty());     // terminal pods lose their sandboxes
}

TEST_CASE("a pod that does not fit the node's allocatable is rejected", "[kubelet]") {
  Harness h;
  h.boot();
  h.run_for(millis(1));
  h.set_pod_cidr("10.42.1.0/24");
  h.create_pod("big", "Always", "1500m");
  h.run_for(seconds(2));
  h.create_pod("bigger", "Always", "1");
  h.run_for(seconds(2));
  CHECK(h.pod("big")->status.phase == "Running");
  auto p = h.pod("bigger");
  CHECK(p->status.phase == "Failed");
  CHECK(p->status.reason == "OutOfcpu");
  CHECK(p->status.message == "Pod Node didn't have enough resource: cpu, requested: 1000, used: 1500, capacity: 2000");
  CHECK(h.events.count("OutOfcpu") == 1);
}

TEST_CASE("what a finished, rejected or deleted pod requested is free for the next pod", "[kubelet]") {
  Harness h;
  h.boot();
  h.run_for(millis(1));
  h.set_pod_cidr("10.42.1.0/24");
  auto rejection = [&](const std::string& name) {
    auto p = h.pod(name);
    return p->status.phase == "Failed" ? p->status.message : std::string();
  };
  h.create_pod("job", "Never", "1500m");
  h.run_for(seconds(2));
  h.create_pod("early", "Always", "1");
  h.run_for(seconds(2));
  CHECK(rejection("early") == "Pod Node didn't have enough resource: cpu, requested: 1000, used: 1500, capacity: 2000");
  h.runtime.exit(h.runtime.running(h.pod("job")->metadata.uid, "app"), 0);
  h.run_for(seconds(2));
  REQUIRE(h.pod("job")->status.phase == "Succeeded");
  h.create_pod("web-a", "Always", "1");  // neither the finished job nor the rejected pod counts
  h.create_pod("web-b", "Always", "1");
  h.create_pod("web-c", "Always", "500m");
  h.run_for(seconds(2));
  CHECK(h.pod("web-a")->status.phase == "Running");
  CHECK(h.pod("web-b")->status.phase == "Running");
  CHECK(rejection("web-c") == "Pod Node didn't have enough resource: cpu, requested: 500, used: 2000, capacity: 2000");
  REQUIRE(h.store.remove(Kind::kPod, "default", "web-a", DeleteOptions{0, std::nullopt}).is_ok());
  h.run_for(seconds(2));
  h.create_pod("web-d", "Always", "1");
  h.create_pod("web-e", "Always", "1");
  h.run_for(seconds(2));
  CHECK(h.pod("web-d")->status.phase == "Running");
  CHECK(rejection("web-e") == "Pod Node didn't have enough resource: cpu, requested: 1000, used: 2000, capacity: 2000");
}

TEST_CASE("after a halt the kubelet finishes terminating pods and restarts the others", "[kubelet]") {
  Harness h;
  h.boot();
  h.run_for(millis(1));
  h.set_pod_cidr("10.42.1.0/24");
  h.create_pod("keep");
  h.create_pod("doomed");
  h.run_for(seconds(5));
  REQUIRE(h.pod("keep")->status.podIP == "10.42.1.2");
  REQUIRE(app(*h.pod("keep")).state.running);

  // Power off: the kubelet dies, the containers vanish with it.
  h.kubelet->stop();
  h.runtime.power_off();
  uint64_t lease_version = find<Lease>(h.store, "kube-node-lease", "worker1")->metadata.resourceVersion;
  uint64_t node_version = find<Node>(h.store, "", "worker1")->metadata.resourceVersion;
  h.run_for(minutes(6));
  REQUIRE(h.store.remove(Kind::kPod, "default", "doomed").is_ok());  // the taint manager's eviction
  h.run_for(minutes(1));
  CHECK(find<Lease>(h.store, "kube-node-lease", "worker1")->metadata.resourceVersion == lease_version);
  CHECK(find<Node>(h.store, "", "worker1")->metadata.resourceVersion == node_version);
  CHECK(h.pod("doomed")->metadata.deletionTimestamp);
  CHECK(app(*h.pod("keep")).state.running);  // stale: only the kubelet updates it

  Time boot = h.loop.now();
  h.boot();  // a new process on the same disk
  h.run_for(millis(1));
  CHECK(*find<Lease>(h.store, "kube-node-lease", "worker1")->spec.renewTime == boot);
  CHECK_FALSE(h.pod("doomed"));
  h.run_for(seconds(2));
  auto keep = h.pod("keep");
  CHECK(keep->status.phase == "Running");
  REQUIRE(app(*keep).state.running);
  CHECK(app(*keep).restartCount == 1);
  REQUIRE(app(*keep).lastState.terminated);
  CHECK(app(*keep).lastState.terminated->reason == "Unknown");
  CHECK(app(*keep).lastState.terminated->exitCode == 255);
  // A new sandbox: the next address after the last reserved one (.3 went to "doomed").
  CHECK(keep->status.podIP == "10.42.1.4");
  CHECK(h.disk.allocatedIPs.size() == 1);
}

TEST_CASE("a kubelet restart without a halt adopts the running containers", "[kubelet]") {
  Harness h;
  h.boot();
  h.run_for(millis(1));
  h.set_pod_cidr("10.42.1.0/24");
  h.create_pod("web");
  h.run_for(seconds(5));
  auto before = h.pod("web");
  h.kubelet->stop();
  h.run_for(seconds(30));
  h.boot();
  h.run_for(seconds(5));
  auto after = h.pod("web");
  CHECK(app(*after).restartCount == 0);
  CHECK(app(*after).containerID == app(*before).containerID);
  CHECK(after->status.podIP == "10.42.1.2");
  CHECK(h.runtime.started.size() == 1);
}

TEST_CASE("late runtime callbacks after stop() write nothing", "[kubelet]") {
  Harness h;
  h.boot();
  h.run_for(millis(1));
  h.set_pod_cidr("10.42.1.0/24");
  h.create_pod("web");
  h.run_for(millis(100));  // sandbox up, container starting (1 s latency)
  h.kubelet->stop();
  uint64_t version = h.pod("web")->metadata.resourceVersion;
  h.run_for(seconds(5));  // the start completes in the runtime
  CHECK(h.pod("web")->metadata.resourceVersion == version);
}

}  // namespace
}  // namespace ktwin::core
