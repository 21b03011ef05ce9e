// schedule_one: filters, scores and the FitError message.
#include "core/scheduler/schedule_one.h"

#include <algorithm>

namespace ktwin::core {
namespace {

using Code = PluginStatus::Code;

// FitError.Error(): "0/N nodes are available: " + sorted "count reason" strings. The sort is on the
// whole string, count first, as Go's sort.Strings does.
std::string histogram(const std::map<std::string, int>& reasons) {
  std::vector<std::string> parts;
  for (const auto& [reason, count] : reasons) parts.push_back(std::to_string(count) + " " + reason);
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::string fit_error(const Profile& profile, size_t num_nodes,
                      const std::map<std::string, PluginStatus>& statuses) {
  std::map<std::string, int> reasons;
  for (const auto& [node, status] : statuses)
    for (const std::string& r : status.reasons) ++reasons[r];
  std::string msg = "0/" + std::to_string(num_nodes) + " nodes are available: " + histogram(reasons) + ".";
  if (profile.minor >= 22) {
    // Later releases append DefaultPreemption's verdict. ktwin does not preempt, so a resolvable
    // failure reads as "no victims" (approximation: it ignores lower-priority pods).
    std::map<std::string, int> verdicts;
    for (const auto& [node, status] : statuses)
      ++verdicts[status.code == Code::kUnschedulable ? "No preemption victims found for incoming pod"
                                                     : "Preemption is not helpful for scheduling"];
    msg +=
        " preemption: 0/" + std::to_string(num_nodes) + " nodes are available: " + histogram(verdicts) + ".";
  }
  return msg;
}

// totals[i] += scores[i].score * weight, out of line: inside schedule_one the compiler kept the weight
// on the stack and reloaded it per node. Weight 1 (most plugins) needs no multiply.
[[gnu::noinline]] void add_weighted(int64_t* totals, const NodeScore* scores, size_t n, int64_t weight) {
  if (weight == 1) {
    for (size_t i = 0; i < n; ++i) totals[i] += scores[i].score;
    return;
  }
  for (size_t i = 0; i < n; ++i) totals[i] += scores[i].score * weight;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

}  // namespace

size_t num_feasible_nodes_to_find(size_t num_all_nodes, int32_t percentage) {
  constexpr size_t kMinFeasibleNodesToFind = 100;
  constexpr int32_t kMinFeasibleNodesPercentageToFind = 5;
  if (num_all_nodes < kMinFeasibleNodesToFind || percentage >= 100) return num_all_nodes;
  int32_t adaptive = percentage;
  if (adaptive <= 0)
    adaptive =
        std::max<int32_t>(kMinFeasibleNodesPercentageToFind, 50 - static_cast<int32_t>(num_all_nodes) / 125);
  size_t n = num_all_nodes * static_cast<size_t>(adaptive) / 100;
  return std::max(n, kMinFeasibleNodesToFind);
}

ScheduleResult schedule_one(const Profile& profile, const Pod& pod, const std::vector<NodeInfo>& nodes,
                            Rng& rng, size_t start_index, const SnapshotIndex* index, ScheduleScratch* scratch) {
  ScheduleResult result;
  if (nodes.empty()) {
    result.message = "no nodes available to schedule pods";  // ErrNoNodesAvailable
    return result;
  }
  CycleState state(nodes, index);
  std::map<std::string, PluginStatus> statuses;
  auto record_failure = [&](const NodeInfo& ni, const PluginStatus& st, std::string_view plugin) {
    statuses[ni.name()] = st;
    if (!profile.record_explanation) return;
    result.filter_failures[ni.name()] = join(st.reasons);
    result.failed_plugin[ni.name()] = std::string(plugin);
  };

  // PreFilter: a failure applies to every node; a plugin that says skip is not asked to filter.
  std::vector<const Plugin*> skip_filter;
  for (const auto& plugin : profile.pre_filter) {
    PluginStatus st = plugin->pre_filter(state, pod);
    if (!st.is_success()) {
      for (const NodeInfo& ni : nodes) record_failure(ni, st, plugin->name());
      result.evaluated_nodes = nodes.size();
      result.message = fit_error(profile, nodes.size(), statuses);
      return result;
    }
    if (st.skip) skip_filter.push_back(plugin.get());
  }
  std::vector<const FilterPlugin*> filters;
  for (const auto& plugin : profile.filter)
    if (std::find(skip_filter.begin(), skip_filter.end(), static_cast<const Plugin*>(plugin.get())) ==
        skip_filter.end())
      filters.push_back(plugin.get());

  // Filter: plugins in order, the first failure decides the node's reasons (RunFilterPlugins).
  const size_t n = nodes.size();
  const size_t to_find = num_feasible_nodes_to_find(n, profile.percentageOfNodesToScore);
  // In batches of as many nodes as feasible ones are still wanted, each filter over the batch's
  // survivors in turn: every node meets the filters in order, and no node is filtered that the
  // node-by-node loop (stopping once enough nodes fit) would not have filtered. Batches hold node
  // positions, which the filters index their rows by.
  ScheduleScratch local;
  ScheduleScratch& buffers = scratch != nullptr ? *scratch : local;
  std::vector<uint32_t>& feasible_positions = buffers.feasible_positions;
  std::vector<uint32_t>& batch = buffers.batch;
  feasible_positions.clear();
  size_t processed = 0;
  for (size_t at = start_index % n; processed < n && feasible_positions.size() < to_find;) {
    const size_t want = std::min(to_find - feasible_positions.size(), n - processed);
    batch.resize(want);  // sized, then written: push_back's capacity test per node showed in the profile
    for (size_t k = 0; k < want; ++k) {
      batch[k] = static_cast<uint32_t>(at);
      if (++at == n) at = 0;  // (start_index + i) % n without a division per node
    }
    processed += want;
    for (const FilterPlugin* plugin : filters) {
      if (batch.empty()) break;
      plugin->filter_nodes(state, pod, batch,
                           [&](const NodeInfo& ni, PluginStatus st) { record_failure(ni, st, plugin->name()); });
    }
    feasible_positions.insert(feasible_positions.end(), batch.begin(), batch.end());
  }
  result.evaluated_nodes = processed;
  result.feasible_nodes = feasible_positions.size();
  result.next_start_index = (start_index + processed) % n;

  if (feasible_positions.empty()) {
    result.message = fit_error(profile, n, statuses);
    return result;
  }
  if (feasible_positions.size() == 1) {  // "When only one node after predicate, just use it."
    result.node = nodes[feasible_positions[0]].name();
    return result;
  }
  const size_t n_feasible = feasible_positions.size();
  std::vector<const NodeInfo*>& feasible = buffers.feasible;
  feasible.resize(n_feasible);
  for (size_t i = 0; i < n_feasible; ++i) feasible[i] = &nodes[feasible_positions[i]];

  std::vector<const Plugin*> skip_score;  // their normalized scores are all 0
  for (const auto& plugin : profile.pre_score)
    if (plugin->pre_score(state, pod, feasible).skip) skip_score.push_back(plugin.get());
  std::vector<int64_t>& totals = buffers.totals;
  totals.assign(n_feasible, 0);
  // One vector for every plugin.
  std::vector<NodeScore>& scores = buffers.scores;
  scores.resize(n_feasible);
  for (size_t i = 0; i < n_feasible; ++i) scores[i] = {feasible[i], feasible_positions[i], 0};
  for (const auto& [plugin, weight] : profile.score) {
    if (std::find(skip_score.begin(), skip_score.end(), static_cast<const Plugin*>(plugin.get())) !=
        skip_score.end()) {
      if (profile.record_explanation)
        for (const NodeInfo* ni : feasible) result.scores[ni->name()][std::string(plugin->name())] = 0;
      continue;
    }
    if (const std::optional<int64_t> uniform = plugin->uniform_score(state, pod)) {
      if (!profile.record_explanation) continue;  // every total moves alike: the pick is the same
      for (NodeScore& ns : scores) ns.score = *uniform;
    } else {
      plugin->score_nodes(state, pod, scores);
      plugin->normalize_scores(state, pod, scores);
    }
    if (profile.record_explanation)
      for (const NodeScore& ns : scores) result.scores[ns.name()][std::string(plugin->name())] = ns.score;
    // Without the explanation's branch and map in it, a loop the compiler keeps tight.
    add_weighted(totals.data(), scores.data(), scores.size(), weight);
  }

  // selectHost: reservoir sampling among the top totals, in feasible order.
  size_t selected = 0, ties = 1;
  for (size_t i = 1; i < feasible.size(); ++i) {
    if (totals[i] > totals[selected]) {
      selected = i;
      ties = 1;
    } else if (totals[i] == totals[selected]) {
      ++ties;
      if (rng.uniform(ties) == 0) selected = i;
    }
  }
  if (profile.record_explanation)
    for (size_t i = 0; i < feasible.size(); ++i) result.totals[feasible[i]->name()] = totals[i];
  result.node = feasible[selected]->name();
  return result;
}

}  // namespace ktwin::core
