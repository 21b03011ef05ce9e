// Node registration, node status loop and lease loop, each a chain of executor timers.
#include "core/kubelet/node_heartbeat.h"

#include "core/api/node.h"
#include "core/kubelet/node_status.h"
#include "core/store/store.h"

namespace ktwin::core {
namespace {

constexpr const char* kLeaseNamespace = "kube-node-lease";
constexpr double kLeaseRenewIntervalFraction = 0.25;  // k/k pkg/kubelet/kubelet.go
constexpr int kMaxUpdateRetries = 5;                  // k/k nodeStatusUpdateRetry, nodelease maxUpdateRetries

Duration phase(Rng& rng, Duration period) {
  // The first tick lands in (0, period]; every later one a full period after the previous.
  return Duration(1 + static_cast<int64_t>(rng.uniform(static_cast<uint64_t>(period.count()))));
}

}  // namespace

NodeHeartbeat::NodeHeartbeat(const Env& env, NodeRuntime& runtime, const KubeletConfig& config,
                             const NodeRegistration& reg, Rng rng)
    : env_(env), runtime_(runtime), config_(config), reg_(reg), rng_(std::move(rng)) {}

NodeHeartbeat::~NodeHeartbeat() {
  *alive_ = false;
  stop();
}

template <class F>
auto NodeHeartbeat::guarded(F f) {
  return [this, alive = alive_, epoch = epoch_, f = std::move(f)](auto&&... args) {
    if (!*alive || !running_ || epoch != epoch_) return;
    f(std::forward<decltype(args)>(args)...);
  };
}

void NodeHeartbeat::start(std::function<void()> registered) {
  KT_CHECK(!running_, "NodeHeartbeat started twice");
  running_ = true;
  ++epoch_;
  runtime_.list_images(guarded([this, registered](Result<std::vector<ImageInfo>> images) {
    if (images.is_ok()) images_ = images.value();
    checked_current_.reset();
    register_node(registered);
  }));
}

void NodeHeartbeat::stop() {
  running_ = false;
  latest_lease_.reset();  // a restarted kubelet reads its lease again
  ++epoch_;
  env_.executor.cancel(lease_timer_);
  env_.executor.cancel(status_timer_);
  lease_timer_ = status_timer_ = 0;
}

void NodeHeartbeat::register_node(const std::function<void()>& registered) {
  Time now = env_.executor.now();
  // k/k kubelet_node_status.go registerWithAPIServer: create; if it exists (a reboot), update its status.
  for (int attempt = 0; attempt < kMaxUpdateRetries; ++attempt) {
    auto existing = find<Node>(env_.store, "", reg_.name);
    Status s;
    if (!existing) {
      s = env_.store.create(make_initial_node(reg_, config_, images_, now)).status();
    } else {
      auto copy = mutable_copy(*existing);
      set_node_status(*copy, reg_, config_, images_, now);
      s = env_.store.update(copy).status();
    }
    if (s.is_ok()) break;
  }
  last_report_ = now;
  renew_lease();

  Duration lease_duration = std::chrono::seconds(config_.nodeLeaseDurationSeconds);
  lease_period_ = Duration(static_cast<int64_t>(lease_duration.count() * kLeaseRenewIntervalFraction));
  status_period_ = config_.nodeStatusUpdateFrequency;
  // Random phases, so nodes started together do not beat in lockstep.
  arm(Loop::kLease, phase(rng_, lease_period_));
  arm(Loop::kStatus, phase(rng_, status_period_));
  if (registered) registered();
}

void NodeHeartbeat::arm(Loop loop, Duration delay) {
  TimerId& timer = loop == Loop::kLease ? lease_timer_ : status_timer_;
  timer = env_.executor.post_after(delay, [this, loop] { tick(loop); });
}

void NodeHeartbeat::tick(Loop loop) {
  if (!running_) return;
  if (loop == Loop::kLease) {
    renew_lease();
    arm(loop, lease_period_);
  } else {
    sync_node_status();
    arm(loop, status_period_);
  }
}

void NodeHeartbeat::renew_lease() {
  Time now = env_.executor.now();
  for (int attempt = 0; attempt < kMaxUpdateRetries; ++attempt) {
    // k/k nodelease controller.go: a renewal starts from the lease the last one wrote (latestLease);
    // only a failed write reads it again.
    std::shared_ptr<const Lease> lease = std::move(latest_lease_);
    latest_lease_.reset();
    if (!lease) lease = find<Lease>(env_.store, kLeaseNamespace, reg_.name);
    if (!lease) {
      auto fresh = std::make_shared<Lease>();
      fresh->metadata.namespace_ = kLeaseNamespace;
      fresh->metadata.name = reg_.name;
      // k/k nodelease newLease: owned by the Node, so deleting the Node deletes the Lease.
      if (auto node = find<Node>(env_.store, "", reg_.name))
        fresh->metadata.ownerReferences.push_back({"v1", "Node", reg_.name, node->metadata.uid, false, false});
      fresh->spec.holderIdentity = reg_.name;
      fresh->spec.leaseDurationSeconds = config_.nodeLeaseDurationSeconds;
      fresh->spec.renewTime = now;
      if (auto created = env_.store.create(fresh); created.is_ok()) {
        remember_lease(created.value(), 0);
        return;
      }
      continue;
    }
    auto copy = mutable_copy(*lease);
    copy->spec.holderIdentity = reg_.name;
    copy->spec.leaseDurationSeconds = config_.nodeLeaseDurationSeconds;
    copy->spec.renewTime = now;
    if (auto updated = env_.store.update(copy); updated.is_ok()) {
      remember_lease(updated.value(), lease->metadata.resourceVersion);
      return;
    }
  }
}

void NodeHeartbeat::remember_lease(const ObjectPtr& written, uint64_t previous_version) {
  // Only a write the server applied at once comes back with a new resourceVersion; one still in
  // flight on a slow link (sim::DelayedStore) is read back from the store next time, in-flight
  // state included.
  if (written->metadata.resourceVersion > previous_version) latest_lease_ = as<Lease>(written);
}

void NodeHeartbeat::sync_node_status() {
  // Images may have been pulled since the last tick: ask the runtime, then compute.
  runtime_.list_images(guarded([this](Result<std::vector<ImageInfo>> images) {
    if (images.is_ok() && images.value() != images_) {
      images_ = std::move(images.value());
      checked_current_.reset();
    }
    post_status();
  }));
}

void NodeHeartbeat::post_status() {
  Time now = env_.executor.now();
  bool within_period = now < last_report_ + config_.nodeStatusReportFrequency;
  // Most ticks find the very Node they last found current: ask the store so without reading it.
  if (within_period && checked_current_ && env_.store.is_latest(*checked_current_)) return;
  for (int attempt = 0; attempt < kMaxUpdateRetries; ++attempt) {
    auto node = find<Node>(env_.store, "", reg_.name);
    if (!node) {
      // Deleted while we run: register again, as the kubelet does on its next sync.
      if (env_.store.create(make_initial_node(reg_, config_, images_, now)).is_ok()) last_report_ = now;
      return;
    }
    // k/k kubelet_node_status.go tryUpdateNodeStatus: skip when unchanged within the report period.
    // Most ticks are such a skip: decide it on the stored Node before copying it.
    if (within_period && node == checked_current_) return;
    if (within_period && node_status_current(*node, reg_, config_, images_)) {
      checked_current_ = node;
      return;
    }
    auto copy = mutable_copy(*node);
    set_node_status(*copy, reg_, config_, images_, now);
    if (within_period && !node_status_changed(*node, *copy)) return;
    Status s = env_.store.update(copy).status();
    if (s.is_ok()) {
      last_report_ = now;
      return;
    }
    if (!s.is_conflict()) return;
  }
}

}  // namespace ktwin::core
