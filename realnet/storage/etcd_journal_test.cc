// EtcdJournal against a real etcd (Debian's etcd-server) started on free loopback ports by each test:
// Kubernetes' key layout, resourceVersions as mod_revisions across a reopen, etcd going away and back,
// two writers, and a Kubernetes cluster's etcd left alone.
#include "realnet/storage/etcd_journal.h"

#include <catch2/catch.hpp>

#include "core/api/codec.h"
#include "core/api/node.h"
#include "core/api/pod.h"
#include "core/util/base64.h"
#include "realnet/storage/etcd_test_server.h"

using namespace ktwin;
using core::Kind;
using realnet::EtcdJournal;
using realnet::testing::EtcdServer;
using realnet::testing::EtcdStore;
using realnet::testing::web_pod;

namespace {

std::map<std::string, nlohmann::json> everything(const core::Store& store) {
  std::map<std::string, nlohmann::json> out;
  for (Kind kind : core::kAllKinds)
    for (const core::ObjectPtr& obj : store.list(kind)) out[core::namespaced_name(*obj)] = core::encode(*obj);
  return out;
}

}  // namespace

TEST_CASE("etcd keys follow Kubernetes' layout", "[storage][etcd]") {
  CHECK(EtcdJournal::key_of(Kind::kPod, "default", "web-1") == "/registry/pods/default/web-1");
  CHECK(EtcdJournal::key_of(Kind::kNode, "", "worker1") == "/registry/minions/worker1");
  CHECK(EtcdJournal::key_of(Kind::kService, "chat", "mongo") == "/registry/services/specs/chat/mongo");
  CHECK(EtcdJournal::key_of(Kind::kEndpoints, "chat", "mongo") == "/registry/services/endpoints/chat/mongo");
  CHECK(core::base64_encode("/registry/x") == "L3JlZ2lzdHJ5L3g=");
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff", 2)})
    CHECK(core::base64_decode(core::base64_encode(s)) == s);
  CHECK_FALSE(core::base64_decode("L3J=ZQ=="));
  CHECK_FALSE(core::base64_decode("abc"));
  auto bad = realnet::EtcdClient::create("https://127.0.0.1:2379", std::chrono::seconds(1));
  CHECK(bad.status().message().find("https is not supported") != std::string::npos);
  CHECK_FALSE(realnet::EtcdClient::create("127.0.0.1:2379", std::chrono::seconds(1)).is_ok());
  // The inverse, for keys the watch reports.
  auto web = EtcdJournal::parse_key("/registry/pods/default/web-1");
  REQUIRE(web);
  CHECK((web->kind == Kind::kPod && web->namespace_ == "default" && web->name == "web-1"));
  auto endpoints = EtcdJournal::parse_key("/registry/services/endpoints/chat/mongo");
  REQUIRE(endpoints);
  CHECK((endpoints->kind == Kind::kEndpoints && endpoints->namespace_ == "chat" && endpoints->name == "mongo"));
  auto node = EtcdJournal::parse_key("/registry/minions/worker1");
  REQUIRE(node);
  CHECK((node->kind == Kind::kNode && node->namespace_.empty() && node->name == "worker1"));
  CHECK_FALSE(EtcdJournal::parse_key("/registry/configmaps/default/x"));  // not modelled
  CHECK_FALSE(EtcdJournal::parse_key("/registry/pods/default"));
  CHECK_FALSE(EtcdJournal::parse_key("/registry/pods/default/a/b"));
  CHECK_FALSE(EtcdJournal::parse_key("/registry/minions/a/b"));
}

namespace {

// The key's mod_revision, read with the etcd client as etcdctl would (etcdctl get -w json).
uint64_t mod_revision(realnet::EtcdClient& client, const std::string& key) {
  auto answer = client.call("/v3/kv/range", {{"key", core::base64_encode(key)}});
  REQUIRE(answer.is_ok());
  const auto& kvs = answer.value().value("kvs", nlohmann::json::array());
  if (kvs.empty()) return 0;
  return realnet::EtcdClient::number(kvs[0], "mod_revision").value();
}

}  // namespace

