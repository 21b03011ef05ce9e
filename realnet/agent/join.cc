#include "realnet/agent/join.h"

#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "realnet/agent/api_status.h"
#include "realnet/net/api_client.h"
#include "realnet/net/node_token.h"
#include "realnet/net/pki.h"

namespace ktwin::realnet {
namespace {

namespace fs = std::filesystem;
constexpr auto kTimeout = std::chrono::seconds(15);

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

core::Status write_private(const fs::path& path, const std::string& data) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return core::Status::unavailable("cannot write " + tmp.string());
    ::chmod(tmp.c_str(), 0600);  // before the key is in it
    out << data;
    if (!out.flush()) return core::Status::unavailable("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return core::Status::unavailable("cannot rename " + tmp.string() + ": " + ec.message());
  return core::Status::ok();
}

}  // namespace

core::Result<AgentCredentials> join_cluster(const std::string& server_url, const std::string& token,
                                            const std::string& node_name, const std::string& data_dir,
                                            const std::function<void(const std::string&)>& warn) {
  auto parsed = parse_node_token(token);
  if (!parsed) return core::Status::invalid("--token: not a node token (K10<hash>::server:<secret>) or a secret");
  fs::path dir = fs::path(data_dir) / "agent";
  fs::path ca_path = dir / "ca.crt", cert_path = dir / "client.crt", key_path = dir / "client.key";
  std::string user = "system:node:" + node_name;

  if (fs::exists(ca_path) && fs::exists(cert_path) && fs::exists(key_path)) {
    AgentCredentials saved{read_file(ca_path), read_file(cert_path), read_file(key_path), true};
    auto subject = certificate_subject(saved.client_cert_pem);
    bool same_cluster = parsed->ca_hash.empty() || sha256_hex(saved.ca_pem) == parsed->ca_hash;
    if (subject.is_ok() && subject->common_name == user && same_cluster &&
        certificate_signed_by(saved.client_cert_pem, saved.ca_pem))
      return saved;
    if (warn) warn("saved credentials in " + dir.string() + " are for another node or cluster: joining again");
  }

  boost::asio::io_context io;
  ApiClientConfig insecure;
  insecure.server = server_url;
  auto bootstrap = ApiClient::create(io, insecure);
  if (!bootstrap.is_ok()) return bootstrap.status();
  HttpRequest get;
  get.method = "GET";
  get.target = "/cacerts";
  auto cacerts = bootstrap.value()->request(get, kTimeout);
  if (!cacerts.is_ok()) return cacerts.status();
  if (cacerts->status != 200)
    return core::Status::unavailable("GET " + server_url + "/cacerts: " + status_from_response(cacerts.value()).message());
  std::string ca_pem = cacerts->body;
  std::string hash = sha256_hex(ca_pem);
  if (parsed->ca_hash.empty()) {
    if (warn) warn("the token has no CA hash: trusting the CA the server sent (sha256 " + hash + ") unverified");
  } else if (hash != parsed->ca_hash) {
    // k3s: "token CA hash does not match the Cluster CA certificate hash".
    return core::Status::invalid("the server's CA certificate (sha256 " + hash + ") does not match the token's CA hash " +
                                 parsed->ca_hash + ": a token of another cluster, or not the server you meant");
  }

  ApiClientConfig pinned;
  pinned.server = server_url;
  pinned.ca_pem = ca_pem;
  pinned.bearer_token = token;
  auto client = ApiClient::create(io, pinned);
  if (!client.is_ok()) return core::Status::invalid("the server's CA certificate: " + client.status().message());
  HttpRequest post;
  post.method = "POST";
  post.target = "/v1-ktwin/node-credentials";
  post.headers["content-type"] = "application/json";
  post.headers["accept"] = "application/json";
  post.body = nlohmann::json{{"nodeName", node_name}}.dump();
  auto answer = client.value()->request(post, kTimeout);
  if (!answer.is_ok()) return answer.status();
  if (answer->status != 200) {
    core::Status s = status_from_response(answer.value());
    if (answer->status == 401) return core::Status::forbidden("the server refused the token: " + s.message());
    return s;
  }
  auto doc = nlohmann::json::parse(answer->body, nullptr, false);
  auto field = [&](const char* name) {
    return doc.is_object() && doc.contains(name) && doc[name].is_string() ? doc[name].get<std::string>() : "";
  };
  AgentCredentials creds{field("caCertificate"), field("clientCertificate"), field("clientKey"), false};
  if (creds.ca_pem.empty()) creds.ca_pem = ca_pem;
  if (creds.client_cert_pem.empty() || creds.client_key_pem.empty())
    return core::Status::unavailable("the server's node credentials lack a certificate or key");
  if (sha256_hex(creds.ca_pem) != hash) return core::Status::invalid("the node credentials name a different CA than /cacerts");

  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return core::Status::unavailable("cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, ec);
  for (auto [path, data] : {std::pair{ca_path, creds.ca_pem}, {cert_path, creds.client_cert_pem}, {key_path, creds.client_key_pem}})
    if (auto s = write_private(path, data); !s.is_ok()) return s;
  return creds;
}

}  // namespace ktwin::realnet
