// ControlPlane: the controllers in kube-controller-manager's start order, then the scheduler.
#include "core/controlplane/control_plane.h"

#include "core/controller/deployment_controller.h"
#include "core/controller/disruption_controller.h"
#include "core/controller/endpoints_controller.h"
#include "core/controller/garbage_collector.h"
#include "core/controller/node_ipam_controller.h"
#include "core/controller/node_lifecycle_controller.h"
#include "core/controller/pod_gc_controller.h"
#include "core/controller/replica_set_controller.h"

namespace ktwin::core {

ControlPlane::ControlPlane(const Env& env, const ControlPlaneConfig& config, SchedulerOptions scheduler_options,
                           const std::vector<ProfileConfig>& profiles)
    : node_ipam_(std::make_unique<NodeIpamController>(env, config)),
      node_lifecycle_(std::make_unique<NodeLifecycleController>(env, config)),
      replica_sets_(std::make_unique<ReplicaSetController>(env)),
      deployments_(std::make_unique<DeploymentController>(env)),
      endpoints_(std::make_unique<EndpointsController>(env)),
      pod_gc_(std::make_unique<PodGCController>(env, config)),
      garbage_collector_(std::make_unique<GarbageCollector>(env)),
      disruption_(std::make_unique<DisruptionController>(env)) {
  if (profiles.empty()) {
    scheduler_ = std::make_unique<Scheduler>(env, scheduler_options);
  } else {
    auto built = build_profiles(profiles, &env.store);
    KT_CHECK(built.is_ok(), built.status().to_string());
    scheduler_ = std::make_unique<Scheduler>(env, scheduler_options, std::move(built).value());
  }
}

ControlPlane::~ControlPlane() = default;

void ControlPlane::start() {
  node_ipam_->start();
  node_lifecycle_->start();
  replica_sets_->start();
  deployments_->start();
  endpoints_->start();
  pod_gc_->start();
  garbage_collector_->start();
  disruption_->start();
  scheduler_->start();
}

}  // namespace ktwin::core
