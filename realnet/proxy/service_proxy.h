// The agent's userspace service proxy: a TCP listener per ClusterIP port and per nodePort, kept in
// step with the Services and Endpoints of a store (kube-proxy's userspace mode).
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "core/env/executor.h"
#include "core/store/store.h"
#include "realnet/proxy/tcp_proxy_listener.h"

namespace ktwin::realnet {

class ServiceProxy {
 public:
  using Log = std::function<void(const std::string&)>;
  // ClusterIPs must be local addresses of the node for their listeners to bind (a local route for
  // the service CIDR: `ip route add local 10.43.0.0/16 dev lo`); a failed bind is logged once per
  // route and the nodePort listeners still work.
  ServiceProxy(boost::asio::io_context& io, core::Executor& executor, core::Store& store, Log log);
  ~ServiceProxy();

  void start();
  // Recomputes the routes and opens, closes or repoints listeners. Called after each change.
  void sync();
  size_t listener_count() const { return listeners_.size(); }

 private:
  using Address = std::pair<std::string, int32_t>;
  boost::asio::io_context& io_;
  core::Executor& executor_;
  core::Store& store_;
  Log log_;
  std::map<Address, std::unique_ptr<TcpProxyListener>> listeners_;
  std::set<Address> failed_;  // logged once; retried on every sync
  std::vector<core::WatchId> watches_;
  bool sync_posted_ = false;
};

}  // namespace ktwin::realnet
