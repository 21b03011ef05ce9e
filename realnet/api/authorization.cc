// Authorization: the RBAC rules kubelets get (k/k plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go
// NodeRules, used by plugin/pkg/auth/authorizer/node/node_authorizer.go) and NodeRestriction
// (k/k plugin/pkg/admission/noderestriction/admission.go), with their error wording.
#include "realnet/api/authorization.h"

#include <algorithm>
#include <vector>

#include "core/api/node.h"
#include "core/api/pod.h"

namespace ktwin::realnet {
namespace {

constexpr const char* kNodeLeaseNamespace = "kube-node-lease";
constexpr const char* kMirrorPodAnnotation = "kubernetes.io/config.mirror";

struct Rule {
  std::string group, resource;  // resource with "/subresource"
  std::vector<std::string> verbs;
};

// NodeRules (policy.go). Reads of endpoints widen "get" to list and watch, and leases gain list and
// watch: the agent runs kube-proxy's role (system:node-proxier) and keeps list+watch caches with the
// kubelet's identity.
const std::vector<Rule>& node_rules() {
  static const std::vector<Rule> rules = {
      {"", "services", {"get", "list", "watch"}},
      {"", "nodes", {"create", "get", "list", "watch", "update", "patch"}},
      {"", "nodes/status", {"update", "patch"}},
      {"", "events", {"create", "update", "patch"}},
      {"events.k8s.io", "events", {"create", "update", "patch"}},
      {"", "pods", {"get", "list", "watch", "create", "delete"}},
      {"", "pods/status", {"update", "patch"}},
      {"", "endpoints", {"get", "list", "watch"}},
      {"coordination.k8s.io", "leases", {"get", "list", "watch", "create", "update", "patch", "delete"}},
  };
  return rules;
}

bool has_group(const UserInfo& user, const std::string& group) {
  return std::find(user.groups.begin(), user.groups.end(), group) != user.groups.end();
}

std::string full_resource(const RequestAttributes& a) {
  return a.subresource.empty() ? std::string(a.resource->plural) : std::string(a.resource->plural) + "/" + a.subresource;
}

// errors.NewForbidden: `pods "x" is forbidden: <why>` (no name: `pods is forbidden: <why>`).
ApiError forbidden(const RequestAttributes& a, const std::string& why) {
  std::string res = qualified_resource(*a.resource);
  std::string head = a.name.empty() ? res : res + " \"" + a.name + "\"";
  ApiError e = forbidden_error(head + " is forbidden: " + why);
  e.details = {{"kind", std::string(a.resource->plural)}};
  if (!a.name.empty()) e.details["name"] = a.name;
  if (!a.resource->group.empty()) e.details["group"] = std::string(a.resource->group);
  return e;
}

// responsewriters.forbiddenMessage, plus the authorizer's reason.
ApiError rbac_denied(const UserInfo& user, const RequestAttributes& a, const std::string& reason = "") {
  std::string why = "User \"" + user.name + "\" cannot " + a.verb + " resource \"" + full_resource(a) +
                    "\" in API group \"" + std::string(a.resource->group) + "\"";
  why += a.namespace_.empty() ? " at the cluster scope" : " in the namespace \"" + a.namespace_ + "\"";
  if (!reason.empty()) why += ": " + reason;
  return forbidden(a, why);
}

}  // namespace

bool is_master(const UserInfo& user) { return has_group(user, "system:masters"); }

std::optional<std::string> node_name_of(const UserInfo& user) {
  // k/k pkg/auth/nodeidentifier/default.go: group system:nodes and a name "system:node:<name>".
  static const std::string kPrefix = "system:node:";
  if (!has_group(user, "system:nodes") || user.name.rfind(kPrefix, 0) != 0) return std::nullopt;
  return user.name.substr(kPrefix.size());
}

std::optional<ApiError> authorize(const UserInfo& user, const RequestAttributes& a) {
  if (is_master(user)) return std::nullopt;
  auto node = node_name_of(user);
  if (!node) return rbac_denied(user, a);
  // node_authorizer.go authorizeLease: only the kube-node-lease namespace, only the node's own name.
  if (a.resource->group == "coordination.k8s.io" && a.resource->plural == "leases" && a.verb != "list" &&
      a.verb != "watch") {
    if (a.namespace_ != kNodeLeaseNamespace)
      return rbac_denied(user, a, "can only access leases in the \"kube-node-lease\" system namespace");
    if (a.verb != "create" && a.name != *node)
      return rbac_denied(user, a, "can only access node lease with the same name as the requesting node");
  }
  std::string res = full_resource(a);
  for (const Rule& rule : node_rules())
    if (rule.group == a.resource->group && rule.resource == res &&
        std::find(rule.verbs.begin(), rule.verbs.end(), a.verb) != rule.verbs.end())
      return std::nullopt;
  return rbac_denied(user, a);
}

std::optional<ApiError> admit_node_write(const UserInfo& user, const RequestAttributes& a, const core::Object* old,
                                         const core::Object* now) {
  auto node = node_name_of(user);
  if (!node) return std::nullopt;
  const std::string quoted = "\"" + *node + "\"";
  const std::string_view res = a.resource->plural;
  if (a.resource->group.empty() && res == "pods") {
    if (a.subresource == "status") {
      auto* before = static_cast<const core::Pod*>(old);
      if (!before || before->spec.nodeName != *node)
        return forbidden(a, "node " + quoted + " can only update pod status for pods with spec.nodeName set to itself");
      if (now && now->metadata.labels != before->metadata.labels)
        return forbidden(a, "node " + quoted + " cannot update labels through pod status");
      return std::nullopt;
    }
    if (a.verb == "delete") {
      auto* before = static_cast<const core::Pod*>(old);
      if (before && before->spec.nodeName != *node)
        return forbidden(a, "node " + quoted + " can only delete pods with spec.nodeName set to itself");
      return std::nullopt;
    }
    if (a.verb == "create") {
      auto* pod = static_cast<const core::Pod*>(now);
      if (!pod->metadata.annotations.count(kMirrorPodAnnotation))
        return forbidden(a, "pod does not have \"" + std::string(kMirrorPodAnnotation) + "\" annotation, node " +
                                quoted + " can only create mirror pods");
      if (pod->spec.nodeName != *node)
        return forbidden(a, "node " + quoted + " can only create pods with spec.nodeName set to itself");
      return std::nullopt;
    }
    return forbidden(a, "unexpected operation \"" + a.verb + "\", node " + quoted +
                            " can only create and delete mirror pods");
  }
  if (a.resource->group.empty() && res == "nodes") {
    std::string target = now ? now->metadata.name : a.name;
    if (target != *node) return forbidden(a, "node " + quoted + " is not allowed to modify node \"" + target + "\"");
    if (old && now) {
      auto& before = static_cast<const core::Node&>(*old);
      auto& after = static_cast<const core::Node&>(*now);
      if (before.spec.taints != after.spec.taints)
        return forbidden(a, "node " + quoted + " is not allowed to modify taints");
    }
    return std::nullopt;
  }
  if (a.resource->group == "coordination.k8s.io" && res == "leases") {
    if (a.namespace_ != kNodeLeaseNamespace)
      return forbidden(a, "can only access leases in the \"kube-node-lease\" system namespace");
    std::string target = now ? now->metadata.name : a.name;
    if (target != *node) return forbidden(a, "can only access node lease with the same name as the requesting node");
  }
  return std::nullopt;
}

}  // namespace ktwin::realnet
