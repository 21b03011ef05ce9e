// The haltNodes and resumeNodes timeline actions (node storms), checked here and expanded once the seed
// is final by sim/scenario/node_storm.cc.
#include <algorithm>

#include "sim/scenario/fault_generator.h"
#include "sim/scenario/scenario_parts.h"

namespace ktwin::sim {

bool read_node_storm(const std::string& action, const Fields& entry, LoadContext& ctx, Scenario& scenario, Duration at,
                     const SourceLocation& where) {
  if (action != "haltNodes" && action != "resumeNodes") return false;
  YamlReader& r = ctx.reader;
  NodeStorm s;
  s.halt = action == "haltNodes";
  s.at = at;
  s.file = where.file, s.line = where.line, s.column = where.column;
  std::vector<std::string> keys = {"group", "fraction", "count", "over"};
  if (s.halt) keys.insert(keys.end(), {"namePrefix", "selector"});
  auto f = r.map(entry.get(action), action, keys, {"selector"});
  if (!f) return true;
  if (f->has("fraction") == f->has("count")) {
    r.error(f->mark, action + " needs either fraction (of the " + (s.halt ? "selected nodes" : "group's halted nodes") +
                         ") or count");
    return true;
  }
  if (!s.halt && !r.require(*f, "group", action)) return true;
  if (f->has("group")) {
    auto g = r.scalar(*f, "group");
    if (!g || g->empty()) return true;
    s.group = *g;
  }
  if (f->has("namePrefix") && f->has("selector")) {
    r.error(f->mark, "haltNodes takes namePrefix or selector, not both");
    return true;
  }
  if (f->has("namePrefix"))
    if (auto p = r.scalar(*f, "namePrefix")) s.namePrefix = *p;
  if (f->has("selector")) {
    auto sel = r.scalar(*f, "selector");
    if (!sel) return true;
    if (!core::LabelSelector::parse(*sel)) {
      r.error(r.value_mark(*f, "selector"), "bad label selector \"" + *sel + "\": use a form such as zone=a");
      return true;
    }
    s.selector = *sel;
  }
  if (f->has("fraction")) {
    auto text = r.scalar(*f, "fraction");
    if (!text) return true;
    auto problem = check_float(*text);
    if (!problem && !(std::stod(*text) > 0 && std::stod(*text) <= 1)) problem = "fraction must be in (0, 1]";
    if (problem) {
      r.error(r.value_mark(*f, "fraction"), *problem);
      return true;
    }
    s.fraction = std::stod(*text);
  }
  if (f->has("count")) {
    auto n = r.integer(*f, "count", 1);
    if (!n) return true;
    s.count = *n;
  }
  if (f->has("over")) {
    auto over = r.duration(*f, "over");
    if (!over) return true;
    s.over = *over;
    ctx.at_refs.push_back({at + *over, r.where(r.value_mark(*f, "over"))});
  }
  if (s.halt) {
    FaultGroup selection;
    selection.namePrefix = s.namePrefix;
    selection.selector = s.selector;
    if (fault_group_nodes(scenario, selection).empty()) {
      r.error(f->mark, "haltNodes selects no node of cluster.nodes");
      return true;
    }
  }
  scenario.storms.push_back(std::move(s));
  return true;
}

void check_storms(LoadContext& ctx, const Scenario& scenario) {
  Diagnostics& d = ctx.reader.diagnostics();
  for (const NodeStorm& s : scenario.storms) {
    SourceLocation where{s.file, s.line, s.column};
    if (s.halt) {
      if (s.group.empty()) continue;
      for (const NodeStorm& other : scenario.storms)
        if (&other == &s) break;
        else if (other.halt && other.group == s.group)
          d.error(where, "haltNodes group \"" + s.group + "\" is already used at line " + std::to_string(other.line));
      continue;
    }
    auto halt = std::find_if(scenario.storms.begin(), scenario.storms.end(),
                             [&](const NodeStorm& o) { return o.halt && o.group == s.group; });
    std::vector<std::string> groups;
    for (const NodeStorm& o : scenario.storms)
      if (o.halt && !o.group.empty()) groups.push_back(o.group);
    if (halt == scenario.storms.end())
      d.error(where, "resumeNodes: no haltNodes has group \"" + s.group + "\" " + suggestion(s.group, groups, "groups"));
    else if (s.at < halt->at + halt->over)
      d.error(where, "resumeNodes at " + core::format_go_duration(s.at) + " starts before group \"" + s.group +
                         "\" has finished halting (" + core::format_go_duration(halt->at + halt->over) + ")");
  }
}

}  // namespace ktwin::sim
