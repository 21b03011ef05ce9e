// Server wiring, in the order kube-apiserver, kube-controller-manager and kube-scheduler come up.
#include "realnet/server/server.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <random>

#include "core/apiserver/admitting_store.h"
#include "core/controlplane/control_plane.h"
#include "core/store/memory_store.h"
#include "realnet/api/api_server.h"
#include "realnet/net/kubeconfig.h"

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
  if (http_) http_->stop();
}

// The one place the store is built: a MemoryStore until the durable store (realnet/storage) is wired.
std::unique_ptr<core::Store> Server::make_store() {
  return std::make_unique<core::MemoryStore>(executor_, core::Rng(random_seed(), "store"));
}

core::Status Server::start() {
  ServerPkiOptions pki_options;
  pki_options.port = options_.https_listen_port;
  pki_options.token_secret = options_.token;
  pki_options.sans = {options_.bind_address};
  auto pki = ensure_server_pki(options_.data_dir, pki_options);
  if (!pki.is_ok()) return core::Status::unavailable("PKI in " + options_.data_dir + ": " + pki.status().message());
  pki_ = std::move(pki).value();

  storage_ = make_store();
  uint64_t seed = random_seed();
  admitted_ = std::make_unique<core::AdmittingStore>(*storage_, options_.control_plane, core::Rng(seed, "apiserver"));
  env_.emplace(core::Env{executor_, *admitted_, events_, seed});
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
  return core::Status::ok();
}

void Server::stop() {
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
