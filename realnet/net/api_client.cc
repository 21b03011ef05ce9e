// ApiClient: Beast over an OpenSSL stream. Plain requests share one kept-alive connection driven on
// a private io_context (so they can block the caller with a deadline); each stream has its own
// connection on the caller's io_context and reads its body piece by piece.
#include "realnet/net/api_client.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <limits>

namespace ktwin::realnet {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr uint64_t kBodyLimit = 256ull << 20;  // a list of every pod of a big cluster

std::string describe(const beast::error_code& ec) {
  std::string text = ec.message();
  if (ec.category() == asio::error::get_ssl_category()) {
    char buf[256];
    ERR_error_string_n(static_cast<unsigned long>(ec.value()), buf, sizeof buf);
    text = buf;
  }
  return text;
}

http::request<http::string_body> to_beast(const HttpRequest& in, const ApiClientConfig& config, const std::string& host) {
  http::request<http::string_body> req;
  req.method_string(in.method);
  req.target(in.target);
  req.version(11);
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "ktwin-agent");
  for (const auto& [name, value] : in.headers) req.set(name, value);
  if (!config.bearer_token.empty() && in.header("authorization").empty())
    req.set(http::field::authorization, "Bearer " + config.bearer_token);
  req.body() = in.body;
  req.prepare_payload();
  return req;
}

template <class Fields>
std::vector<std::pair<std::string, std::string>> headers_of(const Fields& fields) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& f : fields) out.emplace_back(std::string(f.name_string()), std::string(f.value()));
  return out;
}

void enable_keepalive(tcp::socket& socket) {
  // A server that vanishes without a FIN (its link cut) must still end our watch: probe after 30 s
  // idle, every 10 s, give up after 3 misses.
  int fd = socket.native_handle();
  int on = 1, idle = 30, interval = 10, count = 3;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

std::unique_ptr<TlsStream> new_stream(asio::io_context& io, ssl::context& ctx, const std::string& host, bool verify) {
  auto stream = std::make_unique<TlsStream>(io, ctx);
  beast::error_code ignored;
  asio::ip::make_address(host, ignored);
  if (ignored)  // SNI for names, not for addresses (RFC 6066)
    SSL_set_tlsext_host_name(stream->native_handle(), host.c_str());
  if (verify) stream->set_verify_callback(ssl::host_name_verification(host));
  return stream;
}

}  // namespace

core::Status parse_https_url(const std::string& url, std::string& host, std::string& port) {
  const std::string scheme = "https://";
  if (url.rfind(scheme, 0) != 0) return core::Status::invalid("server URL must start with https://: " + url);
  std::string rest = url.substr(scheme.size());
  rest = rest.substr(0, rest.find('/'));
  if (rest.empty()) return core::Status::invalid("server URL has no host: " + url);
  if (rest[0] == '[') {  // [v6]:port
    size_t close = rest.find(']');
    if (close == std::string::npos) return core::Status::invalid("bad IPv6 address in " + url);
    host = rest.substr(1, close - 1);
    port = close + 1 < rest.size() && rest[close + 1] == ':' ? rest.substr(close + 2) : "443";
  } else {
    size_t colon = rest.rfind(':');
    host = rest.substr(0, colon);
    port = colon == std::string::npos ? "443" : rest.substr(colon + 1);
  }
  if (host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos)
    return core::Status::invalid("bad host or port in " + url);
  return core::Status::ok();
}

struct ApiClient::Impl {
  ssl::context ctx{ssl::context::tls_client};
  bool verify = false;
  asio::io_context sync_io;
  std::unique_ptr<TlsStream> conn;  // the kept-alive connection of request()
  beast::flat_buffer buffer;

