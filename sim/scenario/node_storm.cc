// generate_storm_actions: seeded picks of nodes to halt and resume, spread over a window.
#include "sim/scenario/node_storm.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/env/rng.h"
#include "sim/scenario/fault_generator.h"

namespace ktwin::sim {
namespace {

// k of `pool` without replacement (partial Fisher-Yates), each with a time in [at, at + over).
std::vector<Action> pick(std::vector<std::string> pool, int64_t k, const NodeStorm& storm, core::Rng& rng) {
  std::vector<Action> out;
  int64_t over_ms = std::chrono::duration_cast<std::chrono::milliseconds>(storm.over).count();
  for (int64_t i = 0; i < k && i < static_cast<int64_t>(pool.size()); ++i) {
    size_t j = static_cast<size_t>(i) + rng.uniform(pool.size() - static_cast<size_t>(i));
    std::swap(pool[static_cast<size_t>(i)], pool[j]);
    Action a;
    a.type = storm.halt ? Action::Type::kHaltNode : Action::Type::kResumeNode;
    a.name = pool[static_cast<size_t>(i)];
    a.at = storm.at + (over_ms > 0 ? std::chrono::milliseconds(rng.uniform(static_cast<uint64_t>(over_ms))) : Duration{});
    a.where = {storm.file, storm.line, storm.column};
    a.origin = storm.halt ? "haltNodes" : "resumeNodes";
    out.push_back(std::move(a));
  }
  return out;
}

int64_t how_many(const NodeStorm& storm, size_t n) {
  if (storm.count >= 0) return std::min<int64_t>(storm.count, static_cast<int64_t>(n));
  return std::llround(storm.fraction * static_cast<double>(n));
}

}  // namespace

std::vector<Action> generate_storm_actions(const Scenario& scenario) {
  std::vector<const NodeStorm*> storms;
  for (const NodeStorm& s : scenario.storms) storms.push_back(&s);
  std::stable_sort(storms.begin(), storms.end(), [](const NodeStorm* a, const NodeStorm* b) { return a->at < b->at; });

  std::vector<Action> out;
  std::set<std::string> down;                                // halted by a storm, not resumed by one
  std::map<std::string, std::vector<std::string>> groups;    // group -> its nodes still down, in pick order
  std::map<std::string, int> resumes;                        // group -> resumeNodes seen
  int anonymous = 0;
  for (const NodeStorm* storm : storms) {
    std::vector<Action> picked;
    if (storm->halt) {
      FaultGroup selection;
      selection.namePrefix = storm->namePrefix;
      selection.selector = storm->selector;
      std::vector<std::string> pool;
      for (const std::string& node : fault_group_nodes(scenario, selection))
        if (!down.count(node)) pool.push_back(node);
      std::string stream = "haltNodes/" + (storm->group.empty() ? "#" + std::to_string(anonymous++) : storm->group);
      core::Rng rng(scenario.seed, stream);
      picked = pick(pool, how_many(*storm, pool.size()), *storm, rng);
      for (const Action& a : picked) {
        down.insert(a.name);
        if (!storm->group.empty()) groups[storm->group].push_back(a.name);
      }
    } else {
      std::vector<std::string>& members = groups[storm->group];
      core::Rng rng(scenario.seed, "resumeNodes/" + storm->group + "/" + std::to_string(resumes[storm->group]++));
      picked = pick(members, how_many(*storm, members.size()), *storm, rng);
      for (const Action& a : picked) {
        down.erase(a.name);
        members.erase(std::find(members.begin(), members.end(), a.name));
      }
    }
    std::stable_sort(picked.begin(), picked.end(), [](const Action& a, const Action& b) { return a.at < b.at; });
    for (Action& a : picked) out.push_back(std::move(a));
  }
  return out;
}

void expand_storms(Scenario& scenario) {
  if (scenario.storms.empty()) return;
  for (Action& a : generate_storm_actions(scenario)) scenario.timeline.push_back(std::move(a));
  std::stable_sort(scenario.timeline.begin(), scenario.timeline.end(),
                   [](const Action& a, const Action& b) { return a.at < b.at; });
}

}  // namespace ktwin::sim
