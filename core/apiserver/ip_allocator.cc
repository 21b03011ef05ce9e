// Bitmap allocation and IPv4 text conversion.
#include "core/apiserver/ip_allocator.h"

#include <cstdio>

namespace ktwin::core {

std::optional<uint32_t> RandomScanAllocator::allocate_next() {
  if (used_.empty()) return std::nullopt;
  uint32_t size = static_cast<uint32_t>(used_.size());
  uint32_t start = static_cast<uint32_t>(rng_.uniform(size));
  for (uint32_t i = 0; i < size; ++i) {
    uint32_t at = (start + i) % size;
    if (!used_[at]) {
      used_[at] = true;
      return at;
    }
  }
  return std::nullopt;
}

bool RandomScanAllocator::allocate(uint32_t offset) {
  if (offset >= used_.size() || used_[offset]) return false;
  used_[offset] = true;
  return true;
}

void RandomScanAllocator::release(uint32_t offset) {
  if (offset < used_.size()) used_[offset] = false;
}

std::optional<uint32_t> parse_ipv4(const std::string& text) {
  unsigned a, b, c, d;
  char tail;
  if (std::sscanf(text.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4) return std::nullopt;
  if (a > 255 || b > 255 || c > 255 || d > 255) return std::nullopt;
  return (a << 24) | (b << 16) | (c << 8) | d;
}

std::string format_ipv4(uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." + std::to_string((ip >> 8) & 255) +
         "." + std::to_string(ip & 255);
}

std::optional<std::pair<uint32_t, int>> parse_cidr(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto ip = parse_ipv4(text.substr(0, slash));
  int prefix = std::atoi(text.c_str() + slash + 1);
  if (!ip || prefix < 8 || prefix > 30) return std::nullopt;
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t(0) << (32 - prefix);
  return std::make_pair(*ip & mask, prefix);
}

ClusterIPAllocator::ClusterIPAllocator(const std::string& cidr, Rng rng)
    : slots_([&] {
        auto parsed = parse_cidr(cidr);
        return parsed ? (uint32_t(1) << (32 - parsed->second)) - 2 : 0;
      }(),
             std::move(rng)) {
  if (auto parsed = parse_cidr(cidr)) base_ = parsed->first + 1;
}

std::optional<std::string> ClusterIPAllocator::allocate_next() {
  auto slot = slots_.allocate_next();
  if (!slot) return std::nullopt;
  return format_ipv4(base_ + *slot);
}

std::optional<uint32_t> ClusterIPAllocator::offset_of(const std::string& ip) const {
  auto parsed = parse_ipv4(ip);
  if (!parsed || *parsed < base_) return std::nullopt;
  return *parsed - base_;
}

bool ClusterIPAllocator::allocate(const std::string& ip) {
  auto offset = offset_of(ip);
  return offset && slots_.allocate(*offset);
}

void ClusterIPAllocator::release(const std::string& ip) {
  if (auto offset = offset_of(ip)) slots_.release(*offset);
}

}  // namespace ktwin::core
