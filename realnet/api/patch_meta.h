// The patchStrategy and patchMergeKey struct tags of the Kubernetes types ktwin serves, for strategic merge
// patch: which lists merge element by element (and by which key) and which are replaced whole.
#pragma once

#include <string_view>

#include "core/api/meta.h"

namespace ktwin::realnet {

// One field of a Go API struct. `type` names the struct of the field's value (of its elements for lists);
// empty when the field is a plain map or scalar, whose children carry no tags.
struct FieldMeta {
  std::string_view type;
  bool merge = false;           // patchStrategy:"merge"; otherwise lists are replaced whole
  std::string_view merge_key;  // patchMergeKey; empty with merge = true: a set of primitives (finalizers)
};

// The root struct of a kind ("Deployment").
std::string_view root_type(core::Kind kind);
// The tags of `field` in struct `type`; an untagged FieldMeta for fields ktwin does not list (maps merge,
// lists are replaced), and for an empty `type`.
FieldMeta field_meta(std::string_view type, std::string_view field);

}  // namespace ktwin::realnet
