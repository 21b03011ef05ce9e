// The HTTPS server of real mode: Boost.Beast over OpenSSL on the executor's io_context, keep-alive,
// optional client certificates, chunked streams. It authenticates each request and hands it to an
// HttpHandler (realnet/api/http_message.h); it never interprets paths itself.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/util/status.h"
#include "realnet/api/http_message.h"
#include "realnet/net/pki.h"

namespace ktwin::realnet {

struct HttpServerOptions {
  std::string bind_address = "0.0.0.0";
  uint16_t port = 6443;                 // 0: any free port (tests); port() tells which
  CertificateAndKey serving;            // the serving certificate and key
  std::string client_ca_pem;            // client certificates must chain to it (they are optional)
  std::map<std::string, UserInfo> tokens;  // bearer token -> user
  std::chrono::seconds handshake_timeout{10};
  std::chrono::seconds idle_timeout{120};  // between requests on a keep-alive connection
  std::chrono::seconds write_timeout{30};  // a client that reads nothing for this long is dropped
  size_t body_limit = 3 * 1024 * 1024;     // k/k apiserver's default request body limit (3 MB)
  size_t stream_backlog_limit = 16 * 1024 * 1024;  // unsent bytes of a stream before the client is dropped
};

struct SessionContext;

class HttpServer {
 public:
  // `handler` outlives this object. Every method, and the handler, runs on the io_context's thread.
  HttpServer(boost::asio::io_context& io, HttpHandler& handler, HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Loads the certificates, binds and listens. Unavailable: the address is in use or the key is bad.
  core::Status start();
  // Closes the listener and every connection; streams still open get cancel(). Idempotent.
  void stop();

  uint16_t port() const { return port_; }
  size_t open_connections() const;

 private:
  void accept();

  boost::asio::io_context& io_;
  std::shared_ptr<SessionContext> context_;
  struct Acceptor;
  std::unique_ptr<Acceptor> acceptor_;
  uint16_t port_ = 0;
};

}  // namespace ktwin::realnet
