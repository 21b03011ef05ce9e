// flowcontrol.Backoff as the kubelet uses it: immediate first restart, doubling, cap, 10-minute reset.
#include "core/kubelet/container_backoff.h"

#include <catch2/catch.hpp>

namespace ktwin::core {
namespace {

using std::chrono::seconds;

TEST_CASE("container back-off doubles to the cap and expires after 2 x max", "[kubelet][backoff]") {
  ContainerBackOff b(seconds(10), seconds(300));
  Time t{};
  CHECK_FALSE(b.in_backoff_since("p/c", t, t));  // no entry: restart at once
  b.next("p/c", t);
  CHECK(b.get("p/c") == seconds(10));
  CHECK(b.in_backoff_since("p/c", t + seconds(1), t + seconds(5)));
  CHECK_FALSE(b.in_backoff_since("p/c", t + seconds(1), t + seconds(11)));
  Duration expect[] = {seconds(20), seconds(40), seconds(80), seconds(160), seconds(300), seconds(300)};
  for (Duration d : expect) {
    t += seconds(30);
    b.next("p/c", t);
    CHECK(b.get("p/c") == d);
  }
  // An exit more than 10 minutes after the last restart decision is not backed off, and starts over.
  Time exit = t + seconds(601);
  CHECK_FALSE(b.in_backoff_since("p/c", exit, exit));
  b.next("p/c", exit);
  CHECK(b.get("p/c") == seconds(10));
  b.gc(exit + seconds(601));
  CHECK(b.get("p/c") == Duration::zero());
}

}  // namespace
}  // namespace ktwin::core
