// decode_persisted: a field removed after a restart stays removed; fields ktwin does not model survive.
#include "realnet/storage/persisted_object.h"

#include <catch2/catch.hpp>

#include "core/api/codec.h"
#include "core/api/node.h"
#include "core/api/pod.h"

using namespace ktwin;
using nlohmann::json;

TEST_CASE("a taint removed after a restart does not come back from the stored document", "[storage]") {
  auto node = std::make_shared<core::Node>();
  node->metadata.name = "worker1";
  node->metadata.resourceVersion = 4;
  node->spec.taints.push_back({"node.kubernetes.io/unreachable", "", "NoExecute"});
  std::string stored = core::encode(*node).dump();

  auto restored = realnet::decode_persisted(stored);
  REQUIRE(restored.is_ok());
  CHECK_FALSE(restored.value()->original);  // everything in it is modelled
  auto healed = core::mutable_copy(*core::as<core::Node>(restored.value()));
  healed->spec.taints.clear();  // the node lifecycle controller, once the node is back
  CHECK_FALSE(core::encode(*healed)["spec"].contains("taints"));

  // The premise: core::decode keeps the whole document under the typed fields.
  auto whole = core::mutable_copy(*core::as<core::Node>(core::decode(json::parse(stored)).value()));
  whole->spec.taints.clear();
  CHECK(core::encode(*whole)["spec"].contains("taints"));
}

TEST_CASE("fields ktwin does not model survive a restart and later writes", "[storage]") {
  json doc = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", "web"}, {"namespace", "default"}, {"resourceVersion", "9"}}},
              {"spec",
               {{"enableServiceLinks", false},
                {"containers", {{{"name", "c"}, {"image", "nginx"}, {"stdin", true}}}}}},
              {"status", {{"phase", "Pending"}}}};
  auto restored = realnet::decode_persisted(doc.dump());
  REQUIRE(restored.is_ok());
  CHECK(core::encode(*restored.value()) == doc);
  REQUIRE(restored.value()->original);
  CHECK_FALSE(restored.value()->original->contains("status"));  // modelled: not kept twice
  auto running = core::mutable_copy(*core::as<core::Pod>(restored.value()));
  running->status.phase = "Running";
  json now = core::encode(*running);
  CHECK(now["status"]["phase"] == "Running");
  CHECK(now["spec"]["enableServiceLinks"] == false);
  CHECK(now["spec"]["containers"][0]["stdin"] == true);
  CHECK(now["spec"]["containers"][0]["image"] == "nginx");
}

TEST_CASE("a stored document that is not an object is refused", "[storage]") {
  CHECK(realnet::decode_persisted("[1,2]").status().message() == "not a JSON object");
  CHECK(realnet::decode_persisted("{\"kind\":\"Nope\"}").status().message().find("unknown kind") !=
        std::string::npos);
}
