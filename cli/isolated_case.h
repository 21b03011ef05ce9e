// Runs one `ktwin test` case in a child process: a scenario that crashes cannot take the others down,
// and engines with per-process state (SimGrid loads one platform per process) start fresh each time.
#pragma once

#include <functional>

#include "cli/junit.h"

namespace ktwin::cli {

// Forks; the child runs `run` (whose stdout reaches ours, in order) and sends the case back through
// a pipe. A child that dies without answering becomes an error case named after `name`/`file`.
JUnitCase run_isolated(const std::string& name, const std::string& file, const std::function<JUnitCase()>& run);

}  // namespace ktwin::cli
