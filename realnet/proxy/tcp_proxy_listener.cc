#include "realnet/proxy/tcp_proxy_listener.h"

#include <boost/asio/connect.hpp>

#include "realnet/proxy/tcp_splice.h"

namespace ktwin::realnet {

core::Result<std::unique_ptr<TcpProxyListener>> TcpProxyListener::open(boost::asio::io_context& io,
                                                                       const std::string& ip, int32_t port,
                                                                       std::vector<Backend> backends) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(ip, ec);
  if (ec) return core::Status::invalid("bad listen address " + ip);
  tcp::acceptor acceptor(io);
  tcp::endpoint endpoint(address, static_cast<uint16_t>(port));
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) return core::Status::unavailable("listen on " + ip + ":" + std::to_string(port) + ": " + ec.message());
  auto listener = std::make_unique<TcpProxyListener>(std::move(acceptor), std::move(backends));
  listener->accept();
  return listener;
}

TcpProxyListener::~TcpProxyListener() {
  *alive_ = false;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void TcpProxyListener::accept() {
  acceptor_.async_accept([this, alive = alive_](boost::system::error_code ec, tcp::socket socket) {
    if (!*alive || ec == boost::asio::error::operation_aborted) return;
    if (!ec) connect(std::make_shared<tcp::socket>(std::move(socket)), backends_.size());
    accept();
  });
}

// Tries the backends in turn from the round-robin position; a refused backend is skipped, as the
// userspace proxier retries another endpoint (k/k pkg/proxy/userspace/proxysocket.go tryConnect).
void TcpProxyListener::connect(std::shared_ptr<tcp::socket> client, size_t tries_left) {
  if (tries_left == 0 || backends_.empty()) return;  // no endpoint: the client sees the connection close
  const Backend backend = backends_[next_++ % backends_.size()];
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(backend.ip, ec);
  if (ec) return connect(client, tries_left - 1);
  auto upstream = std::make_shared<tcp::socket>(acceptor_.get_executor());
  upstream->async_connect(tcp::endpoint(address, static_cast<uint16_t>(backend.port)),
                          [this, alive = alive_, client, upstream, tries_left](boost::system::error_code ec) {
                            if (!*alive) return;
                            if (ec) return connect(client, tries_left - 1);
                            TcpSplice::start(std::move(*client), std::move(*upstream));
                          });
}

}  // namespace ktwin::realnet
