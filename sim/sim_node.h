// A virtual node: the real kubelet over the modelled runtime, with its disk, power switched by faults,
// a kubelet process that can be stopped alone, and a link to the control plane that can be cut.
#pragma once

#include <memory>

#include "core/env/env.h"
#include "core/kubelet/kubelet.h"
#include "sim/delayed_store.h"
#include "sim/network_model.h"
#include "sim/partitioned_store.h"
#include "sim/runtime/modelled_runtime.h"

namespace ktwin::sim {

class SimNode {
 public:
  // `network` (owned by the cluster, outliving this node) times the node's API traffic and image pulls.
  SimNode(const core::Env& env, core::KubeletConfig config, core::NodeRegistration registration, AppModels apps,
          NetworkModel& network);
  ~SimNode();

  const std::string& name() const { return registration_.name; }
  bool powered() const { return powered_; }
  bool kubelet_running() const { return kubelet_ && kubelet_->running(); }
  bool partitioned() const { return link_.partitioned(); }
  ModelledRuntime& runtime() { return *runtime_; }

  // Boots the machine: a fresh kubelet process over the same disk; no container survived the power
  // loss. The kubelet service starts at boot even if it had been stopped before.
  void power_on();
  // Cuts power: the kubelet writes nothing more; containers vanish without exit events.
  void power_off();

  // The kubelet process dies (systemctl stop kubelet): no heartbeats, no status writes; containers
  // keep running. Unavailable when the node is powered off.
  core::Status stop_kubelet();
  // A new kubelet process adopts the running containers and resumes heartbeats. Unavailable when
  // the node is powered off; a no-op when it runs.
  core::Status start_kubelet();

  // The node and the control plane stop hearing each other; both keep running.
  void partition();
  // The link is back. The kubelet's watches missed everything meanwhile, so its process logic starts
  // over (as after a restart): it relists its pods, adopts the running containers, and kills those
  // of pods deleted meanwhile.
  void heal();

 private:
  void start_kubelet_process();

  core::Env env_;       // the control plane's side: the runtime watches Endpoints through it
  NetworkModel& network_;
  DelayedStore latency_;  // the link's latency (slowNetwork), under the partition switch
  PartitionedStore link_;
  DelayedEvents latency_events_;
  PartitionedEvents link_events_;
  core::Env node_env_;  // the kubelet's side of the link
  core::KubeletConfig config_;
  core::NodeRegistration registration_;
  AppModels apps_;
  core::KubeletDisk disk_;
  std::unique_ptr<ModelledRuntime> runtime_;
  std::unique_ptr<core::Kubelet> kubelet_;
  bool powered_ = false;
};

}  // namespace ktwin::sim
