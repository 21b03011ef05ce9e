// The field-by-field JSON codec of ktwin's API structs: one field list per struct (visit) drives
// both the Encoder and the Decoder; to_value/from_value cover scalars, containers and structs.
// Used by codec.cc, which adds object metadata and the top-level kinds.
#pragma once

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/api/codec.h"
#include "core/api/event.h"
#include "core/api/namespace.h"
#include "core/api/node.h"
#include "core/api/pod.h"
#include "core/api/policy.h"
#include "core/api/service.h"
#include "core/api/workload.h"

namespace ktwin::core::field_codec {

using json = nlohmann::json;

struct DecodeError {
  std::string path, what;
};

inline std::string format_micro(Time t) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() % 1000000;
  std::string s = format_rfc3339(t);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lld", static_cast<long long>(us < 0 ? us + 1000000 : us));
  return s.substr(0, s.size() - 1) + frac + "Z";
}

// ---- scalars -------------------------------------------------------------------------------------
inline bool empty(const std::string& s) { return s.empty(); }
inline bool empty(bool b) { return !b; }
inline bool empty(int32_t v) { return v == 0; }
inline bool empty(int64_t v) { return v == 0; }
inline bool empty(const Time& t) { return t.time_since_epoch().count() == 0; }
inline bool empty(const json& j) { return j.is_null(); }
template <class T>
bool empty(const std::vector<T>& v) { return v.empty(); }
template <class K, class V>
bool empty(const std::map<K, V>& m) { return m.empty(); }
template <class T>
bool empty(const std::optional<T>& o) { return !o.has_value(); }
template <class T>
bool empty(const T&) { return false; }  // structs: encoded, then dropped if they come out as {}

[[noreturn]] inline void type_error(const char* expected) { throw DecodeError{"", std::string("expected ") + expected}; }

inline json to_value(const std::string& v) { return v; }
inline json to_value(bool v) { return v; }
inline json to_value(int32_t v) { return v; }
inline json to_value(int64_t v) { return v; }
inline json to_value(const json& v) { return v; }
inline json to_value(const Time& t) { return format_rfc3339(t); }
inline json to_value(const Quantity& q) { return q.text(); }
inline json to_value(const IntOrString& v) { return v.is_string ? json(v.str_value) : json(v.int_value); }

inline void from_value(const json& j, std::string& v) {
  if (!j.is_string()) type_error("a string");
  v = j.get<std::string>();
}
inline void from_value(const json& j, bool& v) {
  if (!j.is_boolean()) type_error("a boolean");
  v = j.get<bool>();
}
inline void from_value(const json& j, int64_t& v) {
  if (!j.is_number_integer()) type_error("an integer");
  v = j.get<int64_t>();
}
inline void from_value(const json& j, int32_t& v) {
  int64_t w;
  from_value(j, w);
  v = static_cast<int32_t>(w);
}
inline void from_value(const json& j, json& v) { v = j; }
inline void from_value(const json& j, Time& t) {
  if (!j.is_string()) type_error("an RFC 3339 time");
  auto parsed = parse_rfc3339(j.get<std::string>());
  if (!parsed) type_error("an RFC 3339 time");
  t = *parsed;
}
inline void from_value(const json& j, Quantity& q) {
  std::string text = j.is_string() ? j.get<std::string>() : j.is_number() ? j.dump() : "";
  auto parsed = Quantity::parse(text);
  if (!parsed) type_error("a quantity such as 500m, 2 or 3Gi");
  q = *parsed;
}
PodTemplateSpec decode_template(const json& j);
inline void from_value(const json& j, PodTemplateSpec& t) { t = decode_template(j); }
inline void from_value(const json& j, IntOrString& v) {
  if (j.is_number_integer()) v = IntOrString::of(j.get<int32_t>());
  else if (j.is_string()) v = IntOrString::of(j.get<std::string>());
  else type_error("an integer or a string");
}

// ---- the two visitors ------------------------------------------------------------------------------
struct Encoder;
struct Decoder;
template <class T>
json to_value(const T& v);
template <class T>
void from_value(const json& j, T& v);

