// Field validation before the store: what kube-apiserver's ValidateObjectMeta and apps validation reject.
#include "realnet/api/object_validation.h"

#include <regex>

#include "core/api/workload.h"

namespace ktwin::realnet {
namespace {

using core::Kind;

// k/k staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go IsDNS1123Subdomain.
std::optional<std::string> name_problem(const std::string& name) {
  static const std::regex kSubdomain("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  if (name.size() <= 253 && std::regex_match(name, kSubdomain)) return std::nullopt;
  return "metadata.name: Invalid value: \"" + name +
         "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
         "must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
         "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
}

std::string go_map(const core::Labels& labels) {
  std::string out = "map[string]string{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    out += (first ? "\"" : ", \"") + k + "\":\"" + v + "\"";
    first = false;
  }
  return out + "}";
}

}  // namespace

std::optional<std::string> validate_object(const core::Object& obj, bool creating) {
  if (!creating || !obj.metadata.name.empty()) {
    if (auto problem = name_problem(obj.metadata.name)) return problem;
  }
  const core::LabelSelector* selector = nullptr;
  const core::Labels* template_labels = nullptr;
  std::optional<int32_t> replicas;
  if (obj.kind() == Kind::kDeployment) {
    auto& d = static_cast<const core::Deployment&>(obj);
    selector = &d.spec.selector;
    template_labels = &d.spec.template_.metadata.labels;
    replicas = d.spec.replicas;
  } else if (obj.kind() == Kind::kReplicaSet) {
    auto& rs = static_cast<const core::ReplicaSet&>(obj);
    selector = &rs.spec.selector;
    template_labels = &rs.spec.template_.metadata.labels;
    replicas = rs.spec.replicas;
  } else {
    return std::nullopt;
  }
  if (replicas && *replicas < 0)
    return "spec.replicas: Invalid value: " + std::to_string(*replicas) + ": must be greater than or equal to 0";
  if (selector->empty()) return std::string("spec.selector: Required value");
  if (!selector->matches(*template_labels))
    return "spec.template.metadata.labels: Invalid value: " + go_map(*template_labels) +
           ": `selector` does not match template `labels`";
  return std::nullopt;
}


}  // namespace ktwin::realnet
