// Deterministic renaming for `ktwin import --anonymize`: a cluster's shape without its names.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

namespace ktwin::sim {

// Rewrites, in place and consistently (the same old name gets the same new name everywhere, so
// selectors, nodeSelectors and spec.nodeName still match):
// - node names -> node-1..N in sorted order (entries of cluster.nodes, spec.nodeName, the
//   kubernetes.io/hostname label and nodeSelector terms);
// - object names -> app-1..M in sorted order; a Deployment and a Service of the same name share one;
// - namespaces other than default and kube-* -> ns-1..K;
// - label and selector values -> the object's new name when they equal an object name, else
//   value-1..L; values of well-known keys (containing kubernetes.io/ or k8s.io/, such as zones) are
//   kept; label keys are kept;
// - images -> image-1..I with their tag kept; container names -> container-1..C; port names (and
//   the Services' targetPorts naming them) -> port-1..P; taint and toleration values like label values;
// - annotations, env, envFrom, command, args, workingDir, volumes and volumeMounts, imagePullSecrets,
//   serviceAccountName, hostname, subdomain, externalName, externalIPs, loadBalancerIP are removed.
// `nodes` are cluster.nodes entries ({name, labels, taints, ...}); `docs` are manifests.
void anonymize_cluster(std::vector<nlohmann::json>& nodes, std::vector<nlohmann::json>& docs);

}  // namespace ktwin::sim
