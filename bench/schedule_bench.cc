// Scheduling throughput (docs/performance.md, "Scale"): NODES nodes in 3 zones (8 CPU, 32Gi, 110
// pods) and PODS pending pods of RS ReplicaSets (kubemark-5k's mix of requests), scheduled by the
// real Scheduler (kube-scheduler 1.32's default profile, its SnapshotCache and queue) on a
// MemoryStore and the virtual clock, with nothing else running. Reports the wall time from the
// first attempt to the last binding and pods per second, and a digest of the placements (every pod's
// node, in list order), so that a faster scheduler can be checked to decide exactly as before.
// Usage: ktwin_bench_schedule [NODES [PODS [RS]]]   (default 5000 150000 1000)
#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <string>

#include "core/api/workload.h"
#include "core/scheduler/scheduler.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"

using namespace ktwin;
using namespace ktwin::core;

namespace {

class CountingEvents : public EventRecorder {
 public:
  void record(const ObjectRef&, const std::string&, const std::string& reason, const std::string&) override {
    if (reason == "Scheduled") ++scheduled;
    else if (reason == "FailedScheduling") ++failed;
  }
  int64_t scheduled = 0, failed = 0;
};

Quantity q(const char* text) { return *Quantity::parse(text); }

std::shared_ptr<Node> node(int i) {
  static const char* zones[] = {"zone-a", "zone-b", "zone-c"};
  auto n = std::make_shared<Node>();
  n->metadata.name = "node-" + std::to_string(i);
  n->metadata.labels = {{"kubernetes.io/hostname", n->metadata.name},
                        {"topology.kubernetes.io/zone", zones[i % 3]}};
  n->status.allocatable = {{"cpu", q("8")}, {"memory", q("32Gi")}, {"pods", q("110")}};
  n->status.capacity = n->status.allocatable;
  n->status.conditions.push_back({"Ready", "True", "KubeletReady", "", std::nullopt, std::nullopt});
  return n;
}

// FNV-1a over "namespace/name=node;" for every pod in the store's list order (after the timing).
uint64_t placement_digest(const Store& store) {
  uint64_t h = 14695981039346656037ull;
  auto mix = [&](const std::string& s) {
    for (unsigned char ch : s) h = (h ^ ch) * 1099511628211ull;
  };
  for (const auto& p : list<Pod>(store))
    mix(p->metadata.namespace_ + "/" + p->metadata.name + "=" + p->spec.nodeName + ";");
  return h;
}

}  // namespace

int main(int argc, char** argv) {
  const int nodes = argc > 1 ? std::atoi(argv[1]) : 5000;
  const int pods = argc > 2 ? std::atoi(argv[2]) : 150000;
  const int sets = argc > 3 ? std::atoi(argv[3]) : 1000;
  if (nodes <= 0 || pods <= 0 || sets <= 0) {
    std::fprintf(stderr, "usage: ktwin_bench_schedule [NODES [PODS [RS]]]\n");
    return 2;
  }
  sim::EventLoop loop(Time(std::chrono::seconds(1'600'000'000)));
  MemoryStore store(loop, Rng(1, "store"));
  CountingEvents events;
  Env env{loop, store, events, 1};
  auto setup = std::chrono::steady_clock::now();
  for (int i = 0; i < nodes; ++i) store.create(node(i));
  // kubemark-5k's three request mixes, one per ReplicaSet in turn.
  const char* cpus[] = {"50m", "100m", "250m", "500m", "150m", "100m"};
  const char* mems[] = {"128Mi", "96Mi", "192Mi", "256Mi", "160Mi", "256Mi"};
  Rng rng(1, "bench");
  std::vector<std::shared_ptr<const ReplicaSet>> rss;
  for (int r = 0; r < sets; ++r) {
    auto rs = std::make_shared<ReplicaSet>();
    rs->metadata.name = "rs-" + std::to_string(r);
    rs->metadata.namespace_ = "default";
    rs->spec.selector.matchLabels = {{"app", rs->metadata.name}, {"pod-template-hash", std::to_string(1000 + r)}};
    rs->spec.replicas = pods / sets;
    rss.push_back(as<ReplicaSet>(store.create(rs).value()));
  }
  for (int i = 0; i < pods; ++i) {
    const ReplicaSet& rs = *rss[i % sets];
    auto p = std::make_shared<Pod>();
    p->metadata.name = rs.metadata.name + "-" + std::to_string(i / sets);
    p->metadata.namespace_ = "default";
    p->metadata.labels = rs.spec.selector.matchLabels;
    p->metadata.ownerReferences.push_back({"apps/v1", "ReplicaSet", rs.metadata.name, rs.metadata.uid, true, true});
    Container c;
    c.name = "main";
    c.image = "pause";
    size_t mix = rng.uniform(6);
    c.resources.requests = {{"cpu", q(cpus[mix])}, {"memory", q(mems[mix])}};
    p->spec.containers.push_back(c);
    p->status.phase = "Pending";
    store.create(p);
  }
  loop.run_until(loop.now());  // deliver the creations before the scheduler watches
  double setup_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - setup).count();

  SchedulerOptions options;
  options.kubernetesVersion = "1.32";
  Scheduler scheduler(env, options);
  auto start = std::chrono::steady_clock::now();
  std::clock_t cpu_start = std::clock();
  scheduler.start();
  const Time give_up = loop.now() + std::chrono::hours(1);  // the queue's flush timers never run dry
  while (events.scheduled < pods && loop.now() < give_up && loop.run_one()) {
  }
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  // CPU time too: on a shared machine the wall time mostly measures the other processes.
  double cpu_ms = 1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const double n = static_cast<double>(events.scheduled);
  std::printf("nodes %d pods %d replicasets %d: setup %.0f ms, scheduled %lld (failed attempts %lld) in %.1f ms "
              "wall, %.1f ms CPU: %.0f pods/s wall, %.0f pods/s CPU, placements %016llx\n",
              nodes, pods, sets, setup_ms, static_cast<long long>(events.scheduled),
              static_cast<long long>(events.failed), ms, cpu_ms, 1000.0 * n / ms, 1000.0 * n / cpu_ms,
              static_cast<unsigned long long>(placement_digest(store)));
  return events.scheduled == pods ? 0 : 1;
}
