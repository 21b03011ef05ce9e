// Expectation comparisons as written in scenarios: "10", "== 2", "!= 0", "< 3", "<= 4", "> 1", ">= 9", "1..3".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ktwin::sim {

struct Comparison {
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kRange };
  Op op = Op::kEq;
  int64_t value = 0;
  int64_t high = 0;  // kRange: value..high, both inclusive

  bool holds(int64_t observed) const;
  // nullopt on a syntax error, or on a range whose low end exceeds its high end.
  static std::optional<Comparison> parse(std::string_view text);
};

std::string bad_comparison_message(const std::string& text);

}  // namespace ktwin::sim