TEST_CASE("resourceVersions are etcd's mod_revisions, and survive a reopen", "[storage][etcd]") {
  EtcdServer etcd;
  auto client = realnet::EtcdClient::create(etcd.endpoint(), std::chrono::seconds(2)).value();
  std::map<std::string, nlohmann::json> before;
  uint64_t revision = 0;
  {
    EtcdStore d(etcd.endpoint());
    auto a = d.store.create(web_pod("a")).value();
    CHECK(a->metadata.resourceVersion == mod_revision(*client, "/registry/pods/default/a"));
    auto b = d.store.create(web_pod("b")).value();
    auto copy = core::mutable_copy(*core::as<core::Pod>(b));
    copy->status.phase = "Running";
    auto running = d.store.update(copy).value();
    CHECK(running->metadata.resourceVersion == mod_revision(*client, "/registry/pods/default/b"));
    CHECK(running->metadata.resourceVersion > b->metadata.resourceVersion);
    REQUIRE(d.store.create(web_pod("gone")).is_ok());
    REQUIRE(d.store.remove(Kind::kPod, "default", "gone").is_ok());
    auto node = std::make_shared<core::Node>();
    node->metadata.name = "worker1";
    auto worker = d.store.create(node).value();
    CHECK(worker->metadata.resourceVersion == mod_revision(*client, "/registry/minions/worker1"));
    before = everything(d.store);
    revision = d.store.resource_version();
    CHECK(revision == worker->metadata.resourceVersion);  // the store's revision follows etcd's
  }
  EtcdStore d(etcd.endpoint());
  CHECK(everything(d.store) == before);  // the same objects with the same resourceVersions
  CHECK(d.store.resource_version() == revision);
  auto c = d.store.create(web_pod("c")).value();
  CHECK(c->metadata.resourceVersion == revision + 1);
  // The layout an etcdctl user expects: JSON under /registry/<resource>/<namespace>/<name>, without
  // resourceVersion (the mod_revision is the version, as in kube-apiserver).
  auto raw = client->get("/registry/pods/default/b");
  REQUIRE(raw.is_ok());
  REQUIRE(raw.value());
  auto doc = nlohmann::json::parse(*raw.value());
  CHECK(doc["status"]["phase"] == "Running");
  CHECK_FALSE(doc["metadata"].contains("resourceVersion"));
  CHECK(client->get("/registry/minions/worker1").value());
  CHECK_FALSE(client->get("/registry/pods/default/gone").value());
  CHECK(client->get(EtcdJournal::kMarkerKey).value());
}

TEST_CASE("each write is guarded on its own key", "[storage][etcd]") {
  EtcdServer etcd;
  EtcdStore d(etcd.endpoint());
  auto web = d.store.create(web_pod("web")).value();
  SECTION("an update with a stale resourceVersion is Conflict") {
    auto first = core::mutable_copy(*core::as<core::Pod>(web));
    first->status.phase = "Running";
    REQUIRE(d.store.update(first).is_ok());
    auto stale = core::mutable_copy(*core::as<core::Pod>(web));
    stale->status.phase = "Failed";
    CHECK(d.store.update(stale).status().is_conflict());
  }
  SECTION("etcd refuses a write the store's view allowed when the key changed meanwhile") {
    d.datastore().stop();  // the store does not hear of the change below
    auto client = realnet::EtcdClient::create(etcd.endpoint(), std::chrono::seconds(2)).value();
    auto changed = core::encode(*web);
    changed["status"]["phase"] = "Succeeded";
    REQUIRE(client->call("/v3/kv/put", {{"key", core::base64_encode("/registry/pods/default/web")},
                                        {"value", core::base64_encode(changed.dump())}})
                .is_ok());
    auto mine = core::mutable_copy(*core::as<core::Pod>(web));  // the store's latest, etcd's stale
    mine->status.phase = "Running";
    CHECK(d.store.update(mine).status().is_conflict());
    core::DeleteOptions now;
    now.gracePeriodSeconds = 0;
    CHECK(d.store.remove(Kind::kPod, "default", "web", now).is_conflict());
    REQUIRE(client->call("/v3/kv/deleterange", {{"key", core::base64_encode("/registry/pods/default/web")}}).is_ok());
    REQUIRE(client->call("/v3/kv/put", {{"key", core::base64_encode("/registry/pods/default/taken")},
                                        {"value", core::base64_encode(core::encode(*web_pod("taken")).dump())}})
                .is_ok());
    CHECK(d.store.create(web_pod("taken")).status().is_already_exists());
    CHECK_FALSE(d.store.find(Kind::kPod, "default", "taken"));
    CHECK(d.store.find(Kind::kPod, "default", "web") == web);  // nothing the store did not write changed
  }
}

