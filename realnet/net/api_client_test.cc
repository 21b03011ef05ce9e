// ApiClient over loopback TLS against the real HttpServer on its own thread.
#include "realnet/net/api_client.h"

#include <catch2/catch.hpp>
#include <thread>

#include "realnet/net/test_server_thread.h"

namespace ktwin::realnet {
namespace {

using testing::test_pki;

// "/whoami" answers the authenticated user; "/slow" stalls the server; "/watch" streams three
// events and ends; "/forever" streams until the client leaves.
class TestHandler : public HttpHandler {
 public:
  std::atomic<int> cancelled{0};
  HandlerResult handle(const HttpRequest& request) override {
    HandlerResult r;
    if (request.target == "/whoami") {
      r.response.body = request.user.name + " " + request.header("authorization");
    } else if (request.target == "/slow") {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    } else if (request.target == "/watch" || request.target == "/forever") {
      struct Events : ResponseStream {
        bool forever;
        TestHandler* owner;
        void start(Send send, Close close) override {
          for (int i = 1; i <= 3; ++i) send("{\"n\":" + std::to_string(i) + "}\n");
          if (!forever) close();
        }
        void cancel() override { ++owner->cancelled; }
      };
      auto s = std::make_unique<Events>();
      s->forever = request.target == "/forever";
      s->owner = this;
      r.response.headers = {{"Content-Type", "application/json"}};
      r.stream = std::move(s);
    } else {
      r.response.status = 404;
      r.response.body = "{\"kind\":\"Status\",\"code\":404}";
    }
    return r;
  }
};

ApiClientConfig admin_config(uint16_t port) {
  ApiClientConfig c;
  c.server = "https://127.0.0.1:" + std::to_string(port);
  c.ca_pem = test_pki().ca.cert_pem;
  c.client_cert_pem = test_pki().admin.cert_pem;
  c.client_key_pem = test_pki().admin.key_pem;
  return c;
}

HttpRequest get(const std::string& target) {
  HttpRequest r;
  r.method = "GET";
  r.target = target;
  return r;
}

TEST_CASE("ApiClient sends requests with its client certificate over one kept-alive connection", "[api_client]") {
  TestHandler handler;
  testing::ServerThread server(handler, testing::test_server_options());
  REQUIRE(server.status().is_ok());
  boost::asio::io_context io;
  auto client = ApiClient::create(io, admin_config(server.port()));
  REQUIRE(client.is_ok());
  for (int i = 0; i < 3; ++i) {
    auto r = client.value()->request(get("/whoami"), std::chrono::seconds(5));
    REQUIRE(r.is_ok());
    CHECK(r->status == 200);
    CHECK(r->body == "system:admin ");
  }
  CHECK(client.value()->connections_opened() == 1);
  auto missing = client.value()->request(get("/nope"), std::chrono::seconds(5));
  REQUIRE(missing.is_ok());
  CHECK(missing->status == 404);

  // A bearer token rides along when configured (the join step's credentials request).
  ApiClientConfig with_token = admin_config(server.port());
  with_token.bearer_token = "K10abc::server:s3cret";
  auto tokened = ApiClient::create(io, with_token);
  REQUIRE(tokened.is_ok());
  auto r = tokened.value()->request(get("/whoami"), std::chrono::seconds(5));
  REQUIRE(r.is_ok());
  CHECK(r->body == "system:admin Bearer K10abc::server:s3cret");
}

TEST_CASE("ApiClient verifies the server against its CA, and skips that only without one", "[api_client]") {
  TestHandler handler;
  testing::ServerThread server(handler, testing::test_server_options());
  REQUIRE(server.status().is_ok());
  boost::asio::io_context io;
  ApiClientConfig other = admin_config(server.port());
  other.ca_pem = create_ca("some-other-ca").value().cert_pem;
  auto client = ApiClient::create(io, other);
  REQUIRE(client.is_ok());
  auto r = client.value()->request(get("/whoami"), std::chrono::seconds(5));
  REQUIRE(!r.is_ok());
  CHECK(r.status().code() == core::Status::Code::kUnavailable);
  CHECK(r.status().message().find("certificate verify failed") != std::string::npos);

  ApiClientConfig insecure;
  insecure.server = "https://127.0.0.1:" + std::to_string(server.port());
  auto anonymous = ApiClient::create(io, insecure);
  REQUIRE(anonymous.is_ok());
  auto a = anonymous.value()->request(get("/whoami"), std::chrono::seconds(5));
  REQUIRE(a.is_ok());
  CHECK(a->body == " ");  // no client certificate: anonymous

  ApiClientConfig bad = admin_config(server.port());
  bad.ca_pem = "not a pem";
  CHECK(ApiClient::create(io, bad).status().code() == core::Status::Code::kInvalid);
  bad = admin_config(server.port());
  bad.server = "http://127.0.0.1:6443";
  CHECK(ApiClient::create(io, bad).status().code() == core::Status::Code::kInvalid);
}

TEST_CASE("ApiClient gives up at the request's deadline and when nothing listens", "[api_client]") {
  TestHandler handler;
  testing::ServerThread server(handler, testing::test_server_options());
  REQUIRE(server.status().is_ok());
  boost::asio::io_context io;
  auto client = ApiClient::create(io, admin_config(server.port()));
  REQUIRE(client.is_ok());
  auto start = std::chrono::steady_clock::now();
  auto r = client.value()->request(get("/slow"), std::chrono::milliseconds(300));
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(!r.is_ok());
  CHECK(r.status().message().find("timed out") != std::string::npos);
  CHECK(took < std::chrono::milliseconds(1200));
  // The connection was dropped with the timeout; the next request opens a fresh one and works.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto again = client.value()->request(get("/whoami"), std::chrono::seconds(5));
  REQUIRE(again.is_ok());
  CHECK(again->status == 200);

  ApiClientConfig nowhere = admin_config(1);  // port 1: refused on loopback
  auto refused = ApiClient::create(io, nowhere).value()->request(get("/whoami"), std::chrono::seconds(2));
  REQUIRE(!refused.is_ok());
  CHECK(refused.status().message().find("connect") != std::string::npos);
}

TEST_CASE("ApiClient streams a watch chunk by chunk until the server ends it, or the client cancels", "[api_client]") {
  TestHandler handler;
  testing::ServerThread server(handler, testing::test_server_options());
  REQUIRE(server.status().is_ok());
  boost::asio::io_context io;
  auto client = ApiClient::create(io, admin_config(server.port()));
  REQUIRE(client.is_ok());
  std::string body;
  int head = 0;
  std::optional<core::Status> closed;
  StreamCallbacks cb;
  cb.on_head = [&](const HttpResponse& h) { head = h.status; };
  cb.on_chunk = [&](std::string chunk) { body += chunk; };
  cb.on_closed = [&](core::Status why) { closed = why; };
  auto stream = client.value()->stream(get("/watch"), cb);
  CHECK(head == 0);  // never inside stream()
  io.run_for(std::chrono::seconds(5));
  CHECK(head == 200);
  CHECK(body == "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
  REQUIRE(closed);
  CHECK(closed->is_ok());

  // An error head carries the whole answer, then the stream ends.
  io.restart();
  std::string error_body;
  closed.reset();
  cb.on_head = [&](const HttpResponse& h) {
    head = h.status;
    error_body = h.body;
  };
  auto missing = client.value()->stream(get("/nope"), cb);
  io.run_for(std::chrono::seconds(5));
  CHECK(head == 404);
  CHECK(error_body == "{\"kind\":\"Status\",\"code\":404}");
  CHECK(closed);

  // Cancelling a stream that goes on closes the connection: the server cancels its side.
  io.restart();
  body.clear();
  closed.reset();
  cb.on_head = [&](const HttpResponse& h) { head = h.status; };
  auto forever = client.value()->stream(get("/forever"), cb);
  while (body.size() < 24 && io.run_one_for(std::chrono::seconds(5))) {
  }
  CHECK(body == "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
  forever->cancel();
  io.run_for(std::chrono::milliseconds(200));
  for (int i = 0; i < 50 && handler.cancelled == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(handler.cancelled == 1);
  CHECK(!closed);  // no callback after cancel
}

}  // namespace
}  // namespace ktwin::realnet
