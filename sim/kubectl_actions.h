// What the scenario's kubectl-like actions do to the store: apply, scale, delete. The messages are
// kubectl's ("deployment.apps/letschat created", "pod \"x\" deleted").
#pragma once

#include <string>
#include <vector>

#include "core/store/store.h"
#include "sim/scenario/scenario.h"

namespace ktwin::sim {

// kubectl apply: create, or replace the spec (labels, annotations) and keep the status. Returns one line
// per document.
core::Result<std::vector<std::string>> apply_manifests(core::Store& store, const std::vector<ManifestDoc>& docs);
// kubectl scale deployment|replicaset NAME --replicas=N.
core::Result<std::string> scale(core::Store& store, const std::string& kind, const std::string& ns,
                                const std::string& name, int32_t replicas);
// kubectl delete KIND NAME, or KIND -l SELECTOR.
core::Result<std::vector<std::string>> delete_objects(core::Store& store, const std::string& kind,
                                                      const std::string& ns, const std::string& name,
                                                      const std::string& selector);
// kubectl cordon NODE (`unschedulable` true) or uncordon NODE (false): "node/worker2 cordoned", or
// "node/worker2 already cordoned" when there was nothing to change.
core::Result<std::string> cordon(core::Store& store, const std::string& node, bool unschedulable);

}  // namespace ktwin::sim
