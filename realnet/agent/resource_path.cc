#include "realnet/agent/resource_path.h"

#include <cctype>
#include <cstdio>

namespace ktwin::realnet {

std::string_view resource_plural(core::Kind kind) {
  switch (kind) {
    case core::Kind::kNode: return "nodes";
    case core::Kind::kPod: return "pods";
    case core::Kind::kReplicaSet: return "replicasets";
    case core::Kind::kDeployment: return "deployments";
    case core::Kind::kService: return "services";
    case core::Kind::kEndpoints: return "endpoints";
    case core::Kind::kIngress: return "ingresses";
    case core::Kind::kLease: return "leases";
    case core::Kind::kPodDisruptionBudget: return "poddisruptionbudgets";
    case core::Kind::kEvent: return "events";
    case core::Kind::kNamespace: return "namespaces";
  }
  return "";
}

std::string collection_path(core::Kind kind, const std::string& ns) {
  std::string_view version = core::api_version(kind);
  // The core group lives under /api, every named group under /apis (k8s.io/apiserver's root paths).
  std::string path = version == "v1" ? "/api/v1" : "/apis/" + std::string(version);
  if (core::is_namespaced(kind) && !ns.empty()) path += "/namespaces/" + ns;
  path += "/";
  path += resource_plural(kind);
  return path;
}

std::string object_path(core::Kind kind, const std::string& ns, const std::string& name,
                        const std::string& subresource) {
  std::string path = collection_path(kind, core::is_namespaced(kind) ? (ns.empty() ? "default" : ns) : "");
  path += "/" + query_escape(name);
  if (!subresource.empty()) path += "/" + subresource;
  return path;
}

std::string query_escape(std::string_view value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace ktwin::realnet
