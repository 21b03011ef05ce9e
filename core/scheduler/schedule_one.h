// One scheduling decision as a pure function: filter, score, pick (k/k 1.20
// pkg/scheduler/core/generic_scheduler.go Schedule, findNodesThatFitPod, prioritizeNodes, selectHost).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/env/rng.h"
#include "core/scheduler/node_info.h"
#include "core/scheduler/profile.h"
#include "core/scheduler/snapshot_index.h"

namespace ktwin::core {

struct ScheduleResult {
  std::string node;  // empty when the pod fits nowhere
  // node -> plugin -> normalized score (0..100) before the weight; empty when at most one node was
  // feasible (the scheduler then skips scoring). scores, filter_failures, totals and failed_plugin
  // are filled only when profile.record_explanation is set.
  std::map<std::string, std::map<std::string, int64_t>> scores;
  std::map<std::string, std::string> filter_failures;  // node -> its reasons joined with ", "
  // The rest is for explanations and for the Scheduler.
  std::map<std::string, int64_t> totals;             // node -> sum of score x weight
  std::map<std::string, std::string> failed_plugin;  // node -> the filter plugin that rejected it
  std::string message;                               // FailedScheduling text when node is empty
  size_t evaluated_nodes = 0;
  size_t feasible_nodes = 0;
  size_t next_start_index = 0;  // where the next cycle starts filtering (rotates over large clusters)
};

// schedule_one's per-node vectors, kept from cycle to cycle by a caller that schedules many pods, so that
// a cycle neither allocates them nor value-initializes them before writing them. Their contents between
// calls mean nothing.
struct ScheduleScratch {
  std::vector<uint32_t> batch, feasible_positions;
  std::vector<const NodeInfo*> feasible;
  std::vector<NodeScore> scores;
  std::vector<int64_t> totals;
};

// Schedules `pod` onto one of `nodes` (the snapshot, in cache order). Filtering starts at
// `start_index` and stops once numFeasibleNodesToFind feasible nodes are found; ties among the
// top totals are broken by reservoir sampling with `rng`. `index`, if given, indexes `nodes`;
// `scratch`, if given, lends the per-node vectors.
ScheduleResult schedule_one(const Profile& profile, const Pod& pod, const std::vector<NodeInfo>& nodes,
                            Rng& rng, size_t start_index = 0, const SnapshotIndex* index = nullptr,
                            ScheduleScratch* scratch = nullptr);

// numFeasibleNodesToFind: every node below 100 nodes; otherwise an adaptive percentage, at least 100.
size_t num_feasible_nodes_to_find(size_t num_all_nodes, int32_t percentage_of_nodes_to_score);

}  // namespace ktwin::core
