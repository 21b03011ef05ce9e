// CNI host-local IPAM over the node's podCIDR: round robin from the last reserved address, state on disk.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/kubelet/kubelet_config.h"

namespace ktwin::core {

// containernetworking/plugins plugins/ipam/host-local/backend/allocator/allocator.go: addresses run
// from network+1 to broadcast-1 with the gateway (network+1, flannel's cni0) skipped; the search starts
// after the last reserved address and wraps, so a freed address is not reused at once.
class PodIPAllocator {
 public:
  explicit PodIPAllocator(KubeletDisk& disk) : disk_(disk) {}

  // The next free address of `pod_cidr` ("10.42.1.0/24") for `pod_uid`; the address it already holds
  // if any. nullopt when the range is full or the CIDR is malformed.
  std::optional<std::string> allocate(const std::string& pod_cidr, const std::string& pod_uid);
  void release(const std::string& ip);
  // Releases every address whose holder is not in `keep` (after a reboot lost the sandboxes).
  template <class Pred>
  void release_unless(Pred keep) {
    for (auto it = disk_.allocatedIPs.begin(); it != disk_.allocatedIPs.end();)
      it = keep(it->second) ? std::next(it) : disk_.allocatedIPs.erase(it);
  }

  static std::optional<uint32_t> parse_ipv4(const std::string& text);
  static std::string format_ipv4(uint32_t ip);

 private:
  KubeletDisk& disk_;
};

}  // namespace ktwin::core
