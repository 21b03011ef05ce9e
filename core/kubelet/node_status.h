// The Node object a kubelet registers and the status it reports (k/k pkg/kubelet/kubelet_node_status.go,
// pkg/kubelet/nodestatus/setters.go).
#pragma once

#include <memory>
#include <vector>

#include "core/api/node.h"
#include "core/kubelet/kubelet_config.h"
#include "core/kubelet/node_runtime.h"

namespace ktwin::core {

// initialNode: labels (hostname, os, arch, roles), taints, then the status as set_node_status fills it.
std::shared_ptr<Node> make_initial_node(const NodeRegistration& reg, const KubeletConfig& config,
                                        const std::vector<ImageInfo>& images, Time now);

// The kubelet-owned status fields at `now`: addresses, capacity = allocatable, nodeInfo, images and
// the conditions MemoryPressure, DiskPressure, PIDPressure, Ready, each with lastHeartbeatTime = now;
// a condition's lastTransitionTime moves only when its status changes.
void set_node_status(Node& node, const NodeRegistration& reg, const KubeletConfig& config,
                     const std::vector<ImageInfo>& images, Time now);

// nodeStatusHasChanged: any difference besides the conditions' lastHeartbeatTime.
bool node_status_changed(const Node& before, const Node& after);

// True when set_node_status on a copy of `node` would give a status node_status_changed calls unchanged,
// checked without building the copy (most heartbeats change nothing, and a Node copy per node every
// 10 s was the heartbeat's cost). False may still mean unchanged: then the caller builds and compares.
bool node_status_current(const Node& node, const NodeRegistration& reg, const KubeletConfig& config,
                         const std::vector<ImageInfo>& images);

}  // namespace ktwin::core
