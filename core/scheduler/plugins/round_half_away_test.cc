// round_half_away agrees with std::round, at halves, their neighbours, large and odd values.
#include "core/scheduler/plugins/round_half_away.h"

#include <catch2/catch.hpp>

#include <limits>

using ktwin::core::round_half_away;

TEST_CASE("round_half_away is std::round", "[scheduler]") {
  std::vector<double> values = {0.0, -0.0, 0.49999999999999994, 0.5, 1.5, 2.5, 1e15 + 0.5, 4503599627370495.5,
                                4503599627370496.0, 9007199254740993.0, 1e300, -0.5, -2.5, -7.3,
                                std::numeric_limits<double>::infinity(), std::numeric_limits<double>::denorm_min()};
  for (int i = 0; i < 200000; ++i) values.push_back(i * 0.0625 + std::log(static_cast<double>(i % 97 + 2)) * (i % 7));
  for (int i = 0; i < 2000; ++i) {
    double half = i + 0.5;
    values.push_back(half);
    values.push_back(std::nextafter(half, 0.0));
    values.push_back(std::nextafter(half, 1e9));
  }
  for (double v : values) {
    INFO(v);
    CHECK(round_half_away(v) == std::round(v));
  }
  CHECK(std::isnan(round_half_away(std::numeric_limits<double>::quiet_NaN())));
}
