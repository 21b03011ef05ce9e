// The kubelet's pod worker: sandbox and containers through the runtime, restart policy with
// CrashLoopBackOff, graceful termination (k/k pkg/kubelet/kubelet.go syncPod,
// pkg/kubelet/kuberuntime/kuberuntime_manager.go SyncPod, doBackOff).
#include "core/kubelet/kubelet.h"
#include "core/kubelet/prober.h"

namespace ktwin::core {
namespace {

constexpr int64_t kDefaultGraceSeconds = 30;
constexpr Duration kSandboxRetry = std::chrono::seconds(10);  // the pod worker's backOffPeriod after errors
constexpr const char* kContainerIdPrefix = "containerd://";

}  // namespace

void Kubelet::sync_pod(const std::string& uid) {
  PodRecord* rec = find_record(uid);
  if (!rec || rec->removing) return;
  if (rec->terminating) {
    maybe_finish_termination(uid);
    return;
  }
  auto pod = current_pod(*rec);
  if (!pod) return;  // the DELETED event tears it down
  if (pod->metadata.deletionTimestamp) {
    terminate_pod(*rec, pod.get());
    return;
  }
  if (rec->finished) return;
  if (rec->sandboxId.empty()) {
    if (!rec->sandboxStarting) {
      auto node = find<Node>(env_.store, "", registration_.name);
      // Without a podCIDR flannel has no subnet and CNI cannot give an address: wait for the node event.
      if (node && !node->spec.podCIDR.empty()) run_sandbox(*rec, node->spec.podCIDR);
    }
    write_status(uid);
    return;
  }
  std::vector<std::string> names;
  for (const ContainerRecord& c : rec->containers) names.push_back(c.name);
  for (const std::string& name : names) {
    rec = find_record(uid);
    ContainerRecord* c = rec ? find_container(*rec, name) : nullptr;
    if (!c || rec->finished || c->running || c->starting || c->backingOff || c->restartTimer) continue;
    if (c->terminated) decide_restart(uid, name);
    else if (c->id.empty()) start_container(uid, name);
  }
  write_status(uid);
}

void Kubelet::run_sandbox(PodRecord& rec, const std::string& pod_cidr) {
  auto ip = ip_allocator_.allocate(pod_cidr, rec.uid);
  if (!ip) {
    env_.events.record({"Pod", rec.ns, rec.name}, "Warning", "FailedCreatePodSandBox",
                       "Failed to create pod sandbox: failed to allocate for range 0: no IP addresses available in "
                       "range set: " + pod_cidr);
    return;
  }
  rec.sandboxStarting = true;
  PodSandboxConfig config{rec.uid, rec.name, rec.ns, 0, *ip};
  std::string uid = rec.uid;
  runtime_.run_pod_sandbox(config, guarded([this, uid, ip = *ip](Result<std::string> result) {
    PodRecord* rec = find_record(uid);
    if (!rec) {
      if (result.is_ok()) runtime_.stop_pod_sandbox(result.value(), [](Status) {});
      ip_allocator_.release(ip);
      return;
    }
    rec->sandboxStarting = false;
    if (!result.is_ok()) {
      ip_allocator_.release(ip);
      env_.events.record({"Pod", rec->ns, rec->name}, "Warning", "FailedCreatePodSandBox",
                         "Failed to create pod sandbox: " + result.status().message());
      env_.executor.post_after(kSandboxRetry, guarded([this, uid] { sync_pod(uid); }));
      return;
    }
    rec->sandboxId = result.value();
    rec->podIP = ip;
    sync_pod(uid);
  }));
}

void Kubelet::start_container(const std::string& uid, const std::string& name) {
  PodRecord* rec = find_record(uid);
  auto pod = rec ? current_pod(*rec) : nullptr;
  ContainerRecord* c = rec ? find_container(*rec, name) : nullptr;
  if (!pod || !c) return;
  const Container* spec = nullptr;
  for (const Container& s : pod->spec.containers)
    if (s.name == name) spec = &s;
  if (!spec) return;
  c->starting = true;
  ContainerConfig config{spec->name, spec->image, spec->command, spec->args,
                         static_cast<uint32_t>(c->restartCount + (c->terminated ? 1 : 0))};
  runtime_.create_container(rec->sandboxId, config, guarded([this, uid, name](Result<std::string> created) {
    PodRecord* rec = find_record(uid);
    ContainerRecord* c = rec ? find_container(*rec, name) : nullptr;
    if (!c || !c->starting) {
      if (created.is_ok()) runtime_.remove_container(created.value(), [](Status) {});
      return;
    }
    Time now = env_.executor.now();
    if (!created.is_ok()) {
      on_container_exited(*rec, *c, ContainerStateTerminated{128, 0, "CreateContainerError",
                                                             created.status().message(), "", now, now});
      return;
    }
    c->id = created.value();
    container_owner_[c->id] = uid;
    if (rec->terminating) {
      c->starting = false;
      runtime_.remove_container(c->id, [](Status) {});
      maybe_finish_termination(uid);
      return;
    }
    runtime_.start_container(c->id, guarded([this, uid, id = c->id](Status started) {
      PodRecord* rec = find_record(uid);
      if (!rec) return;
      for (ContainerRecord& c : rec->containers) {
        if (c.id != id || !c.starting) continue;
        if (started.is_ok() || rec->terminating) {
          c.starting = false;  // kStarted (or the stop's kDied) came first
          if (rec->terminating) maybe_finish_termination(uid);
          return;
        }
        Time now = env_.executor.now();
        on_container_exited(*rec, c, ContainerStateTerminated{128, 0, "StartError", started.message(), "", now, now});
        return;
      }
    }));
  }));
}

void Kubelet::on_container_started(PodRecord& rec, ContainerRecord& c, const ContainerInfo& info) {
  if (c.running) return;
  c.running = true;
  c.startedAt = info.startedAt;
  if (!info.image.empty()) c.image = info.image;
  c.imageID = info.imageRef;
  if (c.terminated) {  // a restart: the previous instance becomes lastState
    c.lastTerminated = c.terminated;
    c.terminated.reset();
    ++c.restartCount;
  }
  c.backingOff = false;
  schedule_readiness(rec, c, info);
  write_status(rec.uid);
}

void Kubelet::schedule_readiness(PodRecord& rec, ContainerRecord& c, const ContainerInfo& info) {
  c.readyAt.reset();
  auto pod = current_pod(rec);
  if (!pod) return;
  for (const Container& spec : pod->spec.containers) {
    if (spec.name != c.name) continue;
    c.readyAt = container_ready_time(spec, info.startedAt, info.readyAt, rec.startTime.value_or(info.startedAt));
    Time now = env_.executor.now();
    // The prober's result change makes the kubelet write the pod's status at once.
    if (*c.readyAt > now)
      env_.executor.post_after(*c.readyAt - now, guarded([this, uid = rec.uid] { write_status(uid); }));
  }
}

void Kubelet::on_container_exited(PodRecord& rec, ContainerRecord& c, ContainerStateTerminated exit) {
  c.running = false;
  c.starting = false;
  if (!c.id.empty()) exit.containerID = kContainerIdPrefix + c.id;
  if (c.terminated && !c.lastTerminated) c.lastTerminated = c.terminated;  // start failed before running
  c.terminated = std::move(exit);
  std::string uid = rec.uid, name = c.name;
  if (rec.terminating) {
    maybe_finish_termination(uid);
    return;
  }
  decide_restart(uid, name);
  write_status(uid);
}

void Kubelet::decide_restart(const std::string& uid, const std::string& name) {
  PodRecord* rec = find_record(uid);
  ContainerRecord* c = rec ? find_container(*rec, name) : nullptr;
  auto pod = rec ? current_pod(*rec) : nullptr;
  if (!c || !pod || !c->terminated || rec->terminating || rec->finished) return;
  const std::string& policy = pod->spec.restartPolicy;
  bool restart = policy.empty() || policy == "Always" || (policy == "OnFailure" && c->terminated->exitCode != 0);
  if (!restart) {
    check_pod_completed(*rec);
    return;
  }
  // k/k kuberuntime_manager.go doBackOff, keyed by pod and container.
  std::string key = uid + "/" + name;
  Time now = env_.executor.now();
  if (backoff_.in_backoff_since(key, c->terminated->finishedAt, now)) {
    Duration backoff = backoff_.get(key);
    c->backingOff = true;
    c->backOffMessage = "back-off " + format_go_duration(backoff) + " restarting failed container=" + name +
                        " pod=" + rec->name + "_" + rec->ns + "(" + uid + ")";
    env_.events.record({"Pod", rec->ns, rec->name}, "Warning", "BackOff", "Back-off restarting failed container");
    Duration wait = c->terminated->finishedAt + backoff - now;
    c->restartTimer = env_.executor.post_after(wait, guarded([this, uid, name] {
      PodRecord* rec = find_record(uid);
      ContainerRecord* c = rec ? find_container(*rec, name) : nullptr;
      if (!c) return;
      c->restartTimer = 0;
      decide_restart(uid, name);
      write_status(uid);
    }));
    return;
  }
  backoff_.next(key, now);
  // While the new instance starts, a container that was backing off still shows CrashLoopBackOff.
  start_container(uid, name);
}

void Kubelet::check_pod_completed(PodRecord& rec) {
  for (const ContainerRecord& c : rec.containers)
    if (c.running || c.starting || c.backingOff || c.restartTimer || !c.terminated) return;
  // Every container is done and none restarts: the pod is terminal; its sandbox goes, its IP with it.
  rec.finished = true;
  recount(rec);
  if (!rec.podIP.empty()) ip_allocator_.release(rec.podIP);
  if (!rec.sandboxId.empty()) {
    std::string id = rec.sandboxId;
    rec.sandboxId.clear();
    runtime_.stop_pod_sandbox(id, guarded([this, id](Status) { runtime_.remove_pod_sandbox(id, [](Status) {}); }));
  }
}

void Kubelet::terminate_pod(PodRecord& rec, const Pod* pod) {
  if (!rec.terminating) {
    rec.terminating = true;
    int64_t grace = kDefaultGraceSeconds;
    if (pod && pod->metadata.deletionGracePeriodSeconds) grace = *pod->metadata.deletionGracePeriodSeconds;
    else if (pod && pod->spec.terminationGracePeriodSeconds) grace = *pod->spec.terminationGracePeriodSeconds;
    std::string uid = rec.uid;
    for (ContainerRecord& c : rec.containers) {
      env_.executor.cancel(c.restartTimer);
      c.restartTimer = 0;
      c.backingOff = false;
      if (c.id.empty() || !(c.running || c.starting)) continue;
      // k/k kuberuntime_container.go killContainer.
      env_.events.record({"Pod", rec.ns, rec.name}, "Normal", "Killing", "Stopping container " + c.name);
      c.stopping = true;
      runtime_.stop_container(c.id, std::chrono::seconds(grace), guarded([this, uid, id = c.id](Status) {
        PodRecord* rec = find_record(uid);
        if (!rec) return;
        for (ContainerRecord& c : rec->containers)
          if (c.id == id) c.stopping = false;
        maybe_finish_termination(uid);
      }));
    }
  }
  maybe_finish_termination(rec.uid);
}

void Kubelet::maybe_finish_termination(const std::string& uid) {
  PodRecord* rec = find_record(uid);
  if (!rec || !rec->terminating || rec->removing || rec->sandboxStarting) return;
  for (const ContainerRecord& c : rec->containers)
    if (c.stopping || c.starting) return;
  rec->removing = true;
  auto finish = [this, uid] {
    PodRecord* rec = find_record(uid);
    if (!rec) return;
    if (!rec->podIP.empty()) ip_allocator_.release(rec->podIP);
    rec->sandboxId.clear();
    for (const ContainerRecord& c : rec->containers) container_owner_.erase(c.id);
    rec->tornDown = true;
    if (rec->deleted) {
      forget(uid);
      return;
    }
    // k/k pkg/kubelet/status/status_manager.go: post the final container states, then finish the
    // graceful deletion with grace 0 (and the uid as precondition, against a same-named successor).
    write_status(uid);
    DeleteOptions options;
    options.gracePeriodSeconds = 0;
    options.preconditionUid = uid;
    env_.store.remove(Kind::kPod, rec->ns, rec->name, options);
  };
  if (rec->sandboxId.empty()) {
    finish();
    return;
  }
  std::string id = rec->sandboxId;
  runtime_.stop_pod_sandbox(id, guarded([this, id, finish](Status) {
    runtime_.remove_pod_sandbox(id, guarded([finish](Status) { finish(); }));
  }));
}

}  // namespace ktwin::core
