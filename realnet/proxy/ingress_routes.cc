#include "realnet/proxy/ingress_routes.h"

namespace ktwin::realnet {
namespace {

// 0: no match; otherwise higher is more specific (exact host 3, wildcard 2, no host 1).
int host_rank(std::string_view rule_host, std::string_view host) {
  if (rule_host.empty()) return 1;
  if (rule_host == host) return 3;
  if (rule_host.starts_with("*.")) {
    // "*.foo.com" matches "bar.foo.com", not "foo.com" nor "baz.bar.foo.com".
    std::string_view suffix = rule_host.substr(1);
    if (host.size() > suffix.size() && host.ends_with(suffix)) {
      std::string_view label = host.substr(0, host.size() - suffix.size());
      if (label.find('.') == std::string_view::npos) return 2;
    }
  }
  return 0;
}

// Path match length (higher wins), or -1. Prefix "/foo" matches "/foo" and "/foo/bar", not "/foobar".
int path_rank(const core::HTTPIngressPath& rule, std::string_view path) {
  std::string_view rule_path = rule.path.empty() ? "/" : std::string_view(rule.path);
  if (rule.pathType == "Exact") return path == rule_path ? 100000 + static_cast<int>(rule_path.size()) : -1;
  std::string_view prefix = rule_path;
  while (prefix.size() > 1 && prefix.ends_with('/')) prefix.remove_suffix(1);
  if (prefix == "/") return 1;
  if (!path.starts_with(prefix)) return -1;
  if (path.size() != prefix.size() && path[prefix.size()] != '/') return -1;
  return static_cast<int>(prefix.size());
}

}  // namespace

std::optional<IngressTarget> match_ingress(const std::vector<std::shared_ptr<const core::Ingress>>& ingresses,
                                           std::string_view host, std::string_view path) {
  if (auto colon = host.find(':'); colon != std::string_view::npos) host = host.substr(0, colon);
  std::optional<IngressTarget> best;
  int best_host = 0, best_path = -1;
  for (const auto& ingress : ingresses) {
    for (const core::IngressRule& rule : ingress->rules) {
      int h = host_rank(rule.host, host);
      if (h == 0 || h < best_host) continue;
      for (const core::HTTPIngressPath& rule_path : rule.paths) {
        int p = path_rank(rule_path, path);
        if (p < 0 || !rule_path.backend_service) continue;
        if (h > best_host || p > best_path) {
          best_host = h;
          best_path = p;
          const core::IngressServiceBackend& backend = *rule_path.backend_service;
          best = IngressTarget{ingress->metadata.namespace_, backend.name, backend.port_number, backend.port_name};
        }
      }
    }
  }
  return best;
}

std::vector<Backend> ingress_backends(const core::Store& store, const IngressTarget& target) {
  auto service = core::find<core::Service>(store, target.ns, target.service);
  if (!service) return {};
  auto endpoints = core::find<core::Endpoints>(store, target.ns, target.service);
  for (const core::ServicePort& port : service->spec.ports) {
    bool match = target.port_number != 0 ? port.port == target.port_number : port.name == target.port_name;
    if (match) return service_backends(*service, port, endpoints.get());
  }
  return {};
}

}  // namespace ktwin::realnet
