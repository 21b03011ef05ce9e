// A virtual node: the real kubelet over the modelled runtime, with its disk, and power switched by faults.
#pragma once

#include <memory>

#include "core/env/env.h"
#include "core/kubelet/kubelet.h"
#include "sim/runtime/modelled_runtime.h"

namespace ktwin::sim {

class SimNode {
 public:
  SimNode(const core::Env& env, core::KubeletConfig config, core::NodeRegistration registration, AppModels apps);
  ~SimNode();

  const std::string& name() const { return registration_.name; }
  bool powered() const { return kubelet_ != nullptr; }
  ModelledRuntime& runtime() { return *runtime_; }

  // Boots the machine: a fresh kubelet process over the same disk; no container survived the power loss.
  void power_on();
  // Cuts power: the kubelet writes nothing more; containers vanish without exit events.
  void power_off();

 private:
  core::Env env_;
  core::KubeletConfig config_;
  core::NodeRegistration registration_;
  AppModels apps_;
  core::KubeletDisk disk_;
  std::unique_ptr<ModelledRuntime> runtime_;
  std::unique_ptr<core::Kubelet> kubelet_;
};

}  // namespace ktwin::sim
