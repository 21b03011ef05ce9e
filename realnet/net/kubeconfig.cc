// kubeconfig text and the private-file writer (a temporary file renamed over the target).
#include "realnet/net/kubeconfig.h"

#include "core/util/base64.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ktwin::realnet {

std::string kubeconfig_yaml(const std::string& server_url, const std::string& ca_cert_pem,
                            const CertificateAndKey& user) {
  return "apiVersion: v1\n"
         "kind: Config\n"
         "clusters:\n"
         "- cluster:\n"
         "    certificate-authority-data: " + core::base64_encode(ca_cert_pem) + "\n"
         "    server: " + server_url + "\n"
         "  name: default\n"
         "contexts:\n"
         "- context:\n"
         "    cluster: default\n"
         "    user: default\n"
         "  name: default\n"
         "current-context: default\n"
         "preferences: {}\n"
         "users:\n"
         "- name: default\n"
         "  user:\n"
         "    client-certificate-data: " + core::base64_encode(user.cert_pem) + "\n"
         "    client-key-data: " + core::base64_encode(user.key_pem) + "\n";
}

core::Status write_private_file(const std::string& path, const std::string& contents) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return core::Status::unavailable("cannot write " + tmp + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);  // an existing file keeps its mode through O_TRUNC
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return core::Status::unavailable("cannot write " + tmp + ": " + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || std::rename(tmp.c_str(), path.c_str()) != 0)
    return core::Status::unavailable("cannot write " + path + ": " + std::strerror(errno));
  return core::Status::ok();
}

}  // namespace ktwin::realnet