template <class T>
json to_value(const std::vector<T>& v) {
  json a = json::array();
  for (const T& e : v) a.push_back(to_value(e));
  return a;
}
template <class V>
json to_value(const std::map<std::string, V>& m) {
  json o = json::object();
  for (const auto& [k, v] : m) o[k] = to_value(v);
  return o;
}
template <class T>
json to_value(const std::optional<T>& o) { return to_value(*o); }

template <class T>
void from_value(const json& j, std::vector<T>& v) {
  if (!j.is_array()) type_error("a list");
  v.clear();
  for (size_t i = 0; i < j.size(); ++i) {
    try {
      T e{};
      from_value(j[i], e);
      v.push_back(std::move(e));
    } catch (DecodeError& e) {
      e.path = "[" + std::to_string(i) + "]" + (e.path.empty() || e.path[0] == '[' ? "" : ".") + e.path;
      throw;
    }
  }
}
template <class V>
void from_value(const json& j, std::map<std::string, V>& m) {
  if (!j.is_object()) type_error("a map");
  m.clear();
  for (auto it = j.begin(); it != j.end(); ++it) {
    try {
      from_value(it.value(), m[it.key()]);
    } catch (DecodeError& e) {
      e.path = it.key() + (e.path.empty() ? "" : ".") + e.path;
      throw;
    }
  }
}
template <class T>
void from_value(const json& j, std::optional<T>& o) {
  T v{};
  from_value(j, v);
  o = std::move(v);
}

struct Encoder {
  json& out;
  template <class T>
  void operator()(const char* key, const T& field) {
    if (empty(field)) return;
    json v = to_value(field);
    if (v.is_object() && v.empty() && !is_optional(field)) return;
    out[key] = std::move(v);
  }
  // Fields Kubernetes prints even when zero (not omitempty).
  template <class T>
  void always(const char* key, const T& field) { out[key] = to_value(field); }
  template <class T>
  static bool is_optional(const T&) { return false; }
  template <class T>
  static bool is_optional(const std::optional<T>&) { return true; }
};

struct Decoder {
  const json& in;
  template <class T>
  void operator()(const char* key, T& field) {
    auto it = in.find(key);
    if (it == in.end() || it->is_null()) return;
    try {
      from_value(*it, field);
    } catch (DecodeError& e) {
      e.path = std::string(key) + (e.path.empty() || e.path[0] == '[' ? "" : ".") + e.path;
      throw;
    }
  }
  template <class T>
  void always(const char* key, T& field) { (*this)(key, field); }
};

