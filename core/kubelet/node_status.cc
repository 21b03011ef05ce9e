// Node registration and status setters, in the order and wording of the 1.20 kubelet.
#include "core/kubelet/node_status.h"

#include <algorithm>

#include "core/api/codec.h"

namespace ktwin::core {
namespace {

constexpr size_t kMaxNodeStatusImages = 50;  // k/k pkg/kubelet/kubelet.go nodeStatusMaxImages

struct ConditionSpec {
  const char* type;
  const char* status;
  const char* reason;
  const char* message;
};
// k/k pkg/kubelet/nodestatus/setters.go: MemoryPressureCondition, DiskPressureCondition,
// PIDPressureCondition, ReadyCondition, in defaultNodeStatusFuncs order.
constexpr ConditionSpec kConditions[] = {
    {"MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"},
    {"DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
    {"PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"},
    {"Ready", "True", "KubeletReady", "kubelet is posting ready status"},
};

}  // namespace

std::shared_ptr<Node> make_initial_node(const NodeRegistration& reg, const KubeletConfig& config,
                                        const std::vector<ImageInfo>& images, Time now) {
  auto node = std::make_shared<Node>();
  node->metadata.name = reg.name;
  Labels& labels = node->metadata.labels;
  // k/k pkg/kubelet/kubelet_node_status.go initialNode: stable and (1.20) beta os/arch labels.
  labels["beta.kubernetes.io/arch"] = reg.architecture;
  labels["beta.kubernetes.io/os"] = reg.operatingSystem;
  labels["kubernetes.io/arch"] = reg.architecture;
  labels["kubernetes.io/hostname"] = reg.name;
  labels["kubernetes.io/os"] = reg.operatingSystem;
  // k3s's embedded cloud provider labels every node with this instance type.
  labels["node.kubernetes.io/instance-type"] = "k3s";
  for (const std::string& role : reg.roles) labels["node-role.kubernetes.io/" + role] = "true";
  for (const auto& [k, v] : reg.labels) labels[k] = v;
  node->spec.taints = reg.taints;
  set_node_status(*node, reg, config, images, now);
  return node;
}

void set_node_status(Node& node, const NodeRegistration& reg, const KubeletConfig& config,
                     const std::vector<ImageInfo>& images, Time now) {
  NodeStatus& st = node.status;
  st.addresses.clear();
  if (!reg.internalIP.empty()) st.addresses.push_back({"InternalIP", reg.internalIP});
  st.addresses.push_back({"Hostname", reg.name});

  st.capacity = reg.capacity;
  if (!st.capacity.count("pods")) st.capacity["pods"] = Quantity::from_value(110);  // --max-pods default
  st.allocatable = st.capacity;  // no kube/system reserved in k3s defaults

  NodeSystemInfo& info = st.nodeInfo;
  info.kernelVersion = reg.kernelVersion;
  info.osImage = reg.osImage;
  info.operatingSystem = reg.operatingSystem;
  info.architecture = reg.architecture;
  info.kubeletVersion = config.kubeletVersion;
  info.kubeProxyVersion = config.kubeletVersion;
  info.containerRuntimeVersion = config.containerRuntimeVersion;

  // k/k nodestatus.Images: largest first, at most nodeStatusMaxImages.
  std::vector<ImageInfo> sorted = images;
  std::stable_sort(sorted.begin(), sorted.end(), [](const ImageInfo& a, const ImageInfo& b) { return a.size > b.size; });
  if (sorted.size() > kMaxNodeStatusImages) sorted.resize(kMaxNodeStatusImages);
  st.images.clear();
  for (const ImageInfo& image : sorted) st.images.push_back(ContainerImage{image.repoTags, image.size});

  std::vector<NodeCondition> conditions;
  for (const ConditionSpec& spec : kConditions) {
    NodeCondition c{spec.type, spec.status, spec.reason, spec.message, now, now};
    if (const NodeCondition* old = node.find_condition(spec.type); old && old->status == spec.status && old->lastTransitionTime)
      c.lastTransitionTime = old->lastTransitionTime;
    conditions.push_back(std::move(c));
  }
  // Conditions the kubelet does not own (NetworkUnavailable from a CNI, say) stay as they are.
  for (const NodeCondition& old : st.conditions) {
    bool ours = std::any_of(std::begin(kConditions), std::end(kConditions),
                            [&](const ConditionSpec& s) { return old.type == s.type; });
    if (!ours) conditions.push_back(old);
  }
  st.conditions = std::move(conditions);
}

namespace {

// Field-by-field equality at least as strict as the JSON comparison below (times to the nanosecond,
// quantities by value and text), heartbeat times ignored: when it holds, the JSON would match too.
bool same_quantities(const ResourceList& a, const ResourceList& b) {
  if (a.size() != b.size()) return false;
  for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j)
    if (i->first != j->first || !(i->second == j->second) || i->second.text() != j->second.text()) return false;
  return true;
}

bool identical_status(const NodeStatus& a, const NodeStatus& b) {
  if (!same_quantities(a.capacity, b.capacity) || !same_quantities(a.allocatable, b.allocatable)) return false;
  if (a.conditions.size() != b.conditions.size() || a.addresses.size() != b.addresses.size() ||
      a.images.size() != b.images.size())
    return false;
  for (size_t i = 0; i < a.conditions.size(); ++i) {
    const NodeCondition &x = a.conditions[i], &y = b.conditions[i];
    if (x.type != y.type || x.status != y.status || x.reason != y.reason || x.message != y.message ||
        x.lastTransitionTime != y.lastTransitionTime)
      return false;
  }
  for (size_t i = 0; i < a.addresses.size(); ++i)
    if (a.addresses[i].type != b.addresses[i].type || a.addresses[i].address != b.addresses[i].address) return false;
  for (size_t i = 0; i < a.images.size(); ++i)
    if (a.images[i].names != b.images[i].names || a.images[i].sizeBytes != b.images[i].sizeBytes) return false;
  const NodeSystemInfo &p = a.nodeInfo, &q = b.nodeInfo;
  return p.machineID == q.machineID && p.systemUUID == q.systemUUID && p.bootID == q.bootID &&
         p.kernelVersion == q.kernelVersion && p.osImage == q.osImage &&
         p.containerRuntimeVersion == q.containerRuntimeVersion && p.kubeletVersion == q.kubeletVersion &&
         p.kubeProxyVersion == q.kubeProxyVersion && p.operatingSystem == q.operatingSystem &&
         p.architecture == q.architecture;
}

}  // namespace

namespace {

// `have` equals set_node_status's capacity: reg.capacity, with "pods" at 110 when it has none.
bool same_as_capacity(const ResourceList& have, const ResourceList& reg_capacity) {
  static const Quantity kDefaultPods = Quantity::from_value(110);
  bool add_pods = !reg_capacity.count("pods");
  if (have.size() != reg_capacity.size() + (add_pods ? 1 : 0)) return false;
  auto want = reg_capacity.begin();
  for (const auto& [name, q] : have) {
    const Quantity* expected = nullptr;
    if (add_pods && name == "pods") {
      expected = &kDefaultPods;
    } else {
      if (want == reg_capacity.end() || want->first != name) return false;
      expected = &(want++)->second;
    }
    if (!(q == *expected) || q.text() != expected->text()) return false;
  }
  return true;
}

}  // namespace

bool node_status_current(const Node& node, const NodeRegistration& reg, const KubeletConfig& config,
                         const std::vector<ImageInfo>& images) {
  // Each check mirrors one setter of set_node_status against what identical_status compares.
  const NodeStatus& st = node.status;
  if (!same_as_capacity(st.capacity, reg.capacity) || !same_as_capacity(st.allocatable, reg.capacity)) return false;

  size_t n_addresses = reg.internalIP.empty() ? 1 : 2;
  if (st.addresses.size() != n_addresses) return false;
  if (n_addresses == 2 && (st.addresses[0].type != "InternalIP" || st.addresses[0].address != reg.internalIP))
    return false;
  if (st.addresses.back().type != "Hostname" || st.addresses.back().address != reg.name) return false;

  const NodeSystemInfo& info = st.nodeInfo;
  if (info.kernelVersion != reg.kernelVersion || info.osImage != reg.osImage ||
      info.operatingSystem != reg.operatingSystem || info.architecture != reg.architecture ||
      info.kubeletVersion != config.kubeletVersion || info.kubeProxyVersion != config.kubeletVersion ||
      info.containerRuntimeVersion != config.containerRuntimeVersion)
    return false;

  // The same order as set_node_status's stable sort, by pointer.
  std::vector<const ImageInfo*> sorted;
  sorted.reserve(images.size());
  for (const ImageInfo& image : images) sorted.push_back(&image);
  std::stable_sort(sorted.begin(), sorted.end(), [](const ImageInfo* a, const ImageInfo* b) { return a->size > b->size; });
  if (sorted.size() > kMaxNodeStatusImages) sorted.resize(kMaxNodeStatusImages);
  if (st.images.size() != sorted.size()) return false;
  for (size_t i = 0; i < sorted.size(); ++i)
    if (st.images[i].names != sorted[i]->repoTags || st.images[i].sizeBytes != sorted[i]->size) return false;

  // Ours first, in kConditions order, each keeping its lastTransitionTime (so it must have one); then
  // only conditions we do not own, which set_node_status keeps in their order.
  constexpr size_t kOurs = std::size(kConditions);
  if (st.conditions.size() < kOurs) return false;
  for (size_t i = 0; i < kOurs; ++i) {
    const NodeCondition& c = st.conditions[i];
    const ConditionSpec& spec = kConditions[i];
    if (c.type != spec.type || c.status != spec.status || c.reason != spec.reason || c.message != spec.message ||
        !c.lastTransitionTime)
      return false;
  }
  for (size_t i = kOurs; i < st.conditions.size(); ++i)
    for (const ConditionSpec& spec : kConditions)
      if (st.conditions[i].type == spec.type) return false;
  return true;
}

bool node_status_changed(const Node& before, const Node& after) {
  // The fast path avoids encoding two nodes to JSON on every heartbeat (most change nothing).
  if (identical_status(before.status, after.status)) return false;
  auto strip = [](const Node& n) {
    auto copy = mutable_copy(n);
    for (NodeCondition& c : copy->status.conditions) c.lastHeartbeatTime.reset();
    return encode(*copy)["status"];
  };
  return strip(before) != strip(after);
}

}  // namespace ktwin::core
