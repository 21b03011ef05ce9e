// Deployment helpers: defaults, fenceposts (reference 3.2), hash format (4.2), annotations.
#include "core/controller/deployment_util.h"

#include <catch2/catch.hpp>

#include "tests/fakes/api_builders.h"
#include <regex>

using namespace ktwin;

namespace {

using testing::container;

core::Deployment defaulted(int32_t replicas) {
  core::Deployment d;
  d.spec.replicas = replicas;
  core::set_deployment_defaults(d);
  return d;
}

core::PodTemplateSpec tmpl(const std::string& image) {
  core::PodTemplateSpec t;
  t.metadata.labels = {{"app", "letschat"}};
  t.spec.containers.push_back(container("letschat", image));
  return t;
}

}  // namespace

TEST_CASE("Deployment defaults match apps/v1", "[controller][deployment_util]") {
  core::Deployment d;
  core::set_deployment_defaults(d);
  CHECK(d.spec.replicas == 1);
  CHECK(d.spec.strategy.type == "RollingUpdate");
  CHECK(d.spec.strategy.rollingUpdate->maxSurge->to_string() == "25%");
  CHECK(d.spec.strategy.rollingUpdate->maxUnavailable->to_string() == "25%");
  CHECK(d.spec.revisionHistoryLimit == 10);
  CHECK(d.spec.progressDeadlineSeconds == 600);

  core::Deployment recreate;
  recreate.spec.strategy.type = "Recreate";
  recreate.spec.replicas = 3;
  core::set_deployment_defaults(recreate);
  CHECK_FALSE(recreate.spec.strategy.rollingUpdate);
  CHECK(recreate.spec.replicas == 3);
  CHECK(core::max_surge(recreate) == 0);
  CHECK(core::max_unavailable(recreate) == 0);
}

TEST_CASE("fenceposts round surge up and unavailability down", "[controller][deployment_util]") {
  // replicas -> (maxSurge, maxUnavailable) with 25%/25%, the table of reference section 3.2.
  std::vector<std::tuple<int32_t, int32_t, int32_t>> table = {{1, 1, 0}, {2, 1, 0}, {3, 1, 0},
                                                               {4, 1, 1}, {5, 2, 1}, {10, 3, 2}};
  for (auto [replicas, surge, unavailable] : table) {
    CAPTURE(replicas);
    core::Deployment d = defaulted(replicas);
    CHECK(core::max_surge(d) == surge);
    CHECK(core::max_unavailable(d) == unavailable);
  }
  // Both zero: one may be unavailable, or nothing could ever move.
  CHECK(core::resolve_fenceposts(core::IntOrString::of(0), core::IntOrString::of("10%"), 5) == std::make_pair(0, 1));
  CHECK(core::resolve_fenceposts(core::IntOrString::of(2), std::nullopt, 5) == std::make_pair(2, 0));
}

TEST_CASE("pod-template-hash looks like Kubernetes' and changes with the template", "[controller][deployment_util]") {
  CHECK(core::safe_encode_string("0123456789") == "456789bcdf");
  CHECK(core::safe_encode_string("3722682091") == "7c66bd64f5");  // letschat's hash in the seed

  std::string h1 = core::compute_pod_template_hash(tmpl("lets-chat:0.4.8"), std::nullopt);
  std::string h2 = core::compute_pod_template_hash(tmpl("lets-chat:0.4.9"), std::nullopt);
  std::string h1c = core::compute_pod_template_hash(tmpl("lets-chat:0.4.8"), 1);
  for (const auto& h : {h1, h2, h1c}) CHECK(std::regex_match(h, std::regex("[456789bcdf]{1,10}")));
  CHECK(h1 == core::compute_pod_template_hash(tmpl("lets-chat:0.4.8"), std::nullopt));
  CHECK(h1 != h2);
  CHECK(h1 != h1c);
  CHECK(h1c != core::compute_pod_template_hash(tmpl("lets-chat:0.4.8"), 2));
}

