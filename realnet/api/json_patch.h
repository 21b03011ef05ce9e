// RFC 6902 JSON Patch: the body of `Content-Type: application/json-patch+json` (kubectl rollout undo).
#pragma once

#include <nlohmann/json.hpp>

#include "core/util/status.h"

namespace ktwin::realnet {

// Checks that `patch` is an array of operations, each an object with a known "op" (add, remove, replace,
// move, copy, test), a string "path" that is an RFC 6901 pointer, "from" for move and copy, "value" for
// add, replace and test. kube-apiserver answers a patch failing this with 400 BadRequest
// (k/k staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go: jsonpatch.DecodePatch).
core::Status validate_json_patch(const nlohmann::json& patch);

// Applies the operations in order to a copy of `original`; all or nothing. Invalid, with the failing
// operation's index and path in the message, when the patch is malformed (see validate_json_patch), a
// path does not exist (remove, replace, test, "from"), an array index is out of range, a move goes into its
// own child, or a "test" finds another value. kube-apiserver answers an apply failure with 422.
// Pointers unescape "~1" to "/" and "~0" to "~"; "-" appends to an array.
core::Result<nlohmann::json> apply_json_patch(const nlohmann::json& original, const nlohmann::json& patch);

}  // namespace ktwin::realnet
