// RFC 7386 JSON merge patch: the body of `Content-Type: application/merge-patch+json` (kubectl scale).
#pragma once

#include <nlohmann/json.hpp>

#include "core/util/status.h"

namespace ktwin::realnet {

// RFC 7386 MergePatch(original, patch): objects merge key by key, a null value deletes its key, anything
// else (arrays included) replaces. Never fails on well-formed JSON; the Result keeps every patch function
// of this folder alike. A non-object patch replaces the whole document, as the RFC says; the caller
// rejects results that are no longer API objects.
core::Result<nlohmann::json> apply_merge_patch(const nlohmann::json& original, const nlohmann::json& patch);

}  // namespace ktwin::realnet
