// The connection state machine. Every completion handler holds the session by shared_ptr; `closed_`
// makes late completions no-ops. A stream keeps one read pending to notice the client leaving.
#include "realnet/net/http_session.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include "realnet/net/http_wire.h"

namespace ktwin::realnet {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

constexpr size_t kHeaderLimit = 64 * 1024;

bool is_http_error(const boost::system::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category();
}

}  // namespace

HttpSession::HttpSession(asio::ip::tcp::socket socket, std::shared_ptr<SessionContext> context)
    : stream_(beast::tcp_stream(std::move(socket)), context->ssl), context_(std::move(context)) {}

HttpSession::~HttpSession() {
  if (stream_handler_ && !stream_ended_) stream_handler_->cancel();
  context_->live.erase(this);
}

void HttpSession::start() {
  beast::get_lowest_layer(stream_).expires_after(context_->options.handshake_timeout);
  stream_.async_handshake(asio::ssl::stream_base::server,
                          [self = shared_from_this()](const boost::system::error_code& ec) { self->on_handshake(ec); });
}

void HttpSession::stop() { close(); }

void HttpSession::on_handshake(const boost::system::error_code& ec) {
  if (closed_) return;
  if (ec) return close();
  SSL* ssl = stream_.native_handle();
  // verify_peer without fail-if-no-certificate: a certificate that does not chain to the CA fails the
  // handshake; none at all is allowed (token and anonymous clients).
  if (X509* cert = SSL_get1_peer_certificate(ssl)) {
    if (SSL_get_verify_result(ssl) == X509_V_OK) {
      CertificateSubject subject = certificate_subject(cert);
      peer_ = PeerCertificate{subject.common_name, subject.organizations};
    }
    X509_free(cert);
  }
  read_request();
}

void HttpSession::read_request() {
  parser_.emplace();
  parser_->body_limit(context_->options.body_limit);
  parser_->header_limit(kHeaderLimit);
  beast::get_lowest_layer(stream_).expires_after(context_->options.idle_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](const boost::system::error_code& ec, size_t) { self->on_request(ec); });
}

void HttpSession::on_request(const boost::system::error_code& ec) {
  if (closed_) return;
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) return close();
  if (ec == http::error::body_limit) {
    after_write_close_ = true;
    enqueue(serialize_response(transport_error(413, "RequestEntityTooLarge", "the request is too large"), 11, false));
    return;
  }
  if (ec && is_http_error(ec)) {
    after_write_close_ = true;
    enqueue(serialize_response(transport_error(400, "BadRequest", "malformed HTTP request: " + ec.message()), 11,
                               false));
    return;
  }
  if (ec) return close();  // timeout, reset, TLS error
  BeastRequest beast_request = parser_->release();
  HttpRequest request = to_http_request(beast_request);
  request.user = context_->auth.authenticate(peer_, request.header("authorization"));
  answer(std::move(request), beast_request.version(), beast_request.keep_alive());
}

void HttpSession::answer(HttpRequest request, unsigned version, bool keep_alive) {
  if (!context_->handler) return close();
  HandlerResult result = context_->handler->handle(request);
  if (result.stream) return start_stream(std::move(result), version);
  keep_alive_ = keep_alive;
  enqueue(serialize_response(result.response, version, keep_alive));
}

void HttpSession::start_stream(HandlerResult result, unsigned version) {
  streaming_ = true;
  stream_handler_ = std::move(result.stream);
  watch_for_hangup();  // first: it clears the timers, and the write below then sets its own
  enqueue(serialize_stream_head(result.response, version));
  std::weak_ptr<HttpSession> weak = weak_from_this();
  stream_handler_->start(
      [weak](std::string data) {
        if (auto self = weak.lock()) self->stream_send(std::move(data));
      },
      [weak] {
        if (auto self = weak.lock()) self->stream_close();
      });
}

void HttpSession::watch_for_hangup() {
  beast::get_lowest_layer(stream_).expires_never();
  stream_.async_read_some(asio::buffer(hangup_buffer_),
                          [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                            if (self->closed_) return;
                            if (ec) return self->close();  // the client went away: cancel() the stream
                            self->watch_for_hangup();       // bytes during a stream are ignored
                          });
}

void HttpSession::stream_send(std::string data) {
  if (closed_ || stream_ended_) return;
  enqueue(chunk(data));
}

void HttpSession::stream_close() {
  if (closed_ || stream_ended_) return;
  stream_ended_ = true;
  enqueue(kLastChunk);
}

void HttpSession::enqueue(std::string bytes) {
  if (closed_ || bytes.empty()) return;
  outbox_bytes_ += bytes.size();
  outbox_.push_back(std::move(bytes));
  // A watcher that reads slower than events arrive is dropped rather than buffered without bound
  // (k/k apiserver terminates slow watchers the same way: cacher.go "Forcing ... watcher close").
  if (streaming_ && outbox_bytes_ > context_->options.stream_backlog_limit) return close();
  write_next();
}

void HttpSession::write_next() {
  if (writing_ || outbox_.empty() || closed_) return;
  writing_ = true;
  beast::get_lowest_layer(stream_).expires_after(context_->options.write_timeout);
  asio::async_write(stream_, asio::buffer(outbox_.front()),
                    [self = shared_from_this()](const boost::system::error_code& ec, size_t) { self->on_written(ec); });
}

void HttpSession::on_written(const boost::system::error_code& ec) {
  writing_ = false;
  if (closed_) return;
  if (ec) return close();
  outbox_bytes_ -= outbox_.front().size();
  outbox_.pop_front();
  if (!outbox_.empty()) return write_next();
  if (streaming_) {
    // The stream's last chunk is out: the pending hangup read rules out a TLS shutdown, so close.
    if (stream_ended_) close();
    return;
  }
  if (after_write_close_ || !keep_alive_) return shutdown();
  read_request();
}

void HttpSession::shutdown() {
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
  stream_.async_shutdown([self = shared_from_this()](const boost::system::error_code&) { self->close(); });
}

void HttpSession::close() {
  if (closed_) return;
  closed_ = true;
  if (stream_handler_ && !stream_ended_) {
    stream_ended_ = true;
    stream_handler_->cancel();
  }
  boost::system::error_code ignored;
  beast::get_lowest_layer(stream_).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(stream_).close();
}

}  // namespace ktwin::realnet
