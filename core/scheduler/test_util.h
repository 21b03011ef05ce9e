// Test helpers (header only, used by the scheduler's tests): small nodes and pods.
#pragma once

#include <memory>
#include <string>

#include "core/api/node.h"

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

}  // namespace ktwin::core::testing
