// host-local's RangeIter: start after lastReserved, skip the gateway and held addresses, wrap once.
#include "core/kubelet/pod_ip_allocator.h"

#include <cstdio>
#include <cstdlib>

namespace ktwin::core {

std::optional<uint32_t> PodIPAllocator::parse_ipv4(const std::string& text) {
  unsigned a, b, c, d;
  char tail;
  if (std::sscanf(text.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4) return std::nullopt;
  if (a > 255 || b > 255 || c > 255 || d > 255) return std::nullopt;
  return (a << 24) | (b << 16) | (c << 8) | d;
}

std::string PodIPAllocator::format_ipv4(uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." +
         std::to_string((ip >> 8) & 255) + "." + std::to_string(ip & 255);
}

std::optional<std::string> PodIPAllocator::allocate(const std::string& pod_cidr, const std::string& pod_uid) {
  for (const auto& [ip, uid] : disk_.allocatedIPs)
    if (uid == pod_uid) return ip;
  auto slash = pod_cidr.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto base = parse_ipv4(pod_cidr.substr(0, slash));
  int prefix = std::atoi(pod_cidr.c_str() + slash + 1);
  if (!base || prefix < 1 || prefix > 30) return std::nullopt;
  uint32_t size = 1u << (32 - prefix);
  uint32_t network = *base & ~(size - 1);
  uint32_t gateway = network + 1;
  uint32_t first = network + 1, last = network + size - 2;
  uint32_t start = first;
  auto last_it = disk_.lastReservedIP.find(pod_cidr);
  if (last_it != disk_.lastReservedIP.end()) {
    auto last_ip = parse_ipv4(last_it->second);
    if (last_ip && *last_ip >= first && *last_ip <= last) start = *last_ip == last ? first : *last_ip + 1;
  }
  uint32_t candidate = start;
  for (uint32_t n = 0; n < last - first + 1; ++n) {
    std::string text = format_ipv4(candidate);
    if (candidate != gateway && !disk_.allocatedIPs.count(text)) {
      disk_.allocatedIPs[text] = pod_uid;
      disk_.lastReservedIP[pod_cidr] = text;
      return text;
    }
    candidate = candidate == last ? first : candidate + 1;
  }
  return std::nullopt;
}

void PodIPAllocator::release(const std::string& ip) { disk_.allocatedIPs.erase(ip); }

}  // namespace ktwin::core
