// ensure_server_pki: each file is read if present and valid, else created; keys are written 0600.
#include "realnet/net/server_pki.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <boost/asio/ip/address.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "realnet/net/kubeconfig.h"
#include "realnet/net/node_token.h"

namespace ktwin::realnet {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::optional<CertificateAndKey> read_pair(const fs::path& dir, const std::string& name) {
  auto cert = read_file(dir / (name + ".crt"));
  auto key = read_file(dir / (name + ".key"));
  if (!cert || !key || !certificate_subject(*cert).is_ok()) return std::nullopt;
  return CertificateAndKey{*cert, *key};
}

core::Status write_pair(const fs::path& dir, const std::string& name, const CertificateAndKey& pair) {
  if (auto s = write_private_file((dir / (name + ".crt")).string(), pair.cert_pem); !s.is_ok()) return s;
  return write_private_file((dir / (name + ".key")).string(), pair.key_pem);
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

bool is_ip(const std::string& text) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(text, ec);
  return !ec;
}

CertificateRequest serving_request(const ServerPkiOptions& options) {
  CertificateRequest r;
  r.common_name = "kube-apiserver";
  r.server = true;
  std::vector<std::string> names = {"127.0.0.1", "localhost", "kubernetes", "kubernetes.default",
                                    "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"};
  if (!options.service_ip.empty()) names.push_back(options.service_ip);
  if (std::string h = host_name(); !h.empty()) names.push_back(h);
  for (const std::string& san : options.sans)
    if (!san.empty() && san != "0.0.0.0" && san != "::") names.push_back(san);  // wildcards are no names
  for (const std::string& n : names) {
    auto& list = is_ip(n) ? r.ip_addresses : r.dns_names;
    if (std::find(list.begin(), list.end(), n) == list.end()) list.push_back(n);
  }
  return r;
}

bool covers(const CertificateAndKey& cert, const CertificateRequest& want) {
  auto subject = certificate_subject(cert.cert_pem);
  if (!subject.is_ok()) return false;
  auto has_all = [](const std::vector<std::string>& have, const std::vector<std::string>& need) {
    return std::all_of(need.begin(), need.end(),
                       [&](const std::string& n) { return std::find(have.begin(), have.end(), n) != have.end(); });
  };
  return has_all(subject->dns_names, want.dns_names) && has_all(subject->ip_addresses, want.ip_addresses);
}

}  // namespace

core::Result<ServerPki> ensure_server_pki(const std::string& data_dir, const ServerPkiOptions& options) {
  fs::path tls = fs::path(data_dir) / "server" / "tls";
  std::error_code ec;
  fs::create_directories(tls, ec);
  if (ec) return core::Status::unavailable("cannot create " + tls.string() + ": " + ec.message());
  fs::permissions(tls, fs::perms::owner_all, ec);

  ServerPki pki;
  pki.tls_dir = tls.string();
  if (auto ca = read_pair(tls, "server-ca")) {
    pki.ca = *ca;
  } else {
    auto created = create_ca("ktwin-server-ca@" + std::to_string(::time(nullptr)));
    if (!created.is_ok()) return created.status();
    pki.ca = created.value();
    if (auto s = write_pair(tls, "server-ca", pki.ca); !s.is_ok()) return s;
  }

  CertificateRequest serving = serving_request(options);
  auto existing_serving = read_pair(tls, "serving-kube-apiserver");
  if (existing_serving && certificate_signed_by(existing_serving->cert_pem, pki.ca.cert_pem) &&
      covers(*existing_serving, serving)) {
    pki.serving = *existing_serving;
  } else {
    auto issued = issue_certificate(pki.ca, serving);
    if (!issued.is_ok()) return issued.status();
    pki.serving = issued.value();
    if (auto s = write_pair(tls, "serving-kube-apiserver", pki.serving); !s.is_ok()) return s;
  }

  auto existing_admin = read_pair(tls, "client-admin");
  if (existing_admin && certificate_signed_by(existing_admin->cert_pem, pki.ca.cert_pem)) {
    pki.admin = *existing_admin;
  } else {
    CertificateRequest admin;
    admin.common_name = "system:admin";
    admin.organizations = {"system:masters"};
    admin.client = true;
    auto issued = issue_certificate(pki.ca, admin);
    if (!issued.is_ok()) return issued.status();
    pki.admin = issued.value();
    if (auto s = write_pair(tls, "client-admin", pki.admin); !s.is_ok()) return s;
  }

  fs::path token_path = fs::path(data_dir) / "server" / "node-token";
  pki.token_secret = options.token_secret;
  if (pki.token_secret.empty()) {
    if (auto old = read_file(token_path)) {
      std::string text = *old;
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
      if (auto parsed = parse_node_token(text)) pki.token_secret = parsed->secret;
    }
  }
  if (pki.token_secret.empty()) pki.token_secret = random_hex(16);
  pki.node_token = format_node_token(pki.ca.cert_pem, pki.token_secret);
  if (auto s = write_private_file(token_path.string(), pki.node_token + "\n"); !s.is_ok()) return s;

  pki.kubeconfig_path = (fs::path(data_dir) / "kubeconfig.yaml").string();
  std::string url = "https://127.0.0.1:" + std::to_string(options.port);
  if (auto s = write_private_file(pki.kubeconfig_path, kubeconfig_yaml(url, pki.ca.cert_pem, pki.admin)); !s.is_ok())
    return s;
  return pki;
}

core::Result<CertificateAndKey> issue_node_credentials(const CertificateAndKey& ca, const std::string& node_name) {
  // k/k apimachinery validation IsDNS1123Subdomain: node names are lower-case DNS subdomains.
  bool ok = !node_name.empty() && node_name.size() <= 253 && std::isalnum(static_cast<unsigned char>(node_name.front())) &&
            std::isalnum(static_cast<unsigned char>(node_name.back())) &&
            std::all_of(node_name.begin(), node_name.end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
            });
  if (!ok) return core::Status::invalid("invalid node name \"" + node_name + "\": a lower-case RFC 1123 subdomain is required");
  CertificateRequest r;
  r.common_name = "system:node:" + node_name;
  r.organizations = {"system:nodes"};
  r.client = true;
  return issue_certificate(ca, r);
}

}  // namespace ktwin::realnet
