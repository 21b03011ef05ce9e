// One client connection: TLS handshake, then requests read, authenticated, handled and answered in
// turn (keep-alive), or one response streamed chunk by chunk. Private to http_server.cc.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>

#include "realnet/net/authenticator.h"
#include "realnet/net/http_server.h"

namespace ktwin::realnet {

class HttpSession;

// What every connection of one server shares; sessions hold it, so it outlives a stopped server.
struct SessionContext {
  SessionContext(HttpHandler& h, HttpServerOptions o)
      : ssl(boost::asio::ssl::context::tls_server), handler(&h), options(std::move(o)), auth(options.tokens) {}
  boost::asio::ssl::context ssl;
  HttpHandler* handler;  // null once the server stopped
  HttpServerOptions options;
  Authenticator auth;
  std::unordered_map<HttpSession*, std::weak_ptr<HttpSession>> live;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<SessionContext> context);
  ~HttpSession();
  void start();
  // Server shutdown: cancels an open stream and closes the socket at once.
  void stop();

 private:
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  void on_handshake(const boost::system::error_code& ec);
  void read_request();
  void on_request(const boost::system::error_code& ec);
  void answer(HttpRequest request, unsigned version, bool keep_alive);
  void start_stream(HandlerResult result, unsigned version);
  void watch_for_hangup();
  void stream_send(std::string data);
  void stream_close();
  void end_stream(bool cancel);
  void enqueue(std::string bytes);
  void write_next();
  void on_written(const boost::system::error_code& ec);
  void shutdown();
  void close();

  boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
  std::shared_ptr<SessionContext> context_;
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  std::optional<PeerCertificate> peer_;
  std::deque<std::string> outbox_;  // front: being written
  size_t outbox_bytes_ = 0;
  bool writing_ = false;
  bool keep_alive_ = false;   // after the response being written, read the next request
  bool after_write_close_ = false;
  // Kept until the session dies, even after the stream ended: close() may be called from inside start().
  std::unique_ptr<ResponseStream> stream_handler_;
  bool streaming_ = false;     // the response is a stream: no further requests on this connection
  bool stream_ended_ = false;  // close() or cancel() happened; send() is ignored from now on
  bool closed_ = false;
  char hangup_buffer_[512];
};

}  // namespace ktwin::realnet
