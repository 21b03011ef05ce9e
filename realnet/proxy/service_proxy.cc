#include "realnet/proxy/service_proxy.h"

namespace ktwin::realnet {

ServiceProxy::ServiceProxy(boost::asio::io_context& io, core::Executor& executor, core::Store& store, Log log)
    : io_(io), executor_(executor), store_(store), log_(std::move(log)) {}

ServiceProxy::~ServiceProxy() {
  for (core::WatchId id : watches_) store_.unwatch(id);
}

void ServiceProxy::start() {
  // Coalesce bursts of Service/Endpoints events into one sync.
  auto on_change = [this](const core::WatchEvent&) {
    if (sync_posted_) return;
    sync_posted_ = true;
    executor_.post([this] {
      sync_posted_ = false;
      sync();
    });
  };
  watches_.push_back(store_.watch(core::Kind::kService, on_change));
  watches_.push_back(store_.watch(core::Kind::kEndpoints, on_change));
  sync();
}

void ServiceProxy::sync() {
  std::map<Address, ServiceRoute> wanted;
  for (ServiceRoute& route : service_routes(store_)) {
    Address address{route.listen_ip, route.listen_port};
    wanted.emplace(address, std::move(route));
  }
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    if (wanted.count(it->first) == 0) {
      it = listeners_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [address, route] : wanted) {
    auto it = listeners_.find(address);
    if (it != listeners_.end()) {
      it->second->set_backends(std::move(route.backends));
      continue;
    }
    auto listener = TcpProxyListener::open(io_, address.first, address.second, std::move(route.backends));
    if (!listener.is_ok()) {
      if (failed_.insert(address).second) log_(route.service + ": " + listener.status().message());
      continue;
    }
    failed_.erase(address);
    listeners_.emplace(address, std::move(listener).value());
  }
}

}  // namespace ktwin::realnet
