// The admin kubeconfig kubectl reads: one cluster, one user with an embedded client certificate.
#pragma once

#include <string>

#include "core/util/status.h"
#include "realnet/net/pki.h"

namespace ktwin::realnet {

// A kubeconfig (clusters[].cluster.certificate-authority-data, server, users[].user.client-certificate-data
// and client-key-data, a context "default" selected) as k3s writes /etc/rancher/k3s/k3s.yaml.
std::string kubeconfig_yaml(const std::string& server_url, const std::string& ca_cert_pem,
                            const CertificateAndKey& user);

// Writes `contents` to `path` with mode 0600 (it holds a private key), replacing it atomically.
core::Status write_private_file(const std::string& path, const std::string& contents);

}  // namespace ktwin::realnet
