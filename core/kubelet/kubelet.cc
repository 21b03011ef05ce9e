// Kubelet process lifecycle: boot (registration, adopting what the runtime still runs), watches,
// admission and pod status writes.
#include "core/kubelet/kubelet.h"

#include <algorithm>
#include <set>

namespace ktwin::core {
namespace {

constexpr int kMaxStatusRetries = 5;

int64_t request(const Pod& pod, const std::string& resource, bool milli) {
  int64_t total = 0;
  for (const Container& c : pod.spec.containers) {
    auto it = c.resources.requests.find(resource);
    if (it != c.resources.requests.end()) total += milli ? it->second.milli_value() : it->second.value();
  }
  return total;
}

}  // namespace

Kubelet::Kubelet(const Env& env, NodeRuntime& runtime, KubeletConfig config, NodeRegistration registration,
                 KubeletDisk& disk)
    : env_(env),
      runtime_(runtime),
      config_(std::move(config)),
      registration_(std::move(registration)),
      ip_allocator_(disk),
      heartbeat_(env, runtime, config_, registration_, env.rng("kubelet/" + registration_.name)),
      backoff_(config_.containerBackOffInitial, config_.containerBackOffMax) {}

Kubelet::~Kubelet() {
  *alive_ = false;
  if (running_) stop();
}

void Kubelet::start() {
  KT_CHECK(!running_, "kubelet " + registration_.name + " started twice");
  running_ = true;
  ++epoch_;
  synced_ = false;
  runtime_.set_event_handler(guarded([this](const ContainerEvent& e) { on_container_event(e); }));
  heartbeat_.start(guarded([this] { on_registered(); }));
}

void Kubelet::stop() {
  if (!running_) return;
  running_ = false;
  ++epoch_;
  heartbeat_.stop();
  if (pod_watch_) env_.store.unwatch(pod_watch_);
  if (node_watch_) env_.store.unwatch(node_watch_);
  pod_watch_ = node_watch_ = 0;
  for (auto& [uid, rec] : pods_)
    for (ContainerRecord& c : rec.containers) env_.executor.cancel(c.restartTimer);
  // The process's memory dies with it; the disk (IPAM state) stays.
  pods_.clear();
  admitted_usage_ = Usage{};
  container_owner_.clear();
  backoff_.clear();
  runtime_.set_event_handler(nullptr);
}

void Kubelet::on_registered() {
  // The kubelet's informers select spec.nodeName / metadata.name (k/k pkg/kubelet/config/apiserver.go).
  const std::string& me = registration_.name;
  pod_watch_ = env_.store.watch_node(Kind::kPod, me, guarded([this](const WatchEvent& e) { on_pod_event(e); }));
  node_watch_ = env_.store.watch_node(Kind::kNode, me, guarded([this](const WatchEvent& e) { on_node_event(e); }));
  runtime_.list_pod_sandboxes(guarded([this](Result<std::vector<PodSandboxInfo>> sandboxes) {
    std::vector<PodSandboxInfo> sb = sandboxes.is_ok() ? sandboxes.value() : std::vector<PodSandboxInfo>{};
    runtime_.list_containers(guarded([this, sb](Result<std::vector<ContainerInfo>> containers) {
      initial_sync(sb, containers.is_ok() ? containers.value() : std::vector<ContainerInfo>{});
    }));
  }));
}

void Kubelet::initial_sync(const std::vector<PodSandboxInfo>& sandboxes, const std::vector<ContainerInfo>& containers) {
  Time now = env_.executor.now();
  std::map<std::string, const PodSandboxInfo*> live_sandbox;  // by pod uid
  for (const PodSandboxInfo& sb : sandboxes)
    if (sb.state == SandboxState::kReady) live_sandbox[sb.podUid] = &sb;
  // Sandboxes lost with the power took their network; host-local's files would be GC'd the same way.
  ip_allocator_.release_unless([&](const std::string& uid) { return live_sandbox.count(uid) > 0; });

  std::vector<std::shared_ptr<const Pod>> pods;  // in list order, as a filtered list() gives them
  for (const ObjectPtr& obj : env_.store.list_pods_on_node(registration_.name)) pods.push_back(as<Pod>(obj));
  // k/k kubelet.go HandlePodAdditions: admit in creation order.
  std::stable_sort(pods.begin(), pods.end(), [](const auto& a, const auto& b) {
    return a->metadata.creationTimestamp < b->metadata.creationTimestamp;
  });
  std::set<std::string> adopted_sandboxes, adopted_containers;
  for (const auto& pod : pods) {
    PodRecord* rec = add_pod(*pod);
    if (!rec || rec->finished) continue;
    if (auto it = live_sandbox.find(rec->uid); it != live_sandbox.end()) {
      rec->sandboxId = it->second->id;
      rec->podIP = it->second->podIP;
      adopted_sandboxes.insert(rec->sandboxId);
    }
    if (pod->status.startTime) rec->startTime = pod->status.startTime;
    for (ContainerRecord& c : rec->containers) {
      const ContainerStatus* prev = nullptr;
      for (const ContainerStatus& cs : pod->status.containerStatuses)
        if (cs.name == c.name) prev = &cs;
      if (prev) c.restartCount = prev->restartCount;
      const ContainerInfo* alive = nullptr;
      for (const ContainerInfo& info : containers)
        if (info.podUid == rec->uid && info.name == c.name && info.state == RuntimeContainerState::kRunning &&
            info.sandboxId == rec->sandboxId && (!alive || info.attempt > alive->attempt))
          alive = &info;
      if (alive) {  // the kubelet restarted but the node did not: the container ran on
        c.id = alive->id;
        c.running = true;
        c.startedAt = alive->startedAt;
        c.image = alive->image;
        c.imageID = alive->imageRef;
        if (prev && prev->lastState.terminated) c.lastTerminated = prev->lastState.terminated;
        container_owner_[c.id] = rec->uid;
        adopted_containers.insert(c.id);
        continue;
      }
      if (!prev) continue;
      // The instance is gone with the power: containerd reports such containers as exited 255 "Unknown".
      if (prev->state.running) {
        c.terminated = ContainerStateTerminated{255, 0, "Unknown", "", prev->containerID,
                                                prev->state.running->startedAt, now};
        if (prev->lastState.terminated) c.lastTerminated = prev->lastState.terminated;
      } else if (prev->state.terminated) {
        c.terminated = prev->state.terminated;
        if (prev->lastState.terminated) c.lastTerminated = prev->lastState.terminated;
      } else if (prev->lastState.terminated) {
        c.terminated = prev->lastState.terminated;  // it was waiting out a back-off
      }
    }
  }
  // Containers and sandboxes of pods no longer bound here.
  for (const ContainerInfo& info : containers)
    if (!adopted_containers.count(info.id) &&
        (info.state == RuntimeContainerState::kRunning || info.state == RuntimeContainerState::kCreated))
      runtime_.stop_container(info.id, Duration::zero(), [](Status) {});
  for (const PodSandboxInfo& sb : sandboxes)
    if (!adopted_sandboxes.count(sb.id))
      runtime_.stop_pod_sandbox(sb.id, [this, id = sb.id, alive = alive_](Status) {
        if (*alive) runtime_.remove_pod_sandbox(id, [](Status) {});
      });

  synced_ = true;
  std::vector<std::string> uids;
  for (const auto& [uid, rec] : pods_) uids.push_back(uid);
  for (const std::string& uid : uids) sync_pod(uid);
}

void Kubelet::on_pod_event(const WatchEvent& event) {
  if (!synced_) return;  // initial_sync reads the store itself
  auto pod = as<Pod>(event.object);
  if (pod->spec.nodeName != registration_.name) return;
  const std::string& uid = pod->metadata.uid;
  PodRecord* rec = find_record(uid);
  if (event.type == WatchEventType::kDeleted) {
    if (!rec) return;
    rec->deleted = true;
    recount(*rec);
    if (rec->tornDown) {
      forget(uid);
    } else if (!rec->removing) {
      terminate_pod(*rec, nullptr);  // force-deleted, or a finished pod: tear down without writing
    }  // else the teardown in flight forgets the record when it ends
    return;
  }
  if (!rec && !(rec = add_pod(*pod))) return;
  sync_pod(uid);
}

void Kubelet::on_node_event(const WatchEvent& event) {
  if (!synced_ || event.type == WatchEventType::kDeleted) return;
  auto node = as<Node>(event.object);
  if (node->metadata.name != registration_.name || node->spec.podCIDR.empty()) return;
  if (event.old && !as<Node>(event.old)->spec.podCIDR.empty()) return;
  // The node IPAM controller gave us a podCIDR: pods waiting for an address can go on.
  std::vector<std::string> waiting;
  for (const auto& [uid, rec] : pods_)
    if (rec.sandboxId.empty() && !rec.sandboxStarting && !rec.finished && !rec.terminating) waiting.push_back(uid);
  for (const std::string& uid : waiting) sync_pod(uid);
}

void Kubelet::on_container_event(const ContainerEvent& event) {
  auto owner = container_owner_.find(event.container.id);
  if (owner == container_owner_.end()) return;
  PodRecord* rec = find_record(owner->second);
  if (!rec) return;
  ContainerRecord* c = nullptr;
  for (ContainerRecord& r : rec->containers)
    if (r.id == event.container.id) c = &r;
  if (!c) return;
  if (event.type == ContainerEvent::Type::kStarted) {
    on_container_started(*rec, *c, event.container);
  } else if (c->running || c->starting) {
    const ContainerInfo& info = event.container;
    on_container_exited(*rec, *c,
                        ContainerStateTerminated{info.exitCode, 0, info.reason, info.message, "",
                                                 info.startedAt, info.finishedAt});
  }
}

Kubelet::PodRecord* Kubelet::add_pod(const Pod& pod) {
  PodRecord& rec = pods_[pod.metadata.uid];
  rec.ns = pod.metadata.namespace_;
  rec.name = pod.metadata.name;
  rec.uid = pod.metadata.uid;
  for (const Container& c : pod.spec.containers) {
    ContainerRecord record;
    record.name = c.name;
    record.image = c.image;
    rec.containers.push_back(std::move(record));
  }
  if (pod.is_terminal()) {
    rec.finished = true;
    return &rec;
  }
  if (pod.metadata.deletionTimestamp) return &rec;
  if (auto rejected = admit(pod, rec)) {
    // k/k kubelet.go rejectPod: a Warning event and a Failed status; the pod never runs here.
    rec.finished = true;
    env_.events.record({"Pod", rec.ns, rec.name}, "Warning", rejected->first, rejected->second);
    auto copy = mutable_copy(pod);
    copy->status.phase = "Failed";
    copy->status.reason = rejected->first;
    copy->status.message = "Pod " + rejected->second;
    env_.store.update(copy);
    return &rec;
  }
  rec.admitted = true;
  rec.cpuMilli = request(pod, "cpu", true);
  rec.memoryBytes = request(pod, "memory", false);
  recount(rec);
  rec.startTime = env_.executor.now();
  return &rec;
}

std::optional<std::pair<std::string, std::string>> Kubelet::admit(const Pod& pod, const PodRecord& self) const {
  // k/k pkg/kubelet/lifecycle/predicate.go: the scheduler's NodeResourcesFit run again by the kubelet.
  int64_t pods = admitted_usage_.pods, cpu = admitted_usage_.cpuMilli, memory = admitted_usage_.memoryBytes;
  if (self.counted) {
    --pods;
    cpu -= self.cpuMilli;
    memory -= self.memoryBytes;
  }
  auto cap = [&](const std::string& name, bool milli, int64_t fallback) {
    auto it = registration_.capacity.find(name);
    if (it == registration_.capacity.end()) return fallback;
    return milli ? it->second.milli_value() : it->second.value();
  };
  struct Check {
    std::string name;
    int64_t requested, used, capacity;
  };
  const Check checks[] = {
      {"pods", 1, pods, cap("pods", false, 110)},
      {"cpu", request(pod, "cpu", true), cpu, cap("cpu", true, INT64_MAX)},
      {"memory", request(pod, "memory", false), memory, cap("memory", false, INT64_MAX)},
  };
  for (const Check& c : checks)
    if (c.requested > 0 && c.used + c.requested > c.capacity)
      return std::make_pair("OutOf" + c.name, "Node didn't have enough resource: " + c.name + ", requested: " +
                                                  std::to_string(c.requested) + ", used: " + std::to_string(c.used) +
                                                  ", capacity: " + std::to_string(c.capacity));
  return std::nullopt;
}

std::shared_ptr<const Pod> Kubelet::current_pod(const PodRecord& rec) const {
  auto pod = find<Pod>(env_.store, rec.ns, rec.name);
  return pod && pod->metadata.uid == rec.uid ? pod : nullptr;
}

void Kubelet::write_status(const std::string& uid) {
  PodRecord* rec = find_record(uid);
  if (!rec || rec->deleted || (rec->finished && !rec->admitted)) return;
  Time now = env_.executor.now();
  for (int attempt = 0; attempt < kMaxStatusRetries; ++attempt) {
    auto pod = current_pod(*rec);
    if (!pod) return;
    PodStatusInputs in{registration_.internalIP, rec->podIP, rec->startTime, &rec->containers};
    PodStatus status = generate_pod_status(*pod, in, now);
    if (!pod_status_differs(*pod, status)) return;
    auto copy = mutable_copy(*pod);
    copy->status = std::move(status);
    Status s = env_.store.update(copy).status();
    if (!s.is_conflict()) return;  // conflict: re-read and compute again
  }
}

void Kubelet::recount(PodRecord& rec) {
  bool counts = rec.admitted && !rec.finished && !rec.deleted;
  if (counts == rec.counted) return;
  int64_t sign = counts ? 1 : -1;
  admitted_usage_.pods += sign;
  admitted_usage_.cpuMilli += sign * rec.cpuMilli;
  admitted_usage_.memoryBytes += sign * rec.memoryBytes;
  rec.counted = counts;
}

void Kubelet::forget(const std::string& uid) {
  auto it = pods_.find(uid);
  if (it == pods_.end()) return;
  it->second.admitted = false;
  recount(it->second);
  pods_.erase(it);
}

Kubelet::PodRecord* Kubelet::find_record(const std::string& uid) {
  auto it = pods_.find(uid);
  return it == pods_.end() ? nullptr : &it->second;
}

ContainerRecord* Kubelet::find_container(PodRecord& rec, const std::string& name) {
  for (ContainerRecord& c : rec.containers)
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace ktwin::core
