#include "realnet/proxy/service_routes.h"

#include <algorithm>
#include <tuple>

namespace ktwin::realnet {

std::vector<Backend> service_backends(const core::Service& service, const core::ServicePort& port,
                                      const core::Endpoints* endpoints) {
  std::vector<Backend> out;
  if (endpoints == nullptr) return out;
  for (const core::EndpointSubset& subset : endpoints->subsets) {
    for (const core::EndpointPort& endpoint_port : subset.ports) {
      // A single unnamed service port has an unnamed endpoint port (k/k endpoints_controller.go).
      if (endpoint_port.name != port.name) continue;
      if (!endpoint_port.protocol.empty() && endpoint_port.protocol != "TCP") continue;
      for (const core::EndpointAddress& address : subset.addresses) {
        out.push_back({address.ip, endpoint_port.port});
      }
    }
  }
  return out;
}

std::vector<ServiceRoute> service_routes(const core::Store& store) {
  std::vector<ServiceRoute> routes;
  for (const auto& service : core::list<core::Service>(store)) {
    const std::string& ns = service->metadata.namespace_;
    auto endpoints = core::find<core::Endpoints>(store, ns, service->metadata.name);
    bool has_cluster_ip = !service->spec.clusterIP.empty() && service->spec.clusterIP != "None";
    for (const core::ServicePort& port : service->spec.ports) {
      if (!port.protocol.empty() && port.protocol != "TCP") continue;
      std::string label = ns + "/" + service->metadata.name + ":" + std::to_string(port.port);
      std::vector<Backend> backends = service_backends(*service, port, endpoints.get());
      if (has_cluster_ip) routes.push_back({service->spec.clusterIP, port.port, label, backends});
      bool node_port = service->spec.type == "NodePort" || service->spec.type == "LoadBalancer";
      if (node_port && port.nodePort > 0) routes.push_back({"0.0.0.0", port.nodePort, label, backends});
    }
  }
  std::sort(routes.begin(), routes.end(), [](const ServiceRoute& a, const ServiceRoute& b) {
    return std::tie(a.listen_ip, a.listen_port) < std::tie(b.listen_ip, b.listen_port);
  });
  return routes;
}

}  // namespace ktwin::realnet
