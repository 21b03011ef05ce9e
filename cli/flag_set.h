// The flags of `ktwin server` and `ktwin agent`, spelled as k3s spells them: `--flag VALUE` or
// `--flag=VALUE`; a switch takes no value. One parser so both commands word their errors alike.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace ktwin::cli {

class FlagSet {
 public:
  // Each registers a flag ("--data-dir") writing into `target`, which must outlive parse().
  void text(const std::string& name, std::string* target);                  // a non-empty value
  void repeated(const std::string& name, std::vector<std::string>* target);  // each use appends one
  void number(const std::string& name, int64_t* target, int64_t low, int64_t high);
  void port(const std::string& name, uint16_t* target);  // 1-65535
  void flag(const std::string& name, bool* target);      // present: true; takes no value

  // Invalid, naming the flag: "unknown flag --x", "--x needs a value", "--x takes no value", or the
  // value's fault. Targets of flags before the bad one may already be set. With `operands`, the
  // arguments that are not flags (files) are collected there, in order; without, they are unknown flags.
  core::Status parse(const std::vector<std::string>& args, std::vector<std::string>* operands = nullptr) const;

 private:
  struct Spec {
    bool takes_value = true;
    std::function<core::Status(const std::string& value)> set;
  };
  std::map<std::string, Spec> specs_;
};

}  // namespace ktwin::cli
