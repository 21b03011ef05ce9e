// FlagSet: k3s-style `--flag VALUE` / `--flag=VALUE` parsing for the real-mode commands.
#include "cli/flag_set.h"

#include <cerrno>
#include <cstdlib>
#include <optional>

namespace ktwin::cli {
namespace {

// A whole number in [low, high], or nullopt.
std::optional<int64_t> parse_int(const std::string& text, int64_t low, int64_t high) {
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || v < low || v > high) return std::nullopt;
  return v;
}

}  // namespace

void FlagSet::text(const std::string& name, std::string* target) {
  specs_[name] = {true, [target](const std::string& v) {
                    *target = v;
                    return core::Status::ok();
                  }};
}

void FlagSet::repeated(const std::string& name, std::vector<std::string>* target) {
  specs_[name] = {true, [target](const std::string& v) {
                    target->push_back(v);
                    return core::Status::ok();
                  }};
}

void FlagSet::number(const std::string& name, int64_t* target, int64_t low, int64_t high) {
  specs_[name] = {true, [=](const std::string& v) {
                    std::optional<int64_t> n = parse_int(v, low, high);
                    if (!n)
                      return core::Status::invalid(name + " needs a whole number from " + std::to_string(low) +
                                                   " to " + std::to_string(high));
                    *target = *n;
                    return core::Status::ok();
                  }};
}

void FlagSet::port(const std::string& name, uint16_t* target) {
  specs_[name] = {true, [=](const std::string& v) {
                    std::optional<int64_t> n = parse_int(v, 1, 65535);
                    if (!n) return core::Status::invalid(name + ": \"" + v + "\" is not a port (1-65535)");
                    *target = static_cast<uint16_t>(*n);
                    return core::Status::ok();
                  }};
}

void FlagSet::flag(const std::string& name, bool* target) {
  specs_[name] = {false, [target](const std::string&) {
                    *target = true;
                    return core::Status::ok();
                  }};
}

core::Status FlagSet::parse(const std::vector<std::string>& args, std::vector<std::string>* operands) const {
  for (size_t i = 0; i < args.size(); ++i) {
    if (operands && args[i].rfind("--", 0) != 0) {
      operands->push_back(args[i]);
      continue;
    }
    std::string name = args[i];
    std::optional<std::string> value;
    if (size_t eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto spec = specs_.find(name);
    if (spec == specs_.end()) return core::Status::invalid("unknown flag " + args[i]);
    if (!spec->second.takes_value) {
      if (value) return core::Status::invalid(name + " takes no value");
    } else {
      if (!value && i + 1 < args.size()) value = args[++i];
      if (!value || value->empty()) return core::Status::invalid(name + " needs a value");
    }
    if (core::Status s = spec->second.set(value.value_or("")); !s.is_ok()) return s;
  }
  return core::Status::ok();
}

}  // namespace ktwin::cli
