// Server wiring, in the order kube-apiserver, kube-controller-manager and kube-scheduler come up.
#include "realnet/server/server.h"

#include <unistd.h>

#include <boost/asio/post.hpp>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <random>

#include "core/apiserver/admitting_store.h"
#include "core/controlplane/control_plane.h"
#include "core/store/memory_store.h"
#include "realnet/api/api_server.h"
#include "realnet/net/kubeconfig.h"
#include "realnet/storage/datastore.h"
#include "realnet/proxy/ingress_proxy.h"
#include "realnet/server/embedded_agent.h"
#include "realnet/server/server_node_roles.h"

namespace ktwin::realnet {
namespace {

uint64_t random_seed() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) | rd();
}

}  // namespace

Server::Server(boost::asio::io_context& io, ServerOptions options, ApiHandlerFactory make_api)
    : io_(io), options_(std::move(options)), make_api_(std::move(make_api)), executor_(io) {}

Server::~Server() {
  if (agent_) agent_->request_stop();
  if (http_) http_->stop();
  agent_.reset();
  // The journal goes after the store's last write; detach it so nothing records into it afterwards.
  if (auto* memory = dynamic_cast<core::MemoryStore*>(storage_.get())) memory->set_journal(nullptr);
}

// The one place the store is built: a MemoryStore restored from the datastore (SQLite in the data
// dir, or etcd with --datastore-endpoint, whose watch also brings other writers' changes),
// journaling every write before it is acknowledged. The seed differs on every start: uids come from
// it and must not repeat those of restored objects.
core::Result<std::unique_ptr<core::Store>> Server::make_store() {
  auto store = std::make_unique<core::MemoryStore>(executor_, core::Rng(random_seed(), "store"));
  DatastoreOptions datastore{options_.data_dir, options_.datastore_endpoint};
  // etcd's watch runs on a thread of its own and hands changes to this one (boost::asio::post is
  // thread-safe, unlike the rest of AsioExecutor).
  datastore.post = [&io = io_](core::Task task) { boost::asio::post(io, std::move(task)); };
  datastore.log = [this](const std::string& line) { events_.log("datastore", line); };
  auto journal = attach_datastore(datastore, *store);
  if (!journal.is_ok()) return journal.status();
  journal_ = std::move(journal).value();
  return std::unique_ptr<core::Store>(std::move(store));
}

core::Status Server::start() {
  ServerPkiOptions pki_options;
  pki_options.port = options_.https_listen_port;
  pki_options.token_secret = options_.token;
  pki_options.sans = options_.tls_sans;
  pki_options.sans.push_back(options_.bind_address);
  auto pki = ensure_server_pki(options_.data_dir, pki_options);
  if (!pki.is_ok()) return core::Status::unavailable("PKI in " + options_.data_dir + ": " + pki.status().message());
  pki_ = std::move(pki).value();

  auto storage = make_store();
  if (!storage.is_ok()) return core::Status::unavailable("datastore: " + storage.status().message());
  storage_ = std::move(storage).value();
  uint64_t seed = random_seed();
  admitted_ = std::make_unique<core::AdmittingStore>(*storage_, options_.control_plane, core::Rng(seed, "apiserver"));
  stored_events_ = std::make_unique<core::StoreEventRecorder>(*admitted_, executor_, core::StoreEventRecorderOptions{},
                                                              &events_);
  env_.emplace(core::Env{executor_, *admitted_, *stored_events_, seed});
  if (auto s = core::create_system_namespaces(*admitted_); !s.is_ok())
    return core::Status::unavailable("the system namespaces: " + s.message());
  // The apiserver's bootstrap controller creates default/kubernetes; an existing one (durable store) stays.
  if (auto s = admitted_->create_kubernetes_service(); !s.is_ok() && !s.is_already_exists())
    return core::Status::unavailable("the kubernetes Service: " + s.message());

  core::SchedulerOptions scheduler_options;
  scheduler_options.kubernetesVersion = options_.kubernetes_version;
  control_plane_ = std::make_unique<core::ControlPlane>(*env_, options_.control_plane, scheduler_options);
  control_plane_->start();

  if (make_api_) {
    api_ = make_api_(*admitted_, executor_);
  } else {
    api_ = std::make_unique<ApiServer>(*admitted_, executor_);
  }
  join_ = std::make_unique<JoinHandler>(pki_.ca, pki_.token_secret);
  router_ = std::make_unique<Router>(*join_, *api_);

  HttpServerOptions http;
  http.bind_address = options_.bind_address;
  http.port = options_.https_listen_port;
  http.serving = pki_.serving;
  http.client_ca_pem = pki_.ca.cert_pem;
  http_ = std::make_unique<HttpServer>(io_, *router_, http);
  if (auto s = http_->start(); !s.is_ok()) return s;

  // With port 0 only now is the port known; --write-kubeconfig gets the same file.
  std::string kubeconfig = kubeconfig_yaml("https://127.0.0.1:" + std::to_string(http_->port()), pki_.ca.cert_pem,
                                           pki_.admin);
  for (const std::string& path : {pki_.kubeconfig_path, options_.write_kubeconfig})
    if (!path.empty())
      if (auto s = write_private_file(path, kubeconfig); !s.is_ok()) return s;

  if (options_.ingress_port != 0) {
    // Without its port the API still serves; the ingress is reported and left off.
    auto ingress = IngressProxy::open(io_, *admitted_, options_.bind_address, static_cast<uint16_t>(options_.ingress_port));
    if (ingress.is_ok()) {
      ingress_ = std::move(ingress).value();
    } else {
      events_.log("ingress", "disabled: " + ingress.status().message());
    }
  }
  if (!options_.disable_agent) {
    node_roles_ = std::make_unique<ServerNodeRoles>(*admitted_, options_.node_name);
    node_roles_->start();
    AgentOptions agent;
    // The listener's own address, unless it listens on every address.
    std::string local = options_.bind_address == "0.0.0.0" || options_.bind_address == "::" ? "127.0.0.1" : options_.bind_address;
    agent.server = "https://" + local + ":" + std::to_string(http_->port());
    agent.token = pki_.node_token;
    agent.node_name = options_.node_name;
    agent.runtime = options_.runtime;
    agent.containerd_address = options_.containerd_address;
    agent.data_dir = options_.data_dir;
    if (!options_.pod_network.empty()) agent.pod_network = options_.pod_network;
    agent_ = std::make_unique<EmbeddedAgent>(agent, [](const std::string& line) { std::cerr << "agent: " << line << "\n"; });
    agent_->start();
  }
  return core::Status::ok();
}

void Server::stop() {
  // Not joined here: the agent's requests in flight need this thread, which is the caller's. With the
  // listener closed they fail at once, and ~Server waits for the agent's thread.
  if (agent_) agent_->request_stop();
  ingress_.reset();
  if (http_) http_->stop();
}

core::Store& Server::store() {
  KT_CHECK(admitted_ != nullptr, "Server::store() before start()");
  return *admitted_;
}

std::string default_node_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "ktwin-server";
  std::string name = buf;
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name;
}

}  // namespace ktwin::realnet