// ---- field lists -------------------------------------------------------------------------------------
template <class V> void visit(V& v, OwnerReference& o) {
  v("apiVersion", o.apiVersion); v("kind", o.kind); v("name", o.name); v("uid", o.uid);
  v("controller", o.controller); v("blockOwnerDeletion", o.blockOwnerDeletion);
}
template <class V> void visit(V& v, LabelSelectorRequirement& r) {
  v("key", r.key); v("operator", r.operator_); v("values", r.values);
}
template <class V> void visit(V& v, LabelSelector& s) {
  v("matchLabels", s.matchLabels); v("matchExpressions", s.matchExpressions);
}
template <class V> void visit(V& v, ContainerPort& p) {
  v("name", p.name); v("containerPort", p.containerPort); v("hostPort", p.hostPort); v("protocol", p.protocol);
}
template <class V> void visit(V& v, ResourceRequirements& r) { v("limits", r.limits); v("requests", r.requests); }
template <class V> void visit(V& v, Probe& p) {
  v("initialDelaySeconds", p.initialDelaySeconds); v("timeoutSeconds", p.timeoutSeconds);
  v("periodSeconds", p.periodSeconds); v("successThreshold", p.successThreshold);
  v("failureThreshold", p.failureThreshold);
}
template <class V> void visit(V& v, Container& c) {
  v("name", c.name); v("image", c.image); v("command", c.command); v("args", c.args); v("ports", c.ports);
  v("resources", c.resources); v("imagePullPolicy", c.imagePullPolicy); v("readinessProbe", c.readinessProbe);
}
template <class V> void visit(V& v, Toleration& t) {
  v("key", t.key); v("operator", t.operator_); v("value", t.value); v("effect", t.effect);
  v("tolerationSeconds", t.tolerationSeconds);
}
template <class V> void visit(V& v, Taint& t) {
  v("key", t.key); v("value", t.value); v("effect", t.effect); v("timeAdded", t.timeAdded);
}
template <class V> void visit(V& v, NodeSelectorRequirement& r) {
  v("key", r.key); v("operator", r.operator_); v("values", r.values);
}
template <class V> void visit(V& v, NodeSelectorTerm& t) {
  v("matchExpressions", t.matchExpressions); v("matchFields", t.matchFields);
}
template <class V> void visit(V& v, NodeSelector& s) { v("nodeSelectorTerms", s.nodeSelectorTerms); }
template <class V> void visit(V& v, PreferredSchedulingTerm& t) { v("weight", t.weight); v("preference", t.preference); }
template <class V> void visit(V& v, NodeAffinity& a) {
  v("requiredDuringSchedulingIgnoredDuringExecution", a.requiredDuringSchedulingIgnoredDuringExecution);
  v("preferredDuringSchedulingIgnoredDuringExecution", a.preferredDuringSchedulingIgnoredDuringExecution);
}
template <class V> void visit(V& v, Affinity& a) {
  v("nodeAffinity", a.nodeAffinity); v("podAffinity", a.podAffinity); v("podAntiAffinity", a.podAntiAffinity);
}
template <class V> void visit(V& v, TopologySpreadConstraint& c) {
  v.always("maxSkew", c.maxSkew); v("topologyKey", c.topologyKey); v("whenUnsatisfiable", c.whenUnsatisfiable);
  v("labelSelector", c.labelSelector);
}
template <class V> void visit(V& v, PodSpec& s) {
  v("initContainers", s.initContainers); v("containers", s.containers); v("nodeName", s.nodeName);
  v("nodeSelector", s.nodeSelector); v("schedulerName", s.schedulerName); v("tolerations", s.tolerations);
  v("affinity", s.affinity); v("topologySpreadConstraints", s.topologySpreadConstraints);
  v("priority", s.priority); v("priorityClassName", s.priorityClassName); v("restartPolicy", s.restartPolicy);
  v("hostname", s.hostname); v("terminationGracePeriodSeconds", s.terminationGracePeriodSeconds);
}
template <class V> void visit(V& v, PodCondition& c) {
  v("type", c.type); v("status", c.status); v("lastProbeTime", c.lastProbeTime);
  v("lastTransitionTime", c.lastTransitionTime); v("reason", c.reason); v("message", c.message);
}
template <class V> void visit(V& v, ContainerStateRunning& s) { v("startedAt", s.startedAt); }
template <class V> void visit(V& v, ContainerStateWaiting& s) { v("reason", s.reason); v("message", s.message); }
template <class V> void visit(V& v, ContainerStateTerminated& s) {
  v.always("exitCode", s.exitCode); v("signal", s.signal); v("reason", s.reason); v("message", s.message);
  v("startedAt", s.startedAt); v("finishedAt", s.finishedAt); v("containerID", s.containerID);
}
template <class V> void visit(V& v, ContainerState& s) {
  v("running", s.running); v("waiting", s.waiting); v("terminated", s.terminated);
}
template <class V> void visit(V& v, ContainerStatus& s) {
  v("name", s.name); v("state", s.state); v("lastState", s.lastState); v.always("ready", s.ready);
  v.always("restartCount", s.restartCount); v("image", s.image); v("imageID", s.imageID);
  v("containerID", s.containerID); v("started", s.started);
}
template <class V> void visit(V& v, PodStatus& s) {
  v("phase", s.phase); v("conditions", s.conditions); v("message", s.message); v("reason", s.reason);
  v("hostIP", s.hostIP); v("podIP", s.podIP); v("startTime", s.startTime);
  v("initContainerStatuses", s.initContainerStatuses); v("containerStatuses", s.containerStatuses);
  v("qosClass", s.qosClass);
}
template <class V> void visit(V& v, NodeCondition& c) {
  v("type", c.type); v("status", c.status); v("lastHeartbeatTime", c.lastHeartbeatTime);
  v("lastTransitionTime", c.lastTransitionTime); v("reason", c.reason); v("message", c.message);
}
template <class V> void visit(V& v, NodeAddress& a) { v("type", a.type); v("address", a.address); }
template <class V> void visit(V& v, NodeSystemInfo& i) {
  v("machineID", i.machineID); v("systemUUID", i.systemUUID); v("bootID", i.bootID);
  v("kernelVersion", i.kernelVersion); v("osImage", i.osImage); v("containerRuntimeVersion", i.containerRuntimeVersion);
  v("kubeletVersion", i.kubeletVersion); v("kubeProxyVersion", i.kubeProxyVersion);
  v("operatingSystem", i.operatingSystem); v("architecture", i.architecture);
}
template <class V> void visit(V& v, ContainerImage& i) { v("names", i.names); v("sizeBytes", i.sizeBytes); }
template <class V> void visit(V& v, NodeSpec& s) {
  v("podCIDR", s.podCIDR); v("podCIDRs", s.podCIDRs); v("providerID", s.providerID);
  v("unschedulable", s.unschedulable); v("taints", s.taints);
}
template <class V> void visit(V& v, NodeStatus& s) {
  v("capacity", s.capacity); v("allocatable", s.allocatable); v("conditions", s.conditions);
  v("addresses", s.addresses); v("nodeInfo", s.nodeInfo); v("images", s.images);
}
template <class V> void visit(V& v, LeaseSpec& s) {
  v("holderIdentity", s.holderIdentity); v("leaseDurationSeconds", s.leaseDurationSeconds);
  v("acquireTime", s.acquireTime); v("renewTime", s.renewTime); v("leaseTransitions", s.leaseTransitions);
}
template <class V> void visit(V& v, RollingUpdateDeployment& r) {
  v("maxUnavailable", r.maxUnavailable); v("maxSurge", r.maxSurge);
}
template <class V> void visit(V& v, DeploymentStrategy& s) { v("type", s.type); v("rollingUpdate", s.rollingUpdate); }
template <class V> void visit(V& v, DeploymentCondition& c) {
  v("type", c.type); v("status", c.status); v("lastUpdateTime", c.lastUpdateTime);
  v("lastTransitionTime", c.lastTransitionTime); v("reason", c.reason); v("message", c.message);
}
template <class V> void visit(V& v, ReplicaSetStatus& s) {
  v.always("replicas", s.replicas); v("fullyLabeledReplicas", s.fullyLabeledReplicas);
  v("readyReplicas", s.readyReplicas); v("availableReplicas", s.availableReplicas);
  v("observedGeneration", s.observedGeneration);
}
template <class V> void visit(V& v, DeploymentStatus& s) {
  v("observedGeneration", s.observedGeneration); v("replicas", s.replicas); v("updatedReplicas", s.updatedReplicas);
  v("readyReplicas", s.readyReplicas); v("availableReplicas", s.availableReplicas);
  v("unavailableReplicas", s.unavailableReplicas); v("conditions", s.conditions);
  v("collisionCount", s.collisionCount);
}
template <class V> void visit(V& v, PodDisruptionBudgetSpec& s) {
  v("minAvailable", s.minAvailable); v("maxUnavailable", s.maxUnavailable); v("selector", s.selector);
}
template <class V> void visit(V& v, PodDisruptionBudgetStatus& s) {
  // policy/v1: the four counts are required fields, printed even when 0.
  v("observedGeneration", s.observedGeneration); v("disruptedPods", s.disruptedPods);
  v.always("disruptionsAllowed", s.disruptionsAllowed); v.always("currentHealthy", s.currentHealthy);
  v.always("desiredHealthy", s.desiredHealthy); v.always("expectedPods", s.expectedPods);
}
template <class V> void visit(V& v, EventObjectReference& r) {
  v("kind", r.kind); v("namespace", r.namespace_); v("name", r.name); v("uid", r.uid);
  v("apiVersion", r.apiVersion); v("resourceVersion", r.resourceVersion); v("fieldPath", r.fieldPath);
}
template <class V> void visit(V& v, EventSource& s) { v("component", s.component); v("host", s.host); }
template <class V> void visit(V& v, ServicePort& p) {
  v("name", p.name); v("protocol", p.protocol); v("appProtocol", p.appProtocol); v("port", p.port);
  v("targetPort", p.targetPort); v("nodePort", p.nodePort);
}
template <class V> void visit(V& v, ServiceSpec& s) {
  v("type", s.type); v("selector", s.selector); v("ports", s.ports); v("clusterIP", s.clusterIP);
  v("clusterIPs", s.clusterIPs); v("externalIPs", s.externalIPs); v("sessionAffinity", s.sessionAffinity);
  v("externalTrafficPolicy", s.externalTrafficPolicy);
}
template <class V> void visit(V& v, LoadBalancerIngress& i) { v("ip", i.ip); v("hostname", i.hostname); }
template <class V> void visit(V& v, LoadBalancerStatus& s) { v("ingress", s.ingress); }
template <class V> void visit(V& v, ObjectReference& r) {
  v("kind", r.kind); v("namespace", r.namespace_); v("name", r.name); v("uid", r.uid);
}
template <class V> void visit(V& v, EndpointAddress& a) {
  v("ip", a.ip); v("hostname", a.hostname); v("nodeName", a.nodeName); v("targetRef", a.targetRef);
}
template <class V> void visit(V& v, EndpointPort& p) { v("name", p.name); v("port", p.port); v("protocol", p.protocol); }
template <class V> void visit(V& v, EndpointSubset& s) {
  v("addresses", s.addresses); v("notReadyAddresses", s.notReadyAddresses); v("ports", s.ports);
}
template <class V> void visit(V& v, HTTPIngressPath& p) {
  v("path", p.path); v("pathType", p.pathType);
  // backend.service.{name, port.{number|name}} flattened into IngressServiceBackend.
  if constexpr (std::is_same_v<V, Encoder>) {
    if (p.backend_service) {
      json port = json::object();
      if (p.backend_service->port_number) port["number"] = p.backend_service->port_number;
      if (!p.backend_service->port_name.empty()) port["name"] = p.backend_service->port_name;
      v.out["backend"]["service"] = {{"name", p.backend_service->name}, {"port", port}};
    }
  } else {
    json backend;
    v("backend", backend);
    if (backend.contains("service")) {
      IngressServiceBackend b;
      Decoder d{backend["service"]};
      d("name", b.name);
      if (backend["service"].contains("port")) {
        Decoder pd{backend["service"]["port"]};
        pd("number", b.port_number);
        pd("name", b.port_name);
      }
      p.backend_service = b;
    }
  }
}
template <class V> void visit(V& v, IngressRule& r) {
  v("host", r.host);
  if constexpr (std::is_same_v<V, Encoder>) {
    if (!r.paths.empty()) v.out["http"]["paths"] = to_value(r.paths);
  } else {
    json http;
    v("http", http);
    if (http.is_object()) Decoder{http}("paths", r.paths);
  }
}

