// Random-scan bitmap allocators for Service ClusterIPs and NodePorts, as the 1.20 apiserver's
// (k/k pkg/registry/core/service/allocator/bitmap.go randomScanStrategy).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/env/rng.h"

namespace ktwin::core {

// Allocates integers in [0, size): a random start offset, then the first free slot scanning forward.
class RandomScanAllocator {
 public:
  RandomScanAllocator(uint32_t size, Rng rng) : used_(size, false), rng_(std::move(rng)) {}
  std::optional<uint32_t> allocate_next();
  bool allocate(uint32_t offset);  // false if taken or out of range
  void release(uint32_t offset);

 private:
  std::vector<bool> used_;
  Rng rng_;
};

// "10.43.0.0/16" -> the usable host addresses, network and broadcast excluded.
class ClusterIPAllocator {
 public:
  ClusterIPAllocator(const std::string& cidr, Rng rng);
  std::optional<std::string> allocate_next();
  bool allocate(const std::string& ip);
  void release(const std::string& ip);

 private:
  std::optional<uint32_t> offset_of(const std::string& ip) const;
  uint32_t base_ = 0;  // first usable address
  RandomScanAllocator slots_;
};

std::optional<uint32_t> parse_ipv4(const std::string& text);
std::string format_ipv4(uint32_t ip);
// "10.42.0.0/16" -> {network address, prefix length}.
std::optional<std::pair<uint32_t, int>> parse_cidr(const std::string& text);

}  // namespace ktwin::core
