// generate_fault_actions: exponential up and repair times from per-node random streams.
#include "sim/scenario/fault_generator.h"

#include <algorithm>
#include <cmath>

#include "core/env/rng.h"

namespace ktwin::sim {
namespace {

// -mean * ln(1 - u), u uniform in [0, 1) from 53 random bits (so 1 - u > 0 and the log is finite).
Duration exponential(core::Rng& rng, Duration mean) {
  double u = static_cast<double>(rng.next_u64() >> 11) * 0x1.0p-53;
  double seconds = -core::to_seconds(mean) * std::log(1.0 - u);
  return std::chrono::milliseconds(std::llround(seconds * 1e3));
}

Action make_action(Action::Type type, const std::string& node, Duration at, const FaultGroup& group) {
  Action a;
  a.type = type;
  a.at = at;
  a.where = group.where;
  a.origin = "faults";
  if (type == Action::Type::kPartition || type == Action::Type::kHeal) a.nodes = {node};
  else a.name = node;
  return a;
}

}  // namespace

std::vector<std::string> fault_group_nodes(const Scenario& scenario, const FaultGroup& group) {
  std::vector<std::string> out;
  auto selector = group.selector.empty() ? std::nullopt : core::LabelSelector::parse(group.selector);
  for (const NodeSpecEntry& n : scenario.nodes) {
    if (!group.namePrefix.empty() && n.name.rfind(group.namePrefix, 0) != 0) continue;
    if (selector) {
      core::Labels labels = n.labels;
      labels["kubernetes.io/hostname"] = n.name;  // as the kubelet labels its Node
      if (!selector->matches(labels)) continue;
    }
    out.push_back(n.name);
  }
  return out;
}

std::vector<Action> generate_fault_actions(const Scenario& scenario) {
  std::vector<Action> out;
  for (size_t g = 0; g < scenario.faults.size(); ++g) {
    const FaultGroup& group = scenario.faults[g];
    Duration until = std::min(group.until.value_or(scenario.duration), scenario.duration);
    for (const std::string& node : fault_group_nodes(scenario, group)) {
      core::Rng rng(scenario.seed, "faults/" + std::to_string(g) + "/" + node);
      Duration t = group.from;
      while (true) {
        Duration fail = t + exponential(rng, group.mtbf);
        if (fail >= until) break;
        out.push_back(make_action(group.fail, node, fail, group));
        Duration repair = fail + exponential(rng, group.mttr);
        if (repair >= scenario.duration) break;  // still down at the end
        out.push_back(make_action(group.repair, node, repair, group));
        t = repair;
      }
    }
  }
  return out;
}

void expand_faults(Scenario& scenario) {
  for (Action& a : generate_fault_actions(scenario)) scenario.timeline.push_back(std::move(a));
  std::stable_sort(scenario.timeline.begin(), scenario.timeline.end(),
                   [](const Action& a, const Action& b) { return a.at < b.at; });
}

}  // namespace ktwin::sim
