// make_table(): the column definitions and cells of k/k pkg/printers/internalversion/printers.go for the
// kinds ktwin models (Deployment, ReplicaSet, Pod, Node, Service, Endpoints, Ingress, Lease).
#include "core/printers/table.h"

#include <algorithm>
#include <set>

#include "core/api/event.h"
#include "core/api/namespace.h"
#include "core/api/node.h"
#include "core/api/pod.h"
#include "core/api/policy.h"
#include "core/api/service.h"
#include "core/api/workload.h"
#include "core/printers/human_duration.h"
#include "core/printers/pod_cells.h"
#include "core/util/status.h"

namespace ktwin::core::printers {
namespace {

using Cells = std::vector<std::string>;
constexpr const char* kNone = "<none>";

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string or_default(const std::string& s, const char* fallback) { return s.empty() ? fallback : s; }

// labels.Selector.String() after metav1.LabelSelectorAsSelector: requirements sorted by key, set values
// sorted.
std::string format_selector(const LabelSelector& selector) {
  std::vector<std::pair<std::string, std::string>> reqs;
  for (const auto& [k, v] : selector.matchLabels) reqs.emplace_back(k, k + "=" + v);
  for (const LabelSelectorRequirement& r : selector.matchExpressions) {
    std::vector<std::string> values = r.values;
    std::sort(values.begin(), values.end());
    if (r.operator_ == "In") reqs.emplace_back(r.key, r.key + " in (" + join(values, ",") + ")");
    if (r.operator_ == "NotIn") reqs.emplace_back(r.key, r.key + " notin (" + join(values, ",") + ")");
    if (r.operator_ == "Exists") reqs.emplace_back(r.key, r.key);
    if (r.operator_ == "DoesNotExist") reqs.emplace_back(r.key, "!" + r.key);
  }
  std::stable_sort(reqs.begin(), reqs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> parts;
  for (auto& r : reqs) parts.push_back(std::move(r.second));
  return join(parts, ",");
}

// labels.FormatLabels: sorted k=v pairs, "<none>" when empty.
std::string format_labels(const Labels& labels) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : labels) parts.push_back(k + "=" + v);
  return parts.empty() ? kNone : join(parts, ",");
}

// layoutContainerCells: names and images comma-joined in spec order.
std::pair<std::string, std::string> container_cells(const std::vector<Container>& containers) {
  std::vector<std::string> names, images;
  for (const Container& c : containers) {
    names.push_back(c.name);
    images.push_back(c.image);
  }
  return {join(names, ","), join(images, ",")};
}

// The document a manifest was decoded from, for spec fields the typed structs do not carry.
const nlohmann::json* original_spec_field(const Object& obj, const char* field) {
  if (!obj.original || !obj.original->is_object()) return nullptr;
  auto spec = obj.original->find("spec");
  if (spec == obj.original->end() || !spec->is_object()) return nullptr;
  auto it = spec->find(field);
  return it == spec->end() ? nullptr : &*it;
}

std::string age(const Object& obj, Time now) { return human_duration(now - obj.metadata.creationTimestamp); }

Cells deployment_cells(const Deployment& d, Time now, bool wide) {
  Cells cells = {std::to_string(d.status.readyReplicas) + "/" + std::to_string(d.desired_replicas()),
                 std::to_string(d.status.updatedReplicas), std::to_string(d.status.availableReplicas),
                 age(d, now)};
  if (wide) {
    auto [names, images] = container_cells(d.spec.template_.spec.containers);
    cells.insert(cells.end(), {names, images, format_selector(d.spec.selector)});
  }
  return cells;
}

Cells replica_set_cells(const ReplicaSet& rs, Time now, bool wide) {
  Cells cells = {std::to_string(rs.desired_replicas()), std::to_string(rs.status.replicas),
                 std::to_string(rs.status.readyReplicas), age(rs, now)};
  if (wide) {
    auto [names, images] = container_cells(rs.spec.template_.spec.containers);
    // metav1.FormatLabelSelector prints "<none>" for an empty selector.
    cells.insert(cells.end(), {names, images, or_default(format_selector(rs.spec.selector), kNone)});
  }
  return cells;
}

Cells pod_row_cells(const Pod& pod, Time now, const PrintOptions& options) {
  PodCells pc = pod_cells(pod, now, options.kubectl_version);
  Cells cells = {pc.ready, pc.status, pc.restarts, age(pod, now)};
  if (options.wide) {
    // NOMINATED NODE and READINESS GATES: ktwin models neither nominatedNodeName nor readinessGates.
    cells.insert(cells.end(),
                 {or_default(pod.status.podIP, kNone), or_default(pod.spec.nodeName, kNone), kNone, kNone});
  }
  return cells;
}

std::vector<std::string> node_roles(const Node& node) {
  // k/k printers.go findNodeRoles: node-role.kubernetes.io/<role> keys and the kubernetes.io/role value.
  std::set<std::string> roles;
  const std::string prefix = "node-role.kubernetes.io/";
  for (const auto& [k, v] : node.metadata.labels) {
    if (k.rfind(prefix, 0) == 0 && k.size() > prefix.size()) roles.insert(k.substr(prefix.size()));
    if (k == "kubernetes.io/role" && !v.empty()) roles.insert(v);
  }
  return {roles.begin(), roles.end()};
}

std::string node_address(const Node& node, std::string_view type) {
  for (const NodeAddress& a : node.status.addresses)
    if (a.type == type) return a.address;
  return kNone;
}

Cells node_cells(const Node& node, Time now, bool wide) {
  Cells cells = {node_status(node), or_default(join(node_roles(node), ","), kNone), age(node, now),
                 node.status.nodeInfo.kubeletVersion};
  if (wide) {
    const NodeSystemInfo& info = node.status.nodeInfo;
    cells.insert(cells.end(),
                 {node_address(node, "InternalIP"), node_address(node, "ExternalIP"),
                  or_default(info.osImage, "<unknown>"), or_default(info.kernelVersion, "<unknown>"),
                  or_default(info.containerRuntimeVersion, "<unknown>")});
  }
  return cells;
}

// loadBalancerStatusStringer with wide = true (the apiserver prints wide): distinct IPs or hostnames.
std::string load_balancer_addresses(const LoadBalancerStatus& status) {
  std::set<std::string> result;
  for (const LoadBalancerIngress& i : status.ingress) {
    if (!i.ip.empty())
      result.insert(i.ip);
    else if (!i.hostname.empty())
      result.insert(i.hostname);
  }
  return join({result.begin(), result.end()}, ",");
}

Cells service_cells(const Service& svc, Time now, bool wide) {
  // The apiserver defaults type to ClusterIP and protocol to TCP; objects built in code may leave them empty.
  std::string type = or_default(svc.spec.type, "ClusterIP");
  std::string cluster_ip =
      !svc.spec.clusterIPs.empty() ? svc.spec.clusterIPs[0] : or_default(svc.spec.clusterIP, kNone);
  std::string external;
  std::string external_ips = join(svc.spec.externalIPs, ",");
  if (type == "ClusterIP" || type == "NodePort") {
    external = or_default(external_ips, kNone);
  } else if (type == "LoadBalancer") {
    std::string lb = load_balancer_addresses(svc.status_loadBalancer);
    if (!external_ips.empty())
      external = lb.empty() ? external_ips : lb + "," + external_ips;
    else
      external = lb.empty() ? "<pending>" : lb;
  } else if (type == "ExternalName") {
    const nlohmann::json* name = original_spec_field(svc, "externalName");
    external = name && name->is_string() ? name->get<std::string>() : "";
  } else {
    external = "<unknown>";
  }
  std::vector<std::string> ports;
  for (const ServicePort& p : svc.spec.ports) {
    std::string proto = or_default(p.protocol, "TCP");
    ports.push_back(p.nodePort > 0 ? std::to_string(p.port) + ":" + std::to_string(p.nodePort) + "/" + proto
                                   : std::to_string(p.port) + "/" + proto);
  }
  Cells cells = {type, cluster_ip, external, or_default(join(ports, ","), kNone), age(svc, now)};
  if (wide) cells.push_back(format_labels(svc.spec.selector));
  return cells;
}

std::string host_port(const std::string& ip, int32_t port) {
  // net.JoinHostPort brackets IPv6 addresses.
  return (ip.find(':') != std::string::npos ? "[" + ip + "]" : ip) + ":" + std::to_string(port);
}

// formatEndpoints (k/k printers.go): ready addresses x ports, the first 3, then "+ N more...".
std::string format_endpoints(const Endpoints& ep) {
  if (ep.subsets.empty()) return kNone;
  constexpr size_t kMax = 3;
  std::vector<std::string> list;
  size_t count = 0;
  for (const EndpointSubset& ss : ep.subsets) {
    if (ss.ports.empty()) {  // headless services may have no ports
      for (const EndpointAddress& a : ss.addresses) {
        if (list.size() < kMax) list.push_back(a.ip);
        ++count;
      }
      continue;
    }
    for (const EndpointPort& p : ss.ports)
      for (const EndpointAddress& a : ss.addresses) {
        if (list.size() < kMax) list.push_back(host_port(a.ip, p.port));
        ++count;
      }
  }
  std::string ret = join(list, ",");
  if (count > kMax) ret += " + " + std::to_string(count - kMax) + " more...";
  return ret;
}

Cells ingress_cells(const Ingress& ing, Time now) {
  // formatHosts: up to 3 hosts, "*" when no rule names one.
  constexpr size_t kMax = 3;
  std::vector<std::string> hosts;
  bool more = false;
  for (const IngressRule& r : ing.rules) {
    if (hosts.size() == kMax) more = true;
    if (!more && !r.host.empty()) hosts.push_back(r.host);
  }
  std::string host_cell = hosts.empty() ? "*" : join(hosts, ",");
  if (more) host_cell += " + " + std::to_string(ing.rules.size() - kMax) + " more...";
  // formatPorts: TLS is not a typed field; read it from the manifest.
  const nlohmann::json* tls = original_spec_field(ing, "tls");
  std::string ports = tls && tls->is_array() && !tls->empty() ? "80, 443" : "80";
  return {ing.ingressClassName.value_or(kNone), host_cell, load_balancer_addresses(ing.status_loadBalancer),
          ports, age(ing, now)};
}

std::string lower(std::string_view s);
bool empty_time(Time t) { return t.time_since_epoch().count() == 0; }

// k/k pkg/printers/internalversion/printers.go printEvent: the object as "kind/name", a count of 0 is 1,
// an unset last timestamp is the first.
Cells event_cells(const Event& ev, Time now, bool wide) {
  auto since = [now](Time t) { return empty_time(t) ? std::string("<unknown>") : human_duration(now - t); };
  std::string first = since(ev.firstTimestamp);
  std::string last = empty_time(ev.lastTimestamp) ? first : since(ev.lastTimestamp);
  std::string kind = lower(ev.involvedObject.kind);
  std::string target = ev.involvedObject.name.empty() ? kind : kind + "/" + ev.involvedObject.name;
  std::string source = ev.source.component.empty() ? ev.reportingComponent : ev.source.component;
  std::string host = ev.source.host.empty() ? ev.reportingInstance : ev.source.host;
  if (!host.empty()) source += ", " + host;
  std::string message = ev.message;
  while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) message.pop_back();
  if (!wide) return {last, ev.type, ev.reason, target, message};
  return {last, ev.type, ev.reason, target, ev.involvedObject.fieldPath, source, message, first,
          std::to_string(ev.count == 0 ? 1 : ev.count), ev.metadata.name};
}

