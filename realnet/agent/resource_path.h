// REST paths of the kinds ktwin models: /api/v1/namespaces/NS/pods/NAME, /apis/apps/v1/...
#pragma once

#include <string>
#include <string_view>

#include "core/api/meta.h"

namespace ktwin::realnet {

std::string_view resource_plural(core::Kind kind);  // "pods", "leases"
// The collection: "/api/v1/namespaces/default/pods"; for `ns` "" of a namespaced kind, every namespace.
std::string collection_path(core::Kind kind, const std::string& ns);
// One object; `subresource` ("status") is appended when set.
std::string object_path(core::Kind kind, const std::string& ns, const std::string& name,
                        const std::string& subresource = "");
// Percent-encodes a query parameter's value ("spec.nodeName=a" -> "spec.nodeName%3Da").
std::string query_escape(std::string_view value);

}  // namespace ktwin::realnet
