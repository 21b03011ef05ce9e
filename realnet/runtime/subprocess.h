// Runs a helper program (tar) to completion, synchronously: for `ktwin image import`, not for the
// executor thread's hot path.
#pragma once

#include <string>
#include <vector>

#include "core/util/status.h"

namespace ktwin::realnet {

// Runs argv[0] (searched in PATH) and returns its stdout. A non-zero exit is an Invalid status that
// quotes the command and its stderr.
core::Result<std::string> run_process(const std::vector<std::string>& argv);

}  // namespace ktwin::realnet
