// What the workloads: section and the haltNodes/resumeNodes actions describe, before the seed is
// final; sim/scenario/workload_generator.h expands both into manifests and timeline actions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/api/meta.h"
#include "core/util/time.h"

namespace ktwin::sim {

// How one resource request (cpu or memory) is drawn, in milli-units of the resource.
struct QuantityDistribution {
  enum class Kind { kFixed, kUniform, kChoice, kLognormal };
  Kind kind = Kind::kFixed;
  int64_t min = 0, max = 0;       // kFixed: min; kUniform: [min, max]; kLognormal: clamps (max 0: none)
  std::vector<int64_t> values;    // kChoice
  std::vector<int64_t> weights;   // kChoice: one per value (all 1 when not written)
  double median = 0, sigma = 0;   // kLognormal: median in milli-units, sigma of ln(value)
};

// One workloads: entry: `count` Deployments named namePrefix + index.
struct WorkloadGenerator {
  std::string namePrefix;
  int64_t count = 0, startIndex = 1;
  int32_t replicasMin = 1, replicasMax = 1;  // uniform in [min, max]
  core::Duration at{};
  std::string namespace_ = "default";
  std::string image = "registry.k8s.io/pause:3.9";
  bool hasCpu = false, hasMemory = false;
  QuantityDistribution cpu, memory;
  core::Labels labels;
  // spread: a topologySpreadConstraint over `spreadKey` (empty: none).
  std::string spreadKey, whenUnsatisfiable = "ScheduleAnyway";
  int32_t maxSkew = 1;
  // antiAffinity: a preferred (weight 100) pod anti-affinity term over this topology key (empty: none).
  std::string antiAffinityKey;
  std::string file;
  int line = 0, column = 0;
};

// One haltNodes or resumeNodes timeline entry (a node storm), expanded into haltNode/resumeNode.
struct NodeStorm {
  bool halt = true;
  std::string group;                     // names the halted set for a later resumeNodes
  std::string namePrefix, selector;      // haltNodes: candidate nodes (neither: every node)
  double fraction = 0;                   // of the candidates (halt) or of the group (resume)
  int64_t count = -1;                    // instead of fraction
  core::Duration at{}, over{};           // actions fall in [at, at + over)
  std::string file;
  int line = 0, column = 0;
};

}  // namespace ktwin::sim
