// ktwin import: a realistic kubectl dump of the Let's Chat cluster becomes a scenario that loads and
// runs; --anonymize leaves no name behind and keeps selectors matching.
#include "sim/cluster_import.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/api/yaml.h"
#include "sim/runner.h"

namespace ktwin::sim {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

json fixture() {
  std::ifstream in(std::string(KTWIN_SOURCE_DIR) + "/tests/data/letschat-cluster.json");
  return json::parse(in);
}

// Writes the scenario and its manifests in a fresh directory; returns the scenario's path.
fs::path write(const ImportResult& r, const std::string& tag) {
  fs::path dir = fs::temp_directory_path() / ("ktwin-import-" + std::to_string(::getpid()) + "-" + tag);
  fs::remove_all(dir);
  fs::create_directories(dir / "m");
  for (const ImportedFile& f : r.manifests) std::ofstream(dir / f.path) << f.text;
  std::ofstream(dir / "cluster.yaml") << r.scenario;
  return dir / "cluster.yaml";
}

RunResult load_and_run(const fs::path& file) {
  auto loaded = load_scenario(file.string());
  INFO(loaded.status().message());
  REQUIRE(loaded.is_ok());
  std::ostringstream out;
  RunOptions options;
  options.out = &out;
  auto result = run_scenario(loaded.value(), options);
  REQUIRE(result.is_ok());
  fs::remove_all(file.parent_path());
  INFO(out.str());
  return result.value();
}

std::vector<std::string> paths(const ImportResult& r) {
  std::vector<std::string> out;
  for (const ImportedFile& f : r.manifests) out.push_back(f.path);
  return out;
}

json manifest(const ImportResult& r, const std::string& path) {
  for (const ImportedFile& f : r.manifests)
    if (f.path == path) return core::parse_yaml_documents(f.text, path).value().at(0).doc;
  FAIL("no manifest " << path);
  return {};
}

}  // namespace

TEST_CASE("import keeps nodes and workloads, drops what controllers recreate, and the scenario runs",
          "[import]") {
  ImportOptions options;
  options.manifests_dir = "m";
  auto imported = import_cluster(fixture(), options);
  REQUIRE(imported.is_ok());
  const ImportResult& r = imported.value();
  // Services and Deployments of the default namespace and the bare pod; not default/kubernetes, not the
  // ReplicaSets and pods the Deployments own, not the finished Job pod, not kube-system.
  CHECK(paths(r) == std::vector<std::string>{"m/service-letschat.yaml", "m/service-mongo.yaml",
                                             "m/service-shop-cart.yaml", "m/deployment-letschat.yaml",
                                             "m/deployment-mongo.yaml", "m/deployment-shop-cart.yaml",
                                             "m/pod-debug.yaml"});
  json deploy = manifest(r, "m/deployment-letschat.yaml");
  CHECK_FALSE(deploy.contains("status"));
  for (const char* k :
       {"uid", "resourceVersion", "creationTimestamp", "managedFields", "generation", "annotations"})
    CHECK_FALSE(deploy["metadata"].contains(k));
  CHECK(deploy["spec"]["replicas"] == 2);
  json svc = manifest(r, "m/service-letschat.yaml");
  CHECK_FALSE(svc["spec"].contains("clusterIP"));
  CHECK_FALSE(svc["spec"]["ports"][0].contains("nodePort"));
  CHECK(svc["spec"]["type"] == "NodePort");
  CHECK(manifest(r, "m/pod-debug.yaml")["spec"]["nodeName"] == "worker1");
  // Nodes: roles from node-role labels, kubelet-set labels dropped, zone kept, managed taints dropped.
  const std::string& s = r.scenario;
  CHECK(s.find("kubernetesVersion: '1.20'") != std::string::npos);
  CHECK(s.find("    - name: controller\n      roles:\n        - control-plane\n        - master\n") !=
        std::string::npos);
  CHECK(s.find("kubernetes.io/hostname") == std::string::npos);
  CHECK(s.find("k3s.io/internal-ip") == std::string::npos);
  CHECK(s.find("topology.kubernetes.io/zone: zone-b") != std::string::npos);
  CHECK(s.find("key: dedicated") != std::string::npos);
  CHECK(s.find("node.kubernetes.io/unschedulable") == std::string::npos);
  CHECK(s.find("memory: 3063688Ki") != std::string::npos);
  CHECK(s.find("left out 1 finished pods") != std::string::npos);
  CHECK(s.find("# apps:\n#   busybox: {startup: 1s}\n#   mongo: {startup: 1s}\n#   "
               "registry.example.com/acme/cart: "
               "{startup: 1s}\n#   sdelements/lets-chat: {startup: 1s}\n") != std::string::npos);

  RunResult run = load_and_run(write(r, "plain"));
  CHECK(run.expectations == 2);  // letschat 2 and mongo 1 ready at 3m, as in the cluster
  CHECK(run.failures.empty());
}

