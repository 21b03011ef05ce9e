// TaintManager: per-pod timed deletions driven by node NoExecute taints and pod tolerations.
#include "core/controller/taint_manager.h"

#include <algorithm>
#include <limits>

namespace ktwin::core {
namespace {

constexpr int kDeleteRetries = 5;  // taint_manager.go retries, 10 ms apart
constexpr Duration kRetryDelay = std::chrono::milliseconds(10);

std::vector<Taint> no_execute_taints(const Node& node) {
  std::vector<Taint> out;
  for (const Taint& t : node.spec.taints)
    if (t.effect == "NoExecute") out.push_back(t);
  return out;
}

bool same_taints(const std::vector<Taint>& a, const std::vector<Taint>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Taint& x, const Taint& y) {
    return x.key == y.key && x.value == y.value && x.effect == y.effect && x.timeAdded == y.timeAdded;
  });
}

bool same_tolerations(const std::vector<Toleration>& a, const std::vector<Toleration>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Toleration& x, const Toleration& y) {
    return x.key == y.key && x.operator_ == y.operator_ && x.value == y.value && x.effect == y.effect &&
           x.tolerationSeconds == y.tolerationSeconds;
  });
}

std::string key_of(const Pod& pod) { return pod.metadata.namespace_ + "/" + pod.metadata.name; }

// k/k getMinTolerationTime: nil seconds tolerate forever (-1), <= 0 means now.
Duration min_toleration_time(const std::vector<const Toleration*>& used) {
  if (used.empty()) return Duration(0);
  int64_t min_seconds = std::numeric_limits<int64_t>::max();
  for (const Toleration* t : used) {
    if (!t->tolerationSeconds) continue;
    if (*t->tolerationSeconds <= 0) return Duration(0);
    min_seconds = std::min(min_seconds, *t->tolerationSeconds);
  }
  if (min_seconds == std::numeric_limits<int64_t>::max()) return Duration(-1);
  return std::chrono::seconds(min_seconds);
}

}  // namespace

TaintManager::TaintManager(const Env& env) : env_(env) {}

TaintManager::~TaintManager() {
  *alive_ = false;
  for (WatchId id : watches_) env_.store.unwatch(id);
  for (auto& [key, work] : work_)
    if (!work.fired) env_.executor.cancel(work.timer);
}

void TaintManager::start() {
  watches_.push_back(env_.store.watch(Kind::kNode, [this](const WatchEvent& e) { on_node_event(e); }));
  watches_.push_back(env_.store.watch(Kind::kPod, [this](const WatchEvent& e) { on_pod_event(e); }));
  for (const auto& node : list<Node>(env_.store))
    if (!no_execute_taints(*node).empty()) handle_node_update(node->metadata.name);
}

std::optional<Time> TaintManager::TEST_scheduled_deletion(const std::string& pod_key) const {
  auto it = work_.find(pod_key);
  if (it == work_.end() || it->second.fired) return std::nullopt;
  return it->second.fire_at;
}

void TaintManager::on_node_event(const WatchEvent& event) {
  auto node = as<Node>(event.object);
  if (event.type == WatchEventType::kDeleted) {
    tainted_nodes_.erase(node->metadata.name);
    return;
  }
  std::vector<Taint> old_taints;
  if (event.old) old_taints = no_execute_taints(*as<Node>(event.old));
  if (same_taints(old_taints, no_execute_taints(*node))) return;  // NodeUpdated ignores other changes
  handle_node_update(node->metadata.name);
}

void TaintManager::on_pod_event(const WatchEvent& event) {
  auto pod = as<Pod>(event.object);
  std::string key = key_of(*pod);
  if (event.type == WatchEventType::kDeleted) {
    cancel_work_with_event(key);
    return;
  }
  if (event.old) {
    auto old = as<Pod>(event.old);
    if (old->spec.nodeName == pod->spec.nodeName && same_tolerations(old->spec.tolerations, pod->spec.tolerations))
      return;
  }
  // Read the latest state: the event may be stale by the time it is delivered.
  auto current = find<Pod>(env_.store, pod->metadata.namespace_, pod->metadata.name);
  if (!current) {
    cancel_work_with_event(key);
    return;
  }
  if (current->spec.nodeName.empty()) return;
  auto it = tainted_nodes_.find(current->spec.nodeName);
  // Untainted or deleted nodes already cancelled what they had to.
  if (it == tainted_nodes_.end()) return;
  process_pod_on_node(*current, it->second, env_.executor.now());
}

