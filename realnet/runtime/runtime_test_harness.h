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

#include <algorithm>
#include <cstdio>

namespace ktwin::realnet::testing {

// create_container + start_container until the kStarted event, `n` times after one warm-up; each
// container is killed and removed after. Returns the median in milliseconds. `events` is the vector
// the runtime's event handler appends to.
template <class Runtime>
double median_start_ms(Loop& loop, Runtime& runtime, const std::string& sandbox, const std::vector<core::ContainerEvent>& events,
                       core::ContainerConfig config, int n = 20) {
  std::vector<double> ms;
  for (int i = 0; i <= n; ++i) {
    config.name = "lat" + std::to_string(i);
    size_t before = events.size();
    auto t0 = std::chrono::steady_clock::now();
    std::string id;
    runtime.create_container(sandbox, config, [&](core::Result<std::string> r) {
      if (!r.is_ok()) return;
      id = r.value();
      runtime.start_container(id, [](core::Status) {});
    });
    auto started = [&] {
      for (size_t k = before; k < events.size(); ++k)
        if (events[k].type == core::ContainerEvent::Type::kStarted && events[k].container.id == id) return true;
      return false;
    };
    if (!loop.run_until(started, std::chrono::seconds(30))) return -1;
    auto t1 = std::chrono::steady_clock::now();
    if (i > 0) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    loop.await_status([&](auto done) { runtime.remove_container(id, done); }, std::chrono::seconds(30));
  }
  std::sort(ms.begin(), ms.end());
  return n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
}

}  // namespace ktwin::realnet::testing
