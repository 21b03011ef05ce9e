// Defaulting and admission on the write path.
#include "core/apiserver/admitting_store.h"

#include "core/api/namespace.h"

#include "core/api/pod.h"
#include "core/api/service.h"
#include "core/api/workload.h"
#include "core/controller/deployment_util.h"

namespace ktwin::core {
namespace {

constexpr const char* kNotReadyTaint = "node.kubernetes.io/not-ready";
constexpr const char* kUnreachableTaint = "node.kubernetes.io/unreachable";

bool tolerates_no_execute(const PodSpec& spec, const std::string& key) {
  for (const Toleration& t : spec.tolerations) {
    // An empty key with Exists, or an empty effect, already covers the taint.
    bool key_matches = t.key == key || (t.key.empty() && t.operator_ == "Exists");
    if (key_matches && (t.effect.empty() || t.effect == "NoExecute")) return true;
  }
  return false;
}

void default_pod_spec(PodSpec& spec) {
  if (spec.restartPolicy.empty()) spec.restartPolicy = "Always";
  if (spec.schedulerName.empty()) spec.schedulerName = "default-scheduler";
  if (!spec.terminationGracePeriodSeconds) spec.terminationGracePeriodSeconds = 30;
  for (auto* list : {&spec.initContainers, &spec.containers}) {
    for (Container& c : *list) {
      for (ContainerPort& p : c.ports)
        if (p.protocol.empty()) p.protocol = "TCP";
      if (c.imagePullPolicy.empty()) {
        // k/k core/v1 defaults: Always for :latest or untagged images, else IfNotPresent.
        auto slash = c.image.rfind('/');
        auto colon = c.image.rfind(':');
        bool tagged = colon != std::string::npos && (slash == std::string::npos || colon > slash);
        bool latest = !tagged || c.image.substr(colon + 1) == "latest";
        c.imagePullPolicy = latest ? "Always" : "IfNotPresent";
      }
    }
  }
}

}  // namespace

void set_pod_defaults(Object& obj) {
  auto& pod = static_cast<Pod&>(obj);
  default_pod_spec(pod.spec);
  // k/k pkg/registry/core/pod/strategy.go PrepareForCreate: a new pod's status is {phase: Pending}.
  // Kubernetes replaces any status sent; ktwin keeps one a caller (a test fixture) set on purpose.
  if (pod.status.phase.empty()) pod.status.phase = "Pending";
}

void add_default_tolerations(Object& obj, int64_t not_ready_seconds, int64_t unreachable_seconds) {
  auto& pod = static_cast<Pod&>(obj);
  if (!tolerates_no_execute(pod.spec, kNotReadyTaint))
    pod.spec.tolerations.push_back({kNotReadyTaint, "Exists", "", "NoExecute", not_ready_seconds});
  if (!tolerates_no_execute(pod.spec, kUnreachableTaint))
    pod.spec.tolerations.push_back({kUnreachableTaint, "Exists", "", "NoExecute", unreachable_seconds});
}

AdmittingStore::AdmittingStore(Store& inner, const ControlPlaneConfig& config, Rng rng)
    : inner_(inner),
      config_(config),
      cluster_ips_(config.serviceClusterIPRange, Rng(rng.next_u64(), "cluster-ips")),
      node_ports_(static_cast<uint32_t>(config.serviceNodePortMax - config.serviceNodePortMin + 1),
                  Rng(rng.next_u64(), "node-ports")) {
  reserve_stored_services();
}

void AdmittingStore::reserve_stored_services() {
  for (const ObjectPtr& obj : inner_.list(Kind::kService)) {
    auto& svc = static_cast<const Service&>(*obj);
    // allocate() refuses a taken slot, which a second call finds: nothing to undo.
    if (!svc.spec.clusterIP.empty() && svc.spec.clusterIP != "None")
      cluster_ips_.allocate(svc.spec.clusterIP);
    for (const ServicePort& p : svc.spec.ports)
      if (p.nodePort) node_ports_.allocate(static_cast<uint32_t>(p.nodePort - config_.serviceNodePortMin));
  }
}

Status AdmittingStore::create_kubernetes_service() {
  // k/k pkg/controlplane/controller/kubernetesservice/controller.go CreateOrUpdateMasterServiceIfNeeded:
  // an existing one (a restarted server) is kept.
  if (inner_.find(Kind::kService, "default", "kubernetes")) return Status::ok();
  auto svc = std::make_shared<Service>();
  svc->metadata.name = "kubernetes";
  svc->metadata.namespace_ = "default";
  svc->metadata.labels = {{"component", "apiserver"}, {"provider", "kubernetes"}};
  auto first = parse_cidr(config_.serviceClusterIPRange);
  if (!first) return Status::invalid("bad serviceClusterIPRange " + config_.serviceClusterIPRange);
  svc->spec.clusterIP = format_ipv4(first->first + 1);
  svc->spec.ports.push_back({"https", "TCP", "", 443, 0, IntOrString::of(6443)});
  auto created = create(svc);
  return created.is_ok() ? Status::ok() : created.status();
}

Status create_system_namespaces(Store& store) {
  for (const char* name : kSystemNamespaces) {
    if (store.find(Kind::kNamespace, "", name)) continue;
    auto ns = std::make_shared<Namespace>();
    ns->metadata.name = name;
    if (auto created = store.create(ns); !created.is_ok()) return created.status();
  }
  return Status::ok();
}

Status AdmittingStore::admit_service(Object& obj, const Object* old) {
  auto& svc = static_cast<Service&>(obj);
  if (svc.spec.type.empty()) svc.spec.type = "ClusterIP";
  if (svc.spec.sessionAffinity.empty()) svc.spec.sessionAffinity = "None";
  for (ServicePort& p : svc.spec.ports) {
    if (p.protocol.empty()) p.protocol = "TCP";
    if (!p.targetPort) p.targetPort = IntOrString::of(p.port);
  }
  if (old) {
    // clusterIP and nodePorts are immutable once allocated.
    auto& before = static_cast<const Service&>(*old);
    if (svc.spec.clusterIP.empty()) svc.spec.clusterIP = before.spec.clusterIP;
    for (size_t i = 0; i < svc.spec.ports.size() && i < before.spec.ports.size(); ++i)
      if (svc.spec.ports[i].nodePort == 0) svc.spec.ports[i].nodePort = before.spec.ports[i].nodePort;
  } else if (svc.spec.clusterIP != "None") {
    if (svc.spec.clusterIP.empty()) {
      auto ip = cluster_ips_.allocate_next();
      if (!ip) return Status::invalid("failed to allocate a serviceIP: range is full");
      svc.spec.clusterIP = *ip;
    } else if (!cluster_ips_.allocate(svc.spec.clusterIP)) {
      return Status::invalid("spec.clusterIP: Invalid value: \"" + svc.spec.clusterIP +
                             "\": provided IP is already allocated or not in the valid range");
    }
  }
  if (svc.spec.clusterIP != "None") svc.spec.clusterIPs = {svc.spec.clusterIP};
  if (svc.spec.type == "NodePort" || svc.spec.type == "LoadBalancer") {
    if (svc.spec.externalTrafficPolicy.empty()) svc.spec.externalTrafficPolicy = "Cluster";
    for (ServicePort& p : svc.spec.ports) {
      if (p.nodePort != 0) {
        if (!old && !node_ports_.allocate(static_cast<uint32_t>(p.nodePort - config_.serviceNodePortMin)))
          return Status::invalid("spec.ports.nodePort: Invalid value: " + std::to_string(p.nodePort) +
                                 ": provided port is already allocated");
        continue;
      }
      auto port = node_ports_.allocate_next();
      if (!port) return Status::invalid("failed to allocate a nodePort: range is full");
      p.nodePort = config_.serviceNodePortMin + static_cast<int32_t>(*port);
    }
  }
  return Status::ok();
}

void AdmittingStore::release_service(const Object& obj) {
  auto& svc = static_cast<const Service&>(obj);
  if (!svc.spec.clusterIP.empty() && svc.spec.clusterIP != "None") cluster_ips_.release(svc.spec.clusterIP);
  for (const ServicePort& p : svc.spec.ports)
    if (p.nodePort) node_ports_.release(static_cast<uint32_t>(p.nodePort - config_.serviceNodePortMin));
}

Result<ObjectPtr> AdmittingStore::create(std::shared_ptr<Object> obj) {
  switch (obj->kind()) {
    case Kind::kPod:
      set_pod_defaults(*obj);
      add_default_tolerations(*obj, config_.defaultNotReadyTolerationSeconds,
                              config_.defaultUnreachableTolerationSeconds);
      break;
    case Kind::kDeployment:
      set_deployment_defaults(static_cast<Deployment&>(*obj));
      break;
    case Kind::kService:
      if (Status s = admit_service(*obj, nullptr); !s.is_ok()) return s;
      break;
    default:
      break;
  }
  auto created = inner_.create(obj);
  if (!created.is_ok() && obj->kind() == Kind::kService) release_service(*obj);
  return created;
}

Result<ObjectPtr> AdmittingStore::update(std::shared_ptr<Object> obj) {
  if (obj->kind() == Kind::kService) {
    ObjectPtr old = inner_.find(Kind::kService, obj->metadata.namespace_, obj->metadata.name);
    if (old)
      if (Status s = admit_service(*obj, old.get()); !s.is_ok()) return s;
  }
  if (obj->kind() == Kind::kDeployment) set_deployment_defaults(static_cast<Deployment&>(*obj));
  return inner_.update(obj);
}

Status AdmittingStore::remove(Kind kind, const std::string& ns, const std::string& name,
                              const DeleteOptions& options) {
  ObjectPtr old = kind == Kind::kService ? inner_.find(kind, ns, name) : nullptr;
  Status s = inner_.remove(kind, ns, name, options);
  if (s.is_ok() && old) release_service(*old);
  return s;
}

}  // namespace ktwin::core
