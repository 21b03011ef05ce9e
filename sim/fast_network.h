// The fast-path NetworkModel: each node has one link to the control plane and the registry with a
// latency and a bandwidth that slowNetwork sets; no topology, no contention between nodes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/env/executor.h"
#include "sim/network_model.h"

namespace ktwin::sim {

class FastNetwork : public NetworkModel {
 public:
  // Bandwidth 0 means unlimited. Callbacks run on `executor`, which must outlive this object.
  explicit FastNetwork(core::Executor& executor) : executor_(executor) {}
  ~FastNetwork() override;

  // slowNetwork: sets what is given, keeps the rest. Pulls in flight continue at the new rate.
  void set_link(const std::string& node, std::optional<core::Duration> latency, std::optional<int64_t> bandwidth);
  // restoreNetwork: back to no latency and unlimited bandwidth.
  void restore_link(const std::string& node);

  // A pull takes the link's latency (the first byte) and then its bytes at the link's bandwidth,
  // shared fairly among the node's pulls in flight (processor sharing). With no latency and unlimited
  // bandwidth, or 0 bytes, `done` runs synchronously inside this call, so an unconstrained network
  // adds no task and changes no timing.
  void pull_image(const std::string& node, int64_t bytes, std::function<void()> done) override;
  core::Duration api_latency(const std::string& node) const override;

  // Pulls in flight on `node` (after their latency), for tests.
  size_t TEST_active_pulls(const std::string& node) const;

 private:
  struct Flow {
    uint64_t id;
    double remaining;  // bytes
    std::function<void()> done;
  };
  struct Link {
    core::Duration latency{};
    int64_t bandwidth = 0;  // bytes per second; 0 = unlimited
    std::vector<Flow> flows;
    core::Time last_update{};
    core::TimerId timer = 0;
  };
  void start_flow(const std::string& node, int64_t bytes, std::function<void()> done);
  void advance(Link& link);          // charges the time since last_update to every flow
  void reschedule(const std::string& node);  // arms the timer for the next flow to finish

  core::Executor& executor_;
  std::map<std::string, Link> links_;
  uint64_t next_flow_ = 0;
};

}  // namespace ktwin::sim
