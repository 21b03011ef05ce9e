// What request bodies carry: metadata fields, PATCH bodies applied by type (apiparts' patch functions), and
// store outcomes turned into Status errors.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/util/status.h"
#include "realnet/api/api_errors.h"
#include "realnet/api/discovery.h"

namespace ktwin::realnet {

inline constexpr const char* kObjectModified =
    "the object has been modified; please apply your changes to the latest version and try again";

std::optional<uint64_t> parse_u64(const std::string& text);
// doc.metadata[key] when it is a string, else "".
std::string metadata_string(const nlohmann::json& doc, const char* key);

// Applies a PATCH body of `content_type` (strategic merge, merge or JSON patch) to `original`; `kind`
// selects the strategic merge keys (nullopt: a plain merge, as for Scale). On failure sets `error`: 415 for
// another type, 400 for a malformed body, 422 when the patch cannot apply.
core::Result<nlohmann::json> apply_request_patch(const std::string& content_type, const nlohmann::json& original,
                                                 const std::string& body, std::optional<core::Kind> kind,
                                                 ApiError& error);

// A store's non-OK outcome as the Status kube-apiserver would send for `name` of resource `info`.
ApiError store_error(const core::Status& s, const ApiResource& info, const std::string& name);

}  // namespace ktwin::realnet
