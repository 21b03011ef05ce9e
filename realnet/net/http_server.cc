// The listener and the TLS context; connections live in http_session.cc.
#include "realnet/net/http_server.h"

#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <vector>

#include "realnet/net/http_session.h"

namespace ktwin::realnet {

namespace asio = boost::asio;
using asio::ip::tcp;

struct HttpServer::Acceptor {
  explicit Acceptor(asio::io_context& io) : acceptor(io) {}
  tcp::acceptor acceptor;
};

namespace {

// Client certificates are requested (the CA is named in the CertificateRequest, so clients with
// several certificates pick the right one) and verified when presented, as kube-apiserver's
// tls.RequestClientCert + x509 authenticator does; a client without one goes on to token auth.
core::Status configure_tls(asio::ssl::context& ssl, const HttpServerOptions& options) {
  try {
    ssl.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    ssl.use_certificate_chain(asio::buffer(options.serving.cert_pem));
    ssl.use_private_key(asio::buffer(options.serving.key_pem), asio::ssl::context::pem);
    if (!options.client_ca_pem.empty()) {
      ssl.add_certificate_authority(asio::buffer(options.client_ca_pem));
      BIO* bio = BIO_new_mem_buf(options.client_ca_pem.data(), static_cast<int>(options.client_ca_pem.size()));
      X509* ca = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
      BIO_free(bio);
      if (!ca) return core::Status::invalid("the client CA certificate does not parse");
      SSL_CTX_add_client_CA(ssl.native_handle(), ca);
      X509_free(ca);
      ssl.set_verify_mode(asio::ssl::verify_peer);
    }
  } catch (const boost::system::system_error& e) {
    return core::Status::invalid(std::string("TLS configuration: ") + e.what());
  }
  return core::Status::ok();
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, HttpHandler& handler, HttpServerOptions options)
    : io_(io), context_(std::make_shared<SessionContext>(handler, std::move(options))) {}

HttpServer::~HttpServer() { stop(); }

core::Status HttpServer::start() {
  if (auto s = configure_tls(context_->ssl, context_->options); !s.is_ok()) return s;
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(context_->options.bind_address, ec);
  if (ec) return core::Status::invalid("--bind-address \"" + context_->options.bind_address + "\" is not an IP address");
  tcp::endpoint endpoint(address, context_->options.port);
  acceptor_ = std::make_unique<Acceptor>(io_);
  tcp::acceptor& a = acceptor_->acceptor;
  if (!a.open(endpoint.protocol(), ec) && !a.set_option(tcp::acceptor::reuse_address(true), ec) &&
      !a.bind(endpoint, ec) && !a.listen(asio::socket_base::max_listen_connections, ec)) {
    port_ = a.local_endpoint().port();
    accept();
    return core::Status::ok();
  }
  std::string where = context_->options.bind_address + ":" + std::to_string(context_->options.port);
  acceptor_.reset();
  return core::Status::unavailable("cannot listen on " + where + ": " + ec.message());
}

void HttpServer::accept() {
  acceptor_->acceptor.async_accept([this, context = context_](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !context->handler) return;  // stopped: `this` may be gone
    if (!ec) {
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);  // one chunk per watch event: no Nagle delay
      auto session = std::make_shared<HttpSession>(std::move(socket), context);
      context->live[session.get()] = session;
      session->start();
    }
    accept();
  });
}

void HttpServer::stop() {
  if (acceptor_) {
    boost::system::error_code ignored;
    acceptor_->acceptor.close(ignored);
  }
  context_->handler = nullptr;
  std::vector<std::shared_ptr<HttpSession>> sessions;
  for (auto& [ptr, weak] : context_->live)
    if (auto s = weak.lock()) sessions.push_back(std::move(s));
  for (auto& s : sessions) s->stop();
}

size_t HttpServer::open_connections() const { return context_->live.size(); }

}  // namespace ktwin::realnet
