// `ktwin run FILE.yaml [--seed N] [--set KEY=VALUE]... [--trace OUT.jsonl] [--watch-pods] [--quiet]`.
#pragma once

#include <string>
#include <vector>

namespace ktwin::cli {

// Exit status: 0 every expectation held, 1 some failed, 2 bad scenario or usage.
int run_command(const std::vector<std::string>& args);

}  // namespace ktwin::cli
