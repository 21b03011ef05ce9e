// The scheduler's per-cycle view of one node: the node, the pods on it and what they request
// (k/k pkg/scheduler/framework/types.go NodeInfo).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/api/node.h"

namespace ktwin::core {

// k/k pkg/scheduler/util/non_zero.go: a container without a request counts as 100m CPU, 200 MiB memory.
constexpr int64_t kDefaultMilliCpuRequest = 100;
constexpr int64_t kDefaultMemoryRequest = 200 * 1024 * 1024;

// Amounts in scheduler units: CPU in millicores, memory and other resources in whole units (bytes).
struct Resource {
  int64_t milli_cpu = 0;
  int64_t memory = 0;
  int64_t ephemeral_storage = 0;
  std::map<std::string, int64_t> scalar;  // extended resources, "nvidia.com/gpu"

  void add(const ResourceList& list);
  void set_max(const ResourceList& list);  // per resource, max(this, list)
  void add(const Resource& other);
};

// What one pod asks for: the real requests (max of init containers vs. sum of containers) and the
// "non-zero" cpu/memory used for scoring, where unset requests take the defaults above.
struct PodRequests {
  Resource requested;
  int64_t non_zero_milli_cpu = 0;
  int64_t non_zero_memory = 0;
};
PodRequests compute_pod_requests(const Pod& pod);

struct ImageStateSummary {
  int64_t size = 0;   // bytes
  int num_nodes = 0;  // nodes in the snapshot that hold this image name
};

struct NodeInfo {
  explicit NodeInfo(std::shared_ptr<const Node> node);

  const std::string& name() const { return node->metadata.name; }
  // Points at a newer version of the node: refreshes allocatable and the pod limit, keeps the pods.
  void set_node(std::shared_ptr<const Node> node);
  // Adds a pod bound (or assumed bound) to this node: counts its requests and host ports.
  void add_pod(std::shared_ptr<const Pod> pod);
  // The accounting half of add_pod: requests, non-zero requests and host ports, without listing the pod.
  void count_pod(const Pod& pod);

  std::shared_ptr<const Node> node;
  // Copied from `node` by set_node for the filters every node goes through: a node that is neither
  // cordoned nor tainted then costs them no read of its Node object (a cache miss per node per cycle).
  bool unschedulable = false;  // spec.unschedulable
  bool has_taints = false;     // !spec.taints.empty()
  std::vector<std::shared_ptr<const Pod>> pods;
  std::vector<std::shared_ptr<const Pod>> pods_with_affinity;  // pod (anti-)affinity (types.go PodsWithAffinity)
  Resource requested;                                   // sum of real requests
  int64_t non_zero_milli_cpu = 0, non_zero_memory = 0;  // NonZeroRequested
  Resource allocatable;
  int64_t allowed_pod_number = 0;                         // status.allocatable["pods"]
  std::set<std::pair<std::string, int32_t>> used_ports;   // (protocol, hostPort)
  std::map<std::string, ImageStateSummary> image_states;  // by image name as the node reports it
};

// Builds one NodeInfo per node, in the given order, with the pods whose spec.nodeName names it.
// Pods in phase Succeeded or Failed are skipped, as the scheduler's pod informer filters them out
// (k/k pkg/scheduler/scheduler.go, 1.20 newPodInformer field selector); terminating pods count.
std::vector<NodeInfo> make_snapshot(const std::vector<std::shared_ptr<const Node>>& nodes,
                                    const std::vector<std::shared_ptr<const Pod>>& pods);
// Fills image_states of every NodeInfo (image size and how many nodes hold it).
void fill_image_states(std::vector<NodeInfo>& nodes);

}  // namespace ktwin::core
