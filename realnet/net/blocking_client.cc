// Synchronous Beast calls with SO_RCVTIMEO/SO_SNDTIMEO as the timeout (sync Asio has no deadlines).
#include "realnet/net/blocking_client.h"

#include <openssl/ssl.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace ktwin::realnet {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using asio::ip::tcp;

BlockingClient::BlockingClient(std::string host, uint16_t port, const std::string& ca_pem,
                               const CertificateAndKey* client, std::chrono::milliseconds timeout)
    : BlockingClient(std::move(host), port, make_context(ca_pem, client), timeout) {}

BlockingClient::BlockingClient(std::string host, uint16_t port, std::shared_ptr<asio::ssl::context> ssl,
                               std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout), ssl_(std::move(ssl)) {}

std::shared_ptr<asio::ssl::context> BlockingClient::make_context(const std::string& ca_pem,
                                                                 const CertificateAndKey* client) {
  auto ssl = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  ssl->add_certificate_authority(asio::buffer(ca_pem));
  ssl->set_verify_mode(asio::ssl::verify_peer);
  if (client) {
    ssl->use_certificate_chain(asio::buffer(client->cert_pem));
    ssl->use_private_key(asio::buffer(client->key_pem), asio::ssl::context::pem);
  }
  return ssl;
}

BlockingClient::~BlockingClient() { close(); }

core::Status BlockingClient::connect() {
  stream_ = std::make_unique<beast::ssl_stream<tcp::socket>>(io_, *ssl_);
  stream_->set_verify_callback(asio::ssl::host_name_verification(host_));
  buffer_.clear();
  boost::system::error_code ec;
  tcp::resolver resolver(io_);
  auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
  if (!ec) asio::connect(beast::get_lowest_layer(*stream_), endpoints, ec);
  if (ec) return core::Status::unavailable("connect " + host_ + ": " + ec.message());
  timeval tv{static_cast<time_t>(timeout_.count() / 1000), static_cast<suseconds_t>((timeout_.count() % 1000) * 1000)};
  beast::get_lowest_layer(*stream_).set_option(tcp::no_delay(true), ec);  // handshake flights: no Nagle wait
  int fd = beast::get_lowest_layer(*stream_).native_handle();
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (!SSL_set_tlsext_host_name(stream_->native_handle(), host_.c_str())) {
    return core::Status::unavailable("SNI");
  }
  stream_->handshake(asio::ssl::stream_base::client, ec);
  if (ec) return core::Status::unavailable("TLS handshake: " + ec.message());
  return core::Status::ok();
}

core::Status BlockingClient::write_request(const std::string& method, const std::string& target,
                                           const std::string& body,
                                           const std::vector<std::pair<std::string, std::string>>& headers) {
  if (!stream_) return core::Status::unavailable("not connected");
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, host_ + ":" + std::to_string(port_));
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  boost::system::error_code ec;
  http::write(*stream_, req, ec);
  if (ec) return core::Status::unavailable("write: " + ec.message());
  return core::Status::ok();
}

core::Result<HttpResponse> BlockingClient::request(const std::string& method, const std::string& target,
                                                   const std::string& body,
                                                   const std::vector<std::pair<std::string, std::string>>& headers) {
  if (auto s = write_request(method, target, body, headers); !s.is_ok()) return s;
  http::response<http::string_body> res;
  boost::system::error_code ec;
  http::read(*stream_, buffer_, res, ec);
  if (ec) return core::Status::unavailable("read: " + ec.message());
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(res.body());
  return out;
}

core::Result<HttpResponse> BlockingClient::open_stream(const std::string& target,
                                                       const std::vector<std::pair<std::string, std::string>>& headers) {
  if (auto s = write_request("GET", target, "", headers); !s.is_ok()) return s;
  stream_parser_.emplace();
  stream_parser_->body_limit(boost::none);
  on_chunk_ = [this](std::uint64_t remain, beast::string_view body, boost::system::error_code&) {
    partial_.append(body.data(), body.size());
    if (remain == body.size()) {
      ready_.push_back(std::move(partial_));
      partial_.clear();
    }
    return body.size();
  };
  stream_parser_->on_chunk_body(on_chunk_);  // held by reference: a member
  boost::system::error_code ec;
  http::read_header(*stream_, buffer_, *stream_parser_, ec);
  if (ec) return core::Status::unavailable("read: " + ec.message());
  HttpResponse out;
  out.status = static_cast<int>(stream_parser_->get().result_int());
  for (const auto& f : stream_parser_->get()) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  return out;
}

core::Result<std::string> BlockingClient::next_chunk() {
  if (!stream_parser_) return core::Status::unavailable("no stream open");
  while (ready_.empty() && !stream_parser_->is_done()) {
    boost::system::error_code ec;
    http::read_some(*stream_, buffer_, *stream_parser_, ec);
    if (ec) return core::Status::unavailable("read: " + ec.message());
  }
  if (ready_.empty()) return std::string();
  std::string next = std::move(ready_.front());
  ready_.pop_front();
  return next;
}

void BlockingClient::close() {
  if (!stream_) return;
  boost::system::error_code ignored;
  beast::get_lowest_layer(*stream_).shutdown(tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(*stream_).close(ignored);
  stream_.reset();
}

}  // namespace ktwin::realnet
