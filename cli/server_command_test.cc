#include "cli/server_command.h"

#include <catch2/catch.hpp>

using ktwin::cli::parse_server_flags;

TEST_CASE("ktwin server flags: k3s defaults, both spellings, clear errors", "[server_command]") {
  auto defaults = parse_server_flags({});
  REQUIRE(defaults.is_ok());
  CHECK(defaults->data_dir == "/var/lib/ktwin");
  CHECK(defaults->https_listen_port == 6443);
  CHECK(defaults->bind_address == "0.0.0.0");
  CHECK_FALSE(defaults->disable_agent);
  CHECK_FALSE(defaults->node_name.empty());  // the hostname

  auto set = parse_server_flags({"--data-dir", "/tmp/d", "--https-listen-port=7443", "--bind-address", "10.199.0.1",
                                 "--write-kubeconfig", "/tmp/k.yaml", "--token=abc", "--disable-agent",
                                 "--node-name", "server1", "--tls-san", "api.example", "--tls-san=10.0.0.9"});
  REQUIRE(set.is_ok());
  CHECK(set->data_dir == "/tmp/d");
  CHECK(set->https_listen_port == 7443);
  CHECK(set->bind_address == "10.199.0.1");
  CHECK(set->write_kubeconfig == "/tmp/k.yaml");
  CHECK(set->token == "abc");
  CHECK(set->disable_agent);
  CHECK(set->node_name == "server1");
  CHECK(set->tls_sans == std::vector<std::string>{"api.example", "10.0.0.9"});
  auto tuned = parse_server_flags({"--ingress-port=0", "--default-unreachable-toleration-seconds", "20",
                                   "--container-runtime-endpoint", "/run/c.sock", "--runtime", "process"});
  REQUIRE(tuned.is_ok());
  CHECK(tuned->ingress_port == 0);
  CHECK(tuned->control_plane.defaultUnreachableTolerationSeconds == 20);
  CHECK(tuned->control_plane.defaultNotReadyTolerationSeconds == 300);
  CHECK(tuned->containerd_address == "/run/c.sock");
  CHECK(tuned->runtime == "process");
  CHECK(parse_server_flags({"--ingress-port", "65536"}).status().message() ==
        "--ingress-port needs a whole number from 0 to 65535");

  CHECK(parse_server_flags({"--https-listen-port", "70000"}).status().message() ==
        "--https-listen-port: \"70000\" is not a port (1-65535)");
  CHECK(parse_server_flags({"--bind-address", "nowhere"}).status().message() ==
        "--bind-address: \"nowhere\" is not an IP address");
  CHECK(parse_server_flags({"--data-dir"}).status().message() == "--data-dir needs a value");
  CHECK(parse_server_flags({"--frobnicate"}).status().message() == "unknown flag --frobnicate");
}
