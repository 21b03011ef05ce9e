#include "realnet/net/server_pki.h"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>

#include "core/util/base64.h"
#include <filesystem>
#include <fstream>
#include <sstream>

#include "realnet/net/node_token.h"

using namespace ktwin::realnet;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/ktwin-pki-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string path;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string base64_decode(const std::string& in) { return ktwin::core::base64_decode(in).value_or(""); }

}  // namespace

TEST_CASE("ensure_server_pki creates the CA, certificates, kubeconfig and node token", "[pki]") {
  TempDir dir;
  ServerPkiOptions options;
  options.port = 7443;
  options.sans = {"10.199.0.1", "0.0.0.0", "server.example"};
  auto pki = ensure_server_pki(dir.path, options);
  REQUIRE(pki.is_ok());

  auto serving = certificate_subject(pki->serving.cert_pem).value();
  std::vector<std::string> want_ips = {"127.0.0.1", "10.199.0.1", "10.43.0.1"};
  for (const std::string& ip : local_addresses()) want_ips.push_back(ip);  // what agents dial
  for (const std::string& ip : want_ips)
    CHECK(std::find(serving.ip_addresses.begin(), serving.ip_addresses.end(), ip) != serving.ip_addresses.end());
  CHECK(std::find(serving.ip_addresses.begin(), serving.ip_addresses.end(), "0.0.0.0") == serving.ip_addresses.end());
  for (const char* dns : {"localhost", "kubernetes.default.svc", "server.example"})
    CHECK(std::find(serving.dns_names.begin(), serving.dns_names.end(), dns) != serving.dns_names.end());
  CHECK(certificate_signed_by(pki->serving.cert_pem, pki->ca.cert_pem));

  auto admin = certificate_subject(pki->admin.cert_pem).value();
  CHECK(admin.common_name == "system:admin");
  CHECK(admin.organizations == std::vector<std::string>{"system:masters"});

  SECTION("the kubeconfig is what kubectl reads, mode 0600") {
    struct stat st;
    REQUIRE(stat(pki->kubeconfig_path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    YAML::Node config = YAML::LoadFile(pki->kubeconfig_path);
    CHECK(config["current-context"].as<std::string>() == "default");
    YAML::Node cluster = config["clusters"][0]["cluster"];
    CHECK(cluster["server"].as<std::string>() == "https://127.0.0.1:7443");
    CHECK(base64_decode(cluster["certificate-authority-data"].as<std::string>()) == pki->ca.cert_pem);
    YAML::Node user = config["users"][0]["user"];
    CHECK(base64_decode(user["client-certificate-data"].as<std::string>()) == pki->admin.cert_pem);
    CHECK(base64_decode(user["client-key-data"].as<std::string>()) == pki->admin.key_pem);
    CHECK(config["contexts"][0]["context"]["user"].as<std::string>() == config["users"][0]["name"].as<std::string>());
  }
  SECTION("the node token is K10<sha256 of the CA PEM>::server:<secret>") {
    std::string token = slurp(fs::path(dir.path) / "server" / "node-token");
    CHECK(token == pki->node_token + "\n");
    CHECK(pki->node_token == "K10" + sha256_hex(pki->ca.cert_pem) + "::server:" + pki->token_secret);
    CHECK(pki->token_secret.size() == 32);
  }
  SECTION("keys are private") {
    struct stat st;
    REQUIRE(stat((fs::path(dir.path) / "server" / "tls" / "server-ca.key").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
  SECTION("a second start reuses the CA, the certificates and the token secret") {
    auto again = ensure_server_pki(dir.path, options);
    REQUIRE(again.is_ok());
    CHECK(again->ca.cert_pem == pki->ca.cert_pem);
    CHECK(again->ca.key_pem == pki->ca.key_pem);
    CHECK(again->serving.cert_pem == pki->serving.cert_pem);
    CHECK(again->admin.cert_pem == pki->admin.cert_pem);
    CHECK(again->node_token == pki->node_token);
  }
  SECTION("a new SAN reissues the serving certificate under the same CA") {
    options.sans.push_back("10.199.0.7");
    auto again = ensure_server_pki(dir.path, options);
    REQUIRE(again.is_ok());
    CHECK(again->ca.cert_pem == pki->ca.cert_pem);
    CHECK(again->serving.cert_pem != pki->serving.cert_pem);
    auto s = certificate_subject(again->serving.cert_pem).value();
    CHECK(std::find(s.ip_addresses.begin(), s.ip_addresses.end(), "10.199.0.7") != s.ip_addresses.end());
  }
  SECTION("--token replaces the secret") {
    options.token_secret = "mysecret";
    auto again = ensure_server_pki(dir.path, options);
    REQUIRE(again.is_ok());
    CHECK(again->node_token == "K10" + sha256_hex(pki->ca.cert_pem) + "::server:mysecret");
  }
}

TEST_CASE("ensure_server_pki reports a data dir it cannot create", "[pki]") {
  auto pki = ensure_server_pki("/proc/ktwin-no-such-dir", {});
  REQUIRE_FALSE(pki.is_ok());
  CHECK(pki.status().message().find("/proc/ktwin-no-such-dir/server/tls") != std::string::npos);
}

TEST_CASE("issue_node_credentials gives system:node:NAME in system:nodes, signed by the CA", "[pki]") {
  CertificateAndKey ca = create_ca("ca").value();
  auto creds = issue_node_credentials(ca, "worker1");
  REQUIRE(creds.is_ok());
  auto subject = certificate_subject(creds->cert_pem).value();
  CHECK(subject.common_name == "system:node:worker1");
  CHECK(subject.organizations == std::vector<std::string>{"system:nodes"});
  CHECK(certificate_signed_by(creds->cert_pem, ca.cert_pem));
  CHECK_FALSE(certificate_signed_by(creds->cert_pem, create_ca("other").value().cert_pem));
  CHECK_FALSE(issue_node_credentials(ca, "Bad_Name").is_ok());
  CHECK_FALSE(issue_node_credentials(ca, "").is_ok());
}

TEST_CASE("issue_certificate refuses a SAN that is no IP address", "[pki]") {
  CertificateAndKey ca = create_ca("ca").value();
  CertificateRequest r;
  r.common_name = "x";
  r.ip_addresses = {"300.1.1.1"};
  auto issued = issue_certificate(ca, r);
  REQUIRE_FALSE(issued.is_ok());
  CHECK(issued.status().message() == "\"300.1.1.1\" is not an IP address");
}

TEST_CASE("node tokens match in full or by their secret, only for the right CA", "[pki]") {
  std::string ca = create_ca("ca").value().cert_pem;
  std::string token = format_node_token(ca, "abc123");
  CHECK(node_token_matches(token, ca, "abc123"));
  CHECK(node_token_matches("abc123", ca, "abc123"));
  CHECK_FALSE(node_token_matches("abc124", ca, "abc123"));
  CHECK_FALSE(node_token_matches(format_node_token(create_ca("other").value().cert_pem, "abc123"), ca, "abc123"));
  CHECK_FALSE(node_token_matches("", ca, "abc123"));
  CHECK_FALSE(node_token_matches("K10deadbeef::server:abc123", ca, "abc123"));
  auto parsed = parse_node_token(token);
  REQUIRE(parsed);
  CHECK(parsed->user == "server");
  CHECK(parsed->secret == "abc123");
  CHECK(parsed->ca_hash == sha256_hex(ca));
}
