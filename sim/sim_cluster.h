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
#include "sim/sim_events.h"
#include "sim/sim_node.h"

namespace ktwin::core {
class ReplicaSetController;
class DeploymentController;
class NodeLifecycleController;
class NodeIpamController;
class EndpointsController;
class PodGCController;
class GarbageCollector;
class Scheduler;
class DisruptionController;  // PodDisruptionBudget status
}  // namespace ktwin::core

namespace ktwin::sim {

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

 private:
  ClusterConfig config_;
  EventLoop loop_;
  SimEvents events_;
  core::MemoryStore store_;
  core::AdmittingStore api_;
  core::Env env_;
  std::unique_ptr<core::ReplicaSetController> replica_sets_;
  std::unique_ptr<core::DeploymentController> deployments_;
  std::unique_ptr<core::NodeLifecycleController> node_lifecycle_;
  std::unique_ptr<core::NodeIpamController> node_ipam_;
  std::unique_ptr<core::EndpointsController> endpoints_;
  std::unique_ptr<core::PodGCController> pod_gc_;
  std::unique_ptr<core::GarbageCollector> garbage_collector_;
  std::unique_ptr<core::Scheduler> scheduler_;
  std::unique_ptr<core::DisruptionController> disruption_;
  std::map<std::string, std::unique_ptr<SimNode>> nodes_;
  size_t nodes_created_ = 0;  // gives each new machine the next IP address
  AppModels apps_;
};

}  // namespace ktwin::sim
