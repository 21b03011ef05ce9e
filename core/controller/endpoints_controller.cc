// EndpointsController: pods to addresses, ports per service port, subsets repacked by port set.
#include "core/controller/endpoints_controller.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

namespace ktwin::core {
namespace {

std::string protocol_or_tcp(const std::string& p) { return p.empty() ? "TCP" : p; }

// podutil.FindPort: an int targetPort as is; a name looked up among the containers' ports; default = port.
std::optional<int32_t> find_port(const Pod& pod, const ServicePort& sp) {
  if (!sp.targetPort || (!sp.targetPort->is_string && sp.targetPort->int_value == 0)) return sp.port;
  if (!sp.targetPort->is_string) return sp.targetPort->int_value;
  for (const Container& c : pod.spec.containers)
    for (const ContainerPort& p : c.ports)
      if (p.name == sp.targetPort->str_value && protocol_or_tcp(p.protocol) == protocol_or_tcp(sp.protocol))
        return p.containerPort;
  return std::nullopt;
}

// 1.20 shouldPodBeInEndpoints for not-ready pods: judged by restartPolicy, not by phase alone.
bool should_pod_be_in_endpoints(const Pod& pod) {
  const std::string& phase = pod.status.phase;
  if (pod.spec.restartPolicy == "Never") return phase != "Failed" && phase != "Succeeded";
  if (pod.spec.restartPolicy == "OnFailure") return phase != "Succeeded";
  return true;
}

using PortKey = std::tuple<std::string, int32_t, std::string>;  // name, port, protocol

bool addresses_equal(const std::vector<EndpointAddress>& a, const std::vector<EndpointAddress>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const EndpointAddress& x, const EndpointAddress& y) {
    bool refs = x.targetRef.has_value() == y.targetRef.has_value() &&
                (!x.targetRef || (x.targetRef->kind == y.targetRef->kind && x.targetRef->namespace_ == y.targetRef->namespace_ &&
                                  x.targetRef->name == y.targetRef->name && x.targetRef->uid == y.targetRef->uid));
    return x.ip == y.ip && x.hostname == y.hostname && x.nodeName == y.nodeName && refs;
  });
}

bool subsets_equal(const std::vector<EndpointSubset>& a, const std::vector<EndpointSubset>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const EndpointSubset& x, const EndpointSubset& y) {
    bool ports = std::equal(x.ports.begin(), x.ports.end(), y.ports.begin(), y.ports.end(),
                            [](const EndpointPort& p, const EndpointPort& q) {
                              return p.name == q.name && p.port == q.port && p.protocol == q.protocol;
                            });
    return ports && addresses_equal(x.addresses, y.addresses) && addresses_equal(x.notReadyAddresses, y.notReadyAddresses);
  });
}

}  // namespace

EndpointsController::EndpointsController(const Env& env)
    : env_(env), queue_(env.executor, [this](const std::string& key) { return reconcile(key); }) {}

EndpointsController::~EndpointsController() {
  for (WatchId id : watches_) env_.store.unwatch(id);
}

void EndpointsController::start() {
  auto key_of = [](const Object& o) { return o.metadata.namespace_ + "/" + o.metadata.name; };
  watches_.push_back(env_.store.watch(Kind::kService, [this, key_of](const WatchEvent& e) { queue_.add(key_of(*e.object)); }));
  watches_.push_back(env_.store.watch(Kind::kPod, [this](const WatchEvent& e) {
    enqueue_services_for(*as<Pod>(e.object));
    if (e.old) enqueue_services_for(*as<Pod>(e.old));  // labels may have changed
  }));
  // Endpoints removed or edited by someone else are put back.
  watches_.push_back(env_.store.watch(Kind::kEndpoints, [this, key_of](const WatchEvent& e) {
    if (env_.store.find(Kind::kService, e.object->metadata.namespace_, e.object->metadata.name))
      queue_.add(key_of(*e.object));
  }));
  for (const ObjectPtr& svc : env_.store.list(Kind::kService)) queue_.add(key_of(*svc));
}

void EndpointsController::enqueue_services_for(const Pod& pod) {
  for (const auto& svc : list<Service>(env_.store, pod.metadata.namespace_)) {
    if (svc->spec.selector.empty()) continue;
    LabelSelector selector;
    selector.matchLabels = svc->spec.selector;
    if (selector.matches(pod.metadata.labels)) queue_.add(svc->metadata.namespace_ + "/" + svc->metadata.name);
  }
}