  // Runs one async operation on sync_io to completion; the tcp_stream's expiry bounds it.
  template <class Start>
  beast::error_code run(Start start) {
    beast::error_code result = asio::error::operation_aborted;
    bool done = false;
    start([&](beast::error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    sync_io.restart();
    sync_io.run();
    return done ? result : beast::error_code(asio::error::timed_out);
  }
};

struct StreamConn : std::enable_shared_from_this<StreamConn> {
  asio::io_context& io;
  std::unique_ptr<TlsStream> stream;
  tcp::resolver resolver;
  std::string host, port;
  http::request<http::string_body> req;
  http::response_parser<http::buffer_body> parser;
  beast::flat_buffer buffer;
  char body[16384];
  StreamCallbacks callbacks;
  bool cancelled = false;
  core::Duration connect_timeout;

  StreamConn(asio::io_context& io, std::unique_ptr<TlsStream> s) : io(io), stream(std::move(s)), resolver(io) {
    // A watch never ends by size. (Not boost::none: Beast 1.74 compares a length with it as "over".)
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  }

  void fail(const std::string& what, const beast::error_code& ec) {
    if (cancelled) return;
    cancelled = true;
    if (callbacks.on_closed) callbacks.on_closed(core::Status::unavailable(what + ": " + describe(ec)));
  }
  void close_ok() {
    if (cancelled) return;
    cancelled = true;
    if (callbacks.on_closed) callbacks.on_closed(core::Status::ok());
  }

  void start() {
    auto self = shared_from_this();
    beast::get_lowest_layer(*stream).expires_after(connect_timeout);
    resolver.async_resolve(host, port, [self](beast::error_code ec, tcp::resolver::results_type results) {
      if (self->cancelled) return;
      if (ec) return self->fail("resolve " + self->host, ec);
      beast::get_lowest_layer(*self->stream).async_connect(results, [self](beast::error_code ec, const tcp::endpoint&) {
        if (self->cancelled) return;
        if (ec) return self->fail("connect " + self->host + ":" + self->port, ec);
        enable_keepalive(beast::get_lowest_layer(*self->stream).socket());
        self->stream->async_handshake(ssl::stream_base::client, [self](beast::error_code ec) {
          if (self->cancelled) return;
          if (ec) return self->fail("TLS handshake with " + self->host, ec);
          http::async_write(*self->stream, self->req, [self](beast::error_code ec, size_t) {
            if (self->cancelled) return;
            if (ec) return self->fail("send", ec);
            http::async_read_header(*self->stream, self->buffer, self->parser, [self](beast::error_code ec, size_t) {
              if (self->cancelled) return;
              if (ec) return self->fail("read head", ec);
              self->on_header();
            });
          });
        });
      });
    });
  }

  void on_header() {
    beast::get_lowest_layer(*stream).expires_never();
    const auto& res = parser.get();
    HttpResponse head;
    head.status = static_cast<int>(res.result_int());
    head.headers = headers_of(res.base());
    if (head.status >= 300) {
      // An error answer is small: read it whole into the head's body, then end.
      return read_error_body(std::move(head));
    }
    if (callbacks.on_head) callbacks.on_head(head);
    if (cancelled) return;
    read_body();
  }

  void read_error_body(HttpResponse head) {
    auto self = shared_from_this();
    beast::get_lowest_layer(*stream).expires_after(connect_timeout);
    auto collected = std::make_shared<HttpResponse>(std::move(head));
    auto step = std::make_shared<std::function<void()>>();
    *step = [self, collected, step] {
      self->parser.get().body().data = self->body;
      self->parser.get().body().size = sizeof self->body;
      http::async_read(*self->stream, self->buffer, self->parser, [self, collected, step](beast::error_code ec, size_t) {
        if (self->cancelled) return;
        if (ec == http::error::need_buffer) ec = {};
        collected->body.append(self->body, sizeof self->body - self->parser.get().body().size);
        if (ec || self->parser.is_done()) {
          if (self->callbacks.on_head) self->callbacks.on_head(*collected);
          *step = nullptr;
          return self->close_ok();
        }
        (*step)();
      });
    };
    (*step)();
  }

  void read_body() {
    auto self = shared_from_this();
    parser.get().body().data = body;
    parser.get().body().size = sizeof body;
    // read_some: hand over each piece as it comes, not when the buffer is full.
    http::async_read_some(*stream, buffer, parser, [self](beast::error_code ec, size_t) {
      if (self->cancelled) return;
      if (ec == http::error::need_buffer) ec = {};
      size_t got = sizeof self->body - self->parser.get().body().size;
      if (got > 0 && self->callbacks.on_chunk) self->callbacks.on_chunk(std::string(self->body, got));
      if (self->cancelled) return;
      if (ec == http::error::end_of_stream || (!ec && self->parser.is_done())) return self->close_ok();
      if (ec) return self->fail("watch stream", ec);
      self->read_body();
    });
  }

  void cancel() {
    cancelled = true;
    resolver.cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(*stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(*stream).close();
  }
};

namespace {

class StreamHandle : public ApiStream {
 public:
  explicit StreamHandle(std::shared_ptr<StreamConn> conn) : conn_(std::move(conn)) {}
  ~StreamHandle() override { cancel(); }
  void cancel() override {
    if (!conn_) return;
    // Close on the io thread's turn: we may be inside one of the connection's own callbacks.
    auto conn = std::exchange(conn_, nullptr);
    conn->cancelled = true;
    asio::post(conn->io, [conn] { conn->cancel(); });
  }

 private:
  std::shared_ptr<StreamConn> conn_;
};

}  // namespace

ApiClient::ApiClient(asio::io_context& io, ApiClientConfig config)
    : io_(io), config_(std::move(config)), impl_(std::make_unique<Impl>()) {}

ApiClient::~ApiClient() = default;

core::Result<std::unique_ptr<ApiClient>> ApiClient::create(asio::io_context& io, ApiClientConfig config) {
  std::unique_ptr<ApiClient> client(new ApiClient(io, std::move(config)));
  if (auto s = parse_https_url(client->config_.server, client->host_, client->port_); !s.is_ok()) return s;
  Impl& impl = *client->impl_;
  beast::error_code ec;
  impl.ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  const ApiClientConfig& c = client->config_;
  if (!c.ca_pem.empty()) {
    impl.ctx.add_certificate_authority(asio::buffer(c.ca_pem), ec);
    if (ec) return core::Status::invalid("CA certificate: " + describe(ec));
    impl.ctx.set_verify_mode(ssl::verify_peer, ec);
    impl.verify = true;
  } else {
    impl.ctx.set_verify_mode(ssl::verify_none, ec);
  }
  if (!c.client_cert_pem.empty() || !c.client_key_pem.empty()) {
    impl.ctx.use_certificate_chain(asio::buffer(c.client_cert_pem), ec);
    if (ec) return core::Status::invalid("client certificate: " + describe(ec));
    impl.ctx.use_private_key(asio::buffer(c.client_key_pem), ssl::context::pem, ec);
    if (ec) return core::Status::invalid("client key: " + describe(ec));
  }
  return client;
}

core::Result<HttpResponse> ApiClient::request(HttpRequest request, core::Duration timeout) {
  Impl& impl = *impl_;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout);
  auto req = to_beast(request, config_, host_);
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = impl.conn != nullptr;
    if (!impl.conn) {
      impl.conn = new_stream(impl.sync_io, impl.ctx, host_, impl.verify);
      impl.buffer.clear();
      ++connections_opened_;
      auto& tcp_layer = beast::get_lowest_layer(*impl.conn);
      tcp_layer.expires_at(deadline);
      tcp::resolver resolver(impl.sync_io);
      tcp::resolver::results_type endpoints;
      beast::error_code ec = impl.run([&](auto done) {
        resolver.async_resolve(host_, port_, [&endpoints, done](beast::error_code ec, tcp::resolver::results_type r) {
          endpoints = r;
          done(ec);
        });
      });
      if (!ec) ec = impl.run([&](auto done) { tcp_layer.async_connect(endpoints, done); });
      if (ec) {
        impl.conn.reset();
        return core::Status::unavailable("connect to " + host_ + ":" + port_ + ": " + describe(ec));
      }
      ec = impl.run([&](auto done) { impl.conn->async_handshake(ssl::stream_base::client, done); });
      if (ec) {
        impl.conn.reset();
        return core::Status::unavailable("TLS handshake with " + host_ + ": " + describe(ec));
      }
    }
    beast::get_lowest_layer(*impl.conn).expires_at(deadline);
    beast::error_code ec = impl.run([&](auto done) { http::async_write(*impl.conn, req, done); });
    http::response_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    if (!ec) ec = impl.run([&](auto done) { http::async_read(*impl.conn, impl.buffer, parser, done); });
    if (ec) {
      impl.conn.reset();
      bool timed_out = ec == beast::error::timeout || ec == asio::error::timed_out;
      // The server may have closed the idle kept-alive connection: one more try on a fresh one.
      if (reused && !timed_out) continue;
      return core::Status::unavailable(std::string(request.method) + " " + request.target + ": " +
                                       (timed_out ? "timed out" : describe(ec)));
    }
    auto res = parser.release();
    HttpResponse out;
    out.status = static_cast<int>(res.result_int());
    out.headers = headers_of(res.base());
    out.body = std::move(res.body());
    if (!res.keep_alive()) impl.conn.reset();
    return out;
  }
  return core::Status::unavailable(request.method + " " + request.target + ": connection lost");
}

std::unique_ptr<ApiStream> ApiClient::stream(HttpRequest request, StreamCallbacks callbacks) {
  auto conn = std::make_shared<StreamConn>(io_, new_stream(io_, impl_->ctx, host_, impl_->verify));
  conn->host = host_;
  conn->port = port_;
  conn->req = to_beast(request, config_, host_);
  conn->callbacks = std::move(callbacks);
  conn->connect_timeout = stream_connect_timeout_;
  asio::post(io_, [conn] {
    if (!conn->cancelled) conn->start();
  });
  return std::make_unique<StreamHandle>(conn);
}

}  // namespace ktwin::realnet
