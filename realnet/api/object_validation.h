// The validation kubectl's walk-through can trip: names, and Deployment/ReplicaSet replicas and selectors
// (k/k pkg/apis/apps/validation/validation.go), with the apiserver's field error wording.
#pragma once

#include <optional>
#include <string>

#include "core/api/meta.h"

namespace ktwin::realnet {

// The first field error of `obj` ("spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
// or nullopt. `creating`: a missing name may still come from generateName.
std::optional<std::string> validate_object(const core::Object& obj, bool creating);

}  // namespace ktwin::realnet
