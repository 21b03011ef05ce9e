// The per-node fields that the filters and scores of every cycle read on every node they visit,
// copied out of NodeInfo into one compact row per node (80 bytes, rows contiguous by node position),
// so that a cycle reads its ~500 nodes as one sequential stream instead of touching several cache lines
// of each ~340-byte NodeInfo. The SnapshotIndex keeps a row per node in step with the NodeInfos.
#pragma once

#include <cstdint>

#include "core/scheduler/node_info.h"

namespace ktwin::core {

struct NodeRow {
  int64_t requested_milli_cpu = 0, requested_memory = 0, requested_ephemeral_storage = 0;  // requested
  int64_t non_zero_milli_cpu = 0, non_zero_memory = 0;
  int64_t allocatable_milli_cpu = 0, allocatable_memory = 0, allocatable_ephemeral_storage = 0;
  int64_t allowed_pod_number = 0;
  uint32_t pod_count = 0;      // pods.size()
  bool unschedulable = false;  // NodeInfo's flags
  bool has_taints = false;
  bool has_images = false;      // !image_states.empty()
  bool has_scalar = false;      // requested or allocatable has an extended resource

  bool operator==(const NodeRow&) const = default;
};

NodeRow row_of(const NodeInfo& node);

// How many rows carry each of NodeRow's flags, so that a plugin whose quick test reads a flag that no
// node has passes (or scores) every node without walking them: in most clusters no node is cordoned
// or tainted, and most report no images.
struct NodeRowFlagCounts {
  uint32_t unschedulable = 0, has_taints = 0, has_images = 0;

  // Counts `row` once more (delta 1) or once less (delta -1).
  void count(const NodeRow& row, int delta) {
    unschedulable += static_cast<uint32_t>(row.unschedulable ? delta : 0);
    has_taints += static_cast<uint32_t>(row.has_taints ? delta : 0);
    has_images += static_cast<uint32_t>(row.has_images ? delta : 0);
  }
  bool operator==(const NodeRowFlagCounts&) const = default;
};

}  // namespace ktwin::core
