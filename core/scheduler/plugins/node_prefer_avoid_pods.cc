// NodePreferAvoidPods score.
#include "core/scheduler/plugins/node_prefer_avoid_pods.h"

#include <nlohmann/json.hpp>

namespace ktwin::core {

int64_t NodePreferAvoidPods::score(const CycleState&, const Pod& pod, const NodeInfo& node) const {
  const OwnerReference* owner = pod.metadata.controller_ref();
  if (owner == nullptr || (owner->kind != "ReplicaSet" && owner->kind != "ReplicationController"))
    return kMaxNodeScore;
  auto it = node.node->metadata.annotations.find(kAnnotation);
  if (it == node.node->metadata.annotations.end()) return kMaxNodeScore;
  nlohmann::json doc = nlohmann::json::parse(it->second, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("preferAvoidPods") || !doc["preferAvoidPods"].is_array())
    return kMaxNodeScore;  // an unreadable annotation avoids nothing
  for (const auto& entry : doc["preferAvoidPods"]) {
    const auto* controller = entry.contains("podSignature") && entry["podSignature"].is_object() &&
                                     entry["podSignature"].contains("podController")
                                 ? &entry["podSignature"]["podController"]
                                 : nullptr;
    if (controller == nullptr || !controller->is_object()) continue;
    if (controller->value("kind", "") == owner->kind && controller->value("uid", "") == owner->uid) return 0;
  }
  return kMaxNodeScore;
}

}  // namespace ktwin::core
