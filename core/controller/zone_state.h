// Eviction zones and their health states, as the node lifecycle controller computes them
// (k/k pkg/controller/nodelifecycle/node_lifecycle_controller.go ComputeZoneState; pkg/util/node GetZoneKey).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/api/node.h"

namespace ktwin::core {

enum class ZoneState { kInitial, kNormal, kFullDisruption, kPartialDisruption };
std::string_view zone_state_name(ZoneState state);  // "Normal", "FullDisruption", ...

// "region:\x00:zone" from topology.kubernetes.io/{region,zone}, falling back to the
// failure-domain.beta.kubernetes.io labels; "" when the node has neither (one zone for the cluster).
std::string zone_key(const Node& node);
// The key as a log line shows it: the NUL written \x00 (":\x00:a"); "" for the unlabelled zone.
std::string zone_display_name(const std::string& key);

// Nodes labelled node.kubernetes.io/exclude-disruption do not count towards zone states.
bool excluded_from_disruption(const Node& node);

// Ready conditions of one zone's nodes (null: never posted) -> not-ready count and state.
struct ZoneHealth {
  int not_ready = 0;
  ZoneState state = ZoneState::kNormal;
};
ZoneHealth compute_zone_state(const std::vector<const NodeCondition*>& ready_conditions,
                              double unhealthy_zone_threshold);

}  // namespace ktwin::core
