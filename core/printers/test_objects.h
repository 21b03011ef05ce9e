// Test-only builders for the objects of the seed's listings (k3s 1.20, the letschat example).
#pragma once

#include <memory>
#include <string>

#include "core/api/node.h"
#include "core/api/pod.h"
#include "core/api/service.h"
#include "core/api/workload.h"

namespace ktwin::core::printers::testing {

inline Container container(const std::string& name, const std::string& image) {
  Container c;
  c.name = name;
  c.image = image;
  return c;
}

inline PodCondition pod_condition(const std::string& type, const std::string& status) {
  PodCondition c;
  c.type = type;
  c.status = status;
  return c;
}

inline ContainerStateTerminated terminated(int32_t exit_code, const std::string& reason,
                                           Time finished = Time{}) {
  ContainerStateTerminated t;
  t.exitCode = exit_code;
  t.reason = reason;
  t.finishedAt = finished;
  return t;
}

inline PodTemplateSpec one_container_template(const std::string& name, const std::string& image) {
  PodTemplateSpec t;
  t.metadata.labels = {{"name", name}};
  t.spec.containers.push_back(container(name, image));
  return t;
}

inline std::shared_ptr<Deployment> deployment(const std::string& name, const std::string& image,
                                              int32_t replicas, int32_t ready, Time created) {
  auto d = std::make_shared<Deployment>();
  d->metadata.name = name;
  d->metadata.namespace_ = "default";
  d->metadata.creationTimestamp = created;
  d->spec.replicas = replicas;
  d->spec.selector.matchLabels = {{"name", name}};
  d->spec.template_ = one_container_template(name, image);
  d->status.replicas = replicas;
  d->status.updatedReplicas = replicas;
  d->status.readyReplicas = ready;
  d->status.availableReplicas = ready;
  return d;
}

inline std::shared_ptr<ReplicaSet> replica_set(const std::string& app, const std::string& hash,
                                               const std::string& image, int32_t replicas, int32_t ready,
                                               Time created) {
  auto rs = std::make_shared<ReplicaSet>();
  rs->metadata.name = app + "-" + hash;
  rs->metadata.namespace_ = "default";
  rs->metadata.creationTimestamp = created;
  rs->spec.replicas = replicas;
  rs->spec.selector.matchLabels = {{"name", app}, {"pod-template-hash", hash}};
  rs->spec.template_ = one_container_template(app, image);
  rs->status.replicas = replicas;
  rs->status.readyReplicas = ready;
  return rs;
}

// A pod whose single container runs and is ready.
inline std::shared_ptr<Pod> running_pod(const std::string& name, const std::string& container,
                                        const std::string& node, const std::string& ip, Time created,
                                        int32_t restarts = 0) {
  auto p = std::make_shared<Pod>();
  p->metadata.name = name;
  p->metadata.namespace_ = "default";
  p->metadata.creationTimestamp = created;
  p->metadata.labels = {{"name", container}};
  p->spec.containers.push_back(testing::container(container, container));
  p->spec.nodeName = node;
  p->status.phase = "Running";
  p->status.podIP = ip;
  p->status.conditions.push_back(pod_condition("Ready", "True"));
  ContainerStatus cs;
  cs.name = container;
  cs.ready = true;
  cs.restartCount = restarts;
  cs.state.running = ContainerStateRunning{created};
  p->status.containerStatuses.push_back(cs);
  return p;
}

// The container exited (exit code 1, "Error") and waits out its restart back-off.
inline std::shared_ptr<Pod> crash_looping_pod(const std::string& name, const std::string& container,
                                              const std::string& node, const std::string& ip, Time created,
                                              int32_t restarts, Time last_exit) {
  auto p = running_pod(name, container, node, ip, created, restarts);
  p->status.conditions[0].status = "False";
  ContainerStatus& cs = p->status.containerStatuses[0];
  cs.ready = false;
  cs.state = ContainerState{};
  cs.state.waiting = ContainerStateWaiting{"CrashLoopBackOff", "back-off 40s restarting failed container"};
  cs.lastState.terminated = terminated(1, "Error", last_exit);
  return p;
}

inline std::shared_ptr<Node> node(const std::string& name, const std::string& ip, bool control_plane,
                                  Time created) {
  auto n = std::make_shared<Node>();
  n->metadata.name = name;
  n->metadata.creationTimestamp = created;
  if (control_plane) {
    n->metadata.labels["node-role.kubernetes.io/master"] = "true";
    n->metadata.labels["node-role.kubernetes.io/control-plane"] = "true";
  }
  NodeCondition ready;
  ready.type = "Ready";
  ready.status = "True";
  n->status.conditions.push_back(ready);
  n->status.addresses = {{"InternalIP", ip}, {"Hostname", name}};
  n->status.nodeInfo.kubeletVersion = "v1.20.4+k3s1";
  n->status.nodeInfo.osImage = "Debian GNU/Linux 10 (buster)";
  n->status.nodeInfo.kernelVersion = "4.19.0-14-amd64";
  n->status.nodeInfo.containerRuntimeVersion = "containerd://1.4.3-k3s3";
  return n;
}

inline std::shared_ptr<Service> service(const std::string& name, const std::string& type,
                                        const std::string& ip, int32_t port, int32_t node_port,
                                        Time created) {
  auto s = std::make_shared<Service>();
  s->metadata.name = name;
  s->metadata.namespace_ = "default";
  s->metadata.creationTimestamp = created;
  s->spec.type = type;
  s->spec.clusterIP = ip;
  s->spec.clusterIPs = {ip};
  ServicePort p;
  p.protocol = "TCP";
  p.port = port;
  p.nodePort = node_port;
  s->spec.ports.push_back(p);
  if (name != "kubernetes") s->spec.selector = {{"name", name}};
  return s;
}

}  // namespace ktwin::core::printers::testing
