// Table responses for the walk-through's kinds: the columns of the real 1.20 server (kubectl-wire §2),
// typed cells, PartialObjectMetadata rows, and the watch form without column definitions.
#include "realnet/api/table_response.h"

#include <catch2/catch.hpp>

#include "core/api/service.h"
#include "core/printers/test_objects.h"

namespace ktwin::realnet {
namespace {

using core::Kind;
using nlohmann::json;
namespace t = core::printers::testing;

const core::Time kT0 = core::parse_rfc3339("2021-03-04T07:51:00Z").value();

// (name, type, priority) of every column.
std::vector<std::tuple<std::string, std::string, int>> columns(const json& table) {
  std::vector<std::tuple<std::string, std::string, int>> out;
  for (const json& c : table["columnDefinitions"])
    out.emplace_back(c["name"].get<std::string>(), c["type"].get<std::string>(), c["priority"].get<int>());
  return out;
}

using Cols = std::vector<std::tuple<std::string, std::string, int>>;

TEST_CASE("a node Table has the 1.20 server's columns, a name-formatted first column and metadata rows",
          "[realnet][table]") {
  auto node = t::node("worker1", "192.168.1.143", false, kT0);
  node->metadata.labels["kubernetes.io/hostname"] = "worker1";
  node->metadata.uid = "5b1c0c8e-0000-4000-8000-000000000001";
  node->metadata.resourceVersion = 1040;
  json table = make_table(Kind::kNode, {node}, kT0 + std::chrono::minutes(19), true, "1042");
  CHECK(table["kind"] == "Table");
  CHECK(table["apiVersion"] == "meta.k8s.io/v1");
  CHECK(table["metadata"]["resourceVersion"] == "1042");
  CHECK(columns(table) == Cols{{"Name", "string", 0},           {"Status", "string", 0},
                               {"Roles", "string", 0},          {"Age", "string", 0},
                               {"Version", "string", 0},        {"Internal-IP", "string", 1},
                               {"External-IP", "string", 1},    {"OS-Image", "string", 1},
                               {"Kernel-Version", "string", 1}, {"Container-Runtime", "string", 1}});
  CHECK(table["columnDefinitions"][0]["format"] == "name");
  CHECK(table["columnDefinitions"][1]["format"] == "");
  CHECK_FALSE(table["columnDefinitions"][0]["description"].get<std::string>().empty());
  REQUIRE(table["rows"].size() == 1);
  const json& row = table["rows"][0];
  const json cells = json::parse(R"j(["worker1","Ready","<none>","19m","v1.20.4+k3s1","192.168.1.143","<none>",
      "Debian GNU/Linux 10 (buster)","4.19.0-14-amd64","containerd://1.4.3-k3s3"])j");
  CHECK(row["cells"] == cells);
  CHECK(row["object"]["kind"] == "PartialObjectMetadata");
  CHECK(row["object"]["apiVersion"] == "meta.k8s.io/v1");
  CHECK(row["object"]["metadata"]["name"] == "worker1");
  CHECK(row["object"]["metadata"]["uid"] == "5b1c0c8e-0000-4000-8000-000000000001");
  CHECK(row["object"]["metadata"]["resourceVersion"] == "1040");
  CHECK(row["object"]["metadata"]["creationTimestamp"] == "2021-03-04T07:51:00Z");
  CHECK(row["object"]["metadata"]["labels"]["kubernetes.io/hostname"] == "worker1");
  CHECK_FALSE(row["object"].contains("spec"));
}

TEST_CASE("a pod Table declares Restarts an integer and sends it as a number", "[realnet][table]") {
  auto running = t::running_pod("mongo-5c694c878b-5449c", "mongo", "worker1", "10.42.1.5", kT0, 3);
  json table = make_table(Kind::kPod, {running}, kT0 + std::chrono::seconds(42), true, "1050");
  CHECK(columns(table) == Cols{{"Name", "string", 0},           {"Ready", "string", 0},
                               {"Status", "string", 0},         {"Restarts", "integer", 0},
                               {"Age", "string", 0},            {"IP", "string", 1},
                               {"Node", "string", 1},           {"Nominated Node", "string", 1},
                               {"Readiness Gates", "string", 1}});
  CHECK(table["rows"][0]["cells"] ==
        json::parse(R"(["mongo-5c694c878b-5449c","1/1","Running",3,"42s","10.42.1.5","worker1","<none>","<none>"])"));
  SECTION("a 1.32 server prints restarts as text") {
    TableOptions options;
    options.server_version = "1.32";
    json newer = make_table(Kind::kPod, {running}, kT0 + std::chrono::seconds(42), options, "1050");
    CHECK(newer["columnDefinitions"][3]["type"] == "string");
    CHECK(newer["rows"][0]["cells"][3] == "3");
  }
}

TEST_CASE("deployment and replica set Tables carry integer counts and wide container columns",
          "[realnet][table]") {
  auto d = t::deployment("letschat", "sdelements/lets-chat", 10, 7, kT0);
  d->status.updatedReplicas = 10;
  json table = make_table(Kind::kDeployment, {d}, kT0 + std::chrono::minutes(5), true, "7");
  CHECK(columns(table) == Cols{{"Name", "string", 0},       {"Ready", "string", 0},
                               {"Up-to-date", "integer", 0}, {"Available", "integer", 0},
                               {"Age", "string", 0},        {"Containers", "string", 1},
                               {"Images", "string", 1},     {"Selector", "string", 1}});
  CHECK(table["rows"][0]["cells"] ==
        json::parse(R"(["letschat","7/10",10,7,"5m","letschat","sdelements/lets-chat","name=letschat"])"));

  auto rs = t::replica_set("mongo", "5c694c878b", "mongo", 1, 1, kT0);
  json rs_table = make_table(Kind::kReplicaSet, {rs}, kT0 + std::chrono::hours(2), true, "7");
  CHECK(columns(rs_table) == Cols{{"Name", "string", 0},      {"Desired", "integer", 0},
                                  {"Current", "integer", 0},   {"Ready", "integer", 0},
                                  {"Age", "string", 0},       {"Containers", "string", 1},
                                  {"Images", "string", 1},    {"Selector", "string", 1}});
  CHECK(rs_table["rows"][0]["cells"] ==
        json::parse(R"(["mongo-5c694c878b",1,1,1,"120m","mongo","mongo","name=mongo,pod-template-hash=5c694c878b"])"));
}

TEST_CASE("a service Table prints NodePort ports and the wide selector", "[realnet][table]") {
  auto kubernetes = t::service("kubernetes", "ClusterIP", "10.43.0.1", 443, 0, kT0);
  auto letschat = t::service("letschat", "NodePort", "10.43.77.5", 8080, 32468, kT0);
  json table = make_table(Kind::kService, {kubernetes, letschat}, kT0 + std::chrono::minutes(30), true, "9");
  CHECK(columns(table) == Cols{{"Name", "string", 0},    {"Type", "string", 0}, {"Cluster-IP", "string", 0},
                               {"External-IP", "string", 0}, {"Port(s)", "string", 0}, {"Age", "string", 0},
                               {"Selector", "string", 1}});
  CHECK(table["rows"][0]["cells"] == json::parse(R"(["kubernetes","ClusterIP","10.43.0.1","<none>","443/TCP","30m","<none>"])"));
  CHECK(table["rows"][1]["cells"] ==
        json::parse(R"(["letschat","NodePort","10.43.77.5","<none>","8080:32468/TCP","30m","name=letschat"])"));
}

TEST_CASE("an ingress Table has no wide columns", "[realnet][table]") {
  auto ing = std::make_shared<core::Ingress>();
  ing->metadata.name = "letschat";
  ing->metadata.namespace_ = "default";
  ing->metadata.creationTimestamp = kT0;
  core::IngressRule rule;
  rule.host = "www.letschat.com";
  ing->rules.push_back(rule);
  ing->status_loadBalancer.ingress.push_back({"192.168.1.143", ""});
  json table = make_table(Kind::kIngress, {ing}, kT0 + std::chrono::seconds(90), true, "11");
  CHECK(columns(table) == Cols{{"Name", "string", 0},    {"Class", "string", 0}, {"Hosts", "string", 0},
                               {"Address", "string", 0}, {"Ports", "string", 0}, {"Age", "string", 0}});
  CHECK(table["rows"][0]["cells"] ==
        json::parse(R"(["letschat","<none>","www.letschat.com","192.168.1.143","80","90s"])"));
}

TEST_CASE("Table options: includeObject and the header-less watch form", "[realnet][table]") {
  auto pod = t::running_pod("web-1", "web", "worker1", "10.42.1.9", kT0);
  pod->metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"] = "{}";
  SECTION("None leaves the object out") {
    json table = make_table(Kind::kPod, {pod}, kT0, false, "5");
    CHECK_FALSE(table["rows"][0].contains("object"));
  }
  SECTION("Object sends the whole object (kubectl --sort-by)") {
    TableOptions options;
    options.include_object = IncludeObject::kObject;
    json table = make_table(Kind::kPod, {pod}, kT0, options, "5");
    CHECK(table["rows"][0]["object"]["kind"] == "Pod");
    CHECK(table["rows"][0]["object"]["apiVersion"] == "v1");
    CHECK(table["rows"][0]["object"]["spec"]["nodeName"] == "worker1");
  }
  SECTION("Metadata keeps the annotations") {
    json table = make_table(Kind::kPod, {pod}, kT0, true, "5");
    CHECK(table["rows"][0]["object"]["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] ==
          "{}");
  }
  SECTION("a watch event after the first carries rows only") {
    TableOptions options;
    options.include_columns = false;
    json table = make_table(Kind::kPod, {pod}, kT0 + std::chrono::seconds(2), options, "1053");
    CHECK_FALSE(table.contains("columnDefinitions"));
    CHECK(table["rows"][0]["cells"][0] == "web-1");
    CHECK(table["metadata"]["resourceVersion"] == "1053");
  }
  SECTION("no objects: an empty row list, columns still declared") {
    json table = make_table(Kind::kPod, {}, kT0, true, "5");
    CHECK(table["rows"] == json::array());
    CHECK(table["columnDefinitions"].size() == 9);
  }
  CHECK(parse_include_object("") == IncludeObject::kMetadata);
  CHECK(parse_include_object("Object") == IncludeObject::kObject);
  CHECK(parse_include_object("None") == IncludeObject::kNone);
  CHECK_FALSE(parse_include_object("All").has_value());
}

}  // namespace
}  // namespace ktwin::realnet
