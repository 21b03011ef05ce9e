// The server's PKI on disk, created on first start and reused afterwards (k3s's DATA_DIR/server/tls).
#pragma once

#include <string>
#include <vector>

#include "core/util/status.h"
#include "realnet/net/pki.h"

namespace ktwin::realnet {

struct ServerPkiOptions {
  // Extra subjectAltNames of the serving certificate: IP addresses or DNS names (the bind and
  // advertise addresses). 127.0.0.1, localhost, the hostname and kubernetes.default.svc are always in.
  std::vector<std::string> sans;
  int port = 6443;           // the kubeconfig's https://127.0.0.1:PORT
  std::string token_secret;  // --token; empty: the secret of an existing node-token, else a random one
  std::string service_ip = "10.43.0.1";  // the `kubernetes` Service's ClusterIP, also a SAN
};

// What ensure_server_pki leaves on disk, with the paths it wrote.
struct ServerPki {
  CertificateAndKey ca;       // DATA_DIR/server/tls/server-ca.{crt,key}
  CertificateAndKey serving;  // DATA_DIR/server/tls/serving-kube-apiserver.{crt,key}
  CertificateAndKey admin;    // DATA_DIR/server/tls/client-admin.{crt,key}: CN=system:admin, O=system:masters
  std::string token_secret;
  std::string node_token;       // DATA_DIR/server/node-token: K10<ca hash>::server:<secret>
  std::string kubeconfig_path;  // DATA_DIR/kubeconfig.yaml, mode 0600
  std::string tls_dir;
};

// Creates what is missing under `data_dir` and reuses what is there: the CA always (agents hold it),
// the serving certificate while it still covers every SAN, the admin certificate while the CA signed
// it. The kubeconfig and node-token are rewritten on each start (the port or --token may change).
core::Result<ServerPki> ensure_server_pki(const std::string& data_dir, const ServerPkiOptions& options);

// A client certificate for a node: CN=system:node:NAME, O=system:nodes (k/k Node authorizer's identity).
core::Result<CertificateAndKey> issue_node_credentials(const CertificateAndKey& ca, const std::string& node_name);

}  // namespace ktwin::realnet
