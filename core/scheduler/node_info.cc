// NodeInfo accounting: requests, non-zero requests, host ports and image spread.
#include "core/scheduler/node_info.h"

#include <algorithm>
#include <unordered_map>

#include "core/scheduler/plugins/pod_affinity_terms.h"

namespace ktwin::core {
namespace {

int64_t amount_of(const std::string& name, const Quantity& q) {
  return name == "cpu" ? q.milli_value() : q.value();
}

void set_amount(Resource& r, const std::string& name, int64_t v, bool max) {
  auto apply = [&](int64_t& slot) { slot = max ? std::max(slot, v) : slot + v; };
  if (name == "cpu")
    apply(r.milli_cpu);
  else if (name == "memory")
    apply(r.memory);
  else if (name == "ephemeral-storage")
    apply(r.ephemeral_storage);
  else if (name != "pods")
    apply(r.scalar[name]);
}

// k/k pkg/scheduler/util/non_zero.go GetNonzeroRequests: default only when unset, not when set to zero.
std::pair<int64_t, int64_t> non_zero_requests(const ResourceList& requests) {
  auto cpu = requests.find("cpu");
  auto mem = requests.find("memory");
  return {cpu == requests.end() ? kDefaultMilliCpuRequest : cpu->second.milli_value(),
          mem == requests.end() ? kDefaultMemoryRequest : mem->second.value()};
}

}  // namespace

void Resource::add(const ResourceList& list) {
  for (const auto& [name, q] : list) set_amount(*this, name, amount_of(name, q), false);
}

void Resource::set_max(const ResourceList& list) {
  for (const auto& [name, q] : list) set_amount(*this, name, amount_of(name, q), true);
}

void Resource::add(const Resource& other) {
  milli_cpu += other.milli_cpu;
  memory += other.memory;
  ephemeral_storage += other.ephemeral_storage;
  for (const auto& [name, v] : other.scalar) scalar[name] += v;
}

PodRequests compute_pod_requests(const Pod& pod) {
  // k/k pkg/scheduler/framework/types.go calculateResource: containers add up, init containers
  // run one at a time so only their maximum matters.
  PodRequests out;
  for (const Container& c : pod.spec.containers) {
    out.requested.add(c.resources.requests);
    auto [cpu, mem] = non_zero_requests(c.resources.requests);
    out.non_zero_milli_cpu += cpu;
    out.non_zero_memory += mem;
  }
  for (const Container& c : pod.spec.initContainers) {
    out.requested.set_max(c.resources.requests);
    auto [cpu, mem] = non_zero_requests(c.resources.requests);
    out.non_zero_milli_cpu = std::max(out.non_zero_milli_cpu, cpu);
    out.non_zero_memory = std::max(out.non_zero_memory, mem);
  }
  return out;
}

NodeInfo::NodeInfo(std::shared_ptr<const Node> n) { set_node(std::move(n)); }

void NodeInfo::set_node(std::shared_ptr<const Node> n) {
  node = std::move(n);
  unschedulable = node->spec.unschedulable;
  has_taints = !node->spec.taints.empty();
  const ResourceList& alloc = node->status.allocatable;
  allocatable = Resource{};
  allocatable.add(alloc);
  allowed_pod_number = 0;
  if (auto it = alloc.find("pods"); it != alloc.end()) allowed_pod_number = it->second.value();
}

void NodeInfo::count_pod(const Pod& pod) {
  PodRequests r = compute_pod_requests(pod);
  requested.add(r.requested);
  non_zero_milli_cpu += r.non_zero_milli_cpu;
  non_zero_memory += r.non_zero_memory;
  for (const Container& c : pod.spec.containers)
    for (const ContainerPort& p : c.ports)
      if (p.hostPort > 0) used_ports.insert({p.protocol.empty() ? "TCP" : p.protocol, p.hostPort});
}

void NodeInfo::add_pod(std::shared_ptr<const Pod> pod) {
  count_pod(*pod);
  if (has_pod_affinity(*pod)) pods_with_affinity.push_back(pod);
  pods.push_back(std::move(pod));
}

std::vector<NodeInfo> make_snapshot(const std::vector<std::shared_ptr<const Node>>& nodes,
                                    const std::vector<std::shared_ptr<const Pod>>& pods) {
  std::vector<NodeInfo> out;
  std::unordered_map<std::string, size_t> index;
  for (const auto& node : nodes) {
    index[node->metadata.name] = out.size();
    out.emplace_back(node);
  }
  for (const auto& pod : pods) {
    if (pod->spec.nodeName.empty() || pod->is_terminal()) continue;
    if (auto it = index.find(pod->spec.nodeName); it != index.end()) out[it->second].add_pod(pod);
  }
  fill_image_states(out);
  return out;
}

void fill_image_states(std::vector<NodeInfo>& nodes) {
  std::map<std::string, int> holders;
  for (const NodeInfo& ni : nodes) {
    std::set<std::string> names;
    for (const ContainerImage& img : ni.node->status.images) names.insert(img.names.begin(), img.names.end());
    for (const std::string& n : names) ++holders[n];
  }
  for (NodeInfo& ni : nodes) {
    ni.image_states.clear();
    for (const ContainerImage& img : ni.node->status.images)
      for (const std::string& n : img.names) ni.image_states[n] = {img.sizeBytes, holders[n]};
  }
}

}  // namespace ktwin::core
