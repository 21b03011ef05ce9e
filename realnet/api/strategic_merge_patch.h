// Kubernetes strategic merge patch (`application/strategic-merge-patch+json`), the body of every
// `kubectl apply` after the first, for the kinds ktwin serves.
#pragma once

#include <nlohmann/json.hpp>

#include "core/api/meta.h"
#include "core/util/status.h"

namespace ktwin::realnet {

// StrategicMergeMapPatch of k/k staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch.go, with the
// server's options (parallel lists merged, unmatched nulls ignored), over the tags of patch_meta.h:
// - maps merge recursively; a null value deletes its key;
// - lists tagged merge with a key (containers, env, volumes by name, ports by containerPort, Service ports by
//   port, volumeMounts by mountPath, conditions by type, ownerReferences by uid) merge element by element;
//   tagged primitive lists (finalizers) form a union; all other lists are replaced whole (Ingress rules);
// - directives: `$patch: replace|delete` in a map, `{"$patch":"delete", KEY: v}` and `{"$patch":"replace"}`
//   in a merging list, `$retainKeys`, `$setElementOrder/FIELD` (the order of the merged list; never stored),
//   `$deleteFromPrimitiveList/FIELD`. `$patch: merge` in a map is accepted as the default it names.
// No `$`-prefixed key and no null survives in the result: values the patch adds are cleaned of them, as
// decoding into Go types drops them. Invalid when `patch` or `original` is not an object, a directive is
// malformed or unknown, a merging list's element lacks its key, or `$setElementOrder` contradicts the patch.
core::Result<nlohmann::json> apply_strategic_merge_patch(const nlohmann::json& original,
                                                         const nlohmann::json& patch, core::Kind kind);

}  // namespace ktwin::realnet
