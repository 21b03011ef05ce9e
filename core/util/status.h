// Expected outcomes as values: Status (after leveldb's) and Result<T>, since C++20 has no std::expected.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

namespace ktwin::core {

class Status {
 public:
  enum class Code { kOk, kNotFound, kConflict, kAlreadyExists, kInvalid, kUnavailable, kForbidden };

  Status() = default;
  static Status ok() { return Status(); }
  static Status not_found(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status conflict(std::string msg) { return Status(Code::kConflict, std::move(msg)); }
  static Status already_exists(std::string msg) { return Status(Code::kAlreadyExists, std::move(msg)); }
  static Status invalid(std::string msg) { return Status(Code::kInvalid, std::move(msg)); }
  static Status unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status forbidden(std::string msg) { return Status(Code::kForbidden, std::move(msg)); }

  bool is_ok() const { return code_ == Code::kOk; }
  bool is_not_found() const { return code_ == Code::kNotFound; }
  bool is_conflict() const { return code_ == Code::kConflict; }
  bool is_already_exists() const { return code_ == Code::kAlreadyExists; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string to_string() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or a non-OK Status.
template <class T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  bool is_ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

[[noreturn]] void check_failed(const char* file, int line, const char* cond, const std::string& msg);

}  // namespace ktwin::core

// A broken invariant is a bug: abort with its location in every build.
#define KT_CHECK(cond, msg) \
  do {                      \
    if (!(cond)) ::ktwin::core::check_failed(__FILE__, __LINE__, #cond, (msg)); \
  } while (0)