template <class T>
json to_value(const T& v) {
  json j = json::object();
  Encoder e{j};
  visit(e, const_cast<T&>(v));
  return j;
}
template <class T>
void from_value(const json& j, T& v) {
  if (!j.is_object()) type_error("an object");
  Decoder d{j};
  visit(d, v);
}

// ---- metadata and pod templates ---------------------------------------------------------------------
template <class V> void visit_meta(V& v, ObjectMeta& m) {
  v("name", m.name); v("generateName", m.generateName); v("namespace", m.namespace_); v("uid", m.uid);
  if constexpr (std::is_same_v<V, Encoder>) {
    if (m.resourceVersion) v.out["resourceVersion"] = std::to_string(m.resourceVersion);
  } else {
    std::string rv;
    v("resourceVersion", rv);
    m.resourceVersion = rv.empty() ? 0 : std::strtoull(rv.c_str(), nullptr, 10);
  }
  v("generation", m.generation); v("creationTimestamp", m.creationTimestamp);
  v("deletionTimestamp", m.deletionTimestamp); v("deletionGracePeriodSeconds", m.deletionGracePeriodSeconds);
  v("labels", m.labels); v("annotations", m.annotations); v("ownerReferences", m.ownerReferences);
  v("finalizers", m.finalizers);
}

inline json encode_template(const PodTemplateSpec& t) {
  json j = {{"metadata", encode_meta(t.metadata)}, {"spec", to_value(t.spec)}};
  return t.original ? overlay(*t.original, j) : j;
}

inline PodTemplateSpec decode_template(const json& j) {
  PodTemplateSpec t;
  if (!j.is_object()) type_error("an object");
  if (j.contains("metadata")) {
    Decoder d{j["metadata"]};
    visit_meta(d, t.metadata);
  }
  Decoder{j}("spec", t.spec);
  t.original = std::make_shared<const json>(j);
  return t;
}

}  // namespace ktwin::core::field_codec
