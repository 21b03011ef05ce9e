#include "realnet/agent/node_info.h"

#include <catch2/catch.hpp>

namespace ktwin::realnet {
namespace {

TEST_CASE("Node info parsers read os-release, meminfo and uname's machine", "[node_info]") {
  CHECK(pretty_name("NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n") ==
        "Debian GNU/Linux 12 (bookworm)");
  CHECK(pretty_name("PRETTY_NAME=Alpine\n") == "Alpine");
  CHECK(pretty_name("ID=x\n") == "Linux");
  CHECK(mem_total_bytes("MemTotal:       16316412 kB\nMemFree:  1 kB\n") == 16316412LL * 1024);
  CHECK(mem_total_bytes("") == 0);
  CHECK(go_arch("x86_64") == "amd64");
  CHECK(go_arch("aarch64") == "arm64");
}

TEST_CASE("Node info of this machine becomes the kubelet's registration", "[node_info]") {
  MachineInfo m = read_machine_info("127.0.0.1", "/tmp");
  CHECK(!m.kernelVersion.empty());
  CHECK(!m.osImage.empty());
  CHECK(m.cpus >= 1);
  CHECK(m.memoryBytes > (64LL << 20));
  CHECK(m.storageBytes > 0);
  // A server on loopback (the server's own node): the default route's source address when the
  // machine has a default route, as a kubelet without --node-ip reports; else loopback's.
  std::string via_default = source_address_towards("192.0.2.1", "9");
  bool has_default = !via_default.empty() && via_default.rfind("127.", 0) != 0;
  CHECK(m.internalIP == (has_default ? via_default : "127.0.0.1"));
  core::NodeRegistration r = registration_from(m, "worker1");
  CHECK(r.name == "worker1");
  CHECK(r.internalIP == m.internalIP);
  // A server elsewhere: the source address of the route towards it, kept as it is.
  if (has_default) CHECK(read_machine_info(via_default, "/tmp").internalIP == via_default);
  CHECK(r.kernelVersion == m.kernelVersion);
  CHECK(r.capacity.at("cpu").value() == m.cpus);
  CHECK(r.capacity.at("memory").value() == m.memoryBytes / 1024 * 1024);
  CHECK(r.capacity.at("pods").value() == 110);
  CHECK(r.capacity.count("ephemeral-storage") == 1);
}

}  // namespace
}  // namespace ktwin::realnet