std::vector<EndpointSubset> EndpointsController::compute_subsets(const Service& service,
                                                                 const std::vector<std::shared_ptr<const Pod>>& pods) {
  // RepackSubsets: every (address, readiness) per port, then addresses grouped by the set of ports they serve.
  struct AddrState {
    EndpointAddress address;
    std::map<PortKey, bool> ready_by_port;  // a ready entry wins over a not-ready one
  };
  std::map<std::pair<std::string, std::string>, AddrState> addrs;  // by (ip, pod uid), as addressKey
  for (const auto& pod : pods) {
    if (pod->status.podIP.empty()) continue;
    if (pod->metadata.deletionTimestamp) continue;  // terminating (publishNotReadyAddresses is not modelled)
    bool ready = pod->is_ready();
    if (!ready && !should_pod_be_in_endpoints(*pod)) continue;
    EndpointAddress epa;
    epa.ip = pod->status.podIP;
    epa.nodeName = pod->spec.nodeName;
    epa.targetRef = ObjectReference{"Pod", pod->metadata.namespace_, pod->metadata.name, pod->metadata.uid};
    std::vector<PortKey> ports;
    for (const ServicePort& sp : service.spec.ports)
      if (auto port = find_port(*pod, sp)) ports.emplace_back(sp.name, *port, protocol_or_tcp(sp.protocol));
    if (ports.empty()) continue;  // no service port resolves on this pod (headless port-less services aside)
    auto& state = addrs[{epa.ip, pod->metadata.uid}];
    state.address = epa;
    for (const PortKey& p : ports) {
      auto [it, inserted] = state.ready_by_port.emplace(p, ready);
      if (!inserted && ready) it->second = true;
    }
  }
  // Group by port set; each address is ready in a subset if ready on its ports.
  std::map<std::vector<PortKey>, EndpointSubset> groups;
  for (auto& [key, state] : addrs) {
    std::vector<PortKey> ports;
    bool ready = true;
    for (const auto& [p, r] : state.ready_by_port) {
      ports.push_back(p);
      ready = ready && r;
    }
    EndpointSubset& subset = groups[ports];
    (ready ? subset.addresses : subset.notReadyAddresses).push_back(state.address);
    if (subset.ports.empty())
      for (const auto& [name, port, protocol] : ports) subset.ports.push_back(EndpointPort{name, protocol, port});
  }
  std::vector<EndpointSubset> out;
  for (auto& [ports, subset] : groups) {
    // SortSubsets orders addresses by IP, then pod UID.
    auto by_ip = [](const EndpointAddress& a, const EndpointAddress& b) {
      return std::tie(a.ip, a.targetRef->uid) < std::tie(b.ip, b.targetRef->uid);
    };
    std::sort(subset.addresses.begin(), subset.addresses.end(), by_ip);
    std::sort(subset.notReadyAddresses.begin(), subset.notReadyAddresses.end(), by_ip);
    out.push_back(std::move(subset));
  }
  return out;
}

Status EndpointsController::reconcile(const std::string& key) {
  auto slash = key.find('/');
  std::string ns = key.substr(0, slash), name = key.substr(slash + 1);
  auto service = find<Service>(env_.store, ns, name);
  if (!service) {
    Status s = env_.store.remove(Kind::kEndpoints, ns, name);
    return s.is_not_found() ? Status::ok() : s;
  }
  if (service->spec.selector.empty()) return Status::ok();  // endpoints of selector-less services are the user's
  LabelSelector selector;
  selector.matchLabels = service->spec.selector;
  std::vector<std::shared_ptr<const Pod>> pods;
  for (const auto& pod : list<Pod>(env_.store, ns))
    if (selector.matches(pod->metadata.labels)) pods.push_back(pod);
  std::vector<EndpointSubset> subsets = compute_subsets(*service, pods);

  auto current = find<Endpoints>(env_.store, ns, name);
  if (current && subsets_equal(current->subsets, subsets) && current->metadata.labels == service->metadata.labels)
    return Status::ok();
  std::shared_ptr<Endpoints> next = current ? mutable_copy(*current) : std::make_shared<Endpoints>();
  next->metadata.name = name;
  next->metadata.namespace_ = ns;
  next->metadata.labels = service->metadata.labels;
  next->subsets = std::move(subsets);
  Result<ObjectPtr> written = current ? env_.store.update(next) : env_.store.create(next);
  return written.is_ok() ? Status::ok() : written.status();  // Conflict/AlreadyExists: requeued
}

}  // namespace ktwin::core
