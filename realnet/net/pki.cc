// OpenSSL 3 EVP/X509 calls behind pki.h; every object is held by a unique_ptr with its free function.
#include "realnet/net/pki.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace ktwin::realnet {
namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

KeyPtr new_p256_key() { return KeyPtr(EVP_EC_gen("P-256")); }

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string key_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  return bio_string(bio.get());
}

std::string cert_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  return bio_string(bio.get());
}

CertPtr parse_cert(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return CertPtr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

KeyPtr parse_key(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return KeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

bool add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// A certificate with a random 128-bit serial, valid from an hour ago (clock skew between machines).
CertPtr new_cert(EVP_PKEY* key, const std::string& common_name, const std::vector<std::string>& organizations,
                 int days) {
  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  for (const std::string& o : organizations)
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(o.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                             -1, -1, 0);
  return cert;
}

std::vector<std::string> subject_entries(const X509_NAME* name, int nid) {
  std::vector<std::string> out;
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0; i = X509_NAME_get_index_by_NID(name, nid, i)) {
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, data);
    if (n >= 0) out.emplace_back(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
    OPENSSL_free(utf8);
  }
  return out;
}

bool valid_ip(const std::string& ip) {
  ASN1_OCTET_STRING* s = a2i_IPADDRESS(ip.c_str());
  if (!s) return false;
  ASN1_OCTET_STRING_free(s);
  return true;
}

std::string to_hex(const unsigned char* data, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 15];
  }
  return out;
}

}  // namespace

core::Result<CertificateAndKey> create_ca(const std::string& common_name, int days) {
  KeyPtr key = new_p256_key();
  if (!key) return core::Status::unavailable("cannot generate a P-256 key");
  CertPtr cert = new_cert(key.get(), common_name, {}, days);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  bool ok = add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE") &&
            add_extension(cert.get(), cert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment,keyCertSign") &&
            add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  if (!ok || X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
    return core::Status::unavailable("cannot sign the CA certificate");
  return CertificateAndKey{cert_pem(cert.get()), key_pem(key.get())};
}

core::Result<CertificateAndKey> issue_certificate(const CertificateAndKey& ca, const CertificateRequest& request) {
  CertPtr ca_cert = parse_cert(ca.cert_pem);
  KeyPtr ca_key = parse_key(ca.key_pem);
  if (!ca_cert || !ca_key) return core::Status::invalid("the CA certificate or key does not parse");
  std::string sans;
  for (const std::string& dns : request.dns_names) sans += (sans.empty() ? "DNS:" : ",DNS:") + dns;
  for (const std::string& ip : request.ip_addresses) {
    if (!valid_ip(ip)) return core::Status::invalid("\"" + ip + "\" is not an IP address");
    sans += (sans.empty() ? "IP:" : ",IP:") + ip;
  }
  KeyPtr key = new_p256_key();
  if (!key) return core::Status::unavailable("cannot generate a P-256 key");
  CertPtr cert = new_cert(key.get(), request.common_name, request.organizations, request.days);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get()));
  std::string usage;
  if (request.server) usage = "serverAuth";
  if (request.client) usage += usage.empty() ? "clientAuth" : ",clientAuth";
  bool ok = add_extension(cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE") &&
            add_extension(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment") &&
            add_extension(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always") &&
            (usage.empty() || add_extension(cert.get(), ca_cert.get(), NID_ext_key_usage, usage)) &&
            (sans.empty() || add_extension(cert.get(), ca_cert.get(), NID_subject_alt_name, sans));
  if (!ok || X509_sign(cert.get(), ca_key.get(), EVP_sha256()) == 0)
    return core::Status::unavailable("cannot sign the certificate for " + request.common_name);
  return CertificateAndKey{cert_pem(cert.get()), key_pem(key.get())};
}

core::Result<CertificateSubject> certificate_subject(const std::string& pem) {
  CertPtr cert = parse_cert(pem);
  if (!cert) return core::Status::invalid("the certificate does not parse");
  return certificate_subject(cert.get());
}

CertificateSubject certificate_subject(const x509_st* cert) {
  CertificateSubject subject;
  const X509_NAME* name = X509_get_subject_name(cert);
  std::vector<std::string> cn = subject_entries(name, NID_commonName);
  if (!cn.empty()) subject.common_name = cn.back();
  subject.organizations = subject_entries(name, NID_organizationName);
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
    GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type == GEN_DNS) {
      subject.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gn->d.dNSName)),
                                     static_cast<size_t>(ASN1_STRING_length(gn->d.dNSName)));
    } else if (gn->type == GEN_IPADD) {
      const unsigned char* bytes = ASN1_STRING_get0_data(gn->d.iPAddress);
      int len = ASN1_STRING_length(gn->d.iPAddress);
      char text[INET6_ADDRSTRLEN] = {};
      if ((len == 4 || len == 16) && inet_ntop(len == 4 ? AF_INET : AF_INET6, bytes, text, sizeof text))
        subject.ip_addresses.emplace_back(text);
    }
  }
  GENERAL_NAMES_free(names);
  return subject;
}

bool certificate_signed_by(const std::string& pem, const std::string& ca_pem) {
  CertPtr cert = parse_cert(pem);
  CertPtr ca = parse_cert(ca_pem);
  if (!cert || !ca) return false;
  EVP_PKEY* ca_key = X509_get0_pubkey(ca.get());
  if (!ca_key || X509_verify(cert.get(), ca_key) != 1) return false;
  return X509_cmp_current_time(X509_get0_notBefore(cert.get())) < 0 &&
         X509_cmp_current_time(X509_get0_notAfter(cert.get())) > 0;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), digest, &n, EVP_sha256(), nullptr);
  return to_hex(digest, n);
}

std::string random_hex(size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  RAND_bytes(raw.data(), static_cast<int>(bytes));
  return to_hex(raw.data(), bytes);
}


}  // namespace ktwin::realnet