TEST_CASE("while etcd is away writes fail and change nothing, and resume when it is back",
          "[storage][etcd]") {
  EtcdServer etcd;
  EtcdStore d(etcd.endpoint());
  REQUIRE(d.store.create(web_pod("before")).is_ok());
  uint64_t revision = d.store.resource_version();
  etcd.stop();
  auto refused = d.store.create(web_pod("during"));
  CHECK(refused.status().code() == core::Status::Code::kUnavailable);
  CHECK(refused.status().message().find(etcd.endpoint()) != std::string::npos);
  CHECK_FALSE(d.store.find(Kind::kPod, "default", "during"));
  CHECK(d.store.resource_version() == revision);
  etcd.start();
  REQUIRE(d.store.create(web_pod("after")).is_ok());  // the unanswered write had not landed: carry on
  EtcdStore reopened(etcd.endpoint());
  CHECK(reopened.store.list(Kind::kPod).size() == 2);
  CHECK_FALSE(reopened.store.find(Kind::kPod, "default", "during"));
  CHECK(reopened.store.find(Kind::kPod, "default", "after"));
}

TEST_CASE("two servers on one etcd see each other's writes and conflict per object", "[storage][etcd]") {
  EtcdServer etcd;
  EtcdStore first(etcd.endpoint());
  EtcdStore second(etcd.endpoint());
  auto mine = first.store.create(web_pod("mine")).value();
  REQUIRE(second.executor.run_until([&] { return second.store.find(Kind::kPod, "default", "mine") != nullptr; }));
  CHECK(second.store.find(Kind::kPod, "default", "mine")->metadata.resourceVersion == mine->metadata.resourceVersion);
  auto theirs = second.store.create(web_pod("theirs")).value();
  REQUIRE(first.executor.run_until([&] { return first.store.find(Kind::kPod, "default", "theirs") != nullptr; }));
  CHECK(first.store.resource_version() == theirs->metadata.resourceVersion);
  // Both update the same version of one object: etcd takes the first, refuses the second.
  auto a = core::mutable_copy(*core::as<core::Pod>(first.store.find(Kind::kPod, "default", "mine")));
  auto b = core::mutable_copy(*core::as<core::Pod>(second.store.find(Kind::kPod, "default", "mine")));
  a->status.phase = "Running";
  b->status.phase = "Failed";
  REQUIRE(first.store.update(a).is_ok());
  CHECK(second.store.update(b).status().is_conflict());
  // The refused server caught up before answering, so its re-read is the winner's.
  CHECK(core::as<core::Pod>(second.store.find(Kind::kPod, "default", "mine"))->status.phase == "Running");
}

TEST_CASE("an etcd with Kubernetes keys but no ktwin marker is refused and left alone", "[storage][etcd]") {
  EtcdServer etcd;
  auto client = realnet::EtcdClient::create(etcd.endpoint(), std::chrono::seconds(2)).value();
  REQUIRE(client
              ->call("/v3/kv/put", {{"key", core::base64_encode("/registry/pods/default/x")},
                                    {"value", core::base64_encode("k8s\x00protobuf")}})
              .is_ok());
  auto opened = EtcdJournal::open(etcd.endpoint());
  REQUIRE_FALSE(opened.is_ok());
  CHECK(opened.status().message().find("not a ktwin datastore") != std::string::npos);
  CHECK_FALSE(client->get(EtcdJournal::kMarkerKey).value());
  SECTION("one that older ktwin marked with its revision counter is accepted") {
    REQUIRE(client->call("/v3/kv/put", {{"key", core::base64_encode(EtcdJournal::kLegacyRevisionKey)},
                                        {"value", core::base64_encode("7")}})
                .is_ok());
    CHECK(EtcdJournal::open(etcd.endpoint()).is_ok());
    CHECK(client->get(EtcdJournal::kMarkerKey).value());
  }
}
