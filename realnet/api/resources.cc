// Resource naming as k8s.io/apimachinery schema.GroupResource.String() and GroupKind.String() spell it.
#include "realnet/api/resources.h"

namespace ktwin::realnet {

std::string qualified_resource(const ApiResource& r) {
  std::string plural(r.plural);
  return r.group.empty() ? plural : plural + "." + std::string(r.group);
}

std::string qualified_kind(const ApiResource& r) {
  std::string kind(core::kind_name(r.kind));
  return r.group.empty() ? kind : kind + "." + std::string(r.group);
}

bool has_subresource(const ApiResource& r, std::string_view name) {
  for (const ApiSubresource& s : r.subresources)
    if (s.name == name) return true;
  return false;
}

}  // namespace ktwin::realnet
