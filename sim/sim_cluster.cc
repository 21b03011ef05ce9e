// SimCluster wiring: one Env for every component; nodes registered in scenario order.
#include "sim/sim_cluster.h"

#include "core/api/pod.h"
#include "core/apiserver/ip_allocator.h"
#include "core/controlplane/control_plane.h"
#include "sim/platform/simgrid_network.h"

namespace ktwin::sim {
namespace {

// The walk-through's machines were 192.168.1.142-144; further nodes follow on.
constexpr uint32_t kFirstNodeIP = (192u << 24) | (168u << 16) | (1u << 8) | 142u;

core::NodeRegistration registration_for(const NodeSpecEntry& node, size_t index) {
  core::NodeRegistration r;
  r.name = node.name;
  r.roles = node.roles;
  r.labels = node.labels;
  for (const auto& [resource, text] : node.capacity)
    if (auto q = core::Quantity::parse(text)) r.capacity[resource] = *q;
  for (const nlohmann::json& t : node.taints) {
    core::Taint taint;
    taint.key = t.value("key", "");
    taint.value = t.value("value", "");
    taint.effect = t.value("effect", "");
    r.taints.push_back(taint);
  }
  r.internalIP = core::format_ipv4(kFirstNodeIP + static_cast<uint32_t>(index));
  return r;
}

AppModels app_models(const std::map<std::string, AppModelEntry>& apps) {
  AppModels models;
  for (const auto& [image, entry] : apps) {
    AppModel m;
    m.startup = entry.startup;
    m.dependsOn = entry.dependsOn;
    m.imageSizeBytes = entry.imageSizeBytes;
    m.readyAfter = entry.readyAfter;
    models[image] = m;
  }
  return models;
}

}  // namespace

SimCluster::SimCluster(const ClusterConfig& config, core::Time start)
    : config_(config),
      loop_(start),
      store_(loop_, core::Rng(config.seed, "store")),
      api_(store_, config.controlPlane, core::Rng(config.seed, "apiserver")),
      env_{loop_, api_, events_, config.seed} {
  // cluster.platform: the nodes' API traffic and image pulls go over SimGrid's links; otherwise the
  // fast path, which slowNetwork adjusts per node.
  if (config_.platform.is_set()) {
    auto on_reachability = [this](const std::string& node, bool up) {
      core::Status s = up ? heal_node(node) : partition_node(node);
      if (s.is_ok()) reachability_changes_.push_back(node);  // hosts without a node yet are skipped
    };
    auto net = SimgridNetwork::create(loop_, config_.platform, SimgridNetwork::node_hosts(config_.platform),
                                      on_reachability);
    KT_CHECK(net.is_ok(), "SimGrid platform refused after make_cluster_config accepted it");
    platform_network_ = net.value().get();
    network_ = std::move(net).value();
  } else {
    auto fast = std::make_unique<FastNetwork>(loop_);
    fast_network_ = fast.get();
    network_ = std::move(fast);
  }
}

void SimCluster::use_network_model(std::unique_ptr<NetworkModel> model) {
  KT_CHECK(nodes_.empty(), "use_network_model after start()");
  fast_network_ = dynamic_cast<FastNetwork*>(model.get());
  platform_network_ = dynamic_cast<SimgridNetwork*>(model.get());
  network_ = std::move(model);
}

core::Status SimCluster::slow_network(const std::string& name, std::optional<core::Duration> latency,
                                      std::optional<int64_t> bandwidth) {
  if (!find_node(name)) return core::Status::not_found("node " + name + " not found");
  if (!fast_network_) return core::Status::unavailable("slowNetwork needs the fast network model");
  fast_network_->set_link(name, latency, bandwidth);
  return core::Status::ok();
}

core::Status SimCluster::restore_network(const std::string& name) {
  if (!find_node(name)) return core::Status::not_found("node " + name + " not found");
  if (!fast_network_) return core::Status::unavailable("restoreNetwork needs the fast network model");
  fast_network_->restore_link(name);
  return core::Status::ok();
}

core::Result<std::vector<std::string>> SimCluster::set_link(const std::string& link, bool up) {
  if (!platform_network_) return core::Status::invalid("link " + link + ": the cluster has no SimGrid platform");
  reachability_changes_.clear();
  if (auto s = platform_network_->set_link(link, up); !s.is_ok()) return s;
  return std::move(reachability_changes_);
}

SimCluster::~SimCluster() = default;

void SimCluster::start() {
  api_.create_kubernetes_service();
  core::SchedulerOptions scheduler_options;
  scheduler_options.kubernetesVersion = config_.kubernetesVersion;
  // cluster.scheduler.config: validated by the loader.
  control_plane_ = std::make_unique<core::ControlPlane>(env_, config_.controlPlane, scheduler_options,
                                                        config_.schedulerProfiles);
  control_plane_->start();

  apps_ = app_models(config_.apps);
  for (const NodeSpecEntry& spec : config_.nodes) add_node(spec);
}

core::Status SimCluster::add_node(const NodeSpecEntry& spec) {
  if (nodes_.count(spec.name)) return core::Status::already_exists("node " + spec.name + " already exists");
  auto node = std::make_unique<SimNode>(env_, config_.kubelet, registration_for(spec, nodes_created_++), apps_,
                                        *network_);
  node->power_on();
  // cluster.platform: a machine that boots behind a link that is off starts cut off.
  if (platform_network_ && !platform_network_->reachable(spec.name)) node->partition();
  nodes_[spec.name] = std::move(node);
  return core::Status::ok();
}

core::Scheduler* SimCluster::scheduler() { return control_plane_ ? &control_plane_->scheduler() : nullptr; }

SimNode* SimCluster::find_node(const std::string& name) {
  auto it = nodes_.find(name);
  return it == nodes_.end() ? nullptr : it->second.get();
}

core::Status SimCluster::delete_node(const std::string& name) {
  SimNode* node = find_node(name);
  if (!node) return core::Status::not_found("node " + name + " not found");
  // Power first: a running kubelet would register the Node again on its next status update.
  node->power_off();
  core::Status s = api_.remove(core::Kind::kNode, "", name);
  return s.is_not_found() ? core::Status::ok() : s;
}

core::Status SimCluster::stop_kubelet(const std::string& name) {
  SimNode* node = find_node(name);
  return node ? node->stop_kubelet() : core::Status::not_found("node " + name + " not found");
}

core::Status SimCluster::start_kubelet(const std::string& name) {
  SimNode* node = find_node(name);
  return node ? node->start_kubelet() : core::Status::not_found("node " + name + " not found");
}

core::Status SimCluster::partition_node(const std::string& name) {
  SimNode* node = find_node(name);
  if (!node) return core::Status::not_found("node " + name + " not found");
  node->partition();
  return core::Status::ok();
}

core::Status SimCluster::heal_node(const std::string& name) {
  SimNode* node = find_node(name);
  if (!node) return core::Status::not_found("node " + name + " not found");
  node->heal();
  return core::Status::ok();
}

core::Status SimCluster::halt_node(const std::string& name) {
  auto it = nodes_.find(name);
  if (it == nodes_.end()) return core::Status::not_found("node " + name + " not found");
  it->second->power_off();
  return core::Status::ok();
}

core::Status SimCluster::resume_node(const std::string& name) {
  auto it = nodes_.find(name);
  if (it == nodes_.end()) return core::Status::not_found("node " + name + " not found");
  if (!it->second->powered()) it->second->power_on();
  return core::Status::ok();
}

core::Status SimCluster::kill_container(const std::string& ns, const std::string& pod_name,
                                        const std::string& container) {
  auto pod = core::find<core::Pod>(api_, ns, pod_name);
  if (!pod) return core::Status::not_found("pod " + pod_name + " not found");
  auto it = nodes_.find(pod->spec.nodeName);
  if (it == nodes_.end() || !it->second->powered())
    return core::Status::unavailable("pod " + pod_name + " is not running on a powered node");
  std::vector<std::string> names;
  if (!container.empty()) names.push_back(container);
  else
    for (const core::Container& c : pod->spec.containers) names.push_back(c.name);
  for (const std::string& c : names) it->second->runtime().kill_container(pod->metadata.uid, c);
  return core::Status::ok();
}

}  // namespace ktwin::sim