std::vector<TableColumn> columns_of(Kind kind, const PrintOptions& options) {
  switch (kind) {
    case Kind::kDeployment:
      return {{"Name"},
              {"Ready"},
              {"Up-to-date", "integer"},
              {"Available", "integer"},
              {"Age"},
              {"Containers", "string", 1},
              {"Images", "string", 1},
              {"Selector", "string", 1}};
    case Kind::kReplicaSet:
      return {{"Name"}, {"Desired", "integer"},      {"Current", "integer"},  {"Ready", "integer"},
              {"Age"},  {"Containers", "string", 1}, {"Images", "string", 1}, {"Selector", "string", 1}};
    case Kind::kPod:
      return {{"Name"},
              {"Ready"},
              {"Status"},
              // printPod's RESTARTS became "4 (2m ago)" in 1.22; before, the apiserver declared an integer.
              {"Restarts", kubectl_minor(options.kubectl_version) < 22 ? "integer" : "string"},
              {"Age"},
              {"IP", "string", 1},
              {"Node", "string", 1},
              {"Nominated Node", "string", 1},
              {"Readiness Gates", "string", 1}};
    case Kind::kNode:
      return {{"Name"},
              {"Status"},
              {"Roles"},
              {"Age"},
              {"Version"},
              {"Internal-IP", "string", 1},
              {"External-IP", "string", 1},
              {"OS-Image", "string", 1},
              {"Kernel-Version", "string", 1},
              {"Container-Runtime", "string", 1}};
    case Kind::kService:
      return {{"Name"},    {"Type"}, {"Cluster-IP"},           {"External-IP"},
              {"Port(s)"}, {"Age"},  {"Selector", "string", 1}};
    case Kind::kEndpoints:
      return {{"Name"}, {"Endpoints"}, {"Age"}};
    case Kind::kIngress:
      return {{"Name"}, {"Class"}, {"Hosts"}, {"Address"}, {"Ports"}, {"Age"}};
    case Kind::kLease:
      return {{"Name"}, {"Holder"}, {"Age"}};
    case Kind::kPodDisruptionBudget:
      return {{"Name"}, {"Min Available"}, {"Max Unavailable"}, {"Allowed Disruptions", "integer"}, {"Age"}};
    case Kind::kNamespace:
      return {{"Name"}, {"Status"}, {"Age"}};
    case Kind::kEvent:  // the one kind whose first column is not its name
      return {{"Last Seen"}, {"Type"},       {"Reason"},           {"Object"},
              {"Subobject", "string", 1},    {"Source", "string", 1}, {"Message"},
              {"First Seen", "string", 1},   {"Count", "integer", 1}, {"Name", "string", 1}};
  }
  return {};
}

