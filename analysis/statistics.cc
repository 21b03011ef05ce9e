// Mean, spread and percentiles of a sample; Eigen does the reductions.
#include "analysis/statistics.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "core/util/status.h"

namespace ktwin::analysis {

double percentile(const std::vector<double>& sorted, double q) {
  KT_CHECK(!sorted.empty(), "percentile of an empty sample");
  double rank = (static_cast<double>(sorted.size()) - 1) * q / 100.0;
  auto lo = static_cast<size_t>(std::floor(rank));
  size_t hi = std::min(lo + 1, sorted.size() - 1);
  double frac = rank - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

Summary summarize(std::vector<double> sample) {
  KT_CHECK(!sample.empty(), "summary of an empty sample");
  std::sort(sample.begin(), sample.end());
  Eigen::Map<const Eigen::ArrayXd> a(sample.data(), static_cast<Eigen::Index>(sample.size()));
  Summary s;
  s.n = sample.size();
  s.mean = a.mean();
  s.min = a.minCoeff();
  s.max = a.maxCoeff();
  // Spread across seeds estimates the population's, hence n - 1.
  if (s.n > 1) s.stddev = std::sqrt((a - s.mean).square().sum() / static_cast<double>(s.n - 1));
  s.p50 = percentile(sample, 50);
  s.p95 = percentile(sample, 95);
  return s;
}

}  // namespace ktwin::analysis
