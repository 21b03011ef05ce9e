// The cost of SimGrid's messaging for per-node heartbeats (docs/performance.md, "SimGrid platform"):
// every node sends one small message to the control plane every 10 s for 10 virtual minutes, on an
// inline star platform of N nodes. Modes:
//   fast      the fast path: each heartbeat is one EventLoop task after a fixed latency;
//   routes    per-node granularity: each heartbeat is one task after the node's SimGrid route latency
//             (SimgridNetwork::api_latency), SimGrid's engine idle;
//   messages  per-message granularity: each heartbeat is a SimGrid transfer (send_message).
// Usage: ktwin_bench_network MODE NODES [MINUTES]: one run per process (SimGrid keeps state between
// runs in one process), printing the platform's load time and the run's; bench/network-bench.sh takes
// medians over several processes.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/platform/simgrid_network.h"

using namespace ktwin;

namespace {

constexpr auto kPeriod = std::chrono::seconds(10);

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

// One run; returns the number of heartbeats delivered.
int64_t run(const std::string& mode, const sim::PlatformSpec& spec, const std::vector<std::string>& nodes,
            core::Duration length) {
  sim::EventLoop loop(core::Time{});
  std::unique_ptr<sim::SimgridNetwork> net;
  if (mode != "fast") {
    auto made = sim::SimgridNetwork::create(loop, spec, nodes);
    if (!made.is_ok()) {
      std::fprintf(stderr, "%s\n", made.status().message().c_str());
      std::exit(2);
    }
    net = std::move(made.value());
  }
  int64_t delivered = 0;
  auto deliver = [&] { ++delivered; };
  std::vector<std::function<void()>> beats(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    const std::string& node = nodes[i];
    beats[i] = [&, i, node] {
      if (mode == "fast") loop.post_after(std::chrono::microseconds(200), deliver);
      else if (mode == "routes") loop.post_after(net->api_latency(node), deliver);
      else net->send_message(node, sim::SimgridNetwork::kApiMessageBytes, deliver);
      loop.post_after(kPeriod, beats[i]);
    };
    // Kubelets are not synchronised: spread the first beats over one period.
    loop.post_after(kPeriod * static_cast<int64_t>(i) / static_cast<int64_t>(nodes.size()), beats[i]);
  }
  loop.run_until(core::Time{} + length);
  return delivered;
}

}  // namespace

int main(int argc, char** argv) {
  const char* usage = "usage: ktwin_bench_network fast|routes|messages NODES [MINUTES]\n";
  if (argc < 3) {
    std::fprintf(stderr, "%s", usage);
    return 2;
  }
  std::string mode = argv[1];
  int n = std::atoi(argv[2]), minutes = argc > 3 ? std::atoi(argv[3]) : 10;
  if ((mode != "fast" && mode != "routes" && mode != "messages") || n <= 0 || minutes <= 0) {
    std::fprintf(stderr, "%s", usage);
    return 2;
  }
  sim::PlatformSpec spec;
  spec.is_inline = true;  // 1 Gbit/s uplink, 10 Gbit/s node links, the loader's defaults
  std::vector<std::string> nodes;
  for (int i = 1; i <= n; ++i) nodes.push_back("node" + std::to_string(i));
  double load_ms = 0;
  if (mode != "fast") {
    auto t = std::chrono::steady_clock::now();
    if (auto s = sim::SimgridNetwork::check(spec, nodes); !s.is_ok()) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      return 2;
    }
    load_ms = ms_since(t);
  }
  auto t = std::chrono::steady_clock::now();
  int64_t delivered = run(mode, spec, nodes, std::chrono::minutes(minutes));
  double run_ms = ms_since(t);
  std::printf("%s nodes=%d minutes=%d heartbeats=%lld load_ms=%.1f run_ms=%.1f us_per_heartbeat=%.2f\n", mode.c_str(),
              n, minutes, static_cast<long long>(delivered), load_ms, run_ms, 1000 * run_ms / delivered);
  return 0;
}
