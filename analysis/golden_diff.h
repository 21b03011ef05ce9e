// The semantic diff of two goldens: a few human lines saying what behaved differently, e.g.
// `pod default/web-5475c74c49-pgjw9: node worker1 -> worker3 at +2m10s`.
#pragma once

#include <string>
#include <vector>

#include "analysis/golden.h"

namespace ktwin::analysis {

struct GoldenDifference {
  Duration t{};      // when it happened (the earlier side's time when both have one): sorts the list
  std::string text;  // one human line
};

// Every difference from `expected` (the golden file) to `actual` (this run), earliest first.
//
// Pods are matched by name. Pod names carry a random suffix, so when the creation order of pods
// changes their names can change without their behaviour changing: pods left unmatched are then paired
// per controller owner in creation order (time, then name), and a paired pod is reported under its
// new name with "(golden NAME)". What is left is reported as `missing (was on NODE)` / `new (on NODE)`.
// Nodes and Events are matched by name; Events on paired pods are compared under the new pod name.
std::vector<GoldenDifference> diff_goldens(const Golden& expected, const Golden& actual);

// The first `limit` differences, one per line, then "... and N more differences" when cut.
std::string format_differences(const std::vector<GoldenDifference>& diffs, size_t limit = 20);

}  // namespace ktwin::analysis