TEST_CASE("templates compare equal ignoring the hash label", "[controller][deployment_util]") {
  core::PodTemplateSpec a = tmpl("x:1"), b = tmpl("x:1");
  b.metadata.labels["pod-template-hash"] = "5c694c878b";
  CHECK(core::equal_ignore_hash(a, b));
  b.metadata.labels["tier"] = "web";
  CHECK_FALSE(core::equal_ignore_hash(a, b));
  CHECK_FALSE(core::equal_ignore_hash(a, tmpl("x:2")));
  core::PodTemplateSpec no_labels, only_hash;
  only_hash.metadata.labels["pod-template-hash"] = "abc";
  CHECK(core::equal_ignore_hash(no_labels, only_hash));
  // Hashes on both sides, differing; labels sorted before and after the hash label.
  core::PodTemplateSpec c = tmpl("x:1"), d = tmpl("x:1");
  c.metadata.labels["pod-template-hash"] = "1";
  d.metadata.labels["pod-template-hash"] = "2";
  c.metadata.labels["aaa"] = d.metadata.labels["aaa"] = "v";
  c.metadata.labels["zzz"] = d.metadata.labels["zzz"] = "v";
  CHECK(core::equal_ignore_hash(c, d));
  d.metadata.labels["zzz"] = "w";
  CHECK_FALSE(core::equal_ignore_hash(c, d));
  d.metadata.labels.erase("zzz");
  CHECK_FALSE(core::equal_ignore_hash(c, d));
  CHECK_FALSE(core::equal_ignore_hash(d, c));
}

TEST_CASE("new ReplicaSet annotations: copied, revision raised with history", "[controller][deployment_util]") {
  core::Deployment d = defaulted(10);
  d.metadata.annotations = {{"team", "chat"},
                            {"kubectl.kubernetes.io/last-applied-configuration", "{}"},
                            {core::kRevisionAnnotation, "3"}};
  core::ReplicaSet rs;
  CHECK(core::set_new_replica_set_annotations(d, rs, "4", false));
  CHECK(rs.metadata.annotations == std::map<std::string, std::string>{{"team", "chat"},
                                                                      {core::kRevisionAnnotation, "4"},
                                                                      {core::kDesiredReplicasAnnotation, "10"},
                                                                      {core::kMaxReplicasAnnotation, "13"}});
  CHECK_FALSE(core::set_new_replica_set_annotations(d, rs, "4", true));
  CHECK_FALSE(core::set_new_replica_set_annotations(d, rs, "2", true));  // never lowered
  // A rollback makes an old ReplicaSet new again: its earlier revisions are kept.
  CHECK(core::set_new_replica_set_annotations(d, rs, "6", true));
  CHECK(core::set_new_replica_set_annotations(d, rs, "8", true));
  CHECK(rs.metadata.annotations.at(core::kRevisionAnnotation) == "8");
  CHECK(rs.metadata.annotations.at(core::kRevisionHistoryAnnotation) == "4,6");
}

TEST_CASE("Progressing keeps its transition time when only the reason changes", "[controller][deployment_util]") {
  core::DeploymentStatus s;
  core::Time t1 = core::Time{} + std::chrono::seconds(100), t2 = t1 + std::chrono::seconds(5);
  core::set_condition(s, core::new_condition("Progressing", "True", core::kNewReplicaSetReason, "a", t1));
  core::set_condition(s, core::new_condition("Available", "False", core::kMinimumReplicasUnavailable, "b", t1));
  core::set_condition(s, core::new_condition("Progressing", "True", core::kReplicaSetUpdatedReason, "c", t2));
  REQUIRE(s.conditions.size() == 2);
  CHECK(s.conditions[1].type == "Progressing");
  CHECK(s.conditions[1].reason == core::kReplicaSetUpdatedReason);
  CHECK(s.conditions[1].lastTransitionTime == t1);
  CHECK(s.conditions[1].lastUpdateTime == t2);
  // Same status and reason: nothing changes, not even the message.
  core::set_condition(s, core::new_condition("Progressing", "True", core::kReplicaSetUpdatedReason, "d", t2));
  CHECK(s.conditions[1].message == "c");
}
