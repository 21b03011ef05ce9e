// Services, Endpoints and Ingresses for the proxy tests.
#pragma once

#include <memory>
#include <string>

#include "core/api/service.h"

namespace ktwin::realnet::testing {

inline std::shared_ptr<core::Service> service(const std::string& name, const std::string& type,
                                              const std::string& cluster_ip, int32_t port, int32_t node_port = 0,
                                              const std::string& port_name = "") {
  auto s = std::make_shared<core::Service>();
  s->metadata.name = name;
  s->metadata.namespace_ = "default";
  s->spec.type = type;
  s->spec.clusterIP = cluster_ip;
  core::ServicePort p;
  p.name = port_name;
  p.protocol = "TCP";
  p.port = port;
  p.nodePort = node_port;
  s->spec.ports.push_back(p);
  return s;
}

inline std::shared_ptr<core::Endpoints> endpoints(const std::string& name, const std::vector<std::string>& ready_ips,
                                                  int32_t port, const std::vector<std::string>& not_ready = {},
                                                  const std::string& port_name = "") {
  auto e = std::make_shared<core::Endpoints>();
  e->metadata.name = name;
  e->metadata.namespace_ = "default";
  core::EndpointSubset subset;
  for (const auto& ip : ready_ips) subset.addresses.push_back({ip, "", std::nullopt, std::nullopt});
  for (const auto& ip : not_ready) subset.notReadyAddresses.push_back({ip, "", std::nullopt, std::nullopt});
  subset.ports.push_back({port_name, "TCP", port});
  e->subsets.push_back(subset);
  return e;
}

inline core::HTTPIngressPath ingress_path(const std::string& path, const std::string& type,
                                          const std::string& service, int32_t port) {
  core::HTTPIngressPath p;
  p.path = path;
  p.pathType = type;
  p.backend_service = core::IngressServiceBackend{service, port, ""};
  return p;
}

inline std::shared_ptr<core::Ingress> ingress(const std::string& name, const std::string& host,
                                              std::vector<core::HTTPIngressPath> paths) {
  auto i = std::make_shared<core::Ingress>();
  i->metadata.name = name;
  i->metadata.namespace_ = "default";
  i->rules.push_back({host, std::move(paths)});
  return i;
}

}  // namespace ktwin::realnet::testing