TEST_CASE("import --include-system keeps kube-system and warns about DaemonSet pods", "[import]") {
  ImportOptions options;
  options.manifests_dir = "m";
  options.include_system = true;
  auto imported = import_cluster(fixture(), options);
  REQUIRE(imported.is_ok());
  auto p = paths(imported.value());
  CHECK(std::count(p.begin(), p.end(), "m/deployment-kube-system-coredns.yaml") == 1);
  CHECK(std::count(p.begin(), p.end(), "m/pod-kube-system-svclb-letschat-9wzq2.yaml") == 1);
  CHECK(std::count(p.begin(), p.end(), "m/pod-kube-system-coredns-854c77959c-x2kq7.yaml") == 0);
  CHECK(imported.value().warnings.at(0).find("owned by a DaemonSet are kept as bare pods") !=
        std::string::npos);
  CHECK(load_and_run(write(imported.value(), "system")).failures.empty());
}

TEST_CASE("import --anonymize renames consistently: no original name left, selectors still match",
          "[import]") {
  ImportOptions options;
  options.manifests_dir = "m";
  options.anonymize = true;
  options.include_system = true;
  auto imported = import_cluster(fixture(), options);
  REQUIRE(imported.is_ok());
  const ImportResult& r = imported.value();
  std::string all = r.scenario;
  for (const ImportedFile& f : r.manifests) all += f.path + "\n" + f.text;
  // ": controller" is the node name as a value; the label key controller-revision-hash is generic and kept.
  for (const char* secret :
       {"letschat", "lets-chat", "mongo", "worker", ": controller", "coredns", "debug", "chat", "http-server",
        "LCB_DATABASE_URI", "busybox", "sdelements", "svclb", "shop", "cart", "acme", "backend"})
    CHECK((all.find(secret) == std::string::npos ? "" : all.substr(all.find(secret) - 40, 80)) == "");
  // Sorted names: cart, coredns, debug, kube-dns, letschat, mongo, svclb-... -> app-1..7; a Deployment
  // and its Service of one name share one.
  json deploy = manifest(r, "m/deployment-app-5.yaml");
  json svc = manifest(r, "m/service-app-5.yaml");
  CHECK(deploy["spec"]["selector"]["matchLabels"] == json({{"name", "app-5"}}));
  CHECK(deploy["spec"]["template"]["metadata"]["labels"] == svc["spec"]["selector"]);
  const json& container = deploy["spec"]["template"]["spec"]["containers"][0];
  CHECK(svc["spec"]["ports"][0]["targetPort"] == container["ports"][0]["name"]);
  CHECK_FALSE(container.contains("env"));
  CHECK(deploy["spec"]["template"]["spec"]["tolerations"][0]["value"] ==
        manifest(r, "m/deployment-app-5.yaml")["spec"]["template"]["spec"]["tolerations"][0]["value"]);
  CHECK(r.scenario.find("value: " +
                        deploy["spec"]["template"]["spec"]["tolerations"][0]["value"].get<std::string>()) !=
        std::string::npos);  // the taint's value, renamed alike
  // Tags stay: coredns's image keeps :1.8.0.
  CHECK(
      manifest(r, "m/deployment-kube-system-app-2.yaml")["spec"]["template"]["spec"]["containers"][0]["image"]
          .get<std::string>()
          .ends_with(":1.8.0"));
  CHECK(manifest(r, "m/deployment-kube-system-app-2.yaml")["spec"]["template"]["spec"]["nodeSelector"] ==
        json({{"kubernetes.io/hostname", "node-1"}}));
  CHECK(manifest(r, "m/pod-app-3.yaml")["spec"]["nodeName"] == "node-2");
  // Other namespaces are renamed, and node affinity follows the node names.
  json cart = manifest(r, "m/deployment-ns-1-app-1.yaml");
  CHECK(cart["metadata"]["namespace"] == "ns-1");
  CHECK(cart["spec"]["template"]["spec"]["affinity"]["nodeAffinity"]
            ["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0]["matchExpressions"][0]
            ["values"] == json({"node-2", "node-1"}));
  CHECK(cart["spec"]["template"]["spec"]["containers"][0]["image"] ==
        "image-5:3.2.1");  // sorted: busybox, mongo, rancher/coredns-coredns, rancher/klipper-lb, registry...
  // Deterministic: the same input in another order gives the same files.
  json shuffled = fixture();
  std::reverse(shuffled["items"].begin(), shuffled["items"].end());
  auto again = import_cluster(shuffled, options);
  REQUIRE(again.is_ok());
  CHECK(again.value().scenario == r.scenario);
  CHECK(paths(again.value()) == paths(r));
  RunResult run = load_and_run(write(r, "anon"));
  CHECK(run.expectations == 2);
  CHECK(run.failures.empty());
}

TEST_CASE("import refuses what is not a list of Kubernetes objects", "[import]") {
  CHECK(import_cluster(json::array(), {}).status().message().find("not a Kubernetes List") == 0);
  CHECK(import_cluster(json{{"items", json::array({json{{"kind", "Pod"}}})}}, {}).status().message() ==
        "items[0]: not a Kubernetes object (needs kind and metadata.name)");
  json no_nodes = fixture();
  no_nodes["items"].erase(no_nodes["items"].begin(), no_nodes["items"].begin() + 3);
  CHECK(import_cluster(no_nodes, {}).status().message().find("no Node in the list") == 0);
}

}  // namespace ktwin::sim
