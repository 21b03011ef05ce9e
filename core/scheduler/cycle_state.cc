// StateKey slot numbering.
#include "core/scheduler/cycle_state.h"

namespace ktwin::core {
namespace {

// A function-local counter: keys are namespace-scope objects of several files, constructed in an
// order the language leaves open.
size_t next_slot() {
  static size_t next = 0;
  return next++;
}

}  // namespace

StateKeyBase::StateKeyBase(std::string_view name) : name_(name), slot_(next_slot()) {}

}  // namespace ktwin::core
