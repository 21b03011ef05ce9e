// NodeIpamController: a bitmap of /24 subnets scanned from a rotating candidate index.
#include "core/controller/node_ipam_controller.h"

#include <algorithm>
#include <cstdio>

#include "core/api/node.h"

namespace ktwin::core {
namespace {

std::optional<std::pair<uint32_t, int>> parse_cidr(const std::string& text) {
  unsigned a, b, c, d;
  int prefix;
  char tail;
  if (std::sscanf(text.c_str(), "%u.%u.%u.%u/%d%c", &a, &b, &c, &d, &prefix, &tail) != 5) return std::nullopt;
  if (a > 255 || b > 255 || c > 255 || d > 255 || prefix < 0 || prefix > 32) return std::nullopt;
  return std::make_pair((a << 24) | (b << 16) | (c << 8) | d, prefix);
}

}  // namespace

NodeIpamController::NodeIpamController(const Env& env, const ControlPlaneConfig& config)
    : env_(env), queue_(env.executor, [this](const std::string& key) { return reconcile(key); }) {
  auto cidr = parse_cidr(config.clusterCIDR);
  KT_CHECK(cidr && cidr->second <= kNodeCIDRMaskSize, "clusterCIDR must be IPv4 with a prefix <= 24");
  int prefix = cidr->second;
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  base_ = cidr->first & mask;
  max_cidrs_ = size_t{1} << (kNodeCIDRMaskSize - prefix);
  used_.assign(max_cidrs_, false);
}

NodeIpamController::~NodeIpamController() {
  if (watch_) env_.store.unwatch(*watch_);
}

void NodeIpamController::start() {
  auto nodes = list<Node>(env_.store);
  for (const auto& node : nodes)
    if (auto index = index_of(node->spec.podCIDR)) {
      used_[*index] = true;
      allocated_[node->metadata.name] = *index;
    }
  // Nodes without a CIDR get one in the order they registered.
  std::stable_sort(nodes.begin(), nodes.end(), [](const auto& x, const auto& y) {
    return x->metadata.creationTimestamp < y->metadata.creationTimestamp;
  });
  for (const auto& node : nodes)
    if (node->spec.podCIDR.empty()) reconcile(node->metadata.name);
  watch_ = env_.store.watch(Kind::kNode, [this](const WatchEvent& e) {
    auto node = as<Node>(e.object);
    const std::string& name = node->metadata.name;
    if (e.type != WatchEventType::kDeleted) {
      if (node->spec.podCIDR.empty() || !allocated_.count(name)) queue_.add(name);
      return;
    }
    // ReleaseCIDR: the subnet is free again, but the scan goes on from the rotating candidate.
    auto it = allocated_.find(name);
    if (it != allocated_.end()) {
      used_[it->second] = false;
      allocated_.erase(it);
    }
  });
}

Status NodeIpamController::reconcile(const std::string& node_name) {
  auto node = find<Node>(env_.store, "", node_name);
  if (!node) return Status::ok();
  if (auto index = index_of(node->spec.podCIDR)) {
    // Occupy what the node already holds (a restart, or our own earlier write).
    auto it = allocated_.find(node_name);
    if (it != allocated_.end() && it->second != *index) used_[it->second] = false;
    used_[*index] = true;
    allocated_[node_name] = *index;
    return Status::ok();
  }
  std::optional<size_t> index;
  if (auto it = allocated_.find(node_name); it != allocated_.end()) index = it->second;  // retry of a failed write
  if (!index) index = allocate_next();
  if (!index) {
    env_.events.record(ObjectRef{"Node", "", node_name}, "Normal", "CIDRNotAvailable",
                       "Node " + node_name + " status is now: CIDRNotAvailable");
    return Status::unavailable("no remaining CIDRs for node " + node_name);
  }
  allocated_[node_name] = *index;
  auto copy = mutable_copy(*node);
  copy->spec.podCIDR = cidr_at(*index);
  copy->spec.podCIDRs = {copy->spec.podCIDR};
  Result<ObjectPtr> written = env_.store.update(copy);
  return written.is_ok() ? Status::ok() : written.status();
}

std::optional<size_t> NodeIpamController::index_of(const std::string& cidr) const {
  auto parsed = parse_cidr(cidr);
  if (!parsed || parsed->second != kNodeCIDRMaskSize) return std::nullopt;
  uint32_t offset = parsed->first - base_;
  size_t index = offset >> (32 - kNodeCIDRMaskSize);
  if (parsed->first < base_ || index >= max_cidrs_) return std::nullopt;
  return index;
}

std::string NodeIpamController::cidr_at(size_t index) const {
  uint32_t ip = base_ + (static_cast<uint32_t>(index) << (32 - kNodeCIDRMaskSize));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u/%d", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255,
                kNodeCIDRMaskSize);
  return buf;
}

std::optional<size_t> NodeIpamController::allocate_next() {
  for (size_t i = 0; i < max_cidrs_; ++i) {
    size_t candidate = (next_candidate_ + i) % max_cidrs_;
    if (used_[candidate]) continue;
    used_[candidate] = true;
    next_candidate_ = (candidate + 1) % max_cidrs_;
    return candidate;
  }
  return std::nullopt;
}

}  // namespace ktwin::core
