// The `ktwin server` process minus its flags: PKI, the store behind admission, the control plane
// (the simulator's controllers and scheduler), the API and join handlers behind one HTTPS listener,
// all on one io_context thread (realnet/README.md).
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/apiserver/store_event_recorder.h"
#include "core/controller/config.h"
#include "core/env/env.h"
#include "core/store/store.h"
#include "core/store/store_journal.h"
#include "realnet/net/asio_executor.h"
#include "realnet/net/http_server.h"
#include "realnet/net/server_pki.h"
#include "realnet/server/join_handler.h"
#include "realnet/server/log_events.h"

namespace ktwin::core {
class AdmittingStore;
class ControlPlane;
}  // namespace ktwin::core

namespace ktwin::realnet {
class IngressProxy;
class ServerNodeRoles;
class EmbeddedAgent;

struct ServerOptions {
  std::string data_dir = "/var/lib/ktwin";
  uint16_t https_listen_port = 6443;  // 0: any free port (tests)
  std::string bind_address = "0.0.0.0";
  std::vector<std::string> tls_sans;  // --tls-san: more names or addresses for the serving certificate
  std::string write_kubeconfig;  // also write the admin kubeconfig here (k3s --write-kubeconfig)
  std::string datastore_endpoint;  // etcd (http://HOST:2379); empty: SQLite in DATA_DIR/server/db
  std::string token;             // the node token's secret; empty: kept from the last start, or random
  bool disable_agent = false;    // no kubelet on the server itself
  std::string runtime = "containerd";  // the server's own kubelet's runtime: containerd | process
  std::string containerd_address = "/run/containerd/containerd.sock";  // its containerd's socket
  std::string pod_network;             // its pods' network (ktwin agent --pod-network); empty: the agent's default
  int64_t ingress_port = 80;     // the ingress proxy's HTTP port on the bind address; 0: none
  std::string node_name;         // the server's own node; empty: the hostname
  std::string kubernetes_version = "1.20";  // the scheduler's default profile and messages
  core::ControlPlaneConfig control_plane;
};

// Builds the handler for the Kubernetes API over the admitted store. REQUIRES: the result does not
// outlive `store` or `executor`.
using ApiHandlerFactory = std::function<std::unique_ptr<HttpHandler>(core::Store& store, AsioExecutor& executor)>;

class Server {
 public:
  // `make_api` empty: realnet::ApiServer (realnet/api/api_server.h). Everything runs on `io`'s thread, start() included.
  Server(boost::asio::io_context& io, ServerOptions options, ApiHandlerFactory make_api = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Creates or loads the PKI, starts the control plane and listens. Errors say which step failed.
  core::Status start();
  // Closes the listener and every connection (open watches are cancelled). The caller then stops `io`.
  void stop();

  uint16_t port() const { return http_ ? http_->port() : 0; }
  const ServerPki& pki() const { return pki_; }
  core::Store& store();  // the admitted store, as the API handler sees it. REQUIRES: start() succeeded
  AsioExecutor& executor() { return executor_; }

 private:
  core::Result<std::unique_ptr<core::Store>> make_store();

  boost::asio::io_context& io_;
  ServerOptions options_;
  ApiHandlerFactory make_api_;
  AsioExecutor executor_;
  LogEvents events_;
  ServerPki pki_;
  std::unique_ptr<core::StoreJournal> journal_;  // declared first: destroyed after the store
  std::unique_ptr<core::Store> storage_;
  std::unique_ptr<core::AdmittingStore> admitted_;
  std::unique_ptr<core::StoreEventRecorder> stored_events_;  // Events into the store, and to events_
  std::optional<core::Env> env_;
  std::unique_ptr<core::ControlPlane> control_plane_;
  std::unique_ptr<HttpHandler> api_;
  std::unique_ptr<JoinHandler> join_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<IngressProxy> ingress_;
  std::unique_ptr<ServerNodeRoles> node_roles_;
  std::unique_ptr<EmbeddedAgent> agent_;  // last: stopped first, while the API still answers
};

// The machine's hostname, lower-cased (the default node name, as the kubelet's --hostname-override).
std::string default_node_name();

}  // namespace ktwin::realnet
