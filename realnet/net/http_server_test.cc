#include "realnet/net/http_server.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <atomic>
#include <mutex>

#include "realnet/net/blocking_client.h"
#include "realnet/net/test_server_thread.h"

using namespace ktwin::realnet;
using ktwin::realnet::testing::ServerThread;
using ktwin::realnet::testing::test_pki;
using ktwin::realnet::testing::test_server_options;

namespace {

// A stream the test drives from the server thread; cancelled is read from the test thread.
struct TestStream : ResponseStream {
  struct State {
    ResponseStream::Send send;
    ResponseStream::Close close;
    std::promise<void> started;
    std::promise<void> cancelled;
    std::atomic<bool> was_cancelled{false};
  };
  explicit TestStream(std::shared_ptr<State> s) : state(std::move(s)) {}
  void start(Send send, Close close) override {
    state->send = std::move(send);
    state->close = std::move(close);
    state->started.set_value();
  }
  void cancel() override {
    state->was_cancelled = true;
    state->cancelled.set_value();
  }
  std::shared_ptr<State> state;
};

// Echoes who it saw; "/stream" opens a TestStream.
struct EchoHandler : HttpHandler {
  HandlerResult handle(const HttpRequest& r) override {
    HandlerResult result;
    if (r.target == "/stream") {
      result.response.headers = {{"Content-Type", "application/json"}};
      result.stream = std::make_unique<TestStream>(stream_state);
      return result;
    }
    nlohmann::json body = {{"user", r.user.name}, {"groups", r.user.groups}, {"method", r.method},
                           {"target", r.target},  {"body", r.body},          {"accept", r.header("accept")}};
    result.response.headers = {{"Content-Type", "application/json"}};
    result.response.body = body.dump();
    return result;
  }
  std::shared_ptr<TestStream::State> stream_state = std::make_shared<TestStream::State>();
};

nlohmann::json get_json(BlockingClient& client, const std::string& target,
                        const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  auto res = client.request("GET", target, "", headers);
  REQUIRE(res.is_ok());
  REQUIRE(res->status == 200);
  return nlohmann::json::parse(res->body);
}

}  // namespace

TEST_CASE("HttpServer authenticates by client certificate, bearer token, or not at all", "[http_server]") {
  EchoHandler handler;
  HttpServerOptions options = test_server_options();
  options.tokens["s3cret"] = UserInfo{"alice", {"dev"}};
  ServerThread server(handler, options);
  REQUIRE(server.status().is_ok());

  SECTION("a client certificate from the cluster CA is its CN and O groups") {
    BlockingClient client("127.0.0.1", server.port(), test_pki().ca.cert_pem, &test_pki().admin);
    REQUIRE(client.connect().is_ok());
    nlohmann::json seen = get_json(client, "/api/v1/nodes?limit=500", {{"Accept", "application/json"}});
    CHECK(seen["user"] == "system:admin");
    CHECK(seen["groups"] == nlohmann::json::array({"system:masters", "system:authenticated"}));
    CHECK(seen["target"] == "/api/v1/nodes?limit=500");
    CHECK(seen["accept"] == "application/json");
  }
  SECTION("a bearer token from the table is its user") {
    BlockingClient client("127.0.0.1", server.port(), test_pki().ca.cert_pem);
    REQUIRE(client.connect().is_ok());
    nlohmann::json seen = get_json(client, "/api", {{"Authorization", "Bearer s3cret"}});
    CHECK(seen["user"] == "alice");
    CHECK(seen["groups"] == nlohmann::json::array({"dev", "system:authenticated"}));
  }
  SECTION("an unknown token or none is anonymous, and the handler still answers") {
    BlockingClient client("127.0.0.1", server.port(), test_pki().ca.cert_pem);
    REQUIRE(client.connect().is_ok());
    CHECK(get_json(client, "/api", {{"Authorization", "Bearer wrong"}})["user"] == "");
    nlohmann::json seen = get_json(client, "/api");  // the same connection: keep-alive
    CHECK(seen["user"] == "");
    CHECK(seen["groups"].empty());
  }
  SECTION("a client certificate from another CA fails the handshake") {
    CertificateAndKey other_ca = create_ca("other").value();
    CertificateRequest r;
    r.common_name = "system:admin";
    r.organizations = {"system:masters"};
    r.client = true;
    CertificateAndKey forged = issue_certificate(other_ca, r).value();
    BlockingClient client("127.0.0.1", server.port(), test_pki().ca.cert_pem, &forged);
    auto connected = client.connect();
    bool refused = !connected.is_ok() || !client.request("GET", "/api").is_ok();  // TLS 1.3 reports it late
    CHECK(refused);
  }
  SECTION("a POST body reaches the handler") {
    BlockingClient client("127.0.0.1", server.port(), test_pki().ca.cert_pem, &test_pki().admin);
    REQUIRE(client.connect().is_ok());
    auto res = client.request("POST", "/api/v1/namespaces/default/pods", R"({"kind":"Pod"})",
                              {{"Content-Type", "application/json"}});
    REQUIRE(res.is_ok());
    nlohmann::json seen = nlohmann::json::parse(res->body);
    CHECK(seen["method"] == "POST");
    CHECK(seen["body"] == R"({"kind":"Pod"})");
  }
}

