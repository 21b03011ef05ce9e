// FastNetwork: per-node latency, and processor sharing of a node's bandwidth among its pulls.
#include "sim/fast_network.h"

#include <algorithm>
#include <cmath>

namespace ktwin::sim {
namespace {

// A flow whose remaining bytes fall below this has arrived (rounding of nanosecond timers).
constexpr double kByteTolerance = 1e-3;

}  // namespace

FastNetwork::~FastNetwork() {
  for (auto& [node, link] : links_) executor_.cancel(link.timer);
}

void FastNetwork::set_link(const std::string& node, std::optional<core::Duration> latency,
                           std::optional<int64_t> bandwidth) {
  Link& link = links_[node];
  advance(link);  // bytes moved so far were moved at the old rate
  if (latency) link.latency = *latency;
  if (bandwidth) link.bandwidth = *bandwidth;
  reschedule(node);
}

void FastNetwork::restore_link(const std::string& node) { set_link(node, core::Duration{}, 0); }

core::Duration FastNetwork::api_latency(const std::string& node) const {
  auto it = links_.find(node);
  return it == links_.end() ? core::Duration{} : it->second.latency;
}

size_t FastNetwork::TEST_active_pulls(const std::string& node) const {
  auto it = links_.find(node);
  return it == links_.end() ? 0 : it->second.flows.size();
}

void FastNetwork::pull_image(const std::string& node, int64_t bytes, std::function<void()> done) {
  auto it = links_.find(node);
  bool unconstrained = it == links_.end() || (it->second.latency == core::Duration{} && it->second.bandwidth == 0);
  if (bytes <= 0 || unconstrained) {
    done();
    return;
  }
  executor_.post_after(it->second.latency, [this, node, bytes, done = std::move(done)]() mutable {
    start_flow(node, bytes, std::move(done));
  });
}

void FastNetwork::start_flow(const std::string& node, int64_t bytes, std::function<void()> done) {
  Link& link = links_[node];
  advance(link);
  link.flows.push_back(Flow{next_flow_++, static_cast<double>(bytes), std::move(done)});
  reschedule(node);
}

void FastNetwork::advance(Link& link) {
  core::Time now = executor_.now();
  if (!link.flows.empty() && link.bandwidth > 0) {
    double share = static_cast<double>(link.bandwidth) * core::to_seconds(now - link.last_update) /
                   static_cast<double>(link.flows.size());
    for (Flow& f : link.flows) f.remaining -= share;
  }
  link.last_update = now;
}

void FastNetwork::reschedule(const std::string& node) {
  Link& link = links_[node];
  executor_.cancel(link.timer);
  link.timer = 0;
  if (link.flows.empty()) return;
  core::Duration delay{};
  if (link.bandwidth > 0) {
    double least = link.flows.front().remaining;
    for (const Flow& f : link.flows) least = std::min(least, f.remaining);
    double seconds = std::max(0.0, least) * static_cast<double>(link.flows.size()) / static_cast<double>(link.bandwidth);
    delay = core::Duration(static_cast<int64_t>(std::ceil(seconds * 1e9)));
  }
  link.timer = executor_.post_after(delay, [this, node] {
    Link& link = links_[node];
    link.timer = 0;
    advance(link);
    std::vector<std::function<void()>> arrived;
    auto finished = [&](const Flow& f) { return link.bandwidth == 0 || f.remaining <= kByteTolerance; };
    for (const Flow& f : link.flows)
      if (finished(f)) arrived.push_back(f.done);
    link.flows.erase(std::remove_if(link.flows.begin(), link.flows.end(), finished), link.flows.end());
    reschedule(node);
    for (auto& done : arrived) done();  // in the order the pulls started
  });
}

}  // namespace ktwin::sim
