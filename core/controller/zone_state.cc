// Zone keys and zone states.
#include "core/controller/zone_state.h"

namespace ktwin::core {

std::string_view zone_state_name(ZoneState state) {
  switch (state) {
    case ZoneState::kInitial: return "Initial";
    case ZoneState::kNormal: return "Normal";
    case ZoneState::kFullDisruption: return "FullDisruption";
    case ZoneState::kPartialDisruption: return "PartialDisruption";
  }
  return "";
}

namespace {
std::string label_or(const Node& node, const char* primary, const char* fallback) {
  auto it = node.metadata.labels.find(primary);
  if (it != node.metadata.labels.end()) return it->second;
  it = node.metadata.labels.find(fallback);
  return it == node.metadata.labels.end() ? "" : it->second;
}
}  // namespace

std::string zone_key(const Node& node) {
  std::string region = label_or(node, "topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region");
  std::string zone = label_or(node, "topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone");
  if (region.empty() && zone.empty()) return "";
  // k/k pkg/util/node GetZoneKey: region + ":\x00:" + zone, so "a:b" never collides with another split.
  return region + ":" + std::string(1, '\0') + ":" + zone;
}

std::string zone_display_name(const std::string& key) {
  if (key.empty()) return "\"\"";
  std::string out;
  for (char c : key) out += c == '\0' ? std::string("\\x00") : std::string(1, c);
  return out;
}

bool excluded_from_disruption(const Node& node) {
  return node.metadata.labels.count("node.kubernetes.io/exclude-disruption") > 0;
}

ZoneHealth compute_zone_state(const std::vector<const NodeCondition*>& ready_conditions,
                              double unhealthy_zone_threshold) {
  int ready = 0, not_ready = 0;
  for (const NodeCondition* c : ready_conditions) {
    if (c != nullptr && c->status == "True")
      ++ready;
    else
      ++not_ready;
  }
  if (ready == 0 && not_ready > 0) return {not_ready, ZoneState::kFullDisruption};
  // k/k ComputeZoneState: more than 2 not ready and at least the threshold fraction.
  if (not_ready > 2 && static_cast<float>(not_ready) / static_cast<float>(not_ready + ready) >=
                           static_cast<float>(unhealthy_zone_threshold))
    return {not_ready, ZoneState::kPartialDisruption};
  return {not_ready, ZoneState::kNormal};
}

}  // namespace ktwin::core
