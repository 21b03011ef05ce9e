// Drain: kubectl's drain command (k/k staging/src/k8s.io/kubectl/pkg/drain/drain.go, filters.go).
#include "sim/drain.h"

#include "core/api/pod.h"
#include "sim/kubectl_actions.h"

namespace ktwin::sim {
namespace {

// kubectl's waitForDelete polls every second.
constexpr core::Duration kPollInterval = std::chrono::seconds(1);

}  // namespace

Drain::Drain(core::Executor& executor, core::Store& store, std::string node, Print print)
    : executor_(executor), store_(store), node_(std::move(node)), print_(std::move(print)) {}

Drain::~Drain() {
  *alive_ = false;
  executor_.cancel(timer_);
}

core::Status Drain::start() {
  auto cordoned = cordon(store_, node_, true);
  if (!cordoned.is_ok()) return cordoned.status();
  print_(cordoned.value());
  std::vector<std::shared_ptr<const core::Pod>> evict;
  std::string ignored;
  for (const core::ObjectPtr& obj : store_.list_pods_on_node(node_)) {
    auto pod = core::as<core::Pod>(obj);
    const core::OwnerReference* owner = pod->metadata.controller_ref();
    // filters.go daemonSetFilter: with --ignore-daemonsets their pods stay (the DaemonSet controller
    // would put them back at once).
    if (owner && owner->kind == "DaemonSet") {
      ignored += (ignored.empty() ? "" : ", ") + pod->metadata.namespace_ + "/" + pod->metadata.name;
      continue;
    }
    evict.push_back(pod);
  }
  if (!ignored.empty()) print_("WARNING: ignoring DaemonSet-managed Pods: " + ignored);
  for (const auto& pod : evict) {
    print_("evicting pod " + pod->metadata.namespace_ + "/" + pod->metadata.name);
    core::Status s = store_.remove(core::Kind::kPod, pod->metadata.namespace_, pod->metadata.name);
    if (!s.is_ok() && !s.is_not_found()) return s;
    waiting_.push_back({pod->metadata.namespace_, pod->metadata.name, pod->metadata.uid});
  }
  poll();
  return core::Status::ok();
}

void Drain::poll() {
  std::vector<Evicted> still;
  for (const Evicted& e : waiting_) {
    core::ObjectPtr pod = store_.find(core::Kind::kPod, e.ns, e.name);
    // A pod of the same name but another uid is a successor (a StatefulSet's): the evicted one is gone.
    if (pod && pod->metadata.uid == e.uid) still.push_back(e);
    else print_("pod/" + e.name + " evicted");
  }
  waiting_ = std::move(still);
  if (waiting_.empty()) {
    print_("node/" + node_ + " drained");
    return;
  }
  timer_ = executor_.post_after(kPollInterval, [this, alive = alive_] {
    if (*alive) poll();
  });
}

}  // namespace ktwin::sim
