// A blocking HTTPS client on one keep-alive connection, for tests, the latency bench and command-line
// tools; it owns its io_context, so it can run on any thread (never on the server's).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/util/status.h"
#include "realnet/api/http_message.h"
#include "realnet/net/pki.h"

namespace ktwin::realnet {

class BlockingClient {
 public:
  // Verifies the server against `ca_pem` and the name `host`; presents `client` when given.
  BlockingClient(std::string host, uint16_t port, const std::string& ca_pem,
                 const CertificateAndKey* client = nullptr, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The same with a TLS context made once by make_context (OpenSSL 3 takes milliseconds to load PEM keys).
  BlockingClient(std::string host, uint16_t port, std::shared_ptr<boost::asio::ssl::context> ssl,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));
  static std::shared_ptr<boost::asio::ssl::context> make_context(const std::string& ca_pem,
                                                                 const CertificateAndKey* client = nullptr);
  ~BlockingClient();

  core::Status connect();  // TCP connect and TLS handshake; Unavailable on failure
  // One request and its whole response (the connection stays open if the server keeps it).
  core::Result<HttpResponse> request(const std::string& method, const std::string& target,
                                     const std::string& body = "",
                                     const std::vector<std::pair<std::string, std::string>>& headers = {});

  // A streamed response: the request and its head, then one call per chunk.
  core::Result<HttpResponse> open_stream(const std::string& target,
                                         const std::vector<std::pair<std::string, std::string>>& headers = {});
  // The next chunk; "" once the stream ended; Unavailable on timeout or error.
  core::Result<std::string> next_chunk();

  void close();  // drops the TCP connection without a TLS shutdown (a client that goes away)

 private:
  core::Status write_request(const std::string& method, const std::string& target, const std::string& body,
                             const std::vector<std::pair<std::string, std::string>>& headers);

  std::string host_;
  uint16_t port_;
  std::chrono::milliseconds timeout_;
  boost::asio::io_context io_;
  std::shared_ptr<boost::asio::ssl::context> ssl_;
  std::unique_ptr<boost::beast::ssl_stream<boost::asio::ip::tcp::socket>> stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::response_parser<boost::beast::http::empty_body>> stream_parser_;
  std::function<size_t(std::uint64_t, boost::beast::string_view, boost::system::error_code&)> on_chunk_;
  std::string partial_;             // the chunk being received
  std::deque<std::string> ready_;   // complete chunks not yet returned
};

}  // namespace ktwin::realnet
