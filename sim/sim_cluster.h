// A whole simulated cluster on one virtual clock: store and admission, controllers, scheduler, and a
// virtual node (kubelet + modelled runtime) per scenario node, with fault injection.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/apiserver/admitting_store.h"
#include "core/env/env.h"
#include "core/store/memory_store.h"
#include "sim/cluster_config.h"
#include "sim/event_loop.h"
#include "sim/fast_network.h"
#include "sim/network_model.h"
#include "sim/sim_events.h"
#include "sim/sim_node.h"

namespace ktwin::core {
class ControlPlane;
class Scheduler;
}  // namespace ktwin::core

namespace ktwin::sim {
class SimgridNetwork;

class SimCluster {
 public:
  // The clock starts at `start`; nothing runs until start().
  SimCluster(const ClusterConfig& config, core::Time start);
  ~SimCluster();

  // Starts the control plane, then every node's kubelet (nodes register at this instant).
  void start();

  EventLoop& loop() { return loop_; }
  // The API as clients see it: admission and defaulting in front of the store.
  core::Store& api() { return api_; }
  SimEvents& events() { return events_; }
  const ClusterConfig& config() const { return config_; }

  // Faults. NotFound for an unknown node or pod.
  core::Status halt_node(const std::string& name);    // power off: no heartbeats, containers gone
  core::Status resume_node(const std::string& name);  // power on: the kubelet starts again
  core::Status kill_container(const std::string& ns, const std::string& pod, const std::string& container);
  core::Status stop_kubelet(const std::string& name);   // containers keep running
  core::Status start_kubelet(const std::string& name);  // adopts the running containers
  core::Status partition_node(const std::string& name);  // node and control plane cannot talk
  core::Status heal_node(const std::string& name);
  // A new machine joins: it boots and its kubelet registers the Node. AlreadyExists for a known name.
  core::Status add_node(const NodeSpecEntry& spec);
  // The machine powers off and the Node object is deleted (its pods are left to pod GC).
  core::Status delete_node(const std::string& name);

  // The virtual node, or null.
  SimNode* find_node(const std::string& name);
  // The scheduler (for --explain-scheduling); null before start().
  core::Scheduler* scheduler();

  // The network (sim/network_model.h). The cluster builds a FastNetwork; another model may replace it
  // before start() (REQUIRES: not started). Nodes hold a reference for their life.
  NetworkModel& network() { return *network_; }
  void use_network_model(std::unique_ptr<NetworkModel> model);
  // slowNetwork / restoreNetwork on the fast path: NotFound for an unknown node, Unavailable when
  // another network model is in use (its links come from its platform). Bandwidth in bytes/s.
  core::Status slow_network(const std::string& name, std::optional<core::Duration> latency,
                            std::optional<int64_t> bandwidth);
  core::Status restore_network(const std::string& name);
  // cluster.platform (issue 4): turns a platform link off or on; the nodes whose route to the control
  // plane it cut or restored are partitioned or healed, and returned. NotFound for an unknown link,
  // Invalid without a platform.
  core::Result<std::vector<std::string>> set_link(const std::string& link, bool up);
  // The SimGrid network when cluster.platform is set, else null.
  SimgridNetwork* platform_network() { return platform_network_; }

 private:
  ClusterConfig config_;
  EventLoop loop_;
  SimEvents events_;
  core::MemoryStore store_;
  core::AdmittingStore api_;
  core::Env env_;
  // The network between nodes, control plane and registry; before nodes_, which refer to it.
  std::unique_ptr<NetworkModel> network_;
  FastNetwork* fast_network_ = nullptr;  // network_ when it is the fast path, else null
  std::unique_ptr<core::ControlPlane> control_plane_;  // controllers and scheduler, from start()
  std::map<std::string, std::unique_ptr<SimNode>> nodes_;
  size_t nodes_created_ = 0;  // gives each new machine the next IP address
  AppModels apps_;

  // cluster.platform: the SimGrid model that network_ holds, for its link actions.
  SimgridNetwork* platform_network_ = nullptr;  // network_ when it is SimGrid, else null
  std::vector<std::string> reachability_changes_;  // filled during set_link
};

}  // namespace ktwin::sim
