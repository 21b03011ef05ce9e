// attach_datastore: the server's one call, end to end with the apiserver's allocators.
#include "realnet/storage/datastore.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "core/api/codec.h"
#include "core/api/service.h"
#include "core/apiserver/admitting_store.h"
#include "realnet/storage/sqlite_journal.h"

using namespace ktwin;

namespace {

class IdleExecutor : public core::Executor {
 public:
  core::Time now() const override {
    return std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
  }
  void post(core::Task) override {}
  core::TimerId post_after(core::Duration, core::Task) override { return 0; }
  void cancel(core::TimerId) override {}
};

// One server lifetime: store, datastore, apiserver write path, with the same seeds every time.
struct Server {
  explicit Server(const std::string& data_dir) {
    auto attached = realnet::attach_datastore({.data_dir = data_dir, .endpoint = ""}, store);
    REQUIRE(attached.is_ok());
    journal = std::move(attached).value();
    api = std::make_unique<core::AdmittingStore>(store, config, core::Rng(7, "apiserver"));
  }
  IdleExecutor executor;
  core::MemoryStore store{executor, core::Rng(std::random_device{}(), "store")};
  std::unique_ptr<core::StoreJournal> journal;
  core::ControlPlaneConfig config;
  std::unique_ptr<core::AdmittingStore> api;
};

std::shared_ptr<core::Service> service(std::string name) {
  auto s = std::make_shared<core::Service>();
  s->metadata.name = std::move(name);
  s->spec.type = "NodePort";
  s->spec.ports.push_back({"http", "", "", 80, 0, core::IntOrString::of(8080)});
  return s;
}

}  // namespace

TEST_CASE("a restarted server keeps its Services and hands out no address twice", "[storage]") {
  char tmpl[] = "/tmp/ktwin-datastore-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  core::ObjectPtr first;
  {
    Server server(dir);
    REQUIRE(server.api->create_kubernetes_service().is_ok());
    first = server.api->create(service("letschat")).value();
  }
  CHECK(std::filesystem::exists(dir + "/server/db/state.db"));
  Server server(dir);
  auto kept = core::find<core::Service>(server.store, "default", "letschat");
  REQUIRE(kept);
  CHECK(core::encode(*kept) == core::encode(*first));
  REQUIRE(server.api->create_kubernetes_service().is_ok());  // a restart finds it there and keeps it
  CHECK(core::find<core::Service>(server.store, "default", "kubernetes")->metadata.resourceVersion == 1);
  auto before = core::as<core::Service>(first);
  auto second = core::as<core::Service>(server.api->create(service("mongo")).value());
  CHECK(second->spec.clusterIP != before->spec.clusterIP);
  CHECK(second->spec.ports[0].nodePort != before->spec.ports[0].nodePort);
  std::filesystem::remove_all(dir);
}

TEST_CASE("the datastore needs a data dir or an endpoint", "[storage]") {
  IdleExecutor executor;
  core::MemoryStore store(executor, core::Rng(1, "store"));
  CHECK(realnet::attach_datastore({}, store).status().code() == core::Status::Code::kInvalid);
  auto bad = realnet::attach_datastore({.data_dir = "", .endpoint = "etcd:2379"}, store);
  CHECK(bad.status().message().find("expected http://HOST:PORT") != std::string::npos);
}
