// kube-controller-manager and kube-scheduler on one Env: every controller ktwin models plus the
// scheduler, wired the same way in the simulator (sim/sim_cluster.cc) and in real mode (ktwin server).
#pragma once

#include <memory>
#include <vector>

#include "core/controller/config.h"
#include "core/env/env.h"
#include "core/scheduler/scheduler.h"
#include "core/scheduler/scheduler_config.h"

namespace ktwin::core {
class ReplicaSetController;
class DeploymentController;
class NodeLifecycleController;
class NodeIpamController;
class EndpointsController;
class PodGCController;
class GarbageCollector;
class DisruptionController;

class ControlPlane {
 public:
  // `profiles` empty: the version's default profile. REQUIRES: the profiles were validated
  // (build_profiles accepted them). `env` must outlive this object.
  ControlPlane(const Env& env, const ControlPlaneConfig& config, SchedulerOptions scheduler_options,
               const std::vector<ProfileConfig>& profiles = {});
  ~ControlPlane();
  ControlPlane(const ControlPlane&) = delete;
  ControlPlane& operator=(const ControlPlane&) = delete;

  // Starts every controller, then the scheduler (each watches the store from now on).
  void start();
  Scheduler& scheduler() { return *scheduler_; }

 private:
  std::unique_ptr<NodeIpamController> node_ipam_;
  std::unique_ptr<NodeLifecycleController> node_lifecycle_;
  std::unique_ptr<ReplicaSetController> replica_sets_;
  std::unique_ptr<DeploymentController> deployments_;
  std::unique_ptr<EndpointsController> endpoints_;
  std::unique_ptr<PodGCController> pod_gc_;
  std::unique_ptr<GarbageCollector> garbage_collector_;
  std::unique_ptr<DisruptionController> disruption_;
  std::unique_ptr<Scheduler> scheduler_;
};

}  // namespace ktwin::core
