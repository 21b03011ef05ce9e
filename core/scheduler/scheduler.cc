// The Scheduler's event handlers, scheduling attempts and binding.
#include "core/scheduler/scheduler.h"


namespace ktwin::core {
namespace {

std::string key_of(const Object& obj) { return obj.metadata.namespace_ + "/" + obj.metadata.name; }

SchedulingQueueOptions queue_options(int minor) {
  SchedulingQueueOptions o;
  // podMaxInUnschedulablePodsDuration: 60 s until 1.23, 5 min from 1.24 (PR #108761).
  if (minor >= 24) o.unschedulable_timeout = std::chrono::minutes(5);
  return o;
}

// eventhandlers.go isPodUpdated: a change other than status, resourceVersion or generation.
bool pod_spec_changed(const Pod& old_pod, const Pod& new_pod) {
  if (!(old_pod.spec == new_pod.spec)) return true;
  ObjectMeta a = old_pod.metadata, b = new_pod.metadata;
  a.resourceVersion = b.resourceVersion = 0;
  a.generation = b.generation = 0;
  return !(a == b);
}

// eventhandlers.go nodeSchedulingPropertiesChange: only changes that can make pods fit move them.
bool node_scheduling_properties_changed(const Node& o, const Node& n) {
  if (o.spec.unschedulable != n.spec.unschedulable && !n.spec.unschedulable) return true;
  if (o.status.allocatable != n.status.allocatable) return true;
  if (o.metadata.labels != n.metadata.labels) return true;
  auto taints = [](const Node& node) {
    std::vector<std::tuple<std::string, std::string, std::string>> out;
    for (const Taint& t : node.spec.taints) out.emplace_back(t.key, t.value, t.effect);
    return out;
  };
  if (taints(o) != taints(n)) return true;
  auto conditions = [](const Node& node) {
    std::map<std::string, std::string> out;
    for (const NodeCondition& c : node.status.conditions) out[c.type] = c.status;
    return out;
  };
  return conditions(o) != conditions(n);
}

}  // namespace

Scheduler::Scheduler(const Env& env, SchedulerOptions options)
    : Scheduler(env, options, [&] {
        ProfileConfig config = default_profile_config(options.kubernetesVersion);
        config.schedulerName = options.schedulerName;
        config.percentageOfNodesToScore = options.percentageOfNodesToScore;
        Result<Profile> p = build_profile(Registry::in_tree(), config, &env.store);
        KT_CHECK(p.is_ok(), p.status().to_string());
        return std::move(p).value();
      }()) {}

Scheduler::Scheduler(const Env& env, SchedulerOptions options, Profile profile)
    : Scheduler(env, std::move(options), [&] {
        std::vector<Profile> profiles;
        profiles.push_back(std::move(profile));
        return profiles;
      }()) {}

Scheduler::Scheduler(const Env& env, SchedulerOptions options, std::vector<Profile> profiles)
    : env_(env),
      options_(std::move(options)),
      profiles_(std::move(profiles)),
      rng_(env.rng("scheduler")),
      queue_(env.executor, queue_options(kube_minor(options_.kubernetesVersion)),
             [this] { post_attempt(); }) {
  KT_CHECK(!profiles_.empty(), "a scheduler needs a profile");
  record_explanations(false);
}

Scheduler::~Scheduler() {
  *alive_ = false;
  if (pod_watch_) env_.store.unwatch(pod_watch_);
  if (node_watch_) env_.store.unwatch(node_watch_);
}

const Profile* Scheduler::find_profile(const Pod& pod) const {
  const std::string& name =
      pod.spec.schedulerName.empty() ? std::string("default-scheduler") : pod.spec.schedulerName;
  for (const Profile& p : profiles_)
    if (p.schedulerName == name) return &p;
  return nullptr;
}

void Scheduler::start() {
  pod_watch_ = env_.store.watch(Kind::kPod, [this](const WatchEvent& e) { on_pod_event(e); });
  node_watch_ = env_.store.watch(Kind::kNode, [this](const WatchEvent& e) { on_node_event(e); });
  for (const auto& pod : list<Pod>(env_.store))
    if (pod->spec.nodeName.empty() && !pod->metadata.deletionTimestamp && !pod->is_terminal() &&
        responsible_for(*pod))
      queue_.add_or_update(pod, false);
}

const ScheduleResult* Scheduler::last_result(const std::string& pod_key) const {
  auto it = last_results_.find(pod_key);
  return it == last_results_.end() ? nullptr : &it->second;
}

void Scheduler::on_pod_event(const WatchEvent& event) {
  auto pod = as<Pod>(event.object);
  std::string key = key_of(*pod);
  if (event.type == WatchEventType::kDeleted) {
    queue_.remove(key);
    assumed_.erase(key);
    // An assigned pod going away frees room (AssignedPodDelete).
    if (!pod->spec.nodeName.empty()) queue_.move_all_to_active_or_backoff();
    return;
  }
  if (!pod->spec.nodeName.empty()) {
    queue_.remove(key);  // bound, by us or by someone else
    assumed_.erase(key);
    return;
  }
  if (pod->metadata.deletionTimestamp || pod->is_terminal() || !responsible_for(*pod)) {
    queue_.remove(key);
    return;
  }
  bool changed = event.old != nullptr && pod_spec_changed(*as<Pod>(event.old), *pod);
  queue_.add_or_update(pod, changed);
}

void Scheduler::on_node_event(const WatchEvent& event) {
  if (event.type == WatchEventType::kAdded) {
    queue_.move_all_to_active_or_backoff();
  } else if (event.type == WatchEventType::kModified && event.old != nullptr &&
             node_scheduling_properties_changed(*as<Node>(event.old), *as<Node>(event.object))) {
    queue_.move_all_to_active_or_backoff();
  }
}

void Scheduler::post_attempt() {
  if (attempt_posted_) return;
  attempt_posted_ = true;
  std::weak_ptr<bool> alive = alive_;
  env_.executor.post([this, alive] {
    if (alive.expired()) return;
    attempt_posted_ = false;
    attempt();
    if (queue_.active_size() > 0) post_attempt();
  });
}

const std::vector<NodeInfo>& Scheduler::snapshot() {
  // The nodes and their pods as the store shows them, plus pods we bound that it does not show yet.
  return cache_.update(assumed_);
}

void Scheduler::attempt() {
  std::shared_ptr<const Pod> queued = queue_.pop();
  if (!queued) return;
  const int64_t cycle = queue_.scheduling_cycle();
  std::string key = key_of(*queued);
  // Decide on the latest state: the pod may have been bound or deleted since it was queued.
  auto pod = find<Pod>(env_.store, queued->metadata.namespace_, queued->metadata.name);
  if (!pod || !pod->spec.nodeName.empty() || pod->metadata.deletionTimestamp || !responsible_for(*pod)) {
    queue_.done(key);
    return;
  }
  const std::vector<NodeInfo>& nodes = snapshot();
  // Kept as the pod's last result, moved in rather than copied.
  ScheduleResult& result = last_results_[key];
  result = schedule_one(*find_profile(*pod), *pod, nodes, rng_, next_start_index_, &cache_.index(), &scratch_);
  next_start_index_ = result.next_start_index;
  if (observer_) observer_(*pod, result);

  if (result.node.empty()) {
    record_failure(*pod, result.message);
    queue_.add_unschedulable(key, cycle);
    return;
  }
  std::shared_ptr<const Pod> bound;
  Status st = bind(pod, result.node, &bound);
  if (st.is_ok()) {
    // The pod as bound (spec.nodeName set) is the assumed one: a second copy of it would differ only in
    // what no plugin reads (PodScheduled, resourceVersion).
    assumed_[key] = std::move(bound);
    queue_.done(key);
    env_.events.record({"Pod", pod->metadata.namespace_, pod->metadata.name}, "Normal", "Scheduled",
                       "Successfully assigned " + key + " to " + result.node);
  } else if (st.is_not_found()) {
    queue_.done(key);
  } else {
    // Binding failed: forget the assumption and retry with backoff (scheduler.go bind error path).
    record_failure(*pod, "Binding rejected: " + st.message());
    queue_.add_unschedulable(key, cycle);
  }
}

Status Scheduler::bind(std::shared_ptr<const Pod> pod, const std::string& node, std::shared_ptr<const Pod>* bound) {
  const std::string ns = pod->metadata.namespace_, name = pod->metadata.name;
  for (int attempt = 0; attempt < 5; ++attempt) {
    // The first try writes over the version attempt() just read (nothing ran since: schedule_one is
    // pure, observers only observe); a conflict reads the store again.
    if (attempt > 0) pod = find<Pod>(env_.store, ns, name);
    if (!pod) return Status::not_found("pod " + ns + "/" + name + " is gone");
    if (!pod->spec.nodeName.empty())
      return Status::conflict("pod " + ns + "/" + name + " is already assigned");
    auto copy = mutable_copy(*pod);
    copy->spec.nodeName = node;
    // The binding subresource also sets PodScheduled=True (k/k pkg/registry/core/pod/storage assignPod).
    copy->set_condition({"PodScheduled", "True", "", "", std::nullopt, env_.executor.now()});
    Result<ObjectPtr> r = env_.store.update(copy);
    if (r.is_ok()) {
      *bound = std::move(copy);
      return Status::ok();
    }
    if (!r.status().is_conflict()) return r.status();
  }
  return Status::conflict("pod " + ns + "/" + name + ": too many conflicts while binding");
}

void Scheduler::record_failure(const Pod& pod, const std::string& message) {
  env_.events.record({"Pod", pod.metadata.namespace_, pod.metadata.name}, "Warning", "FailedScheduling",
                     message);
  // Update PodScheduled=False/Unschedulable only when it changes (podutil.UpdatePodCondition).
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto current = find<Pod>(env_.store, pod.metadata.namespace_, pod.metadata.name);
    if (!current || !current->spec.nodeName.empty()) return;
    const PodCondition* old = current->find_condition("PodScheduled");
    if (old && old->status == "False" && old->reason == "Unschedulable" && old->message == message) return;
    auto copy = mutable_copy(*current);
    PodCondition cond{"PodScheduled", "False", "Unschedulable", message, std::nullopt, env_.executor.now()};
    if (old && old->status == "False") cond.lastTransitionTime = old->lastTransitionTime;
    copy->set_condition(cond);
    Result<ObjectPtr> r = env_.store.update(copy);
    if (r.is_ok() || !r.status().is_conflict()) return;
  }
}

}  // namespace ktwin::core