TEST_CASE("HttpServer answers a too large body with 413 and a Status", "[http_server]") {
  EchoHandler handler;
  HttpServerOptions options = test_server_options();
  options.body_limit = 1000;
  ServerThread server(handler, options);
  REQUIRE(server.status().is_ok());
  BlockingClient client("127.0.0.1", server.port(), test_pki().ca.cert_pem);
  REQUIRE(client.connect().is_ok());
  auto res = client.request("POST", "/api/v1/namespaces", std::string(5000, 'x'));
  REQUIRE(res.is_ok());
  CHECK(res->status == 413);
  CHECK(nlohmann::json::parse(res->body)["kind"] == "Status");
}

TEST_CASE("HttpServer sends a stream chunk by chunk and cancels it when the client goes away", "[http_server]") {
  EchoHandler handler;
  ServerThread server(handler, test_server_options());
  REQUIRE(server.status().is_ok());
  auto state = handler.stream_state;
  BlockingClient client("127.0.0.1", server.port(), test_pki().ca.cert_pem, &test_pki().admin);
  REQUIRE(client.connect().is_ok());
  auto head = client.open_stream("/stream");
  REQUIRE(head.is_ok());
  CHECK(head->status == 200);
  REQUIRE(state->started.get_future().wait_for(std::chrono::seconds(5)) == std::future_status::ready);

  // The second chunk is sent only after the first arrived: each is flushed on its own.
  server.run([&] { state->send("{\"type\":\"ADDED\"}\n"); });
  auto first = client.next_chunk();
  REQUIRE(first.is_ok());
  CHECK(first.value() == "{\"type\":\"ADDED\"}\n");
  server.run([&] { state->send("{\"type\":\"MODIFIED\"}\n"); });
  auto second = client.next_chunk();
  REQUIRE(second.is_ok());
  CHECK(second.value() == "{\"type\":\"MODIFIED\"}\n");

  SECTION("the client closing the connection cancels the stream") {
    auto cancelled = state->cancelled.get_future();
    client.close();
    REQUIRE(cancelled.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    CHECK(server.run([&] { return server.server().open_connections(); }) == 0);
  }
  SECTION("the handler closing ends the body and is no cancel") {
    server.run([&] { state->close(); });
    auto end = client.next_chunk();
    REQUIRE(end.is_ok());
    CHECK(end.value() == "");
    server.run([&] { state->send("late"); });  // ignored after close
    CHECK_FALSE(state->was_cancelled);
  }
  SECTION("stopping the server cancels the stream") {
    server.run([&] { server.server().stop(); });
    CHECK(state->was_cancelled);
  }
}

TEST_CASE("HttpServer serves 50 concurrent clients while a stalled one holds a connection", "[http_server]") {
  EchoHandler handler;
  ServerThread server(handler, test_server_options());
  REQUIRE(server.status().is_ok());

  // A client that sends half a request and stops: it must not hold up anyone.
  boost::asio::io_context raw_io;
  boost::asio::ip::tcp::socket stalled(raw_io);
  stalled.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  boost::asio::write(stalled, boost::asio::buffer(std::string("\x16\x03\x01\x00")));  // a TLS record, cut short

  constexpr int kClients = 50;
  std::vector<std::unique_ptr<BlockingClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<BlockingClient>("127.0.0.1", server.port(), test_pki().ca.cert_pem,
                                                       &test_pki().admin));
    REQUIRE(clients.back()->connect().is_ok());
  }
  // Every connection is open at once; then each thread makes its requests.
  CHECK(server.run([&] { return server.server().open_connections(); }) == kClients + 1);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < 5; ++n) {
        auto res = clients[i]->request("GET", "/api/v1/pods?client=" + std::to_string(i));
        if (res.is_ok() && res->status == 200 &&
            nlohmann::json::parse(res->body)["target"] == "/api/v1/pods?client=" + std::to_string(i))
          ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(ok == kClients * 5);
}

TEST_CASE("HttpServer start reports an address in use", "[http_server]") {
  EchoHandler handler;
  ServerThread first(handler, test_server_options());
  REQUIRE(first.status().is_ok());
  HttpServerOptions options = test_server_options();
  options.port = first.port();
  ServerThread second(handler, options);
  CHECK_FALSE(second.status().is_ok());
  CHECK(second.status().message().find("cannot listen on 127.0.0.1:") != std::string::npos);
}
