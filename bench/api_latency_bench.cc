// API request latency under concurrent clients (issue 6: "API request latency p99 under 50
// concurrent clients"). An in-process ktwin server (realnet::Server: PKI, admission, control plane,
// ApiServer, HttpServer on one io_context thread) on loopback; C client threads, each with its own
// TLS connection and the admin certificate, as kubectl would present it. Phases:
//   create     each client POSTs P pods (keep-alive)
//   get        each client GETs one pod N times (keep-alive)
//   list       each client lists the pods as a server-side Table N/10 times (what `kubectl get pods` asks)
//   handshake  each client opens a fresh TLS connection per GET, N/10 times (kubectl's per-invocation cost)
// Usage: ktwin_bench_api [CLIENTS=50] [N=200] [P=10] 2>/dev/null (the server logs its scheduling
// events on stderr); prints p50/p90/p99/max per phase in ms. Client and server share the machine.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "realnet/net/blocking_client.h"
#include "realnet/server/server.h"

using namespace ktwin;
using namespace ktwin::realnet;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kTableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

struct Phase {
  std::string name;
  std::vector<double> ms;
  int errors = 0;
  double wall_s = 0;
};

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// Runs `per_client(client_index, record)` on `clients` threads at once and gathers the latencies.
template <class F>
Phase run_phase(const std::string& name, int clients, F per_client) {
  Phase phase{name, {}, 0, 0};
  std::mutex mu;
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::vector<double> mine;
      int errors = 0;
      per_client(c, [&](bool ok, Clock::time_point t0) {
        if (!ok) ++errors;
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      });
      std::lock_guard<std::mutex> lock(mu);
      phase.ms.insert(phase.ms.end(), mine.begin(), mine.end());
      phase.errors += errors;
    });
  }
  for (auto& t : threads) t.join();
  phase.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  return phase;
}

void print(Phase& p) {
  size_t n = p.ms.size();
  double p50 = percentile(p.ms, 0.50), p90 = percentile(p.ms, 0.90), p99 = percentile(p.ms, 0.99);
  std::printf("%-10s %7zu req %6.0f req/s  p50 %7.2f  p90 %7.2f  p99 %7.2f  max %7.2f ms  errors %d\n",
              p.name.c_str(), n, static_cast<double>(n) / p.wall_s, p50, p90, p99, p.ms.empty() ? 0 : p.ms.back(),
              p.errors);
}

std::string pod_json(const std::string& name) {
  return R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":")" + name +
         R"(","labels":{"app":"bench"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}})";
}

}  // namespace

int main(int argc, char** argv) {
  int clients = argc > 1 ? std::atoi(argv[1]) : 50;
  int n = argc > 2 ? std::atoi(argv[2]) : 200;
  int pods_each = argc > 3 ? std::atoi(argv[3]) : 10;
  char tmpl[] = "/tmp/ktwin-bench-XXXXXX";
  std::string dir = mkdtemp(tmpl);

  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  ServerOptions options;
  options.data_dir = dir;
  options.bind_address = "127.0.0.1";
  options.https_listen_port = 0;
  Server server(io, options);
  if (auto s = server.start(); !s.is_ok()) {
    std::fprintf(stderr, "ktwin_bench_api: %s\n", s.message().c_str());
    return 1;
  }
  std::thread io_thread([&] { io.run(); });
  const uint16_t port = server.port();
  const ServerPki& pki = server.pki();

  std::vector<std::unique_ptr<BlockingClient>> conns;
  for (int c = 0; c < clients; ++c) {
    conns.push_back(std::make_unique<BlockingClient>("127.0.0.1", port, pki.ca.cert_pem, &pki.admin));
    if (!conns.back()->connect().is_ok()) {
      std::fprintf(stderr, "ktwin_bench_api: connect failed\n");
      return 1;
    }
  }
  std::printf("ktwin_bench_api: %d clients, %u hardware threads, server on one io_context thread\n", clients,
              std::thread::hardware_concurrency());

  auto ok_status = [](const core::Result<HttpResponse>& r, int want) { return r.is_ok() && r->status == want; };
  std::vector<Phase> phases;
  phases.push_back(run_phase("create", clients, [&](int c, auto record) {
    for (int i = 0; i < pods_each; ++i) {
      auto t0 = Clock::now();
      auto r = conns[c]->request("POST", "/api/v1/namespaces/default/pods",
                                 pod_json("bench-" + std::to_string(c) + "-" + std::to_string(i)),
                                 {{"Content-Type", "application/json"}});
      record(ok_status(r, 201), t0);
    }
  }));
  phases.push_back(run_phase("get", clients, [&](int c, auto record) {
    std::string target = "/api/v1/namespaces/default/pods/bench-" + std::to_string(c) + "-0";
    for (int i = 0; i < n; ++i) {
      auto t0 = Clock::now();
      record(ok_status(conns[c]->request("GET", target), 200), t0);
    }
  }));
  phases.push_back(run_phase("list", clients, [&](int c, auto record) {
    for (int i = 0; i < std::max(1, n / 10); ++i) {
      auto t0 = Clock::now();
      auto r = conns[c]->request("GET", "/api/v1/namespaces/default/pods?limit=500", "", {{"Accept", kTableAccept}});
      record(ok_status(r, 200), t0);
    }
  }));
  auto tls = BlockingClient::make_context(pki.ca.cert_pem, &pki.admin);  // loaded once, as kubectl does
  phases.push_back(run_phase("handshake", clients, [&](int c, auto record) {
    for (int i = 0; i < std::max(1, n / 10); ++i) {
      auto t0 = Clock::now();
      BlockingClient fresh("127.0.0.1", port, tls);
      bool ok = fresh.connect().is_ok() && ok_status(fresh.request("GET", "/api/v1/nodes"), 200);
      record(ok, t0);
    }
  }));
  std::printf("pods in the store: %d (each list returns all of them)\n", clients * pods_each);
  for (Phase& p : phases) print(p);

  conns.clear();
  boost::asio::post(io, [&] {
    server.stop();
    io.stop();
  });
  io_thread.join();
  std::filesystem::remove_all(dir);
  int errors = 0;
  for (const Phase& p : phases) errors += p.errors;
  return errors == 0 ? 0 : 1;
}
