// Parsing and evaluating expectation comparisons.
#include "sim/scenario/comparison.h"

#include <regex>

#include "sim/scenario/scenario.h"

namespace ktwin::sim {

bool Comparison::holds(int64_t observed) const {
  switch (op) {
    case Op::kEq: return observed == value;
    case Op::kNe: return observed != value;
    case Op::kLt: return observed < value;
    case Op::kLe: return observed <= value;
    case Op::kGt: return observed > value;
    case Op::kGe: return observed >= value;
    case Op::kRange: return observed >= value && observed <= high;
  }
  return false;
}

std::optional<Comparison> Comparison::parse(std::string_view text) {
  static const std::regex kOp("\\s*(==|!=|<=|>=|<|>)?\\s*(-?[0-9]{1,18})\\s*");
  static const std::regex kRange("\\s*(-?[0-9]{1,18})\\s*\\.\\.\\s*(-?[0-9]{1,18})\\s*");
  std::string s(text);
  std::smatch m;
  Comparison c;
  if (std::regex_match(s, m, kRange)) {
    c.op = Op::kRange;
    c.value = std::stoll(m[1]);
    c.high = std::stoll(m[2]);
    if (c.value > c.high) return std::nullopt;
    return c;
  }
  if (!std::regex_match(s, m, kOp)) return std::nullopt;
  std::string op = m[1];
  c.op = op == "!=" ? Op::kNe : op == "<" ? Op::kLt : op == "<=" ? Op::kLe : op == ">" ? Op::kGt
       : op == ">=" ? Op::kGe : Op::kEq;
  c.value = std::stoll(m[2]);
  return c;
}

std::string bad_comparison_message(const std::string& text) {
  return "bad comparison \"" + text + "\": use a number, or \"== N\", \"!= N\", \"< N\", \"<= N\", \"> N\", \">= N\", \"A..B\"";
}

bool Expectation::holds(int64_t observed) const {
  auto c = Comparison::parse(comparison);
  return c && c->holds(observed);
}

}  // namespace ktwin::sim
