// The kubelet's two heartbeats: registering the Node and posting its status (on change or every report
// period), and renewing its Lease in kube-node-lease (k/k pkg/kubelet/kubelet_node_status.go,
// pkg/kubelet/nodelease/controller.go).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "core/api/node.h"
#include "core/env/env.h"
#include "core/kubelet/kubelet_config.h"
#include "core/kubelet/node_runtime.h"

namespace ktwin::core {

class NodeHeartbeat {
 public:
  // `rng` draws each start's loop phases. The references must outlive this object.
  NodeHeartbeat(const Env& env, NodeRuntime& runtime, const KubeletConfig& config, const NodeRegistration& reg,
                Rng rng);
  ~NodeHeartbeat();

  // Registers the Node (creates it, or refreshes the status of an existing one), renews the Lease,
  // then runs both loops. `registered` runs once the Node is in the store.
  void start(std::function<void()> registered);
  // Cancels both loops; late runtime callbacks are ignored.
  void stop();

  void TEST_sync_node_status() { sync_node_status(); }

 private:
  void register_node(const std::function<void()>& registered);
  void renew_lease();
  void remember_lease(const ObjectPtr& written, uint64_t previous_version);
  void sync_node_status();
  void post_status();
  enum class Loop : uint8_t { kLease, kStatus };
  // Runs the loop's tick after `delay`, then every period. The task holds only this and the loop, so
  // std::function keeps it without an allocation; stop() cancels it, so it never outlives a start.
  void arm(Loop loop, Duration delay);
  void tick(Loop loop);
  template <class F>
  auto guarded(F f);

  Env env_;
  NodeRuntime& runtime_;
  const KubeletConfig& config_;
  const NodeRegistration& reg_;
  Rng rng_;
  std::vector<ImageInfo> images_;
  // The stored Node last found current (node_status_current) with images_: objects are immutable, so
  // while the store holds the same object and the images stay, the next tick needs no check.
  std::shared_ptr<const Node> checked_current_;
  std::shared_ptr<const Lease> latest_lease_;  // as the last renewal wrote it; null: read it from the store
  Time last_report_{};
  TimerId lease_timer_ = 0, status_timer_ = 0;
  Duration lease_period_{}, status_period_{};
  uint64_t epoch_ = 0;
  bool running_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ktwin::core
