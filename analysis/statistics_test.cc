// Summary statistics against values worked out by hand (and numpy's percentile).
#include "analysis/statistics.h"

#include <catch2/catch.hpp>

namespace ktwin::analysis {
namespace {

TEST_CASE("summary of 1..10", "[statistics]") {
  Summary s = summarize({10, 9, 8, 7, 6, 5, 4, 3, 2, 1});
  CHECK(s.n == 10);
  CHECK(s.mean == Approx(5.5));
  CHECK(s.min == 1);
  CHECK(s.max == 10);
  CHECK(s.p50 == Approx(5.5));   // rank 4.5: halfway between 5 and 6
  CHECK(s.p95 == Approx(9.55));  // rank 8.55: 9 + 0.55 * (10 - 9)
  CHECK(s.stddev == Approx(3.0276503541));  // sqrt(82.5 / 9)
}

TEST_CASE("percentiles interpolate between order statistics", "[statistics]") {
  CHECK(percentile({10, 20}, 95) == Approx(19.5));
  CHECK(percentile({10, 20}, 0) == 10);
  CHECK(percentile({10, 20}, 100) == 20);
  CHECK(percentile({1, 2, 3}, 95) == Approx(2.9));
  CHECK(percentile({1, 2, 4, 8}, 50) == Approx(3));
}

TEST_CASE("a sample of one", "[statistics]") {
  Summary s = summarize({42});
  CHECK(s.mean == 42);
  CHECK(s.p50 == 42);
  CHECK(s.p95 == 42);
  CHECK(s.stddev == 0);
}

TEST_CASE("spread of two values", "[statistics]") {
  Summary s = summarize({95, 345});
  CHECK(s.mean == Approx(220));
  CHECK(s.stddev == Approx(176.7766953));  // 250 / sqrt(2)
}

}  // namespace
}  // namespace ktwin::analysis
