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
// The label keys as std::string once: Labels is a std::map<std::string, ...> without a transparent
// comparator, so a lookup by `const char*` built (and heap-allocated) a key per call, 5 per node per
// monitor pass.
const std::string kRegion = "topology.kubernetes.io/region", kRegionBeta = "failure-domain.beta.kubernetes.io/region";
const std::string kZone = "topology.kubernetes.io/zone", kZoneBeta = "failure-domain.beta.kubernetes.io/zone";
const std::string kExcludeDisruption = "node.kubernetes.io/exclude-disruption";

std::string_view label_or(const Node& node, const std::string& primary, const std::string& fallback) {
  auto it = node.metadata.labels.find(primary);
  if (it != node.metadata.labels.end()) return it->second;
  it = node.metadata.labels.find(fallback);
  return it == node.metadata.labels.end() ? std::string_view() : std::string_view(it->second);
}
}  // namespace

std::string zone_key(const Node& node) {
  std::string_view region = label_or(node, kRegion, kRegionBeta);
  std::string_view zone = label_or(node, kZone, kZoneBeta);
  if (region.empty() && zone.empty()) return "";
  // k/k pkg/util/node GetZoneKey: region + ":\x00:" + zone, so "a:b" never collides with another split.
  std::string key;
  key.reserve(region.size() + 3 + zone.size());
  key.append(region).append(":").push_back('\0');
  key.append(":").append(zone);
  return key;
}

std::string zone_display_name(const std::string& key) {
  if (key.empty()) return "\"\"";
  std::string out;
  for (char c : key) out += c == '\0' ? std::string("\\x00") : std::string(1, c);
  return out;
}

bool excluded_from_disruption(const Node& node) {
  return node.metadata.labels.count(kExcludeDisruption) > 0;
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
