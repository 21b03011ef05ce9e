// Pod networking for multi-node real mode: a network namespace per pod sandbox, a veth pair from it
// to the node's bridge, the pod's address (from the node's pod CIDR, chosen by the kubelet's IPAM)
// on the pod's eth0, and a default route via the bridge's address, as CNI's bridge plugin does
// (containernetworking/plugins plugins/main/bridge). Drives iproute2's `ip`; root only. Blocking:
// runtimes call it off the executor thread.
#pragma once

#include <string>

#include "core/util/status.h"

namespace ktwin::realnet {

class PodNetwork {
 public:
  struct Options {
    std::string bridge = "ktwin0";
    std::string podCidr;  // the node's, "10.42.1.0/24": the bridge takes its first address; empty: the
                          // first pod IP's /24
  };

  explicit PodNetwork(Options options);

  // The bridge, up, with the gateway address. Idempotent.
  core::Status ensure_bridge();
  // Creates the sandbox's namespace and wires `pod_ip` into it; returns the namespace's path for the
  // OCI spec's linux.namespaces (/var/run/netns/NAME). Idempotent for the same sandbox.
  core::Result<std::string> setup(const std::string& sandbox_id, const std::string& pod_ip);
  // Removes the namespace (its veth pair goes with it). A missing one is fine.
  core::Status teardown(const std::string& sandbox_id);
  // Removes the bridge (tests, node decommissioning).
  core::Status remove_bridge();

  static std::string netns_name(const std::string& sandbox_id);  // "ktwin-<sandbox id>"
  static std::string host_veth(const std::string& sandbox_id);   // at most 15 characters (IFNAMSIZ)
  const std::string& gateway() const { return gateway_; }

 private:
  Options options_;
  std::string gateway_;
  int prefix_ = 24;
};

}  // namespace ktwin::realnet
