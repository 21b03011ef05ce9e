// `ktwin test [DIR|FILE.yaml]... [--update-golden] [--junit OUT.xml]`: runs scenarios as regression
// tests: their `expect` steps must hold and their behaviour must match `golden/<stem>.golden` beside
// the scenario (see analysis/golden.h for the format, docs/ci.md for the workflow).
#pragma once

#include <string>
#include <vector>

namespace ktwin::cli {

// Exit status: 0 every scenario passed, 1 some failed (expectation, golden difference, missing
// golden), 2 bad usage or an invalid scenario.
int test_command(const std::vector<std::string>& args);

}  // namespace ktwin::cli
