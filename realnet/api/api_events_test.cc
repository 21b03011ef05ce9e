// Events through the API as kubectl reads them: `get events` Tables and describe's field selector.
#include <catch2/catch.hpp>

#include "core/apiserver/store_event_recorder.h"
#include "realnet/api/api_test_fixture.h"

using namespace ktwin;
using namespace ktwin::realnet;
using namespace ktwin::realnet::testing;

TEST_CASE("events: kubectl get events columns, and describe's involvedObject field selector", "[api][events]") {
  ApiFixture f;
  core::StoreEventRecorder recorder(f.admitting, f.loop, core::StoreEventRecorderOptions{}, nullptr);
  recorder.record({"Pod", "default", "web-1"}, "Normal", "Scheduled", "Successfully assigned default/web-1 to w1");
  recorder.record({"Pod", "default", "web-2"}, "Warning", "FailedScheduling", "0/1 nodes are available: 1 Insufficient cpu.");

  auto [code, table] = f.call("GET", "/api/v1/namespaces/default/events", "", "", admin(), kTableAccept);
  REQUIRE(code == 200);
  std::vector<std::string> names;
  for (const json& c : table["columnDefinitions"]) names.push_back(c["name"]);
  // k/k printers.go eventColumnDefinitions, the wide ones at priority 1.
  CHECK(names == std::vector<std::string>{"Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message",
                                          "First Seen", "Count", "Name"});
  REQUIRE(table["rows"].size() == 2);
  const json& cells = table["rows"][1]["cells"];
  CHECK(cells[1] == "Warning");
  CHECK(cells[2] == "FailedScheduling");
  CHECK(cells[3] == "pod/web-2");
  CHECK(cells[5] == "default-scheduler");
  CHECK(cells[8] == 1);

  auto [sel_code, selected] =
      f.call("GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb-2%2CinvolvedObject.kind%3DPod");
  REQUIRE(sel_code == 200);
  REQUIRE(selected["items"].size() == 1);
  CHECK(selected["items"][0]["reason"] == "FailedScheduling");
  CHECK(selected["items"][0]["involvedObject"]["name"] == "web-2");
  CHECK(selected["items"][0]["count"] == 1);
  CHECK(f.call("GET", "/api/v1/events?fieldSelector=spec.nodeName%3Dw1").first == 400);  // not an Event field
}

TEST_CASE("events: a kubelet may create Events; a node may not delete them", "[api][events]") {
  ApiFixture f;
  json ev = {{"apiVersion", "v1"},
             {"kind", "Event"},
             {"metadata", {{"name", "web-1.17a"}, {"namespace", "default"}}},
             {"involvedObject", {{"kind", "Pod"}, {"namespace", "default"}, {"name", "web-1"}}},
             {"reason", "Started"},
             {"message", "Started container web"},
             {"type", "Normal"},
             {"source", {{"component", "kubelet"}, {"host", "w1"}}},
             {"count", 1}};
  auto [code, created] = f.call("POST", "/api/v1/namespaces/default/events", ev.dump(), "application/json", node_user("w1"));
  REQUIRE(code == 201);
  CHECK(created["source"]["host"] == "w1");
  CHECK(f.call("DELETE", "/api/v1/namespaces/default/events/web-1.17a", "", "", node_user("w1")).first == 403);
}
