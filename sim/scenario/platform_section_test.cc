// cluster.platform and linkDown/linkUp in the loader: what is read, and each error at file:line:column.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "sim/scenario/scenario.h"

namespace ktwin::sim {
namespace {

namespace fs = std::filesystem;

// A platform with hosts for n1 only (n2 missing), and links a and b.
const std::string kPlatform =
    "<?xml version='1.0'?>\n<platform version=\"4.1\"><zone id=\"z\" routing=\"Full\">\n"
    "<host id=\"control-plane\" speed=\"1Gf\"/><host speed=\"1Gf\" id=\"registry\"/><host id=\"n1\" speed=\"1Gf\"/>\n"
    "<link id=\"a\" bandwidth=\"1Gbps\" latency=\"1ms\"/><link latency=\"1ms\" id='b' bandwidth=\"1Gbps\"/>\n"
    "</zone></platform>\n";

// Lines 1-7 are the head; `cluster_extra` goes on line 8 (inside cluster:), `rest` from line 9.
core::Result<Scenario> load(const std::string& cluster_extra, const std::string& rest, std::string* errors,
                            const std::string& platform = kPlatform) {
  static int counter = 0;
  fs::path dir = fs::temp_directory_path() /
                 ("ktwin-platform-section-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::create_directories(dir / "platforms");
  std::ofstream(dir / "platforms" / "p.xml") << platform;
  std::ofstream(dir / "s.yaml") << "apiVersion: ktwin/v1\n"
                                   "kind: Scenario\n"
                                   "metadata: {name: t}\n"
                                   "cluster:\n"
                                   "  nodes:\n"
                                   "    - {name: n1, capacity: {cpu: \"1\", memory: 1Gi}}\n"
                                   "    - {name: n2, capacity: {cpu: \"1\", memory: 1Gi}}\n"
                                << "  " << cluster_extra << "\n"
                                << rest;
  auto result = load_scenario((dir / "s.yaml").string());
  if (result.is_ok() && !result.value().platform.file.empty())
    CHECK(result.value().platform.file == (dir / "platforms" / "p.xml").string());
  fs::remove_all(dir);
  if (errors && !result.is_ok()) {
    std::string message = result.status().message();
    std::string prefix = dir.string() + "/";
    for (size_t at; (at = message.find(prefix)) != std::string::npos;) message.erase(at, prefix.size());
    *errors = message;
  }
  return result;
}

std::string errors(const std::string& cluster_extra, const std::string& rest = "",
                   const std::string& platform = kPlatform) {
  std::string out;
  load(cluster_extra, rest, &out, platform);
  return out;
}

}  // namespace

TEST_CASE("an inline platform is read with its units and names a star of links", "[scenario]") {
  std::string errs;
  auto s = load("platform: {uplinkBandwidth: 1Gbps, uplinkLatency: 2ms, nodeBandwidth: 125MBps, nodeLatency: 50us}",
                "timeline:\n  - {at: 1m, linkDown: n2-link}\n  - {at: 2m, linkUp: n2-link}\n", &errs);
  INFO(errs);
  REQUIRE(s.is_ok());
  const PlatformSpec& p = s.value().platform;
  CHECK(p.is_inline);
  CHECK(p.uplinkBandwidth == 125e6);
  CHECK(p.nodeBandwidth == 125e6);
  CHECK(p.uplinkLatency == std::chrono::milliseconds(2));
  CHECK(p.nodeLatency == std::chrono::microseconds(50));
  CHECK(p.links == std::vector<std::string>{"uplink", "control-plane-link", "n1-link", "n2-link"});
  REQUIRE(s.value().timeline.size() == 2);
  CHECK(s.value().timeline[0].type == Action::Type::kLinkDown);
  CHECK(s.value().timeline[0].name == "n2-link");
  CHECK(s.value().timeline[1].type == Action::Type::kLinkUp);

  std::string xml = inline_platform_xml(p, {"n1"});
  CHECK(xml.find("<link id=\"uplink\" bandwidth=\"125000000Bps\" latency=\"0.002s\"/>") != std::string::npos);
  CHECK(xml.find("<route src=\"registry\" dst=\"n1\"><link_ctn id=\"uplink\"/><link_ctn id=\"n1-link\"/></route>") !=
        std::string::npos);
  CHECK(xml.find("<route src=\"control-plane\" dst=\"n1\"><link_ctn id=\"control-plane-link\"/><link_ctn "
                 "id=\"n1-link\"/></route>") != std::string::npos);
}

TEST_CASE("a platform file is found beside the scenario and its hosts and links are checked", "[scenario]") {
  CHECK(errors("platform: {file: platforms/p.xml}") ==
        "s.yaml:7:7: node \"n2\" has no host in the platform platforms/p.xml (each node needs a <host> of the same "
        "name)");
  std::string two_hosts = kPlatform;
  two_hosts.replace(two_hosts.find("<host id=\"n1\""), 0, "<host id=\"n2\" speed=\"1Gf\"/>");
  std::string errs;
  auto s = load("platform: {file: platforms/p.xml}", "timeline:\n  - {at: 1m, linkDown: b}\n", &errs, two_hosts);
  INFO(errs);
  REQUIRE(s.is_ok());
  CHECK(s.value().platform.hosts == std::vector<std::string>{"control-plane", "registry", "n2", "n1"});
  CHECK(s.value().platform.links == std::vector<std::string>{"a", "b"});
  CHECK(errors("platform: {file: platforms/p.xml}", "timeline:\n  - {at: 1m, linkUp: c}\n", two_hosts) ==
        "s.yaml:10:22: unknown link \"c\" (links: a, b)");
}

TEST_CASE("cluster.platform errors name file:line:column", "[scenario]") {
  CHECK(errors("platform: {file: platforms/none.xml}") ==
        "s.yaml:8:20: cannot read the platform file platforms/none.xml");
  std::string no_registry = kPlatform;
  no_registry.replace(no_registry.find("id=\"registry\""), 13, "id=\"mirror\"");
  CHECK(errors("platform: {file: platforms/p.xml}", "", no_registry).find(
            "s.yaml:8:20: the platform platforms/p.xml has no host \"registry\"") != std::string::npos);
  CHECK(errors("platform: {uplinkBandwidth: fast}") ==
        "s.yaml:8:31: bad bandwidth \"fast\": use SimGrid's units such as 1Gbps, 100Mbps, 125MBps");
  CHECK(errors("platform: {file: platforms/p.xml, nodeLatency: 1ms}").find(
            "s.yaml:8:37: nodeLatency describes an inline platform: drop it or drop file") != std::string::npos);
  CHECK(errors("platform: {uplinkBandwidth: 1Gbps}", "timeline:\n  - {at: 1m, linkDown: uplnk}\n") ==
        "s.yaml:10:24: unknown link \"uplnk\" (did you mean \"uplink\"?)");
  CHECK(errors("kubernetesVersion: \"1.20\"", "timeline:\n  - {at: 1m, linkDown: uplink}\n") ==
        "s.yaml:10:24: linkDown and linkUp need a SimGrid platform: add cluster.platform");
}

TEST_CASE("SimGrid's bandwidth units", "[scenario]") {
  CHECK(parse_bandwidth("1Gbps") == 125e6);
  CHECK(parse_bandwidth("100Mbps") == 12.5e6);
  CHECK(parse_bandwidth("125MBps") == 125e6);
  CHECK(parse_bandwidth("1.5kBps") == 1500);
  CHECK_FALSE(parse_bandwidth("1Gb"));
  CHECK_FALSE(parse_bandwidth("0bps"));
  CHECK_FALSE(parse_bandwidth("-1Gbps"));
}

}  // namespace ktwin::sim
