#include "realnet/server/join_handler.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "realnet/net/node_token.h"

using namespace ktwin::realnet;

namespace {

HttpRequest post_credentials(const std::string& authorization, const std::string& body) {
  HttpRequest r;
  r.method = "POST";
  r.target = JoinHandler::kNodeCredentialsPath;
  if (!authorization.empty()) r.headers["authorization"] = authorization;
  r.body = body;
  return r;
}

}  // namespace

TEST_CASE("JoinHandler serves the CA and issues node certificates for the right token only", "[join]") {
  CertificateAndKey ca = create_ca("ca").value();
  JoinHandler join(ca, "topsecret");
  std::string token = format_node_token(ca.cert_pem, "topsecret");

  SECTION("GET /cacerts needs no credentials and hashes to the token's CA hash") {
    HttpRequest r;
    r.method = "GET";
    r.target = "/cacerts";
    HandlerResult res = join.handle(r);
    CHECK(res.response.status == 200);
    CHECK(res.response.body == ca.cert_pem);
    CHECK(parse_node_token(token)->ca_hash == sha256_hex(res.response.body));
  }
  SECTION("the full token or its secret gets CN=system:node:NAME, O=system:nodes") {
    for (const std::string& presented : {token, std::string("topsecret")}) {
      HandlerResult res = join.handle(post_credentials("Bearer " + presented, R"({"nodeName":"worker1"})"));
      REQUIRE(res.response.status == 200);
      nlohmann::json body = nlohmann::json::parse(res.response.body);
      CHECK(body["caCertificate"] == ca.cert_pem);
      auto subject = certificate_subject(body["clientCertificate"].get<std::string>()).value();
      CHECK(subject.common_name == "system:node:worker1");
      CHECK(subject.organizations == std::vector<std::string>{"system:nodes"});
      CHECK(certificate_signed_by(body["clientCertificate"], ca.cert_pem));
      CHECK(body["clientKey"].get<std::string>().find("PRIVATE KEY") != std::string::npos);
    }
  }
  SECTION("a wrong or missing token is 401 with a Status") {
    for (const std::string& auth : {std::string("Bearer nottherightone"), std::string(""),
                                    "Bearer " + format_node_token(create_ca("other").value().cert_pem, "topsecret")}) {
      HandlerResult res = join.handle(post_credentials(auth, R"({"nodeName":"worker1"})"));
      CHECK(res.response.status == 401);
      nlohmann::json status = nlohmann::json::parse(res.response.body);
      CHECK(status["kind"] == "Status");
      CHECK(status["reason"] == "Unauthorized");
      CHECK(status["code"] == 401);
    }
  }
  SECTION("a bad body or node name is 400") {
    CHECK(join.handle(post_credentials("Bearer topsecret", "not json")).response.status == 400);
    CHECK(join.handle(post_credentials("Bearer topsecret", R"({"nodeName":"UPPER_case"})")).response.status == 400);
  }
  SECTION("other methods are 405") {
    HttpRequest r = post_credentials("Bearer topsecret", "");
    r.method = "GET";
    CHECK(join.handle(r).response.status == 405);
  }
}

TEST_CASE("Router sends the join paths to the join handler and the rest to the API", "[join]") {
  struct Named : HttpHandler {
    explicit Named(std::string n) : name(std::move(n)) {}
    HandlerResult handle(const HttpRequest&) override { return HandlerResult{HttpResponse{200, {}, name}, nullptr}; }
    std::string name;
  };
  Named join("join"), api("api");
  Router router(join, api);
  auto body_for = [&](const std::string& target) {
    HttpRequest r;
    r.method = "GET";
    r.target = target;
    return router.handle(r).response.body;
  };
  CHECK(body_for("/cacerts") == "join");
  CHECK(body_for("/cacerts?x=1") == "join");
  CHECK(body_for("/v1-ktwin/node-credentials") == "join");
  CHECK(body_for("/api/v1/nodes") == "api");
  CHECK(body_for("/cacertsX") == "api");
}
