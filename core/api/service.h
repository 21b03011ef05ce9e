// core/v1 Service and Endpoints, networking.k8s.io/v1 Ingress.
#pragma once

#include "core/api/meta.h"

namespace ktwin::core {

struct ServicePort {
  std::string name, protocol, appProtocol;
  int32_t port = 0, nodePort = 0;
  std::optional<IntOrString> targetPort;
};

struct ServiceSpec {
  std::string type, clusterIP, sessionAffinity, externalTrafficPolicy;
  std::vector<std::string> clusterIPs, externalIPs;
  Labels selector;
  std::vector<ServicePort> ports;
};

struct LoadBalancerIngress {
  std::string ip, hostname;
};
struct LoadBalancerStatus {
  std::vector<LoadBalancerIngress> ingress;
};

struct Service : KindOf<Service, Kind::kService> {
  ServiceSpec spec;
  LoadBalancerStatus status_loadBalancer;  // status.loadBalancer
};

struct ObjectReference {
  std::string kind, namespace_, name, uid;
};

struct EndpointAddress {
  std::string ip, hostname;
  std::optional<std::string> nodeName;
  std::optional<ObjectReference> targetRef;
};

struct EndpointPort {
  std::string name, protocol;
  int32_t port = 0;
};

struct EndpointSubset {
  std::vector<EndpointAddress> addresses, notReadyAddresses;
  std::vector<EndpointPort> ports;
};

struct Endpoints : KindOf<Endpoints, Kind::kEndpoints> {
  std::vector<EndpointSubset> subsets;
  size_t ready_address_count() const;
};

struct IngressServiceBackend {
  std::string name;
  int32_t port_number = 0;  // port.number
  std::string port_name;    // port.name
};

struct HTTPIngressPath {
  std::string path, pathType;
  std::optional<IngressServiceBackend> backend_service;  // backend.service
};

struct IngressRule {
  std::string host;
  std::vector<HTTPIngressPath> paths;  // http.paths
};

struct Ingress : KindOf<Ingress, Kind::kIngress> {
  std::optional<std::string> ingressClassName;  // spec.ingressClassName
  std::vector<IngressRule> rules;               // spec.rules
  LoadBalancerStatus status_loadBalancer;       // status.loadBalancer
};

}  // namespace ktwin::core
