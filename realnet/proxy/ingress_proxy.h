// The server's ingress: an HTTP listener (port 80 by default) that sends each connection to a
// ready endpoint of the Service its first request's Host and path select (Ingress rules).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "core/store/store.h"
#include "core/util/status.h"

namespace ktwin::realnet {

// Routing is per connection: the first request's head picks the backend, and the connection is
// then spliced to it (keep-alive requests that follow go to the same pod). No route: 404; a route
// without ready endpoints: 503, both as plain-text responses like a default backend's.
class IngressProxy {
 public:
  using tcp = boost::asio::ip::tcp;
  static core::Result<std::unique_ptr<IngressProxy>> open(boost::asio::io_context& io, const core::Store& store,
                                                          const std::string& ip, uint16_t port);
  ~IngressProxy();
  uint16_t local_port() const { return acceptor_.local_endpoint().port(); }

  IngressProxy(tcp::acceptor acceptor, const core::Store& store) : acceptor_(std::move(acceptor)), store_(store) {}

 private:
  class Connection;
  void accept();

  tcp::acceptor acceptor_;
  const core::Store& store_;
  size_t next_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ktwin::realnet
