// JSON codecs for every kind: Kubernetes field names, empty fields omitted, unknown fields kept.
#pragma once

#include <nlohmann/json.hpp>

#include "core/api/meta.h"
#include "core/util/status.h"

namespace ktwin::core {

// The full document: apiVersion, kind, metadata, spec, status, laid over obj.original.
nlohmann::json encode(const Object& obj);
// REQUIRES: doc is an object. Invalid when the kind is unknown or a field has the wrong type; the
// message names the field path ("spec.replicas: expected an integer").
Result<ObjectPtr> decode(const nlohmann::json& doc);

// Encodes metadata only, as in a PodTemplateSpec or an object reference.
nlohmann::json encode_meta(const ObjectMeta& meta);

// Merges `over` into `base`: objects key by key, equal-length arrays element by element, else `over`.
nlohmann::json overlay(const nlohmann::json& base, const nlohmann::json& over);

}  // namespace ktwin::core
