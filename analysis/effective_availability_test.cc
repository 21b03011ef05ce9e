// Effective availability on small hand-written traces whose numbers are worked out in the comments.
#include "analysis/effective_availability.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>

#include "analysis/metrics.h"

namespace ktwin::analysis {
namespace {

std::vector<nlohmann::json> lines(const std::string& text) {
  std::istringstream in(text);
  auto parsed = parse_trace(in);
  REQUIRE(parsed.is_ok());
  return parsed.value();
}

// letschat (2 pods) -> mongo (1 pod). mongo's endpoint goes at 100 s, comes back at 300 s; letschat's
// own endpoints go at 110 s (its containers fail without mongo) and are back at 320 s; one letschat
// endpoint also blips away 400..410 s. worker2 halts at 90 s; the run ends at 500 s.
const char* kTrace = R"(
{"t":"0s","scenario":"apps","details":{"mongo":{"dependsOn":[]},"sdelements/lets-chat":{"dependsOn":["mongo"]}}}
{"t":"0s","kind":"Service","name":"default/kubernetes","change":"ADDED","object":{"metadata":{"name":"kubernetes","namespace":"default"},"spec":{}}}
{"t":"0s","kind":"Service","name":"default/mongo","change":"ADDED","object":{"metadata":{"name":"mongo","namespace":"default"},"spec":{"selector":{"name":"mongo"}}}}
{"t":"0s","kind":"Deployment","name":"default/mongo","change":"ADDED","object":{"metadata":{"name":"mongo","namespace":"default"},"spec":{"template":{"metadata":{"labels":{"name":"mongo"}},"spec":{"containers":[{"name":"mongo","image":"mongo"}]}}}}}
{"t":"0s","kind":"Pod","name":"default/mongo-1","change":"ADDED","object":{"metadata":{"name":"mongo-1","namespace":"default","labels":{"name":"mongo"}},"spec":{"containers":[{"name":"mongo","image":"mongo"}]}}}
{"t":"5s","kind":"Endpoints","name":"default/mongo","change":"ADDED","object":{"metadata":{"name":"mongo","namespace":"default"},"subsets":[{"addresses":[{"ip":"m1"}]}]}}
{"t":"20s","kind":"Service","name":"default/letschat","change":"ADDED","object":{"metadata":{"name":"letschat","namespace":"default"},"spec":{"type":"NodePort","selector":{"name":"letschat"}}}}
{"t":"20s","kind":"Endpoints","name":"default/letschat","change":"ADDED","object":{"metadata":{"name":"letschat","namespace":"default"}}}
{"t":"20s","kind":"Pod","name":"default/letschat-a","change":"ADDED","object":{"metadata":{"name":"letschat-a","namespace":"default","labels":{"name":"letschat"}},"spec":{"containers":[{"name":"letschat","image":"sdelements/lets-chat:latest"}]}}}
{"t":"40s","kind":"Endpoints","name":"default/letschat","change":"MODIFIED","patch":[{"op":"add","path":"/subsets","value":[{"addresses":[{"ip":"a"},{"ip":"b"}]}]}]}
{"t":"1m30s","scenario":"haltNode","details":"worker2"}
{"t":"1m40s","kind":"Endpoints","name":"default/mongo","change":"MODIFIED","patch":[{"op":"remove","path":"/subsets"}]}
{"t":"1m50s","kind":"Endpoints","name":"default/letschat","change":"MODIFIED","patch":[{"op":"remove","path":"/subsets"}]}
{"t":"5m","kind":"Endpoints","name":"default/mongo","change":"MODIFIED","patch":[{"op":"add","path":"/subsets","value":[{"addresses":[{"ip":"m2"}]}]}]}
{"t":"5m20s","kind":"Endpoints","name":"default/letschat","change":"MODIFIED","patch":[{"op":"add","path":"/subsets","value":[{"addresses":[{"ip":"a"}]}]}]}
{"t":"6m40s","kind":"Endpoints","name":"default/letschat","change":"MODIFIED","patch":[{"op":"remove","path":"/subsets"}]}
{"t":"6m50s","kind":"Endpoints","name":"default/letschat","change":"MODIFIED","patch":[{"op":"add","path":"/subsets","value":[{"addresses":[{"ip":"a"}]}]}]}
{"t":"8m20s","scenario":"expect","details":{"ok":true}}
)";

}  // namespace

