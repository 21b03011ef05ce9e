// Deterministic random streams: each component draws its own stream from (seed, name), so adding one
// component shifts nothing in the others (ns-3 RngSeedManager). Ranges are mapped here, not by
// std::uniform_*_distribution, whose output differs between standard libraries.
#pragma once

#include <cstdint>
#include <string_view>

namespace ktwin::core {

class Rng {
 public:
  Rng(uint64_t seed, std::string_view stream_name);
  uint64_t next_u64();                  // xoshiro256**
  uint64_t uniform(uint64_t n);         // in [0, n); REQUIRES: n > 0
  double uniform_double();              // in [0, 1)
  int64_t uniform_range(int64_t lo, int64_t hi);  // in [lo, hi]

 private:
  uint64_t s_[4];
};

}  // namespace ktwin::core
