// Test helpers (header only, used by the scheduler's tests): small nodes and pods.
#pragma once

#include <memory>
#include <string>

#include "core/api/node.h"
#include "core/api/workload.h"

namespace ktwin::core::testing {

inline std::shared_ptr<Node> make_node(const std::string& name, const std::string& cpu,
                                       const std::string& memory, const std::string& pods = "110") {
  auto n = std::make_shared<Node>();
  n->metadata.name = name;
  n->metadata.labels["kubernetes.io/hostname"] = name;
  n->status.allocatable = {
      {"cpu", *Quantity::parse(cpu)}, {"memory", *Quantity::parse(memory)}, {"pods", *Quantity::parse(pods)}};
  n->status.capacity = n->status.allocatable;
  n->status.conditions.push_back({"Ready", "True", "KubeletReady", "", std::nullopt, std::nullopt});
  return n;
}

// A pod in namespace "default" with one container; empty cpu/memory leave the request unset.
inline std::shared_ptr<Pod> make_pod(const std::string& name, const std::string& cpu = "",
                                     const std::string& memory = "", const std::string& node = "") {
  auto p = std::make_shared<Pod>();
  p->metadata.name = name;
  p->metadata.namespace_ = "default";
  p->spec.nodeName = node;
  Container c;
  c.name = "main";
  c.image = "busybox";
  if (!cpu.empty()) c.resources.requests["cpu"] = *Quantity::parse(cpu);
  if (!memory.empty()) c.resources.requests["memory"] = *Quantity::parse(memory);
  p->spec.containers.push_back(c);
  p->status.phase = node.empty() ? "Pending" : "Running";
  return p;
}

// The ReplicaSet "web-rs" selecting app=web, whose selector the system default spreading finds
// through web_pod's owner reference.
inline std::shared_ptr<ReplicaSet> web_replica_set() {
  auto rs = std::make_shared<ReplicaSet>();
  rs->metadata.name = "web-rs";
  rs->metadata.namespace_ = "default";
  rs->spec.selector.matchLabels["app"] = "web";
  return rs;
}

// A pod of web-rs (label app=web).
inline std::shared_ptr<Pod> web_pod(const std::string& name, const std::string& node = "", const std::string& cpu = "",
                                    const std::string& memory = "") {
  auto p = make_pod(name, cpu, memory, node);
  p->metadata.labels["app"] = "web";
  p->metadata.ownerReferences.push_back({"apps/v1", "ReplicaSet", "web-rs", "uid-rs", true, true});
  return p;
}

}  // namespace ktwin::core::testing
