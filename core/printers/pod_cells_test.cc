// printPod's STATUS, READY and RESTARTS cells through a pod's life, for kubectl 1.20 and 1.32.
#include "core/printers/pod_cells.h"

#include <catch2/catch.hpp>

#include "core/printers/test_objects.h"

namespace ktwin::core::printers {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using testing::container;
using testing::crash_looping_pod;
using testing::running_pod;
using testing::terminated;

const Time kT0 = Time{} + std::chrono::hours(1000);

std::shared_ptr<Pod> bound_pod() {
  auto p = running_pod("web-1", "web", "worker1", "", kT0);
  p->status.phase = "Pending";
  p->status.conditions.clear();
  p->status.containerStatuses.clear();
  return p;
}

TEST_CASE("pod_status follows a pod from Pending to Running", "[printers]") {
  auto pod = bound_pod();
  // Bound, the kubelet has not reported yet.
  CHECK(pod_status(*pod) == "Pending");
  CHECK(pod_cells(*pod, kT0).ready == "0/1");

  // The kubelet's default waiting reason before the container exists.
  ContainerStatus cs;
  cs.name = "web";
  cs.state.waiting = ContainerStateWaiting{"ContainerCreating", ""};
  pod->status.containerStatuses = {cs};
  CHECK(pod_status(*pod) == "ContainerCreating");

  auto running = running_pod("web-1", "web", "worker1", "10.42.1.5", kT0);
  PodCells cells = pod_cells(*running, kT0 + seconds(50));
  CHECK(cells.status == "Running");
  CHECK(cells.ready == "1/1");
  CHECK(cells.restarts == "0");

  // Running but not ready (a failing readiness probe) counts in STATUS, not in READY.
  running->status.containerStatuses[0].ready = false;
  CHECK(pod_cells(*running, kT0).ready == "0/1");
  CHECK(pod_status(*running) == "Running");
}

TEST_CASE("pod_status shows the exit and the back-off of a crashing container", "[printers]") {
  auto pod = crash_looping_pod("web-1", "web", "worker1", "10.42.1.5", kT0, 4, kT0 + minutes(3));
  PodCells cells = pod_cells(*pod, kT0 + minutes(5));
  CHECK(cells.status == "CrashLoopBackOff");
  CHECK(cells.ready == "0/1");
  CHECK(cells.restarts == "4");

  SECTION("right after the exit, before the kubelet's next sync: Error") {
    ContainerStatus& cs = pod->status.containerStatuses[0];
    cs.state = ContainerState{};
    cs.state.terminated = terminated(1, "Error");
    CHECK(pod_status(*pod) == "Error");
    cs.state.terminated->reason = "";
    CHECK(pod_status(*pod) == "ExitCode:1");
    cs.state.terminated->signal = 9;
    CHECK(pod_status(*pod) == "Signal:9");
  }
  SECTION("kubectl 1.22+ adds the age of the last termination to RESTARTS") {
    CHECK(pod_cells(*pod, kT0 + minutes(5), "1.32").restarts == "4 (2m ago)");
    CHECK(pod_cells(*pod, kT0 + minutes(5), "1.21").restarts == "4");
  }
}

TEST_CASE("pod_status: the first container in spec order with a reason decides", "[printers]") {
  auto pod = running_pod("two-1", "app", "worker1", "10.42.1.9", kT0, 1);
  ContainerStatus second = pod->status.containerStatuses[0];
  second.name = "sidecar";
  second.restartCount = 2;
  second.ready = false;
  second.state = ContainerState{};
  second.state.waiting = ContainerStateWaiting{"ImagePullBackOff", ""};
  pod->spec.containers.push_back(container("sidecar", "sidecar"));
  pod->status.containerStatuses.push_back(second);
  PodCells cells = pod_cells(*pod, kT0);
  CHECK(cells.status == "ImagePullBackOff");
  CHECK(cells.ready == "1/2");
  CHECK(cells.restarts == "3");

  pod->status.containerStatuses[0].state = ContainerState{};
  pod->status.containerStatuses[0].state.waiting = ContainerStateWaiting{"CrashLoopBackOff", ""};
  CHECK(pod_status(*pod) == "CrashLoopBackOff");
}

TEST_CASE("pod_status: Completed, and Running while another container still runs", "[printers]") {
  auto pod = running_pod("job-1", "task", "worker1", "10.42.1.7", kT0);
  pod->status.phase = "Succeeded";
  ContainerStatus& cs = pod->status.containerStatuses[0];
  cs.ready = false;
  cs.state = ContainerState{};
  cs.state.terminated = terminated(0, "Completed");
  CHECK(pod_status(*pod) == "Completed");
  CHECK(pod_cells(*pod, kT0).ready == "0/1");

  // A second container still running turns Completed back into Running (1.20), or NotReady when the pod
  // is not Ready (later releases).
  pod->status.phase = "Running";
  ContainerStatus other;
  other.name = "other";
  other.ready = true;
  other.state.running = ContainerStateRunning{kT0};
  pod->spec.containers.push_back(container("other", "other"));
  pod->status.containerStatuses.push_back(other);
  pod->status.conditions[0].status = "False";
  CHECK(pod_status(*pod) == "Running");
  CHECK(pod_status(*pod, "1.32") == "NotReady");
}

TEST_CASE("pod_status: a deletionTimestamp means Terminating, NodeLost means Unknown", "[printers]") {
  auto pod = running_pod("web-1", "web", "worker2", "10.42.2.5", kT0);
  pod->metadata.deletionTimestamp = kT0 + minutes(10);
  CHECK(pod_status(*pod) == "Terminating");
  CHECK(pod_cells(*pod, kT0).ready == "1/1");

  pod->status.reason = "NodeLost";
  CHECK(pod_status(*pod) == "Unknown");

  // A pod that already finished: 1.20 still says Terminating, later releases keep the phase.
  pod->status.reason = "";
  pod->status.phase = "Failed";
  pod->status.containerStatuses[0].state = ContainerState{};
  pod->status.containerStatuses[0].state.terminated = terminated(137, "Error");
  CHECK(pod_status(*pod) == "Terminating");
  CHECK(pod_status(*pod, "1.32") == "Error");
}

TEST_CASE("pod_status: status.reason replaces the phase (Evicted)", "[printers]") {
  auto pod = running_pod("web-1", "web", "worker2", "10.42.2.5", kT0);
  pod->status.phase = "Failed";
  pod->status.reason = "Evicted";
  pod->status.containerStatuses.clear();
  CHECK(pod_status(*pod) == "Evicted");
}

TEST_CASE("pod_status: init containers", "[printers]") {
  auto pod = bound_pod();
  pod->spec.initContainers = {container("init-a", ""), container("init-b", "")};
  ContainerStatus a, b;
  a.name = "init-a";
  b.name = "init-b";
  a.state.terminated = terminated(0, "Completed");
  b.state.running = ContainerStateRunning{kT0};
  pod->status.initContainerStatuses = {a, b};
  CHECK(pod_status(*pod) == "Init:1/2");

  b.state = ContainerState{};
  b.state.waiting = ContainerStateWaiting{"CrashLoopBackOff", ""};
  b.restartCount = 3;
  pod->status.initContainerStatuses = {a, b};
  CHECK(pod_status(*pod) == "Init:CrashLoopBackOff");
  CHECK(pod_cells(*pod, kT0).restarts == "3");

  b.state = ContainerState{};
  b.state.terminated = terminated(2, "");
  pod->status.initContainerStatuses = {a, b};
  CHECK(pod_status(*pod) == "Init:ExitCode:2");
}

}  // namespace
}  // namespace ktwin::core::printers
