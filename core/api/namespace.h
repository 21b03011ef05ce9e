// core/v1 Namespace (k/k staging/src/k8s.io/api/core/v1/types.go): real mode lists and creates them;
// a namespaced object may only be created in an existing one (NamespaceLifecycle admission).
#pragma once

#include <string>

#include "core/api/meta.h"

namespace ktwin::core {

struct Namespace : KindOf<Namespace, Kind::kNamespace> {
  std::string phase = "Active";  // status.phase: Active (ktwin deletes a namespace at once, never Terminating)
};

// The namespaces kube-apiserver's system namespaces controller keeps (k/k pkg/controlplane/controller/
// systemnamespaces): they exist from the start and may not be deleted.
inline constexpr const char* kSystemNamespaces[] = {"default", "kube-system", "kube-public", "kube-node-lease"};

}  // namespace ktwin::core
