// The words API errors use for a served resource (discovery.h's table), and its subresources.
#pragma once

#include <string>
#include <string_view>

#include "realnet/api/discovery.h"

namespace ktwin::realnet {

// "deployments.apps", "pods": the resource in NotFound/AlreadyExists/Conflict/Forbidden messages.
std::string qualified_resource(const ApiResource& r);
// "Deployment.apps", "Pod": the kind in Invalid messages.
std::string qualified_kind(const ApiResource& r);
bool has_subresource(const ApiResource& r, std::string_view name);

}  // namespace ktwin::realnet
