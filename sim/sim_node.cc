// SimNode: a power cycle is a new runtime and a new kubelet incarnation over the same disk.
#include "sim/sim_node.h"

namespace ktwin::sim {

SimNode::SimNode(const core::Env& env, core::KubeletConfig config, core::NodeRegistration registration,
                 AppModels apps)
    : env_(env), config_(std::move(config)), registration_(std::move(registration)), apps_(std::move(apps)) {}

SimNode::~SimNode() {
  if (kubelet_) kubelet_->stop();
}

void SimNode::power_on() {
  // One runtime for the machine's life: power_off() dropped its containers and pending work, and its
  // container ids keep counting across boots, as containerd's do.
  if (!runtime_) runtime_ = std::make_unique<ModelledRuntime>(env_.executor, env_.store, apps_, registration_.name);
  kubelet_ = std::make_unique<core::Kubelet>(env_, *runtime_, config_, registration_, disk_);
  kubelet_->start();
}

void SimNode::power_off() {
  if (!kubelet_) return;
  kubelet_->stop();
  runtime_->power_off();
  kubelet_.reset();
}

}  // namespace ktwin::sim
