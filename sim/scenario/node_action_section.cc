// Timeline actions on nodes (faults and operations): each names nodes that must exist by the end of
// the cluster section or an addNode, and addNode describes a node as cluster.nodes does.
#include <algorithm>

#include "core/util/quantity.h"
#include "sim/scenario/scenario_parts.h"

namespace ktwin::sim {
namespace {

// Actions whose value is one node name.
const std::map<std::string, Action::Type> kSingleNodeActions = {
    {"stopKubelet", Action::Type::kStopKubelet},   {"startKubelet", Action::Type::kStartKubelet},
    {"cordonNode", Action::Type::kCordonNode},     {"uncordonNode", Action::Type::kUncordonNode},
    {"drainNode", Action::Type::kDrainNode},       {"deleteNode", Action::Type::kDeleteNode}};

// {nodes: [...]} and, for slowNetwork, the `more` keys, returned for the caller to read.
std::optional<Fields> read_node_list(const std::string& action, const Fields& entry, LoadContext& ctx, Action& a,
                                     std::vector<std::string> more = {}) {
  YamlReader& r = ctx.reader;
  more.push_back("nodes");
  auto f = r.map(entry.get(action), action, more);
  if (!f || !r.require(*f, "nodes", action)) return f;
  auto nodes = r.scalars(*f, "nodes", true);
  if (!nodes) return f;
  if (nodes->empty()) r.error(r.value_mark(*f, "nodes"), action + " needs at least one node");
  for (const auto& [node, mark] : *nodes) {
    a.nodes.push_back(node);
    ctx.node_refs.push_back({node, r.where(mark)});
  }
  return f;
}

void read_add_node(const Fields& entry, LoadContext& ctx, Action& a) {
  YamlReader& r = ctx.reader;
  const YAML::Node& value = entry.get("addNode");
  // A group would need one action per node it expands to; one name keeps the action's message clear.
  if (value.IsMap() && (value["namePrefix"] || value["count"])) {
    r.error(value, "addNode adds one node: write name, not namePrefix and count");
    return;
  }
  std::map<std::string, int> first_line;  // duplicates against other nodes are checked by the loader
  std::vector<NodeSpecEntry> nodes = read_node_spec(value, ctx, first_line);
  if (nodes.size() != 1) return;
  a.node = nodes[0];
  a.name = a.node.name;
  ctx.added_nodes.push_back({a.name, a.node.where});
}

// slowNetwork: {nodes, latency, bandwidth}; at least one of latency and bandwidth.
void read_slow_network(const Fields& entry, LoadContext& ctx, Action& a) {
  YamlReader& r = ctx.reader;
  auto f = read_node_list("slowNetwork", entry, ctx, a, {"latency", "bandwidth"});
  if (!f) return;
  if (!f->has("latency") && !f->has("bandwidth")) {
    r.error(f->mark, "slowNetwork needs latency, bandwidth or both");
    return;
  }
  if (f->has("latency")) a.latency = r.duration(*f, "latency");
  if (f->has("bandwidth"))
    if (auto text = r.quantity(*f, "bandwidth")) {
      int64_t bytes = core::Quantity::parse(*text)->value();
      if (bytes <= 0) r.error(r.value_mark(*f, "bandwidth"), "bandwidth must be positive (bytes per second, e.g. 10Mi)");
      else a.bandwidth = bytes;
    }
}

// flapNode: {node, period, count, down}; down defaults to period/2 and must be shorter than period.
void read_flap_node(const Fields& entry, LoadContext& ctx, Action& a) {
  YamlReader& r = ctx.reader;
  auto f = r.map(entry.get("flapNode"), "flapNode", {"node", "period", "count", "down"});
  if (!f) return;
  bool complete = r.require(*f, "node", "flapNode") & r.require(*f, "period", "flapNode") &
                  r.require(*f, "count", "flapNode");
  if (!complete) return;
  if (auto node = r.scalar(*f, "node")) {
    a.name = *node;
    ctx.node_refs.push_back({*node, r.where(r.value_mark(*f, "node"))});
  }
  auto period = r.duration(*f, "period");
  auto count = r.integer(*f, "count", 1);
  if (!period || !count) return;
  if (*period <= Duration{}) {
    r.error(r.value_mark(*f, "period"), "flapNode period must be positive");
    return;
  }
  a.period = *period;
  a.count = static_cast<int32_t>(std::min<int64_t>(*count, 100000));
  a.down = *period / 2;
  if (f->has("down")) {
    auto down = r.duration(*f, "down");
    if (!down) return;
    if (*down <= Duration{} || *down >= *period) {
      r.error(r.value_mark(*f, "down"), "flapNode down must be positive and shorter than period");
      return;
    }
    a.down = *down;
  }
  // The last power-on counts as a timed thing: the default duration runs a minute past it.
  ctx.at_refs.push_back({a.at + (a.count - 1) * a.period + a.down, r.where(f->mark)});
}

}  // namespace

const std::vector<std::string>& node_action_keys() {
  static const std::vector<std::string> keys = {"stopKubelet", "startKubelet", "partition",  "heal",
                                                "cordonNode",  "uncordonNode", "drainNode", "addNode",
                                                "deleteNode",
                                                // network faults and a flapping node
                                                "slowNetwork", "restoreNetwork", "flapNode",
                                                // links of cluster.platform
                                                "linkDown", "linkUp"};
  return keys;
}

bool read_node_action(const std::string& action, const Fields& entry, LoadContext& ctx, Action& a) {
  YamlReader& r = ctx.reader;
  if (auto it = kSingleNodeActions.find(action); it != kSingleNodeActions.end()) {
    a.type = it->second;
    if (auto node = r.scalar(entry, action)) {
      a.name = *node;
      ctx.node_refs.push_back({*node, r.where(r.value_mark(entry, action))});
    }
    return true;
  }
  if (action == "partition" || action == "heal") {
    a.type = action == "partition" ? Action::Type::kPartition : Action::Type::kHeal;
    read_node_list(action, entry, ctx, a);
    return true;
  }
  if (action == "slowNetwork") {
    a.type = Action::Type::kSlowNetwork;
    read_slow_network(entry, ctx, a);
    return true;
  }
  if (action == "restoreNetwork") {
    a.type = Action::Type::kRestoreNetwork;
    read_node_list(action, entry, ctx, a);
    return true;
  }
  if (action == "flapNode") {
    a.type = Action::Type::kFlapNode;
    read_flap_node(entry, ctx, a);
    return true;
  }
  if (action == "addNode") {
    a.type = Action::Type::kAddNode;
    read_add_node(entry, ctx, a);
    return true;
  }
  return read_link_action(action, entry, ctx, a);
}

}  // namespace ktwin::sim
