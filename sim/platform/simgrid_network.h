// The network as a SimGrid platform (issue 4): image pulls and messages are SimGrid transfers sharing
// the links they cross, a link turned off partitions the nodes behind it. SimGrid's engine advances
// in lockstep with ktwin's EventLoop (the master clock) through EventLoop::CoSimulation.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/util/status.h"
#include "sim/event_loop.h"
#include "sim/network_model.h"
#include "sim/scenario/platform_spec.h"

namespace simgrid::s4u {
class Host;
class Link;
}  // namespace simgrid::s4u

namespace ktwin::sim {

class SimgridNetwork : public NetworkModel, public CoSimulation {
 public:
  // Called when a node's route to the control plane loses (false) or regains (true) all its links.
  using Reachability = std::function<void(const std::string& node, bool reachable)>;

  // Loads `spec` into this process's SimGrid engine and attaches to `loop`. SimGrid holds one
  // platform per process: a later network with the same platform reuses it (its clock continues);
  // a different platform, a second live network, or another thread is Unavailable. Every name in
  // `nodes` needs a host (Invalid otherwise), as do "control-plane" and "registry".
  static core::Result<std::unique_ptr<SimgridNetwork>> create(EventLoop& loop, const PlatformSpec& spec,
                                                               const std::vector<std::string>& nodes,
                                                               Reachability on_reachability = nullptr);
  // What create() would say, without attaching to a loop: loads the platform if this process has not,
  // and checks the hosts. For run_scenario to refuse a run before anything starts.
  static core::Status check(const PlatformSpec& spec, const std::vector<std::string>& nodes);
  // The node names a spec's hosts stand for (all but "control-plane" and "registry").
  static std::vector<std::string> node_hosts(const PlatformSpec& spec);
  // Cancels the transfers under way, turns every link back on, detaches from the loop.
  ~SimgridNetwork() override;

  // registry -> node. A pull whose route is cut waits and resumes its remaining bytes when it heals
  // (as containerd resumes a layer's download). REQUIRES: node has a host.
  void pull_image(const std::string& node, int64_t bytes, std::function<void()> done) override;
  // The route's latency from the node to the control plane plus kApiMessageBytes over its slowest link:
  // a static figure per node, not a SimGrid transfer (see docs/performance.md for why).
  core::Duration api_latency(const std::string& node) const override;
  // node -> control plane as a SimGrid transfer: the per-message granularity, for the benchmark.
  void send_message(const std::string& node, int64_t bytes, std::function<void()> done);

  // Turns a link off (down) or on. NotFound for a name the platform does not declare.
  core::Status set_link(const std::string& link, bool up);
  // True while every link between the node and the control plane is on.
  bool reachable(const std::string& node) const;
  // Transfers under way or waiting for a cut route.
  size_t transfers() const { return transfers_.size(); }

  Time advance(Time until) override;
  bool busy() const override;

  static constexpr int64_t kApiMessageBytes = 1024;  // a heartbeat or watch event, roughly

 private:
  struct Transfer;
  SimgridNetwork(EventLoop& loop, double base);
  simgrid::s4u::Host* host(const std::string& name) const;  // KT_CHECKs that it exists
  bool route_up(const simgrid::s4u::Host* from, const simgrid::s4u::Host* to) const;
  void start_transfer(simgrid::s4u::Host* from, simgrid::s4u::Host* to, double bytes, std::function<void()> done);
  void launch(Transfer& t);
  void catch_up_idle();  // brings SimGrid's clock to the loop's; REQUIRES: nothing under way
  double to_simgrid(Time t) const;
  Time from_simgrid(double t) const;

  EventLoop& loop_;
  Time start_;   // the loop's instant when this network was made ...
  double base_;  // ... and SimGrid's clock then
  Reachability on_reachability_;
  std::map<uint64_t, std::unique_ptr<Transfer>> transfers_;  // by id: completions run in start order
  uint64_t next_id_ = 1;
  std::map<std::string, bool> reachable_;  // last reported, per node host
};

}  // namespace ktwin::sim
