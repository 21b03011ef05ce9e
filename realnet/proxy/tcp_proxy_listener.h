// One userspace proxy port: accepts TCP connections and splices each to a backend, round robin.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/util/status.h"
#include "realnet/proxy/service_routes.h"

namespace ktwin::realnet {

class TcpProxyListener {
 public:
  using tcp = boost::asio::ip::tcp;
  // Binds `ip:port` (SO_REUSEADDR) and starts accepting. Unavailable when the bind fails.
  static core::Result<std::unique_ptr<TcpProxyListener>> open(boost::asio::io_context& io, const std::string& ip,
                                                              int32_t port, std::vector<Backend> backends);
  ~TcpProxyListener();

  void set_backends(std::vector<Backend> backends) { backends_ = std::move(backends); }
  const std::vector<Backend>& backends() const { return backends_; }
  uint16_t local_port() const { return acceptor_.local_endpoint().port(); }

  explicit TcpProxyListener(tcp::acceptor acceptor, std::vector<Backend> backends)
      : acceptor_(std::move(acceptor)), backends_(std::move(backends)) {}

 private:
  void accept();
  void connect(std::shared_ptr<tcp::socket> client, size_t tries_left);

  tcp::acceptor acceptor_;
  std::vector<Backend> backends_;
  size_t next_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ktwin::realnet
