// Scenario loader: a full valid file, each error class with its exact location, overrides, comparisons.
#include "sim/scenario/scenario.h"

#include <catch2/catch.hpp>

#include "sim/scenario/scenario_test_util.h"

namespace ktwin::sim {

TEST_CASE("a valid scenario loads with every field", "[scenario]") {
  auto result = load_scenario(kTestdata + "/valid/scenario.yaml", {});
  INFO(result.status().message());
  REQUIRE(result.is_ok());
  const Scenario& s = result.value();
  CHECK(s.name == "loader-fixture");
  CHECK(s.seed == 7);
  CHECK(s.kubernetesVersion == "1.32");

  REQUIRE(s.nodes.size() == 4);
  CHECK(s.nodes[0].name == "controller");
  CHECK(s.nodes[0].roles == std::vector<std::string>{"control-plane", "master"});
  CHECK(s.nodes[0].capacity == std::map<std::string, std::string>{{"cpu", "2"}, {"memory", "3Gi"}, {"pods", "50"}});
  CHECK(s.nodes[1].name == "worker2");
  CHECK(s.nodes[2].name == "worker3");
  CHECK(s.nodes[2].capacity == std::map<std::string, std::string>{{"cpu", "1500m"}, {"memory", "2Gi"}, {"pods", "110"}});
  CHECK(s.nodes[2].labels == core::Labels{{"topology.kubernetes.io/zone", "b"}});
  CHECK(s.nodes[2].where.line == 9);
  CHECK(s.nodes[3].name == "tainted");
  REQUIRE(s.nodes[3].taints.size() == 1);
  CHECK(s.nodes[3].taints[0] == nlohmann::json{{"key", "dedicated"}, {"value", "db"}, {"effect", "NoSchedule"}});

  CHECK(s.controlPlane == std::map<std::string, std::string>{{"evictionMode", "legacy"},
                                                             {"nodeMonitorGracePeriod", "40s"},
                                                             {"defaultUnreachableTolerationSeconds", "300"},
                                                             {"nodeEvictionRate", "0.1"}});
  CHECK(s.kubelet == std::map<std::string, std::string>{{"nodeStatusUpdateFrequency", "10s"}});

  REQUIRE(s.apps.size() == 2);
  CHECK(s.apps.at("mongo").startup == seconds(3));
  CHECK(s.apps.at("sdelements/lets-chat").dependsOn == std::vector<std::string>{"mongo"});
  CHECK(s.apps.at("sdelements/lets-chat").imageSizeBytes == 200 * 1024 * 1024);

  REQUIRE(s.manifests.size() == 2);
  CHECK(s.manifests[0].doc["kind"] == "Deployment");
  CHECK(s.manifests[1].doc["kind"] == "Service");
  CHECK(s.manifests[1].where.to_string() == kTestdata + "/valid/apps/mongo.yaml:16:1");

  REQUIRE(s.timeline.size() == 8);
  std::vector<Action::Type> types;
  for (const Action& a : s.timeline) types.push_back(a.type);
  using T = Action::Type;
  CHECK(types == std::vector<T>{T::kApply, T::kScale, T::kDelete, T::kDelete, T::kKillContainer, T::kHaltNode,
                                T::kSnapshot, T::kResumeNode});
  CHECK(s.timeline[0].at == minutes(1));
  CHECK(s.timeline[0].manifests.size() == 1);
  CHECK(s.timeline[0].where.to_string() == kTestdata + "/valid/scenario.yaml:26:5");
  CHECK(s.timeline[1].kind == "deployment");
  CHECK(s.timeline[1].name == "web");
  CHECK(s.timeline[1].replicas == 4);
  CHECK(s.timeline[2].kind == "pod");
  CHECK(s.timeline[2].selector == "name=mongo");
  CHECK(s.timeline[3].kind == "deployment");
  CHECK(s.timeline[3].name == "web");  // both at 3m: file order kept
  CHECK(s.timeline[4].selector == "name=web");
  CHECK(s.timeline[4].container == "web");
  CHECK(s.timeline[5].name == "worker3");
  CHECK(s.timeline[6].command == "get deploy,rs,po -o wide");
  CHECK(s.timeline[7].at == minutes(15));

  REQUIRE(s.expect.size() == 4);
  CHECK(s.expect[0].node == "worker3");
  CHECK(s.expect[0].node_status == "Ready");
  CHECK(s.expect[1].deployment == "mongo");
  CHECK(s.expect[1].field == "readyReplicas");
  CHECK(s.expect[1].comparison == "0");
  CHECK(s.expect[2].is_pod_count);
  CHECK(s.expect[2].pods_node == "worker3");
  CHECK(s.expect[2].pods_status == "Terminating");
  CHECK(s.expect[2].comparison == ">= 1");
  CHECK(s.expect[3].field == "availableReplicas");
  CHECK(s.expect[3].at == minutes(16));

  CHECK(s.duration == minutes(17));  // no `duration:`: the last `at` plus a minute
}

TEST_CASE("every shipped scenario loads", "[scenario]") {
  for (const auto& entry : fs::directory_iterator(std::string(KTWIN_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    auto result = load_scenario(entry.path().string());
    INFO(entry.path().string() << "\n" << result.status().message());
    CHECK(result.is_ok());
  }
}

TEST_CASE("YAML syntax errors point at yaml-cpp's position", "[scenario]") {
  ScratchDir d;
  CHECK(d.errors(kHead + "timeline: [{at: 1m, haltNode: n1}\n") == "s.yaml:9:1: end of sequence flow not found");
}

TEST_CASE("unknown keys are named, with a suggestion or the allowed list", "[scenario]") {
  ScratchDir d;
  CHECK(d.errors(kHead + "  controlPlane: {evictonMode: taints}\n") ==
        "s.yaml:8:18: unknown key \"evictonMode\" in controlPlane (did you mean \"evictionMode\"?)");
  CHECK(d.errors(kHead + "timelime: []\n") ==
        "s.yaml:8:1: unknown key \"timelime\" in the scenario (did you mean \"timeline\"?)");
  CHECK(d.errors(kHead + "  kubelet: {xyz: 1}\n") ==
        "s.yaml:8:13: unknown key \"xyz\" in kubelet (allowed: nodeLeaseDurationSeconds, "
        "nodeStatusReportFrequency, nodeStatusUpdateFrequency)");
  CHECK(d.errors(kHead + "    - {name: n3, capacity: {cpu: \"1\", memory: 1Gi, example.com/dongle: \"1\"}}\n") ==
        "s.yaml:8:52: unknown key \"example.com/dongle\" in capacity (allowed: cpu, memory, pods, ephemeral-storage)");
  CHECK(d.errors(kHead + "timeline:\n  - {at: 1m, haltNode: n1, extra: 1}\n") ==
        "s.yaml:9:28: unknown key \"extra\" in timeline entry (allowed: at, apply, scale, delete, selector, "
        "killContainer, crashContainer, haltNode, resumeNode, snapshot, stopKubelet, startKubelet, partition, heal, "
        "cordonNode, uncordonNode, drainNode, addNode, deleteNode, slowNetwork, restoreNetwork, flapNode, linkDown, linkUp, "
            "haltNodes, resumeNodes)");
  CHECK(d.errors(kHead + "apps: {mongo: {startpu: 3s}}\n") ==
        "s.yaml:8:16: unknown key \"startpu\" in apps.mongo (did you mean \"startup\"?)");
  CHECK(d.errors(kHead + "expect:\n  - {at: 1m, pods: {nod: n1}, count: 1}\n") ==
        "s.yaml:9:21: unknown key \"nod\" in pods (did you mean \"node\"?)");
}

TEST_CASE("apiVersion and kind must name a ktwin scenario", "[scenario]") {
  ScratchDir d;
  std::string text = kHead;
  text.replace(0, 20, "apiVersion: ktwin/v2");
  text.replace(text.find("Scenario"), 8, "Scenari0");
  CHECK(d.errors(text) ==
        "s.yaml:1:13: apiVersion must be \"ktwin/v1\", not \"ktwin/v2\"\n"
        "s.yaml:2:7: kind must be \"Scenario\", not \"Scenari0\"");
  CHECK(d.errors("kind: Scenario\nmetadata: {name: t}\ncluster: {nodes: [{name: a, capacity: {cpu: 1, memory: 1}}]}\n") ==
        "s.yaml:1:1: missing key \"apiVersion\" in the scenario");
}

TEST_CASE("bad durations suggest Go's format", "[scenario]") {
  ScratchDir d;
  CHECK(d.errors(kHead + "  controlPlane: {podEvictionTimeout: 5 minutes}\n") ==
        "s.yaml:8:38: bad duration \"5 minutes\": use Go's format such as 90s, 5m, 1h30m");
  CHECK(d.errors(kHead + "duration: 20\n") == "s.yaml:8:11: bad duration \"20\": use Go's format such as 90s, 5m, 1h30m");
  CHECK(d.errors(kHead + "timeline:\n  - {at: 1 m, haltNode: n1}\n") ==
        "s.yaml:9:10: bad duration \"1 m\": use Go's format such as 90s, 5m, 1h30m");
  CHECK(d.errors(kHead + "apps: {mongo: {startup: -1s}}\n") ==
        "s.yaml:8:25: bad duration \"-1s\": must not be negative");
}

TEST_CASE("bad quantities are reported where written", "[scenario]") {
  ScratchDir d;
  CHECK(d.errors(kHead + "    - {name: n3, capacity: {cpu: \"1\", memory: 3GB}}\n") ==
        "s.yaml:8:47: bad quantity \"3GB\": use a Kubernetes quantity such as 500m, 2, 3Gi");
  CHECK(d.errors(kHead + "    - {name: n3, capacity: {cpu: \"1\"}}\n") ==
        "s.yaml:8:28: missing key \"memory\" in capacity");
  CHECK(d.errors(kHead + "apps: {mongo: {imageSize: lots}}\n") ==
        "s.yaml:8:27: bad quantity \"lots\": use a Kubernetes quantity such as 500m, 2, 3Gi");
}

TEST_CASE("unknown node names in actions and expectations", "[scenario]") {
  ScratchDir d;
  CHECK(d.errors(kHead +
                 "timeline:\n"
                 "  - {at: 1m, haltNode: n3}\n"
                 "  - {at: 2m, resumeNode: worker}\n"
                 "expect:\n"
                 "  - {at: 1m, node: nn1, status: Ready}\n"
                 "  - {at: 1m, pods: {node: n9}, count: 0}\n") ==
        "s.yaml:9:24: unknown node \"n3\" (did you mean \"n1\"?)\n"
        "s.yaml:10:26: unknown node \"worker\" (nodes: n1, n2)\n"
        "s.yaml:12:20: unknown node \"nn1\" (did you mean \"n1\"?)\n"
        "s.yaml:13:27: unknown node \"n9\" (did you mean \"n1\"?)");
}

TEST_CASE("a deployment is known when any manifest defines it", "[scenario]") {
  ScratchDir d;
  CHECK(d.errors(kHead +
                 "timeline:\n"
                 "  - {at: 2m, scale: {deployment: web, replicas: 3}}\n"
                 "  - {at: 1m, apply: web.yaml}\n"
                 "expect:\n"
                 "  - {at: 3m, deployment: web, readyReplicas: 3}\n") == "");
  CHECK(d.errors(kHead +
                 "timeline:\n"
                 "  - {at: 2m, scale: {deployment: webb, replicas: 3}}\n"
                 "expect:\n"
                 "  - {at: 3m, deployment: mongo, readyReplicas: 3}\n") ==
        "s.yaml:9:34: unknown deployment \"webb\" (deployments: none)\n"
        "s.yaml:11:26: unknown deployment \"mongo\" (deployments: none)");
  CHECK(d.errors(kHead + "manifests: web.yaml\ntimeline:\n  - {at: 2m, scale: {deployment: webb, replicas: 3}}\n") ==
        "s.yaml:10:34: unknown deployment \"webb\" (did you mean \"web\"?)");
}

TEST_CASE("a timeline entry holds exactly one action", "[scenario]") {
  ScratchDir d;
  CHECK(d.errors(kHead + "timeline:\n  - {at: 1m}\n") ==
        "s.yaml:9:5: timeline entry needs one action: apply, scale, delete, killContainer, crashContainer, haltNode, "
        "resumeNode, snapshot, stopKubelet, startKubelet, partition, heal, cordonNode, uncordonNode, drainNode, "
        "addNode, deleteNode, slowNetwork, restoreNetwork, flapNode, linkDown, linkUp, haltNodes or resumeNodes");
  CHECK(d.errors(kHead + "timeline:\n  - {at: 1m, haltNode: n1, resumeNode: n1}\n") ==
        "s.yaml:9:5: timeline entry has several actions (haltNode, resumeNode): write one per entry");
  CHECK(d.errors(kHead + "timeline:\n  - {haltNode: n1}\n") == "s.yaml:9:5: missing key \"at\" in timeline entry");
  CHECK(d.errors(kHead + "timeline:\n  - {at: 1m, delete: pod}\n  - {at: 1m, delete: pdo/x}\n") ==
        "s.yaml:9:22: delete pod needs a name (pod/NAME) or a selector\n"
        "s.yaml:10:22: unknown resource type \"pdo\" in delete (did you mean \"po\"?)");
  CHECK(d.errors(kHead + "timeline:\n  - {at: 1m, snapshot: get deploi}\n") ==
        "s.yaml:9:24: unknown resource type \"deploi\" in snapshot (did you mean \"deploy\"?)");
  CHECK(d.errors(kHead + "timeline:\n  - {at: 1m, killContainer: {pod: a, selector: b=c}}\n") ==
        "s.yaml:9:29: killContainer needs either pod or selector");
}

TEST_CASE("commas split by flow mappings are joined back into commands and selectors", "[scenario]") {
  ScratchDir d;
  Scenario s = d.load(kHead + "manifests: web.yaml\n"
                              "timeline:\n"
                              "  - {at: 1m, snapshot: get deploy,rs,po -o wide}\n"
                              "  - {at: 1m, delete: pod, selector: app=web,tier!=db}\n"
                              "  - {at: 1m, killContainer: {selector: app=web,tier=db, container: web}}\n"
                              "expect:\n"
                              "  - {at: 1m, pods: {selector: app=web,tier=db, node: n1}, count: 1}\n");
  CHECK(s.timeline[0].command == "get deploy,rs,po -o wide");
  CHECK(s.timeline[1].selector == "app=web,tier!=db");
  CHECK(s.timeline[2].selector == "app=web,tier=db");
  CHECK(s.timeline[2].container == "web");
  CHECK(s.expect[0].pods_selector == "app=web,tier=db");
  CHECK(s.expect[0].pods_node == "n1");
  // A stray piece after another key is still an unknown key.
  CHECK(d.errors(kHead + "timeline:\n  - {at: 1m, haltNode: n1, po}\n") ==
        "s.yaml:9:28: unknown key \"po\" in timeline entry (allowed: at, apply, scale, delete, selector, "
        "killContainer, crashContainer, haltNode, resumeNode, snapshot, stopKubelet, startKubelet, partition, heal, "
        "cordonNode, uncordonNode, drainNode, addNode, deleteNode, slowNetwork, restoreNetwork, flapNode, linkDown, linkUp, "
            "haltNodes, resumeNodes)");
}

TEST_CASE("manifest files: missing, unparsable, or not decodable", "[scenario]") {
  ScratchDir d;
  SECTION("a missing file points at its path in the scenario") {
    CHECK(d.errors(kHead + "manifests:\n  - web.yaml\n  - nope.yaml\n") ==
          "s.yaml:10:5: cannot read manifest \"nope.yaml\" (looked for " + std::string() + "nope.yaml)");
  }
  SECTION("a syntax error points into the manifest") {
    d.write("bad/broken.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: x\n");
    CHECK(d.errors(kHead + "timeline:\n  - {at: 1m, apply: [web.yaml, bad/broken.yaml]}\n") ==
          "bad/broken.yaml:4:1: end of map flow not found");
  }
  SECTION("a decode error gives the field path at the document") {
    d.write("two.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: ok}\n---\n"
                        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: many}\n"
                        "---\napiVersion: v1\nkind: Service\nmetadata: {labels: {a: b}}\n");
    CHECK(d.errors(kHead + "manifests: two.yaml\n") ==
          "two.yaml:5:1: spec.replicas: expected an integer\n"
          "two.yaml:10:1: missing metadata.name");
  }
}

TEST_CASE("node names must be unique after expanding groups", "[scenario]") {
  ScratchDir d;
  CHECK(d.errors(kHead + "    - {namePrefix: n, count: 3, capacity: {cpu: \"1\", memory: 1Gi}}\n") ==
        "s.yaml:8:7: duplicate node name \"n1\" (first at line 6)\n"
        "s.yaml:8:7: duplicate node name \"n2\" (first at line 7)");
  CHECK(d.errors(kHead + "    - {name: n2, capacity: {cpu: \"1\", memory: 1Gi}}\n") ==
        "s.yaml:8:14: duplicate node name \"n2\" (first at line 7)");
}

TEST_CASE("bad comparisons and statuses in expectations", "[scenario]") {
  ScratchDir d;
  std::string usage = ": use a number, or \"== N\", \"!= N\", \"< N\", \"<= N\", \"> N\", \">= N\", \"A..B\"";
  CHECK(d.errors(kHead +
                 "expect:\n"
                 "  - {at: 1m, pods: {node: n1}, count: \"=> 1\"}\n"
                 "  - {at: 1m, pods: {node: n1}, count: \"3..1\"}\n"
                 "  - {at: 1m, pods: {node: n1}, count: many}\n") ==
        "s.yaml:9:39: bad comparison \"=> 1\"" + usage + "\n" +
        "s.yaml:10:39: bad comparison \"3..1\"" + usage + "\n" +
        "s.yaml:11:39: bad comparison \"many\"" + usage);
  CHECK(d.errors(kHead + "expect:\n  - {at: 1m, node: n1, status: Redy}\n") ==
        "s.yaml:9:32: bad node status \"Redy\": use Ready, NotReady or Unknown, optionally with \",SchedulingDisabled\"");
  CHECK(d.errors(kHead + "expect:\n  - {at: 1m, pods: {status: Runing}, count: 1}\n") ==
        "s.yaml:9:29: unknown pod status \"Runing\" (did you mean \"Running\"?)");
  CHECK(d.errors(kHead + "expect:\n  - {at: 1m, node: n1, status: \"Ready,SchedulingDisabled\", count: 1}\n") ==
        "s.yaml:9:60: count does not apply to a node expectation");
}

TEST_CASE("knob values must have the knob's type", "[scenario]") {
  ScratchDir d;
  CHECK(d.errors(kHead +
                 "  controlPlane:\n"
                 "    evictionMode: taint\n"
                 "    defaultNotReadyTolerationSeconds: 5m\n"
                 "    nodeEvictionRate: fast\n"
                 "    unhealthyZoneThreshold: 0.55\n"
                 "    nodeMonitorPeriod: 5\n"
                 "  kubelet: {nodeLeaseDurationSeconds: 4.5, nodeStatusReportFrequency: 1m}\n") ==
        "s.yaml:9:19: bad evictionMode \"taint\": use taints or legacy\n"
        "s.yaml:10:39: bad integer \"5m\": expected a whole number such as 300\n"
        "s.yaml:11:23: bad number \"fast\": expected a number such as 0.1\n"
        "s.yaml:13:24: bad duration \"5\": use Go's format such as 90s, 5m, 1h30m\n"
        "s.yaml:14:39: bad integer \"4.5\": expected a whole number such as 300");
  CHECK(d.errors(kHead + "  kubernetesVersion: \"1.25\"\n") ==
        "s.yaml:8:22: unsupported kubernetesVersion \"1.25\" (supported: \"1.20\", \"1.32\")");
}

TEST_CASE("apps: no repeated image, no tag", "[scenario]") {
  ScratchDir d;
  CHECK(d.errors(kHead + "apps:\n  mongo: {startup: 1s}\n  mongo: {startup: 2s}\n  nginx:1.19: {}\n") ==
        "s.yaml:10:3: duplicate key \"mongo\" in apps (first at line 9)\n"
        "s.yaml:11:3: app \"nginx:1.19\": write the image without its tag or digest");
  CHECK(d.load(kHead + "apps: {localhost:5000/web: {startup: 1s}}\n").apps.count("localhost:5000/web") == 1);
}

TEST_CASE("every problem is reported at once, in file order", "[scenario]") {
  auto result = load_scenario(kTestdata + "/errors/scenario.yaml");
  REQUIRE_FALSE(result.is_ok());
  std::string f = kTestdata + "/errors/scenario.yaml";
  CHECK(result.status().message() ==
        f + ":3:11: metadata must be a mapping (key: value)\n" +
        f + ":7:47: bad quantity \"lots\": use a Kubernetes quantity such as 500m, 2, 3Gi\n" +
        f + ":8:7: a node needs either name, or namePrefix with count\n" +
        f + ":9:18: unknown key \"nodeMonitorPerod\" in controlPlane (did you mean \"nodeMonitorPeriod\"?)\n" +
        f + ":13:5: cannot read manifest \"missing.yaml\" (looked for " + kTestdata + "/errors/missing.yaml)\n" +
        f + ":15:5: timeline entry has several actions (haltNode, snapshot): write one per entry\n" +
        f + ":16:24: unknown node \"ghost\" (nodes: n1)\n" +
        f + ":16:31: unknown key \"atx\" in timeline entry (did you mean \"at\"?)\n" +
        f + ":18:5: missing key \"at\" in expect entry\n" +
        f + ":18:18: unknown deployment \"x\" (deployments: none)\n" +
        f + ":18:31: bad comparison \"about 3\": use a number, or \"== N\", \"!= N\", \"< N\", \"<= N\", \"> N\", "
            "\">= N\", \"A..B\"\n" +
        f + ":19:10: at 30m0s is after the end of the scenario (duration 10m0s)");
}

TEST_CASE("the set and seed options override the file", "[scenario]") {
  ScratchDir d;
  std::string text = kHead + "  controlPlane: {podEvictionTimeout: 5m}\nseed: 3\n";
  LoadOptions options;
  options.set = {{"controlPlane.podEvictionTimeout", "30s"},
                 {"controlPlane.nodeEvictionRate", "0.5"},
                 {"kubelet.nodeStatusUpdateFrequency", "4s"},
                 {"kubernetesVersion", "1.32"},
                 {"seed", "9"}};
  Scenario s = d.load(text, options);
  CHECK(s.controlPlane.at("podEvictionTimeout") == "30s");
  CHECK(s.controlPlane.at("nodeEvictionRate") == "0.5");
  CHECK(s.kubelet.at("nodeStatusUpdateFrequency") == "4s");
  CHECK(s.kubernetesVersion == "1.32");
  CHECK(s.seed == 9);
  options.seed = 11;
  CHECK(d.load(text, options).seed == 11);  // --seed wins over --set seed=
  CHECK(d.load(text).seed == 3);

  LoadOptions bad;
  bad.set = {{"controlPlane.podEvictonTimeout", "1m"},
             {"controlPlane.nodeMonitorPeriod", "5 minutes"},
             {"kubelet.nodeLeaseDurationSeconds", "x"},
             {"seed", "-1"},
             {"kubernetesVersion", "1.19"},
             {"sed", "1"}};
  CHECK(d.errors(text, bad) ==
        "--set controlPlane.podEvictonTimeout: unknown key \"controlPlane.podEvictonTimeout\" (did you mean "
        "\"controlPlane.podEvictionTimeout\"?)\n"
        "--set controlPlane.nodeMonitorPeriod: bad duration \"5 minutes\": use Go's format such as 90s, 5m, 1h30m\n"
        "--set kubelet.nodeLeaseDurationSeconds: bad integer \"x\": expected a whole number such as 300\n"
        "--set seed: bad integer \"-1\": must be at least 0\n"
        "--set kubernetesVersion: unsupported kubernetesVersion \"1.19\" (supported: \"1.20\", \"1.32\")\n"
        "--set sed: unknown key \"sed\" (did you mean \"seed\"?)");
}

TEST_CASE("duration defaults past the last `at` and must cover every `at`", "[scenario]") {
  ScratchDir d;
  CHECK(d.load(kHead).duration == minutes(1));
  CHECK(d.load(kHead + "timeline: [{at: 90s, haltNode: n1}]\nexpect: [{at: 2m, node: n1, status: NotReady}]\n")
            .duration == minutes(3));
  CHECK(d.errors(kHead + "duration: 1m\ntimeline: [{at: 90s, haltNode: n1}]\n") ==
        "s.yaml:9:17: at 1m30s is after the end of the scenario (duration 1m0s)");
}

TEST_CASE("Expectation::holds for each comparison form", "[scenario]") {
  auto holds = [](const std::string& comparison, int64_t value) {
    Expectation e;
    e.comparison = comparison;
    return e.holds(value);
  };
  CHECK(holds("10", 10));
  CHECK_FALSE(holds("10", 9));
  CHECK(holds("== 2", 2));
  CHECK_FALSE(holds("==2", 3));
  CHECK(holds("!= 0", 1));
  CHECK_FALSE(holds("!= 0", 0));
  CHECK(holds("< 3", 2));
  CHECK_FALSE(holds("< 3", 3));
  CHECK(holds("<= 4", 4));
  CHECK_FALSE(holds("<= 4", 5));
  CHECK(holds("> 1", 2));
  CHECK_FALSE(holds("> 1", 1));
  CHECK(holds(">= 9", 9));
  CHECK_FALSE(holds(">=9", 8));
  CHECK(holds("1..3", 1));
  CHECK(holds("1..3", 3));
  CHECK_FALSE(holds("1..3", 4));
  CHECK_FALSE(holds("1..3", 0));
  CHECK_FALSE(holds("about 3", 3));  // unparsable never holds (the loader rejects it first)
}

}  // namespace ktwin::sim
