// Summary statistics of a sample (one metric over the seeds of a sweep point), computed with Eigen.
#pragma once

#include <cstddef>
#include <vector>

namespace ktwin::analysis {

struct Summary {
  size_t n = 0;
  double mean = 0, p50 = 0, p95 = 0, min = 0, max = 0;
  double stddev = 0;  // sample standard deviation (divides by n - 1); 0 when n == 1
};

// Percentile q in [0, 100] of `sorted` (ascending), by linear interpolation between the order
// statistics at rank (n - 1) * q / 100: numpy.percentile's default ("linear", type 7 of Hyndman and
// Fan). REQUIRES: sorted is non-empty and ascending.
double percentile(const std::vector<double>& sorted, double q);

// REQUIRES: sample is non-empty.
Summary summarize(std::vector<double> sample);

}  // namespace ktwin::analysis