Cells cells_of(const ObjectPtr& obj, Time now, const PrintOptions& options) {
  switch (obj->kind()) {
    case Kind::kDeployment:
      return deployment_cells(*as<Deployment>(obj), now, options.wide);
    case Kind::kReplicaSet:
      return replica_set_cells(*as<ReplicaSet>(obj), now, options.wide);
    case Kind::kPod:
      return pod_row_cells(*as<Pod>(obj), now, options);
    case Kind::kNode:
      return node_cells(*as<Node>(obj), now, options.wide);
    case Kind::kService:
      return service_cells(*as<Service>(obj), now, options.wide);
    case Kind::kEndpoints:
      return {format_endpoints(*as<Endpoints>(obj)), age(*obj, now)};
    case Kind::kIngress:
      return ingress_cells(*as<Ingress>(obj), now);
    case Kind::kLease:
      return {as<Lease>(obj)->spec.holderIdentity, age(*obj, now)};
    case Kind::kPodDisruptionBudget: {
      // k/k pkg/printers/internalversion/printers.go printPodDisruptionBudget: N/A when unset.
      auto pdb = as<PodDisruptionBudget>(obj);
      auto text = [](const std::optional<IntOrString>& v) {
        return !v ? std::string("N/A") : v->is_string ? v->str_value : std::to_string(v->int_value);
      };
      return {text(pdb->spec.minAvailable), text(pdb->spec.maxUnavailable),
              std::to_string(pdb->status.disruptionsAllowed), age(*obj, now)};
    }
    case Kind::kEvent:
      return event_cells(*as<Event>(obj), now, options.wide);
    case Kind::kNamespace:
      return {as<Namespace>(obj)->phase, age(*obj, now)};
  }
  return {};
}

