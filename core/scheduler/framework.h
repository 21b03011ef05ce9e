// The scheduling framework's extension points: one small interface each, as in
// k/k pkg/scheduler/framework/interface.go (PreFilter, Filter, PreScore, Score + NormalizeScore).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/scheduler/cycle_state.h"
#include "core/scheduler/node_info.h"

namespace ktwin::core {

// k/k framework.MaxNodeScore: NormalizeScore maps every plugin's scores into [0, 100].
constexpr int64_t kMaxNodeScore = 100;

// The outcome of one plugin call. Unschedulable can be fixed by preemption (resources, ports);
// UnschedulableAndUnresolvable cannot (taints, selectors).
struct PluginStatus {
  enum class Code { kSuccess, kUnschedulable, kUnschedulableAndUnresolvable, kError };
  Code code = Code::kSuccess;
  std::vector<std::string> reasons;  // FailedScheduling counts each reason once per node
  // Only with kSuccess, from PreFilter: this plugin's Filter would pass every node; from PreScore: its
  // Score would leave every node at 0 after normalization. The framework then does not call it this
  // cycle, as k/k's runtime skips plugins whose PreFilter or PreScore return framework.Skip (recent
  // releases; which plugins return it there is not modelled). Here it changes nothing but the work:
  // the plugins say it only where the outcome is the same, for every version ktwin models.
  bool skip = false;

  static PluginStatus success() { return {}; }
  static PluginStatus skipped() { return {Code::kSuccess, {}, true}; }
  static PluginStatus unschedulable(std::string reason) {
    return {Code::kUnschedulable, {std::move(reason)}};
  }
  static PluginStatus unresolvable(std::string reason) {
    return {Code::kUnschedulableAndUnresolvable, {std::move(reason)}};
  }
  static PluginStatus error(std::string reason) { return {Code::kError, {std::move(reason)}}; }
  bool is_success() const { return code == Code::kSuccess; }
};

// One feasible node's score. It points at the node rather than copying its name: the name lives in the
// Node object, and reading it cost a cache miss per node per cycle. It carries the node's position in
// CycleState::all_nodes() too, which the plugins index their per-node arrays and rows by: computing it
// from the pointer is a division by sizeof(NodeInfo) per node per plugin.
struct NodeScore {
  const NodeInfo* node = nullptr;
  uint32_t position = 0;
  int64_t score = 0;
  const std::string& name() const { return node->name(); }
};

class Plugin {
 public:
  virtual ~Plugin() = default;
  virtual std::string_view name() const = 0;
};

class PreFilterPlugin : public virtual Plugin {
 public:
  // Runs once per attempt before any Filter. A failure marks every node with this status.
  virtual PluginStatus pre_filter(CycleState& state, const Pod& pod) const = 0;
};

// Told of each node a filter rejects, with the status filter() gives it.
using FilterRejection = std::function<void(const NodeInfo& node, PluginStatus status)>;

class FilterPlugin : public virtual Plugin {
 public:
  virtual PluginStatus filter(const CycleState& state, const Pod& pod, const NodeInfo& node) const = 0;
  // Filters `positions` (of nodes in state.all_nodes()) in place: keeps, in order, those whose node
  // filter() passes, and calls reject for each other one. By default filter() per node; a plugin
  // overrides it to read its cycle state once per call and to pass most nodes on a quick test (on
  // their NodeRow) that implies filter()'s success, asking filter() for the rest.
  virtual void filter_nodes(const CycleState& state, const Pod& pod, std::vector<uint32_t>& positions,
                            const FilterRejection& reject) const {
    keep_passing(state, positions, [](uint32_t) { return false; },
                 [&](const NodeInfo& node) { return filter(state, pod, node); }, reject);
  }

 protected:
  // Keeps the positions for which `passes(position)` (a test that must imply filter()'s success) or
  // else `status(node)` is success; rejects the others with their status.
  template <class Passes, class Status>
  static void keep_passing(const CycleState& state, std::vector<uint32_t>& positions, Passes passes,
                           Status status, const FilterRejection& reject) {
    // Through a raw pointer: a store through the vector made the compiler reload its data per node.
    uint32_t* const data = positions.data();
    const size_t n = positions.size();
    size_t kept = 0;
    for (size_t i = 0; i < n; ++i) {
      const uint32_t position = data[i];
      if (!passes(position)) {
        const NodeInfo& node = state.all_nodes()[position];
        PluginStatus st = status(node);
        if (!st.is_success()) {
          reject(node, std::move(st));
          continue;
        }
      }
      data[kept++] = position;
    }
    positions.resize(kept);
  }
};

class PreScorePlugin : public virtual Plugin {
 public:
  // Runs once per attempt with the nodes that passed every filter.
  virtual PluginStatus pre_score(CycleState& state, const Pod& pod,
                                 const std::vector<const NodeInfo*>& feasible) const = 0;
};

class ScorePlugin : public virtual Plugin {
 public:
  // The raw score of one feasible node.
  virtual int64_t score(const CycleState& state, const Pod& pod, const NodeInfo& node) const = 0;
  // The raw scores of every feasible node, into scores[i].score: score() for each by default. A plugin
  // overrides it to read its cycle state once per cycle rather than once per node; the scores are
  // those score() gives (k/k's framework calls Score per node, in parallel).
  virtual void score_nodes(const CycleState& state, const Pod& pod, std::vector<NodeScore>& scores) const {
    for (NodeScore& ns : scores) ns.score = score(state, pod, *ns.node);
  }
  // Maps raw scores into [0, kMaxNodeScore]; the default leaves them as they are.
  virtual void normalize_scores(const CycleState& state, const Pod& pod,
                                std::vector<NodeScore>& scores) const {}
  // After PreScore: set when every feasible node would get this normalized score this cycle (what
  // score_nodes and normalize_scores would give each), known without scoring node by node. The
  // framework then scores no node: a score all nodes share moves every total alike and changes no pick.
  virtual std::optional<int64_t> uniform_score(const CycleState& state, const Pod& pod) const {
    return std::nullopt;
  }
};

// k/k pkg/scheduler/framework/plugins/helper/normalize_score.go DefaultNormalizeScore:
// scale by the maximum (all 0, or all max if reversed, when the maximum is 0).
void default_normalize_score(int64_t max_priority, bool reverse, std::vector<NodeScore>& scores);

// The minor version of a "1.20"-style kubernetesVersion string; 20 when it cannot be parsed.
int kube_minor(std::string_view version);

}  // namespace ktwin::core
