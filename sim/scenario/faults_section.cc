// The faults: section: groups of nodes that fail and are repaired at random (seeded), checked here and
// expanded into timeline actions by sim/scenario/fault_generator.cc.
#include "sim/scenario/fault_generator.h"
#include "sim/scenario/scenario_parts.h"

namespace ktwin::sim {
namespace {

const std::vector<std::string> kGroupKeys = {"namePrefix", "selector", "mtbf", "mttr", "kind", "from", "until"};

// kind -> the failure and its repair.
const std::map<std::string, std::pair<Action::Type, Action::Type>> kKinds = {
    {"halt", {Action::Type::kHaltNode, Action::Type::kResumeNode}},
    {"stopKubelet", {Action::Type::kStopKubelet, Action::Type::kStartKubelet}},
    {"partition", {Action::Type::kPartition, Action::Type::kHeal}}};

std::optional<Duration> positive_duration(YamlReader& r, const Fields& f, const std::string& key) {
  auto d = r.duration(f, key);
  if (d && *d <= Duration{}) {
    r.error(r.value_mark(f, key), key + " must be positive");
    return std::nullopt;
  }
  return d;
}

void read_group(const YAML::Node& item, LoadContext& ctx, Scenario& scenario) {
  YamlReader& r = ctx.reader;
  auto f = r.map(item, "faults entry", kGroupKeys, {"selector"});
  if (!f) return;
  FaultGroup g;
  g.where = r.where(f->mark);
  if (f->has("namePrefix") == f->has("selector")) {
    r.error(f->mark, "faults entry needs either namePrefix or selector (which nodes fail)");
    return;
  }
  if (f->has("namePrefix"))
    if (auto p = r.scalar(*f, "namePrefix")) g.namePrefix = *p;
  if (f->has("selector")) {
    auto sel = r.scalar(*f, "selector");
    if (!sel) return;
    if (!core::LabelSelector::parse(*sel)) {
      r.error(r.value_mark(*f, "selector"), "bad label selector \"" + *sel + "\": use a form such as zone=a");
      return;
    }
    g.selector = *sel;
  }
  bool complete = r.require(*f, "mtbf", "faults entry") & r.require(*f, "mttr", "faults entry");
  if (!complete) return;
  auto mtbf = positive_duration(r, *f, "mtbf");
  auto mttr = positive_duration(r, *f, "mttr");
  if (!mtbf || !mttr) return;
  g.mtbf = *mtbf;
  g.mttr = *mttr;
  if (f->has("kind")) {
    auto kind = r.scalar(*f, "kind");
    if (!kind) return;
    auto it = kKinds.find(*kind);
    if (it == kKinds.end()) {
      r.error(r.value_mark(*f, "kind"), "unknown fault kind \"" + *kind + "\": use halt, stopKubelet or partition");
      return;
    }
    std::tie(g.fail, g.repair) = it->second;
  }
  if (f->has("from")) {
    auto from = r.duration(*f, "from");
    if (!from) return;
    g.from = *from;
    ctx.at_refs.push_back({*from, r.where(r.value_mark(*f, "from"))});
  }
  if (f->has("until")) {
    auto until = r.duration(*f, "until");
    if (!until) return;
    if (*until <= g.from) {
      r.error(r.value_mark(*f, "until"), "until must be after from");
      return;
    }
    g.until = *until;
    ctx.at_refs.push_back({*until, r.where(r.value_mark(*f, "until"))});
  }
  if (fault_group_nodes(scenario, g).empty()) {
    r.error(f->mark, "faults entry selects no node of cluster.nodes");
    return;
  }
  scenario.faults.push_back(std::move(g));
}

}  // namespace

void read_faults(const YAML::Node& node, LoadContext& ctx, Scenario& scenario) {
  auto items = ctx.reader.sequence(node, "faults");
  if (!items) return;
  for (const YAML::Node& item : *items) read_group(item, ctx, scenario);
}

}  // namespace ktwin::sim
