// The Accept headers kubectl 1.20 and 1.32 send (kubectl-wire §0 to §6) and PATCH content types.
#include "realnet/api/content_negotiation.h"

#include <catch2/catch.hpp>

namespace ktwin::realnet {
namespace {

constexpr const char* kTableAccept =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
constexpr const char* kAggregatedAccept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

TEST_CASE("kubectl get's Accept asks for a v1 Table on resources only", "[realnet][negotiation]") {
  Negotiated n = negotiate(kTableAccept, Endpoint::kResource);
  CHECK(n.format == ResponseFormat::kTable);
  CHECK(n.version == "v1");
  CHECK(n.content_type == "application/json;as=Table;v=v1;g=meta.k8s.io");
  CHECK(negotiate("application/json;as=Table;v=v1beta1;g=meta.k8s.io", Endpoint::kResource).version == "v1beta1");
  CHECK(negotiate(kTableAccept, Endpoint::kOther).format == ResponseFormat::kJson);
  CHECK(negotiate(kTableAccept, Endpoint::kDiscoveryRoot).format == ResponseFormat::kJson);
}

TEST_CASE("kubectl 1.32's discovery Accept asks for aggregated v2 at /api and /apis", "[realnet][negotiation]") {
  Negotiated n = negotiate(kAggregatedAccept, Endpoint::kDiscoveryRoot);
  CHECK(n.format == ResponseFormat::kAggregatedDiscovery);
  CHECK(n.version == "v2");
  CHECK(n.content_type == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  CHECK(negotiate("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
                  Endpoint::kDiscoveryRoot).version == "v2beta1");
  CHECK(negotiate(kAggregatedAccept, Endpoint::kResource).format == ResponseFormat::kJson);
}

TEST_CASE("plain JSON for kubectl 1.20 discovery, -o yaml and typed protobuf clients", "[realnet][negotiation]") {
  for (const char* accept : {"application/json, */*", "application/json", "", "*/*", "application/*",
                             "application/vnd.kubernetes.protobuf,application/json", "application/yaml",
                             "application/json; charset=utf-8"}) {
    INFO(accept);
    Negotiated n = negotiate(accept, Endpoint::kResource);
    CHECK(n.format == ResponseFormat::kJson);
    CHECK(n.content_type == "application/json");
  }
  // An unknown typed form is skipped for the next range.
  CHECK(negotiate("application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json",
                  Endpoint::kResource).format == ResponseFormat::kJson);
}

TEST_CASE("nothing acceptable: 406", "[realnet][negotiation]") {
  CHECK(negotiate("text/html", Endpoint::kResource).format == ResponseFormat::kNotAcceptable);
  CHECK(negotiate("application/json;q=0", Endpoint::kResource).format == ResponseFormat::kNotAcceptable);
  CHECK(negotiate("application/json;as=Table;v=v2;g=meta.k8s.io", Endpoint::kResource).format ==
        ResponseFormat::kNotAcceptable);
}

TEST_CASE("parse_accept reads type, subtype and the as, v, g and q parameters", "[realnet][negotiation]") {
  std::vector<MediaRange> ranges = parse_accept(" Application/JSON ; as=Table; v=v1 ;g=meta.k8s.io;q=0.5 , text/plain,bogus");
  REQUIRE(ranges.size() == 2);
  CHECK(ranges[0].type == "application");
  CHECK(ranges[0].subtype == "json");
  CHECK(ranges[0].as == "Table");
  CHECK(ranges[0].version == "v1");
  CHECK(ranges[0].group == "meta.k8s.io");
  CHECK(ranges[0].quality == Approx(0.5));
  CHECK(ranges[1].subtype == "plain");
}

TEST_CASE("patch types by Content-Type; a body without one is JSON", "[realnet][negotiation]") {
  CHECK(parse_patch_type("application/strategic-merge-patch+json") == PatchType::kStrategicMergePatch);
  CHECK(parse_patch_type("application/merge-patch+json") == PatchType::kMergePatch);
  CHECK(parse_patch_type("application/json-patch+json; charset=utf-8") == PatchType::kJsonPatch);
  CHECK(parse_patch_type("application/apply-patch+yaml") == PatchType::kApplyPatch);
  CHECK_FALSE(parse_patch_type("application/json").has_value());
  CHECK_FALSE(parse_patch_type("").has_value());
  CHECK(is_json_body(""));
  CHECK(is_json_body("application/json"));
  CHECK(is_json_body("application/json;charset=utf-8"));
  CHECK_FALSE(is_json_body("application/yaml"));
}

}  // namespace
}  // namespace ktwin::realnet