TEST_CASE("an entry point is available while it and everything it needs have ready endpoints", "[effective_availability]") {
  auto computed = compute_effective_availability(lines(kTrace));
  REQUIRE(computed.is_ok());
  const EffectiveAvailability& a = computed.value();
  CHECK(a.since == Approx(90));
  CHECK(a.fault == "haltNode");
  // mongo is needed by letschat; kubernetes has no selector: letschat is the only entry point.
  REQUIRE(a.entry_points.size() == 1);
  const EntryPointAvailability& e = a.entry_points[0];
  CHECK(e.name == "default/letschat");
  CHECK(e.needs == std::vector<std::string>{"default/mongo"});
  // After the halt (90 s): down 100..320 (mongo from 100, letschat itself until 320) + 400..410.
  CHECK(e.unavailable_seconds == Approx(230));
  // From its creation at 20 s to 500 s (480 s): up 40..100, 320..400 and 410..500 = 60 + 80 + 90.
  REQUIRE(e.availability);
  CHECK(*e.availability == Approx(230.0 / 480));

  SECTION("in the metrics, their JSON, columns and table") {
    auto m = compute_metrics(lines(kTrace));
    REQUIRE(m.is_ok());
    nlohmann::json j = metrics_json(m.value());
    CHECK(j["effectiveAvailability"]["since"] == 90.0);
    CHECK(j["effectiveAvailability"]["entryPoints"]["default/letschat"]["unavailableSeconds"] == Approx(230));
    CHECK(j["effectiveAvailability"]["entryPoints"]["default/letschat"]["needs"] == nlohmann::json{"default/mongo"});
    auto flat = flatten_metrics(m.value());
    auto column = [&](const std::string& name) {
      auto it = std::find_if(flat.begin(), flat.end(), [&](const auto& c) { return c.first == name; });
      return it == flat.end() ? std::optional<double>() : it->second;
    };
    CHECK(column("default/letschat.svc.effectively_unavailable_seconds_after_fault") == Approx(230));
    CHECK(column("default/letschat.entry.availability_percent") == Approx(100 * 230.0 / 480));
    std::string table = metrics_table(m.value());
    INFO(table);
    CHECK(table.find("ENTRY POINT        NEEDS           NOT AVAILABLE AFTER haltNode   AVAILABILITY") != std::string::npos);
    CHECK(table.find("default/letschat   default/mongo   3m50s                          47.9%") != std::string::npos);
  }
}

