// What a node's userspace service proxy listens on, computed from Services and Endpoints (pure).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/api/service.h"
#include "core/store/store.h"

namespace ktwin::realnet {

struct Backend {
  std::string ip;
  int32_t port = 0;
  bool operator==(const Backend&) const = default;
};

// One TCP listener: ClusterIP:port, or 0.0.0.0:nodePort, forwarding to the service's ready endpoints.
struct ServiceRoute {
  std::string listen_ip;
  int32_t listen_port = 0;
  std::string service;  // "default/letschat:8080", for logs
  std::vector<Backend> backends;
  bool operator==(const ServiceRoute&) const = default;
};

// The ready addresses serving `port` of `service` (ports matched by name, as the Endpoints
// controller names them after the service port; k/k pkg/proxy/endpoints.go).
std::vector<Backend> service_backends(const core::Service& service, const core::ServicePort& port,
                                      const core::Endpoints* endpoints);

// Every TCP route of every Service in `store`: one per (ClusterIP, port) and one per nodePort
// (k/k pkg/proxy/userspace: a listener per service port). Headless services (clusterIP None) and
// non-TCP ports are skipped. Ordered by listen address, so two computations compare equal.
std::vector<ServiceRoute> service_routes(const core::Store& store);

}  // namespace ktwin::realnet
