// The tags, copied from k/k staging/src/k8s.io/api/{core,apps,networking,policy,coordination}/v1/types.go
// and apimachinery pkg/apis/meta/v1/types.go. Fields without tags are listed only to name their struct.
#include "realnet/api/patch_meta.h"

#include <map>
#include <utility>

namespace ktwin::realnet {
namespace {

using Fields = std::map<std::string_view, FieldMeta>;

FieldMeta of(std::string_view type) { return {type, false, {}}; }
FieldMeta merge_by(std::string_view type, std::string_view key) { return {type, true, key}; }

const std::map<std::string_view, Fields>& structs() {
  static const std::map<std::string_view, Fields> kStructs = {
      {"ObjectMeta",
       {{"finalizers", merge_by("", "")}, {"ownerReferences", merge_by("OwnerReference", "uid")}}},
      {"PodTemplateSpec", {{"metadata", of("ObjectMeta")}, {"spec", of("PodSpec")}}},
      {"PodSpec",
       {{"volumes", merge_by("Volume", "name")},  // merge,retainKeys
        {"initContainers", merge_by("Container", "name")},
        {"containers", merge_by("Container", "name")},
        {"ephemeralContainers", merge_by("Container", "name")},
        {"imagePullSecrets", merge_by("", "name")},
        {"hostAliases", merge_by("", "ip")},
        {"topologySpreadConstraints", merge_by("", "topologyKey")},
        {"resourceClaims", merge_by("", "name")},  // merge,retainKeys
        {"schedulingGates", merge_by("", "name")}}},
      // tolerations, readinessGates, args, command, envFrom: no tags, replaced whole.
      {"Container",
       {{"ports", merge_by("", "containerPort")},
        {"env", merge_by("", "name")},
        {"volumeMounts", merge_by("", "mountPath")},
        {"volumeDevices", merge_by("", "devicePath")}}},
      {"PodStatus",
       {{"conditions", merge_by("", "type")}, {"podIPs", merge_by("", "ip")}, {"hostIPs", merge_by("", "ip")}}},
      {"Pod", {{"metadata", of("ObjectMeta")}, {"spec", of("PodSpec")}, {"status", of("PodStatus")}}},
      {"ReplicaSetSpec", {{"template", of("PodTemplateSpec")}}},
      {"ReplicaSetStatus", {{"conditions", merge_by("", "type")}}},
      {"ReplicaSet",
       {{"metadata", of("ObjectMeta")}, {"spec", of("ReplicaSetSpec")}, {"status", of("ReplicaSetStatus")}}},
      // DeploymentSpec.strategy is patchStrategy:"retainKeys": it only shapes the diff kubectl computes.
      {"DeploymentSpec", {{"template", of("PodTemplateSpec")}}},
      {"DeploymentStatus", {{"conditions", merge_by("", "type")}}},
      {"Deployment",
       {{"metadata", of("ObjectMeta")}, {"spec", of("DeploymentSpec")}, {"status", of("DeploymentStatus")}}},
      // ServiceSpec.ports: patchMergeKey:"port" (listMapKeys port and protocol).
      {"ServiceSpec", {{"ports", merge_by("", "port")}}},
      {"ServiceStatus", {{"conditions", merge_by("", "type")}}},
      {"Service", {{"metadata", of("ObjectMeta")}, {"spec", of("ServiceSpec")}, {"status", of("ServiceStatus")}}},
      // NodeSpec.taints has no tags: replaced whole.
      {"NodeSpec", {{"podCIDRs", merge_by("", "")}}},
      {"NodeStatus", {{"conditions", merge_by("", "type")}, {"addresses", merge_by("", "type")}}},
      {"Node", {{"metadata", of("ObjectMeta")}, {"spec", of("NodeSpec")}, {"status", of("NodeStatus")}}},
      // Endpoints.subsets, Ingress rules, paths and tls: no tags, replaced whole.
      {"Endpoints", {{"metadata", of("ObjectMeta")}}},
      {"Ingress", {{"metadata", of("ObjectMeta")}}},
      {"Lease", {{"metadata", of("ObjectMeta")}}},
      {"PodDisruptionBudgetStatus", {{"conditions", merge_by("", "type")}}},
      {"PodDisruptionBudget", {{"metadata", of("ObjectMeta")}, {"status", of("PodDisruptionBudgetStatus")}}},
  };
  return kStructs;
}

}  // namespace

std::string_view root_type(core::Kind kind) { return core::kind_name(kind); }

FieldMeta field_meta(std::string_view type, std::string_view field) {
  auto s = structs().find(type);
  if (s == structs().end()) return {};
  auto f = s->second.find(field);
  return f == s->second.end() ? FieldMeta{} : f->second;
}

}  // namespace ktwin::realnet