TEST_CASE("without a fault the time counts from the start, and a missing dependency is never ready",
          "[effective_availability]") {
  auto computed = compute_effective_availability(lines(R"(
{"t":"0s","scenario":"apps","details":{"web":{"dependsOn":["cache"]}}}
{"t":"0s","kind":"Service","name":"default/web","change":"ADDED","object":{"metadata":{"name":"web","namespace":"default"},"spec":{"selector":{"app":"web"}}}}
{"t":"0s","kind":"Pod","name":"default/web-1","change":"ADDED","object":{"metadata":{"name":"web-1","namespace":"default","labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"web:2"}]}}}
{"t":"10s","kind":"Endpoints","name":"default/web","change":"ADDED","object":{"metadata":{"name":"web","namespace":"default"},"subsets":[{"addresses":[{"ip":"w"}]}]}}
{"t":"1m","scenario":"scale","details":{"name":"web","replicas":2}}
{"t":"1m","kind":"Service","name":"default/late","change":"ADDED","object":{"metadata":{"name":"late","namespace":"default"},"spec":{"selector":{"app":"late"}}}}
{"t":"2m","scenario":"snapshot","details":"get pods"}
)"));
  REQUIRE(computed.is_ok());
  const EffectiveAvailability& a = computed.value();
  CHECK(a.since == 0);
  CHECK(a.fault.empty());  // a scale is not a fault
  REQUIRE(a.entry_points.size() == 2);
  CHECK(a.entry_points[0].name == "default/late");
  CHECK(a.entry_points[0].unavailable_seconds == Approx(60));  // never ready, but counted from its creation
  CHECK(*a.entry_points[0].availability == 0.0);
  CHECK(a.entry_points[1].name == "default/web");
  CHECK(a.entry_points[1].needs == std::vector<std::string>{"default/cache"});
  CHECK(a.entry_points[1].unavailable_seconds == Approx(120));  // web is ready from 10 s, cache never
  CHECK(*a.entry_points[1].availability == 0.0);
}

TEST_CASE("a chain is only as available as its least available link", "[effective_availability]") {
  // front -> api -> db; db is down 30..60, api 50..70, front never goes; the partition starts at 20 s.
  auto computed = compute_effective_availability(lines(R"(
{"t":"0s","scenario":"apps","details":{"front":{"dependsOn":["api"]},"api":{"dependsOn":["db"]}}}
{"t":"0s","kind":"Service","name":"default/front","change":"ADDED","object":{"metadata":{"name":"front","namespace":"default"},"spec":{"selector":{"app":"front"}}}}
{"t":"0s","kind":"Service","name":"default/api","change":"ADDED","object":{"metadata":{"name":"api","namespace":"default"},"spec":{"selector":{"app":"api"}}}}
{"t":"0s","kind":"Service","name":"default/db","change":"ADDED","object":{"metadata":{"name":"db","namespace":"default"},"spec":{"selector":{"app":"db"}}}}
{"t":"0s","kind":"ReplicaSet","name":"default/front-1","change":"ADDED","object":{"metadata":{"name":"front-1","namespace":"default"},"spec":{"template":{"metadata":{"labels":{"app":"front"}},"spec":{"containers":[{"name":"f","image":"front"}]}}}}}
{"t":"0s","kind":"ReplicaSet","name":"default/api-1","change":"ADDED","object":{"metadata":{"name":"api-1","namespace":"default"},"spec":{"template":{"metadata":{"labels":{"app":"api"}},"spec":{"containers":[{"name":"a","image":"api"}]}}}}}
{"t":"0s","kind":"Endpoints","name":"default/front","change":"ADDED","object":{"metadata":{"name":"front","namespace":"default"},"subsets":[{"addresses":[{"ip":"f"}]}]}}
{"t":"0s","kind":"Endpoints","name":"default/api","change":"ADDED","object":{"metadata":{"name":"api","namespace":"default"},"subsets":[{"addresses":[{"ip":"a"}]}]}}
{"t":"0s","kind":"Endpoints","name":"default/db","change":"ADDED","object":{"metadata":{"name":"db","namespace":"default"},"subsets":[{"addresses":[{"ip":"d"}]}]}}
{"t":"20s","scenario":"partition","details":"n2"}
{"t":"30s","kind":"Endpoints","name":"default/db","change":"DELETED"}
{"t":"50s","kind":"Endpoints","name":"default/api","change":"MODIFIED","patch":[{"op":"remove","path":"/subsets"}]}
{"t":"1m","kind":"Endpoints","name":"default/db","change":"ADDED","object":{"metadata":{"name":"db","namespace":"default"},"subsets":[{"addresses":[{"ip":"d2"}]}]}}
{"t":"1m10s","kind":"Endpoints","name":"default/api","change":"MODIFIED","patch":[{"op":"add","path":"/subsets","value":[{"addresses":[{"ip":"a"}]}]}]}
{"t":"1m40s","scenario":"snapshot","details":"get pods"}
)"));
  REQUIRE(computed.is_ok());
  const EffectiveAvailability& a = computed.value();
  CHECK(a.fault == "partition");
  REQUIRE(a.entry_points.size() == 1);
  CHECK(a.entry_points[0].name == "default/front");
  CHECK(a.entry_points[0].needs == std::vector<std::string>{"default/api", "default/db"});
  CHECK(a.entry_points[0].unavailable_seconds == Approx(40));  // 30..70
  CHECK(*a.entry_points[0].availability == Approx(60.0 / 100));
}

TEST_CASE("a MODIFIED before its ADDED is an error", "[effective_availability]") {
  auto computed = compute_effective_availability(lines(R"(
{"t":"1s","kind":"Endpoints","name":"default/x","change":"MODIFIED","patch":[]}
)"));
  REQUIRE_FALSE(computed.is_ok());
  CHECK(computed.status().message() == "MODIFIED before ADDED: Endpoints default/x");
}

}  // namespace ktwin::analysis
