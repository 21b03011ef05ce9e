// labelSelector and fieldSelector query parameters, matched against objects in lists and watches.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/api/meta.h"
#include "core/util/status.h"

namespace ktwin::realnet {

struct FieldRequirement {
  std::string field;  // "metadata.name", "spec.nodeName"
  bool equals = true; // "=" or "==" (true), "!=" (false)
  std::string value;
};

// What a list or watch keeps: namespace, labels and fields, all required.
struct ObjectFilter {
  std::string namespace_;  // empty: all namespaces
  std::optional<core::LabelSelector> labels;
  std::vector<FieldRequirement> fields;

  bool matches(const core::Object& obj) const;
};

// Parses "metadata.name=x,spec.nodeName!=y" for `kind`; Invalid (a 400 message) naming an unsupported
// field: "field label not supported: foo" (k/k pkg/registry/*/strategy.go GetAttrs/ToSelectableFields).
core::Result<std::vector<FieldRequirement>> parse_field_selector(const std::string& text, core::Kind kind);
// The value a field selector compares for `obj`: nullopt when `field` is not selectable for its kind.
std::optional<std::string> selectable_field(const core::Object& obj, const std::string& field);

}  // namespace ktwin::realnet
