// Turns what `kubectl get nodes,deployments,replicasets,pods,services -A -o json` printed for a real
// cluster into a scenario: its nodes, and its workloads as manifest files, so users replay their own
// cluster (`ktwin import`).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace ktwin::sim {

struct ImportOptions {
  std::string name = "imported";            // the scenario's metadata.name
  std::string manifests_dir = "manifests";  // where the manifest files go, relative to the scenario
  bool anonymize = false;  // rename nodes, workloads, namespaces, label values, images (cluster_anonymizer.h)
  bool include_system = false;  // keep kube-system, kube-public and kube-node-lease objects
};

struct ImportedFile {
  std::string path;  // relative to the scenario file: manifests_dir/kind-[namespace-]name.yaml
  std::string text;  // one YAML document
};

struct ImportResult {
  std::string scenario;                 // the scenario file's text
  std::vector<ImportedFile> manifests;  // listed in the scenario's `manifests:`, in that order
  std::vector<std::string> warnings;    // what was left out or approximated, one sentence each
};

// `list` is a v1 List (or any object with an `items` array). What is kept:
// - Nodes -> cluster.nodes: capacity (cpu, memory, pods, ephemeral-storage), labels without those the
//   kubelet sets itself (hostname, os, arch, node-role.kubernetes.io/* which become `roles`), taints
//   without the node.kubernetes.io/* ones the node controllers manage.
// - Deployments, Services, ReplicaSets without an owner, and Pods without an owner -> manifests,
//   with status and server-set metadata removed (uid, resourceVersion, creationTimestamp,
//   managedFields, generation, the revision and last-applied annotations) and Services without
//   clusterIP(s) and nodePorts, which admission allocates again. The default/kubernetes Service is
//   left out: the API server creates it.
// - ReplicaSets owned by a Deployment and Pods owned by a ReplicaSet are dropped: the controllers
//   recreate them. Pods of kinds ktwin does not model (DaemonSet, StatefulSet, Job, Node) are kept
//   as bare pods on their node, with a warning; finished pods (Succeeded, Failed) are dropped.
// - kubernetesVersion: the nodes' kubeletVersion, as "1.20" or "1.32" whichever is nearer (a warning
//   unless it is one of them).
// - An `expect` entry per Deployment of the default namespace: readyReplicas back to spec.replicas at 3m.
// Invalid (with a message naming the item) when `list` is not a list of Kubernetes objects or has no Node.
core::Result<ImportResult> import_cluster(const nlohmann::json& list, const ImportOptions& options);

}  // namespace ktwin::sim
