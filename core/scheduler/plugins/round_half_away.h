// std::round (half away from zero) without the libm call for the values scores take: PodTopologySpread
// rounds one double per feasible node per cycle from 1.23 (k/k podtopologyspread/scoring.go Score:
// int64(math.Round(score))), and the call was 3% of a cycle's instructions.
#pragma once

#include <cmath>
#include <cstdint>

namespace ktwin::core {

// Equal to std::round(x) for every double. For 0 <= x < 2^52 the truncation t is exact, and so is
// x - t (Sterbenz's lemma: t <= x < 2t once t >= 1), so "x - t >= 0.5" decides exactly.
inline double round_half_away(double x) {
  if (!(x >= 0 && x < 4503599627370496.0)) return std::round(x);
  const double t = static_cast<double>(static_cast<int64_t>(x));
  return x - t >= 0.5 ? t + 1 : t;
}

}  // namespace ktwin::core
