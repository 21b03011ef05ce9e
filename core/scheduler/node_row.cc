// NodeRow: NodeInfo's hot fields.
#include "core/scheduler/node_row.h"

namespace ktwin::core {

NodeRow row_of(const NodeInfo& n) {
  NodeRow r;
  r.requested_milli_cpu = n.requested.milli_cpu;
  r.requested_memory = n.requested.memory;
  r.requested_ephemeral_storage = n.requested.ephemeral_storage;
  r.non_zero_milli_cpu = n.non_zero_milli_cpu;
  r.non_zero_memory = n.non_zero_memory;
  r.allocatable_milli_cpu = n.allocatable.milli_cpu;
  r.allocatable_memory = n.allocatable.memory;
  r.allocatable_ephemeral_storage = n.allocatable.ephemeral_storage;
  r.allowed_pod_number = n.allowed_pod_number;
  r.pod_count = static_cast<uint32_t>(n.pods.size());
  r.unschedulable = n.unschedulable;
  r.has_taints = n.has_taints;
  r.has_images = !n.image_states.empty();
  r.has_scalar = !n.requested.scalar.empty() || !n.allocatable.scalar.empty();
  return r;
}

}  // namespace ktwin::core
