// Builders for PodDisruptionBudget tests: a Deployment, its ReplicaSet and Ready pods it owns, and budgets.
#pragma once

#include <string>

#include "core/api/policy.h"
#include "core/api/workload.h"
#include "core/store/store.h"
#include "tests/fakes/api_builders.h"

namespace ktwin::testing {

// Deployment "web" (replicas `replicas`) owning ReplicaSet "web-rs"; returns the ReplicaSet's uid.
inline std::string add_web_deployment(core::Store& store, int32_t replicas) {
  auto d = std::make_shared<core::Deployment>();
  d->metadata.name = "web";
  d->metadata.namespace_ = "default";
  d->spec.replicas = replicas;
  auto dep = store.create(d).value();
  auto rs = std::make_shared<core::ReplicaSet>();
  rs->metadata.name = "web-rs";
  rs->metadata.namespace_ = "default";
  rs->metadata.ownerReferences.push_back({"apps/v1", "Deployment", "web", dep->metadata.uid, true, true});
  rs->spec.replicas = replicas;
  return store.create(rs).value()->metadata.uid;
}

// A Running pod on `node` with label app=web, owned by ReplicaSet web-rs (uid `rs_uid`; "" for a bare pod).
inline void add_web_pod(core::Store& store, const std::string& name, const std::string& rs_uid, bool ready = true,
                        const std::string& node = "worker1") {
  auto p = std::make_shared<core::Pod>();
  p->metadata.name = name;
  p->metadata.namespace_ = "default";
  p->metadata.labels = {{"app", "web"}};
  if (!rs_uid.empty()) p->metadata.ownerReferences.push_back({"apps/v1", "ReplicaSet", "web-rs", rs_uid, true, true});
  p->spec.nodeName = node;
  p->spec.containers.push_back(container("web", "nginx"));
  p->status.phase = "Running";
  core::PodCondition c = ready_condition(core::Time{});
  if (!ready) c.status = "False";
  p->status.conditions.push_back(c);
  store.create(p).value();
}

inline std::shared_ptr<core::PodDisruptionBudget> web_budget(std::optional<core::IntOrString> min_available,
                                                             std::optional<core::IntOrString> max_unavailable = {}) {
  auto pdb = std::make_shared<core::PodDisruptionBudget>();
  pdb->metadata.name = "web-pdb";
  pdb->metadata.namespace_ = "default";
  pdb->spec.minAvailable = std::move(min_available);
  pdb->spec.maxUnavailable = std::move(max_unavailable);
  core::LabelSelector sel;
  sel.matchLabels = {{"app", "web"}};
  pdb->spec.selector = sel;
  return pdb;
}

}  // namespace ktwin::testing
