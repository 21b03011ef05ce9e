#include "realnet/runtime/pod_network.h"

#include <arpa/inet.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "realnet/runtime/subprocess.h"

namespace ktwin::realnet {

using core::Result;
using core::Status;

namespace {

bool exists_error(const Status& s) {
  return s.message().find("File exists") != std::string::npos || s.message().find("already exists") != std::string::npos;
}

}  // namespace

PodNetwork::PodNetwork(Options options) : options_(std::move(options)) {
  size_t slash = options_.podCidr.find('/');
  std::string base = options_.podCidr.substr(0, slash);
  if (slash != std::string::npos) prefix_ = std::atoi(options_.podCidr.c_str() + slash + 1);
  in_addr addr{};
  if (inet_pton(AF_INET, base.c_str(), &addr) == 1) {
    addr.s_addr = htonl(ntohl(addr.s_addr) + 1);  // host-local IPAM's default gateway: the range's first address
    char buf[INET_ADDRSTRLEN];
    gateway_ = inet_ntop(AF_INET, &addr, buf, sizeof buf);
  }
}

std::string PodNetwork::netns_name(const std::string& sandbox_id) { return "ktwin-" + sandbox_id; }

std::string PodNetwork::host_veth(const std::string& sandbox_id) {
  char buf[16];
  snprintf(buf, sizeof buf, "veth%08zx", std::hash<std::string>{}(sandbox_id) & 0xffffffffu);
  return buf;
}

Status PodNetwork::ensure_bridge() {
  if (gateway_.empty()) return Status::invalid("pod CIDR \"" + options_.podCidr + "\" is not an IPv4 CIDR");
  auto added = run_process({"ip", "link", "add", options_.bridge, "type", "bridge"});
  if (!added.is_ok() && !exists_error(added.status())) return added.status();
  // `replace` is idempotent: the second pod finds the address there.
  auto addr = run_process({"ip", "addr", "replace", gateway_ + "/" + std::to_string(prefix_), "dev", options_.bridge});
  if (!addr.is_ok() && !exists_error(addr.status())) return addr.status();
  // Pods on other nodes are reached through this host (routed host-gw): forward between interfaces.
  // /proc/sys/net is the calling thread's network namespace's.
  std::ofstream("/proc/sys/net/ipv4/ip_forward") << "1\n";
  return run_process({"ip", "link", "set", options_.bridge, "up"}).status();
}

Result<std::string> PodNetwork::setup(const std::string& sandbox_id, const std::string& pod_ip) {
  // Without a configured CIDR the node's is the pod IP's /prefix (the agent learns its podCIDR only
  // after registering): the gateway is that range's first address.
  if (options_.podCidr.empty() && gateway_.empty()) {
    in_addr addr{};
    if (inet_pton(AF_INET, pod_ip.c_str(), &addr) != 1) return Status::invalid("pod IP \"" + pod_ip + "\" is not IPv4");
    uint32_t mask = prefix_ >= 32 ? 0xffffffffu : ~((1u << (32 - prefix_)) - 1);
    addr.s_addr = htonl((ntohl(addr.s_addr) & mask) + 1);
    char buf[INET_ADDRSTRLEN];
    gateway_ = inet_ntop(AF_INET, &addr, buf, sizeof buf);
  }
  std::string ns = netns_name(sandbox_id);
  std::string path = "/var/run/netns/" + ns;
  if (std::filesystem::exists(path)) return path;
  Status s = ensure_bridge();
  if (!s.is_ok()) return s;
  std::string veth = host_veth(sandbox_id);
  std::vector<std::vector<std::string>> steps = {
      {"ip", "netns", "add", ns},
      {"ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns},
      {"ip", "link", "set", veth, "master", options_.bridge, "up"},
      {"ip", "-n", ns, "link", "set", "lo", "up"},
      {"ip", "-n", ns, "addr", "add", pod_ip + "/" + std::to_string(prefix_), "dev", "eth0"},
      {"ip", "-n", ns, "link", "set", "eth0", "up"},
      {"ip", "-n", ns, "route", "add", "default", "via", gateway_},
  };
  for (const auto& step : steps) {
    auto r = run_process(step);
    if (!r.is_ok()) {
      teardown(sandbox_id);
      return r.status();
    }
  }
  return path;
}

Status PodNetwork::teardown(const std::string& sandbox_id) {
  // The veth pair first, at once: a deleted namespace frees its devices only later (the kernel's
  // netns cleanup runs asynchronously), and the node's bridge would keep the stale port meanwhile.
  auto veth = run_process({"ip", "link", "del", host_veth(sandbox_id)});
  if (!veth.is_ok() && veth.status().message().find("Cannot find device") == std::string::npos) return veth.status();
  std::string ns = netns_name(sandbox_id);
  if (!std::filesystem::exists("/var/run/netns/" + ns)) return Status::ok();
  return run_process({"ip", "netns", "del", ns}).status();
}

Status PodNetwork::remove_bridge() {
  auto r = run_process({"ip", "link", "del", options_.bridge});
  if (!r.is_ok() && r.status().message().find("Cannot find device") == std::string::npos) return r.status();
  return Status::ok();
}

}  // namespace ktwin::realnet
