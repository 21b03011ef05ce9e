// ApiTransport over HTTPS (Boost.Beast, OpenSSL): the agent's client of the API server.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "realnet/net/api_transport.h"

namespace ktwin::realnet {

struct ApiClientConfig {
  std::string server;  // "https://HOST:PORT" (port 443 when absent)
  // The server must present a certificate signed by this CA (PEM) for the server's host name or
  // address. Empty: no verification at all, only for fetching the CA itself (k3s's /cacerts step).
  std::string ca_pem;
  std::string client_cert_pem, client_key_pem;  // the client certificate, if any
  std::string bearer_token;                     // sent as Authorization: Bearer, if set
};

// Requests are synchronous: they run on a private io_context over one kept-alive connection, so the
// caller (the executor thread) waits at most the request's timeout. Streams run asynchronously on
// `io`, one connection each, with TCP keepalive so a vanished server ends them within about a
// minute; their callbacks run on `io`'s thread.
class ApiClient : public ApiTransport {
 public:
  // Invalid when the URL or a PEM cannot be used.
  static core::Result<std::unique_ptr<ApiClient>> create(boost::asio::io_context& io, ApiClientConfig config);
  ~ApiClient() override;

  core::Result<HttpResponse> request(HttpRequest request, core::Duration timeout) override;
  std::unique_ptr<ApiStream> stream(HttpRequest request, StreamCallbacks callbacks) override;

  // How long a stream may take to connect and get its head (its body then runs unbounded).
  void set_stream_connect_timeout(core::Duration d) { stream_connect_timeout_ = d; }
  const std::string& host() const { return host_; }
  const std::string& port() const { return port_; }
  size_t connections_opened() const { return connections_opened_; }  // by request(): keep-alive shows

 private:
  struct Impl;
  ApiClient(boost::asio::io_context& io, ApiClientConfig config);
  boost::asio::io_context& io_;
  ApiClientConfig config_;
  std::string host_, port_;
  core::Duration stream_connect_timeout_ = std::chrono::seconds(15);
  size_t connections_opened_ = 0;
  std::unique_ptr<Impl> impl_;
};

// Splits "https://host:port/..." into host and port. Invalid unless the scheme is https.
core::Status parse_https_url(const std::string& url, std::string& host, std::string& port);

}  // namespace ktwin::realnet
