// Test support: a NodeRuntime driven synchronously on an io_context run by the test's thread.
#pragma once

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/kubelet/node_runtime.h"
#include "realnet/net/asio_executor.h"

namespace ktwin::realnet::testing {

// A fresh directory under /tmp, removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ktwin-rt-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

struct Loop {
  boost::asio::io_context io;
  AsioExecutor executor{io};

  // Runs the loop until `done()` holds; false after `limit`.
  template <class Pred>
  bool run_until(Pred done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io.run_one_for(std::chrono::milliseconds(5));
    }
    return true;
  }
  // Runs the loop for `d` whatever happens.
  void run_for(std::chrono::milliseconds d) {
    auto deadline = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < deadline) io.run_one_until(deadline);
  }

  // Synchronous wrappers: call, then run the loop until the callback ran.
  template <class T, class Call>
  core::Result<T> await(Call call, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    std::optional<core::Result<T>> out;
    call([&](core::Result<T> r) { out.emplace(std::move(r)); });
    if (!run_until([&] { return out.has_value(); }, limit)) return core::Status::unavailable("timed out");
    return std::move(*out);
  }
  template <class Call>
  core::Status await_status(Call call, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    std::optional<core::Status> out;
    call([&](core::Status s) { out = s; });
    if (!run_until([&] { return out.has_value(); }, limit)) return core::Status::unavailable("timed out");
    return *out;
  }
};

}  // namespace ktwin::realnet::testing
