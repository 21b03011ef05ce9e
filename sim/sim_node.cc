// SimNode: a power cycle is a new runtime and a new kubelet incarnation over the same disk; a kubelet
// restart or a healed partition is a new kubelet incarnation over the same runtime.
#include "sim/sim_node.h"

namespace ktwin::sim {

SimNode::SimNode(const core::Env& env, core::KubeletConfig config, core::NodeRegistration registration,
                 AppModels apps, NetworkModel& network)
    : env_(env),
      network_(network),
      latency_(env.store, env.executor, network, registration.name,
               std::min<core::Duration>(config.nodeStatusUpdateFrequency,
                                        std::chrono::seconds(config.nodeLeaseDurationSeconds))),
      link_(latency_),
      latency_events_(env.events, env.executor, network, registration.name),
      link_events_(latency_events_, link_),
      node_env_{env.executor, link_, link_events_, env.seed},
      config_(std::move(config)),
      registration_(std::move(registration)),
      apps_(std::move(apps)) {}

SimNode::~SimNode() {
  if (kubelet_) kubelet_->stop();
}

void SimNode::start_kubelet_process() {
  if (kubelet_) kubelet_->stop();
  kubelet_ = std::make_unique<core::Kubelet>(node_env_, *runtime_, config_, registration_, disk_);
  kubelet_->start();
}

void SimNode::power_on() {
  // One runtime for the machine's life: power_off() dropped its containers and pending work, and its
  // container ids keep counting across boots, as containerd's do.
  if (!runtime_)
    runtime_ = std::make_unique<ModelledRuntime>(env_.executor, env_.store, apps_, registration_.name, &network_);
  powered_ = true;
  start_kubelet_process();
}

void SimNode::power_off() {
  if (!powered_) return;
  powered_ = false;
  if (kubelet_) kubelet_->stop();
  runtime_->power_off();
  kubelet_.reset();
}

core::Status SimNode::stop_kubelet() {
  if (!powered_) return core::Status::unavailable("node " + name() + " is powered off");
  kubelet_.reset();  // its destructor stops it: timers, watches and runtime callbacks are dropped
  return core::Status::ok();
}

core::Status SimNode::start_kubelet() {
  if (!powered_) return core::Status::unavailable("node " + name() + " is powered off");
  if (!kubelet_running()) start_kubelet_process();
  return core::Status::ok();
}

void SimNode::partition() { link_.partition(); }

void SimNode::heal() {
  if (!link_.partitioned()) return;
  link_.heal();
  if (kubelet_running()) start_kubelet_process();
}

}  // namespace ktwin::sim
