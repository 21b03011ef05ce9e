#include "realnet/server/server.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/api/service.h"
#include "realnet/net/blocking_client.h"
#include "realnet/net/node_token.h"

using namespace ktwin;
using namespace ktwin::realnet;

namespace {

struct WhoAmI : HttpHandler {
  HandlerResult handle(const HttpRequest& r) override {
    return HandlerResult{HttpResponse{200, {{"Content-Type", "application/json"}}, nlohmann::json{{"user", r.user.name}}.dump()},
                         nullptr};
  }
};

// A Server on its own io_context thread, with a throwaway data dir and a free port.
struct ServerFixture {
  // `data_dir` empty: a fresh one, removed afterwards. Port 0 unless `o` names one.
  explicit ServerFixture(ServerOptions o = {}, std::string data_dir = "") : owns_dir(data_dir.empty()) {
    char tmpl[] = "/tmp/ktwin-server-XXXXXX";
    dir = owns_dir ? std::string(mkdtemp(tmpl)) : data_dir;
    o.data_dir = dir;
    o.bind_address = "127.0.0.1";
    o.disable_agent = true;  // the server's own node is covered end to end (tests/realnet/)
    o.ingress_port = 0;
    if (o.https_listen_port == 6443) o.https_listen_port = 0;
    server = std::make_unique<Server>(io, o, [](core::Store&, AsioExecutor&) { return std::make_unique<WhoAmI>(); });
    status = server->start();
    thread = std::thread([this] { io.run(); });
  }
  ~ServerFixture() {
    boost::asio::post(io, [this] {
      server->stop();
      io.stop();
    });
    thread.join();
    server.reset();
    if (owns_dir) std::filesystem::remove_all(dir);
  }
  bool owns_dir;
  std::string dir;
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  std::unique_ptr<Server> server;
  core::Status status;
  std::thread thread;
};

std::string user_seen(BlockingClient& client) {
  auto res = client.request("GET", "/api/v1/nodes");
  REQUIRE(res.is_ok());
  REQUIRE(res->status == 200);
  return nlohmann::json::parse(res->body)["user"];
}

}  // namespace

TEST_CASE("Server: the admin kubeconfig's certificate is system:admin, and a node joins with the token", "[server]") {
  ServerFixture f;
  REQUIRE(f.status.is_ok());
  const ServerPki& pki = f.server->pki();
  CHECK(std::filesystem::exists(f.dir + "/kubeconfig.yaml"));

  BlockingClient admin("127.0.0.1", f.server->port(), pki.ca.cert_pem, &pki.admin);
  REQUIRE(admin.connect().is_ok());
  CHECK(user_seen(admin) == "system:admin");

  // The agent's path: fetch the CA unauthenticated, check it against the token, get a certificate.
  BlockingClient bootstrap("127.0.0.1", f.server->port(), pki.ca.cert_pem);
  REQUIRE(bootstrap.connect().is_ok());
  auto cacerts = bootstrap.request("GET", "/cacerts");
  REQUIRE(cacerts.is_ok());
  CHECK(parse_node_token(pki.node_token)->ca_hash == sha256_hex(cacerts->body));
  auto wrong = bootstrap.request("POST", "/v1-ktwin/node-credentials", R"({"nodeName":"worker1"})",
                                 {{"Authorization", "Bearer K10" + std::string(64, '0') + "::server:nope"}});
  REQUIRE(wrong.is_ok());
  CHECK(wrong->status == 401);
  auto creds = bootstrap.request("POST", "/v1-ktwin/node-credentials", R"({"nodeName":"worker1"})",
                                 {{"Authorization", "Bearer " + pki.node_token}});
  REQUIRE(creds.is_ok());
  REQUIRE(creds->status == 200);
  nlohmann::json body = nlohmann::json::parse(creds->body);
  CertificateAndKey node{body["clientCertificate"], body["clientKey"]};
  BlockingClient worker("127.0.0.1", f.server->port(), body["caCertificate"], &node);
  REQUIRE(worker.connect().is_ok());
  CHECK(user_seen(worker) == "system:node:worker1");
  CHECK(user_seen(bootstrap) == "");
}

TEST_CASE("Server creates the kubernetes Service and keeps its CA and token across restarts", "[server]") {
  char tmpl[] = "/tmp/ktwin-restart-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::string ca, token;
  {
    ServerFixture f({}, dir);
    REQUIRE(f.status.is_ok());
    ca = f.server->pki().ca.cert_pem;
    token = f.server->pki().node_token;
    CHECK(f.server->store().find(core::Kind::kService, "default", "kubernetes"));
  }
  {
    ServerFixture again({}, dir);
    REQUIRE(again.status.is_ok());
    CHECK(again.server->pki().ca.cert_pem == ca);
    CHECK(again.server->pki().node_token == token);
    // The old kubeconfig's certificate still works against the restarted server.
    BlockingClient admin("127.0.0.1", again.server->port(), ca, &again.server->pki().admin);
    REQUIRE(admin.connect().is_ok());
    CHECK(user_seen(admin) == "system:admin");
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("Server start fails clearly when the port is taken", "[server]") {
  ServerFixture first;
  REQUIRE(first.status.is_ok());
  ServerOptions o;
  o.https_listen_port = first.server->port();
  ServerFixture second(o);
  REQUIRE_FALSE(second.status.is_ok());
  CHECK(second.status.message().find("cannot listen on 127.0.0.1:") != std::string::npos);
}