std::string group_of(Kind kind) {
  std::string_view v = api_version(kind);
  auto slash = v.find('/');
  return slash == std::string_view::npos ? "" : std::string(v.substr(0, slash));
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

std::string node_status(const Node& node) {
  const NodeCondition* ready = node.find_condition("Ready");
  std::string status = !ready ? "Unknown" : ready->status == "True" ? "Ready" : "NotReady";
  return node.spec.unschedulable ? status + ",SchedulingDisabled" : status;
}

std::string kind_prefix(Kind kind) {
  // printers.FormatResourceName: lower-cased GroupKind.String(), "Kind.group".
  std::string group = group_of(kind);
  return lower(kind_name(kind)) + (group.empty() ? "" : "." + group);
}

std::string resource_name(Kind kind) {
  std::string plural = lower(kind_name(kind));
  if (kind == Kind::kIngress)
    plural += "es";
  else if (kind != Kind::kEndpoints)
    plural += "s";
  std::string group = group_of(kind);
  return group.empty() ? plural : plural + "." + group;
}

Table make_table(Kind kind, const std::vector<ObjectPtr>& objects, Time now, const PrintOptions& options) {
  Table table;
  table.kind = kind;
  const bool with_namespace = options.with_namespace && is_namespaced(kind);
  // kubectl adds NAMESPACE itself in front of the server's columns.
  if (with_namespace) table.columns.push_back({"Namespace"});
  std::vector<TableColumn> columns = columns_of(kind, options);
  // The first column is the object's name, filled here; cells_of gives the rest (an Event's table
  // starts with LAST SEEN and names the Event in its own cells).
  const bool name_first = columns.front().name == "Name";
  for (const TableColumn& c : columns)
    if (c.priority == 0 || options.wide) table.columns.push_back(c);
  for (const ObjectPtr& obj : objects) {
    KT_CHECK(obj && obj->kind() == kind, "make_table: object of another kind");
    std::vector<std::string> row;
    if (with_namespace) row.push_back(obj->metadata.namespace_);
    if (name_first)
      row.push_back(options.with_kind_prefix ? kind_prefix(kind) + "/" + obj->metadata.name
                                             : obj->metadata.name);
    Cells cells = cells_of(obj, now, options);
    row.insert(row.end(), cells.begin(), cells.end());
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace ktwin::core::printers