void TaintManager::handle_node_update(const std::string& node_name) {
  auto node = find<Node>(env_.store, "", node_name);
  if (!node) {
    tainted_nodes_.erase(node_name);
    return;
  }
  std::vector<Taint> taints = no_execute_taints(*node);
  if (taints.empty())
    tainted_nodes_.erase(node_name);
  else
    tainted_nodes_[node_name] = taints;
  Time now = env_.executor.now();
  for (const ObjectPtr& obj : env_.store.list_pods_on_node(node_name)) {
    const Pod& pod = *as<Pod>(obj);
    if (taints.empty())
      cancel_work_with_event(key_of(pod));
    else
      process_pod_on_node(pod, taints, now);
  }
}

void TaintManager::process_pod_on_node(const Pod& pod, const std::vector<Taint>& taints, Time now) {
  std::string key = key_of(pod);
  if (taints.empty()) return cancel_work_with_event(key);
  // k/k v1helper.GetMatchingTolerations: every taint needs a toleration; remember the first match of each.
  std::vector<const Toleration*> used;
  for (const Taint& taint : taints) {
    const Toleration* match = nullptr;
    for (const Toleration& t : pod.spec.tolerations)
      if (t.tolerates(taint)) {
        match = &t;
        break;
      }
    if (match == nullptr) {
      cancel_work_with_event(key);
      add_work(key, now, now);
      return;
    }
    used.push_back(match);
  }
  Duration min_time = min_toleration_time(used);
  if (min_time < Duration(0)) return cancel_work_with_event(key);  // tolerates forever
  Time start = now;
  Time trigger = now + min_time;
  auto it = work_.find(key);
  if (it != work_.end()) {
    start = it->second.created_at;
    // An earlier schedule stands (processPodOnNode keeps the first deadline).
    if (start + min_time < trigger) return;
    cancel_work_with_event(key);
  }
  add_work(key, start, trigger);
}

void TaintManager::add_work(const std::string& pod_key, Time created_at, Time fire_at) {
  if (work_.count(pod_key)) return;  // TimedWorkerQueue.AddWork ignores an existing key
  Work work;
  work.created_at = created_at;
  work.fire_at = fire_at;
  Duration delay = std::max(Duration(0), fire_at - env_.executor.now());
  std::weak_ptr<bool> alive = alive_;
  work.timer = env_.executor.post_after(delay, [this, alive, pod_key] {
    if (alive.expired()) return;
    auto it = work_.find(pod_key);
    if (it == work_.end() || it->second.fired) return;
    it->second.fired = true;
    delete_pod(pod_key, 0);
  });
  work_[pod_key] = work;
}

void TaintManager::cancel_work_with_event(const std::string& pod_key) {
  auto it = work_.find(pod_key);
  if (it == work_.end()) return;
  bool pending = !it->second.fired;
  if (pending) env_.executor.cancel(it->second.timer);
  work_.erase(it);
  if (!pending) return;
  auto slash = pod_key.find('/');
  env_.events.record(ObjectRef{"Pod", pod_key.substr(0, slash), pod_key.substr(slash + 1)}, "Normal",
                     "TaintManagerEviction", "Cancelling deletion of Pod " + pod_key);
}

void TaintManager::delete_pod(const std::string& pod_key, int attempt) {
  auto slash = pod_key.find('/');
  std::string ns = pod_key.substr(0, slash), name = pod_key.substr(slash + 1);
  if (attempt == 0)
    env_.events.record(ObjectRef{"Pod", ns, name}, "Normal", "TaintManagerEviction",
                       "Marking for deletion Pod " + pod_key);
  Status s = env_.store.remove(Kind::kPod, ns, name);
  if (s.is_ok() || s.is_not_found() || attempt + 1 >= kDeleteRetries) return;
  std::weak_ptr<bool> alive = alive_;
  env_.executor.post_after(kRetryDelay, [this, alive, pod_key, attempt] {
    if (!alive.expired()) delete_pod(pod_key, attempt + 1);
  });
}

}  // namespace ktwin::core
