// The network between the nodes, the control plane and the image registry as the simulator sees it:
// the fast path (per-node latency and bandwidth, set by slowNetwork) or a SimGrid platform's links.
// SimCluster owns one; each SimNode asks it how long its API traffic and image pulls take.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/util/time.h"

namespace ktwin::sim {

class NetworkModel {
 public:
  virtual ~NetworkModel() = default;

  // Starts moving `bytes` of an image from the registry to `node`. `done` runs on the simulation's
  // executor when the last byte has arrived (at once for 0 bytes or an unconstrained network).
  // Concurrent pulls share the links they cross, as the model says.
  virtual void pull_image(const std::string& node, int64_t bytes, std::function<void()> done) = 0;

  // One-way delay between `node` and the control plane for a small message (a heartbeat, an API
  // request, a watch event) sent now. Zero on an unconstrained network.
  virtual core::Duration api_latency(const std::string& node) const = 0;
};

}  // namespace ktwin::sim
