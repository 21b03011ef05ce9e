// Test harness for the kubelet: a MemoryStore and a FakeRuntime on virtual time, pods to create, and
// accessors for the single-container pods the tests use.
#pragma once

#include <catch2/catch.hpp>
#include <memory>

#include "core/kubelet/fake_runtime.h"
#include "core/kubelet/kubelet.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"
#include "tests/fakes/recording_events.h"

namespace ktwin::core {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
const Time kStart = Time(std::chrono::hours(24 * 365 * 51));

struct Harness {
  sim::EventLoop loop{kStart};
  MemoryStore store{loop, Rng(1, "store")};
  ktwin::testing::RecordingEvents events;
  Env env{loop, store, events, 7};
  testing::FakeRuntime runtime{loop};
  KubeletDisk disk;
  KubeletConfig config;
  std::unique_ptr<Kubelet> kubelet;

  NodeRegistration registration() const {
    NodeRegistration r;
    r.name = "worker1";
    r.roles = {"worker"};
    r.internalIP = "192.168.56.11";
    r.capacity["cpu"] = *Quantity::parse("2");
    r.capacity["memory"] = *Quantity::parse("4Gi");
    return r;
  }
  void boot() {
    kubelet = std::make_unique<Kubelet>(env, runtime, config, registration(), disk);
    kubelet->start();
  }
  void run_for(Duration d) { loop.run_until(loop.now() + d); }
  void set_pod_cidr(const std::string& cidr) {
    auto node = mutable_copy(*find<Node>(store, "", "worker1"));
    node->spec.podCIDR = cidr;
    node->spec.podCIDRs = {cidr};
    REQUIRE(store.update(node).is_ok());
  }
  std::shared_ptr<const Pod> create_pod(const std::string& name, std::string policy = "Always",
                                        std::string cpu = "", std::optional<Probe> readiness = {}) {
    auto pod = std::make_shared<Pod>();
    pod->metadata.name = name;
    pod->metadata.namespace_ = "default";
    pod->spec.nodeName = "worker1";
    pod->spec.restartPolicy = policy;
    Container c;
    c.name = "app";
    c.image = "nginx:1.19";
    if (!cpu.empty()) c.resources.requests["cpu"] = *Quantity::parse(cpu);
    c.readinessProbe = readiness;
    pod->spec.containers.push_back(c);
    pod->status.phase = "Pending";
    pod->status.conditions.push_back(PodCondition{"PodScheduled", "True", "", "", {}, loop.now()});
    auto created = store.create(pod);
    REQUIRE(created.is_ok());
    return as<Pod>(created.value());
  }
  std::shared_ptr<const Pod> pod(const std::string& name) const { return find<Pod>(store, "default", name); }
};

const ContainerStatus& app(const Pod& pod) {
  REQUIRE(pod.status.containerStatuses.size() == 1);
  return pod.status.containerStatuses[0];
}
std::string condition(const Pod& pod, const std::string& type) {
  const PodCondition* c = pod.find_condition(type);
  return c ? c->status : "";
}

}  // namespace
}  // namespace ktwin::core
