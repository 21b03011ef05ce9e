#include "cli/agent_command.h"

#include <catch2/catch.hpp>

namespace ktwin::cli {
namespace {

TEST_CASE("ktwin agent flags: k3s spellings, defaults, and clear errors", "[agent_command]") {
  auto o = parse_agent_flags({"--server", "https://10.199.0.1:6443", "--token=K10ab::server:x", "--runtime", "process"});
  REQUIRE(o.is_ok());
  CHECK(o->server == "https://10.199.0.1:6443");
  CHECK(o->token == "K10ab::server:x");
  CHECK(o->runtime == "process");
  CHECK(o->data_dir == "/var/lib/ktwin");
  CHECK(!o->node_name.empty());  // the hostname
  auto named = parse_agent_flags({"--server", "https://h", "--token", "t", "--node-name", "worker1", "--data-dir", "/d"});
  REQUIRE(named.is_ok());
  CHECK(named->node_name == "worker1");
  CHECK(named->data_dir == "/d");
  CHECK(named->runtime == "containerd");
  CHECK(named->containerd_address == "/run/containerd/containerd.sock");
  auto own_containerd = parse_agent_flags({"--server", "https://h", "--token", "t", "--container-runtime-endpoint",
                                           "/run/ktwin-a1/containerd.sock"});
  REQUIRE(own_containerd.is_ok());
  CHECK(own_containerd->containerd_address == "/run/ktwin-a1/containerd.sock");

  auto message = [](std::vector<std::string> args) { return parse_agent_flags(args).status().message(); };
  CHECK(message({"--token", "t"}) == "--server is required");
  CHECK(message({"--server", "https://h"}) == "--token is required");
  CHECK(message({"--server", "http://h:6443", "--token", "t"}).find("must start with https://") != std::string::npos);
  CHECK(message({"--server", "https://h", "--token", "t", "--runtime", "docker"}) ==
        "--runtime: \"docker\" is not containerd or process");
  CHECK(message({"--server", "https://h", "--token"}) == "--token needs a value");
  CHECK(message({"--bogus"}) == "unknown flag --bogus");
}

}  // namespace
}  // namespace ktwin::cli
