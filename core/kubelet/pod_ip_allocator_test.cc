// host-local round robin: gateway skipped, freed addresses not reused at once, wrap-around.
#include "core/kubelet/pod_ip_allocator.h"

#include <catch2/catch.hpp>

namespace ktwin::core {
namespace {

TEST_CASE("pod IPs go round robin from the last reserved address", "[kubelet][ipam]") {
  KubeletDisk disk;
  PodIPAllocator ipam(disk);
  CHECK(ipam.allocate("10.42.2.0/24", "a") == "10.42.2.2");  // .1 is the gateway
  CHECK(ipam.allocate("10.42.2.0/24", "b") == "10.42.2.3");
  CHECK(ipam.allocate("10.42.2.0/24", "a") == "10.42.2.2");  // idempotent per pod
  ipam.release("10.42.2.2");
  CHECK(ipam.allocate("10.42.2.0/24", "c") == "10.42.2.4");

  SECTION("the pointer lives on the disk, so a new allocator continues") {
    PodIPAllocator after_reboot(disk);
    CHECK(after_reboot.allocate("10.42.2.0/24", "d") == "10.42.2.5");
  }
  SECTION("it wraps at the end of the range, skipping held addresses and the gateway") {
    disk.lastReservedIP["10.42.2.0/24"] = "10.42.2.253";
    CHECK(ipam.allocate("10.42.2.0/24", "e") == "10.42.2.254");
    CHECK(ipam.allocate("10.42.2.0/24", "f") == "10.42.2.2");
    CHECK(ipam.allocate("10.42.2.0/24", "g") == "10.42.2.5");  // .3 and .4 are held
  }
  SECTION("a full range gives nothing") {
    KubeletDisk small;
    PodIPAllocator tiny(small);
    CHECK(tiny.allocate("10.0.0.0/30", "x") == "10.0.0.2");
    CHECK_FALSE(tiny.allocate("10.0.0.0/30", "y"));
  }
}

}  // namespace
}  // namespace ktwin::core
