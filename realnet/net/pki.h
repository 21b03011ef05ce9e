// Certificates with OpenSSL's EVP/X509 APIs: an ECDSA P-256 CA, serving and client certificates
// issued by it, and the small helpers (hashes, random secrets, base64) the PKI files need.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

struct x509_st;  // OpenSSL's X509, for the transport's peer certificate

namespace ktwin::realnet {

// A certificate and its private key, both PEM.
struct CertificateAndKey {
  std::string cert_pem;
  std::string key_pem;
};

struct CertificateRequest {
  std::string common_name;                 // CN: the user name for client certificates
  std::vector<std::string> organizations;  // O: the groups for client certificates
  std::vector<std::string> dns_names;      // subjectAltName DNS entries (serving certificates)
  std::vector<std::string> ip_addresses;   // subjectAltName IP entries (serving certificates)
  bool server = false;                     // extendedKeyUsage serverAuth
  bool client = false;                     // extendedKeyUsage clientAuth
  int days = 3650;
};

// A self-signed CA (basicConstraints CA:TRUE, keyCertSign) with a fresh P-256 key.
core::Result<CertificateAndKey> create_ca(const std::string& common_name, int days = 3650);

// A certificate for `request` with a fresh P-256 key, signed by `ca`. Bad IP addresses are Invalid.
core::Result<CertificateAndKey> issue_certificate(const CertificateAndKey& ca, const CertificateRequest& request);

struct CertificateSubject {
  std::string common_name;
  std::vector<std::string> organizations;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
};

// The subject and SANs of a PEM certificate; Invalid if it does not parse.
core::Result<CertificateSubject> certificate_subject(const std::string& cert_pem);

// The same for a parsed certificate (the peer of a TLS connection). REQUIRES: cert is not null.
CertificateSubject certificate_subject(const x509_st* cert);

// True if `cert_pem` was signed by `ca_cert_pem` and is within its validity period.
bool certificate_signed_by(const std::string& cert_pem, const std::string& ca_cert_pem);

std::string sha256_hex(std::string_view data);
// `bytes` random bytes from OpenSSL's CSPRNG, as 2*bytes lower-case hex digits.
std::string random_hex(size_t bytes);

}  // namespace ktwin::realnet
