// RFC 7386 section 2, the MergePatch pseudo-code.
#include "realnet/api/merge_patch.h"

namespace ktwin::realnet {
namespace {

nlohmann::json merge(const nlohmann::json& target, const nlohmann::json& patch) {
  if (!patch.is_object()) return patch;
  nlohmann::json result = target.is_object() ? target : nlohmann::json::object();
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null()) {
      result.erase(key);
    } else {
      auto it = result.find(key);
      result[key] = merge(it == result.end() ? nlohmann::json() : *it, value);
    }
  }
  return result;
}

}  // namespace

core::Result<nlohmann::json> apply_merge_patch(const nlohmann::json& original, const nlohmann::json& patch) {
  return merge(original, patch);
}

}  // namespace ktwin::realnet
