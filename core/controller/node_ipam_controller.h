// Node IPAM: gives each node a pod CIDR, the next free /24 of the cluster CIDR in order of registration,
// and frees it when the node goes (k/k pkg/controller/nodeipam/ipam/range_allocator.go, cidrset/cidr_set.go).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/controller/config.h"
#include "core/controller/workqueue.h"
#include "core/env/env.h"
#include "core/store/store.h"

namespace ktwin::core {

class NodeIpamController {
 public:
  static constexpr int kNodeCIDRMaskSize = 24;  // --node-cidr-mask-size (IPv4)

  // REQUIRES: config.clusterCIDR is an IPv4 CIDR with a prefix of at most 24 bits.
  NodeIpamController(const Env& env, const ControlPlaneConfig& config);
  ~NodeIpamController();
  NodeIpamController(const NodeIpamController&) = delete;
  NodeIpamController& operator=(const NodeIpamController&) = delete;

  // Occupies the CIDRs nodes already hold, then allocates for the others by creation time, then watches.
  void start();
  // Allocates (or occupies) the CIDR of one node; the work queue's reconcile.
  Status reconcile(const std::string& node_name);

 private:
  std::optional<size_t> index_of(const std::string& cidr) const;
  std::string cidr_at(size_t index) const;
  std::optional<size_t> allocate_next();

  Env env_;
  uint32_t base_ = 0;    // network address of the cluster CIDR
  size_t max_cidrs_ = 0;  // number of /24 subnets in it
  std::vector<bool> used_;
  size_t next_candidate_ = 0;                  // cidr_set.go scans from here, rotating
  std::map<std::string, size_t> allocated_;    // node name -> subnet index
  WorkQueue queue_;
  std::optional<WatchId> watch_;
};

}  // namespace ktwin::core
