// join_cluster against the server's real join endpoint over loopback TLS.
#include "realnet/agent/join.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "realnet/net/node_token.h"
#include "realnet/net/test_server_thread.h"
#include "realnet/server/join_handler.h"

namespace ktwin::realnet {
namespace {

namespace fs = std::filesystem;
using testing::test_pki;

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("ktwin-join-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  return dir;
}

TEST_CASE("join_cluster checks the CA against the token, fetches node credentials and keeps them", "[join]") {
  JoinHandler handler(test_pki().ca, "s3cret");
  auto server = std::make_unique<testing::ServerThread>(handler, testing::test_server_options());
  REQUIRE(server->status().is_ok());
  std::string url = "https://127.0.0.1:" + std::to_string(server->port());
  std::string token = format_node_token(test_pki().ca.cert_pem, "s3cret");
  fs::path dir = fresh_dir("ok");

  auto creds = join_cluster(url, token, "worker1", dir.string());
  REQUIRE(creds.is_ok());
  CHECK(!creds->reused);
  CHECK(creds->ca_pem == test_pki().ca.cert_pem);
  auto subject = certificate_subject(creds->client_cert_pem);
  REQUIRE(subject.is_ok());
  CHECK(subject->common_name == "system:node:worker1");
  CHECK(subject->organizations == std::vector<std::string>{"system:nodes"});
  CHECK(certificate_signed_by(creds->client_cert_pem, test_pki().ca.cert_pem));
  for (const char* file : {"ca.crt", "client.crt", "client.key"}) {
    struct stat st {};
    REQUIRE(stat((dir / "agent" / file).c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }

  // A restart reuses them: no server needed.
  server.reset();
  auto again = join_cluster(url, token, "worker1", dir.string());
  REQUIRE(again.is_ok());
  CHECK(again->reused);
  CHECK(again->client_cert_pem == creds->client_cert_pem);
  // ... but not for another node name: that needs the server, which is down.
  auto other = join_cluster(url, token, "worker2", dir.string());
  CHECK(other.status().code() == core::Status::Code::kUnavailable);
  fs::remove_all(dir);
}

TEST_CASE("join_cluster refuses a server whose CA is not the token's, and a wrong secret", "[join]") {
  JoinHandler handler(test_pki().ca, "s3cret");
  testing::ServerThread server(handler, testing::test_server_options());
  REQUIRE(server.status().is_ok());
  std::string url = "https://127.0.0.1:" + std::to_string(server.port());
  fs::path dir = fresh_dir("bad");

  // The token of another cluster (its CA hash differs): refused before the secret is ever sent.
  std::string foreign = format_node_token(create_ca("other").value().cert_pem, "s3cret");
  auto wrong_ca = join_cluster(url, foreign, "worker1", dir.string());
  REQUIRE(!wrong_ca.is_ok());
  CHECK(wrong_ca.status().code() == core::Status::Code::kInvalid);
  CHECK(wrong_ca.status().message().find("does not match the token's CA hash") != std::string::npos);
  CHECK(!fs::exists(dir / "agent" / "client.key"));

  // The right CA but the wrong secret: the server's 401.
  auto wrong_secret = join_cluster(url, format_node_token(test_pki().ca.cert_pem, "guess"), "worker1", dir.string());
  REQUIRE(!wrong_secret.is_ok());
  CHECK(wrong_secret.status().code() == core::Status::Code::kForbidden);
  CHECK(wrong_secret.status().message().find("refused the token") != std::string::npos);

  // Not a token at all.
  CHECK(join_cluster(url, "K10zz", "worker1", dir.string()).status().code() == core::Status::Code::kInvalid);
  // A bare secret works, with a warning that the CA was not pinned.
  std::vector<std::string> warnings;
  auto bare = join_cluster(url, "s3cret", "worker1", dir.string(), [&](const std::string& w) { warnings.push_back(w); });
  REQUIRE(bare.is_ok());
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("no CA hash") != std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ktwin::realnet
