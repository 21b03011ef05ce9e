// Timeline actions on nodes (faults and operations): each names nodes that must exist by the end of
// the cluster section or an addNode, and addNode describes a node as cluster.nodes does.
#include "sim/scenario/scenario_parts.h"

namespace ktwin::sim {
namespace {

// Actions whose value is one node name.
const std::map<std::string, Action::Type> kSingleNodeActions = {
    {"stopKubelet", Action::Type::kStopKubelet},   {"startKubelet", Action::Type::kStartKubelet},
    {"cordonNode", Action::Type::kCordonNode},     {"uncordonNode", Action::Type::kUncordonNode},
    {"drainNode", Action::Type::kDrainNode},       {"deleteNode", Action::Type::kDeleteNode}};

void read_node_list(const std::string& action, const Fields& entry, LoadContext& ctx, Action& a) {
  YamlReader& r = ctx.reader;
  auto f = r.map(entry.get(action), action, {"nodes"});
  if (!f || !r.require(*f, "nodes", action)) return;
  auto nodes = r.scalars(*f, "nodes", true);
  if (!nodes) return;
  if (nodes->empty()) r.error(r.value_mark(*f, "nodes"), action + " needs at least one node");
  for (const auto& [node, mark] : *nodes) {
    a.nodes.push_back(node);
    ctx.node_refs.push_back({node, r.where(mark)});
  }
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

}  // namespace

const std::vector<std::string>& node_action_keys() {
  static const std::vector<std::string> keys = {"stopKubelet", "startKubelet", "partition",  "heal",
                                                "cordonNode",  "uncordonNode", "drainNode", "addNode",
                                                "deleteNode",  "linkDown",     "linkUp"};
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
  if (action == "addNode") {
    a.type = Action::Type::kAddNode;
    read_add_node(entry, ctx, a);
    return true;
  }
  return read_link_action(action, entry, ctx, a);
}

}  // namespace ktwin::sim
