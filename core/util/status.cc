// Status text and the KT_CHECK failure path.
#include "core/util/status.h"

namespace ktwin::core {

std::string Status::to_string() const {
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kNotFound: return "NotFound: " + message_;
    case Code::kConflict: return "Conflict: " + message_;
    case Code::kAlreadyExists: return "AlreadyExists: " + message_;
    case Code::kInvalid: return "Invalid: " + message_;
    case Code::kUnavailable: return "Unavailable: " + message_;
    case Code::kForbidden: return "Forbidden: " + message_;
  }
  return "Unknown";
}

void check_failed(const char* file, int line, const char* cond, const std::string& msg) {
  std::fprintf(stderr, "%s:%d: check failed: %s: %s\n", file, line, cond, msg.c_str());
  std::abort();
}

}  // namespace ktwin::core
