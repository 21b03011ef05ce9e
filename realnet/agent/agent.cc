#include "realnet/agent/agent.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "core/apiserver/store_event_recorder.h"
#include "realnet/runtime/containerd_runtime.h"
#include "realnet/runtime/process_runtime.h"

namespace ktwin::realnet {

// Events go to the log (ktwin's store has no Event kind yet).
class Agent::LogEvents : public core::EventRecorder {
 public:
  explicit LogEvents(std::function<void(const std::string&)>& log) : log_(log) {}
  void record(const core::ObjectRef& object, const std::string& type, const std::string& reason,
              const std::string& message) override {
    log_("event: " + type + " " + reason + " " + object.kind + " " +
         (object.namespace_.empty() ? "" : object.namespace_ + "/") + object.name + ": " + message);
  }
  void log(const std::string& component, const std::string& message) override { log_(component + ": " + message); }

 private:
  std::function<void(const std::string&)>& log_;
};

Agent::Agent(boost::asio::io_context& io, AgentOptions options, std::function<void(const std::string&)> log)
    : io_(io), options_(std::move(options)), log_(std::move(log)), executor_(io) {
  if (!log_) log_ = [](const std::string&) {};
  events_ = std::make_unique<LogEvents>(log_);
}

Agent::~Agent() { stop(); }

core::Status Agent::make_runtime() {
  std::filesystem::path agent_dir = std::filesystem::path(options_.data_dir) / "agent";
  if (options_.pod_network == "bridge") {
    if (geteuid() != 0) return core::Status::invalid("--pod-network bridge needs root (or use --pod-network host)");
    network_ = std::make_unique<PodNetwork>(PodNetwork::Options{});
  }
  if (options_.runtime == "process") {
    ProcessRuntime::Options o;
    o.stateDir = agent_dir / "process";
    o.imageDir = agent_dir / "images";
    o.network = network_.get();
    runtime_ = std::make_unique<ProcessRuntime>(executor_, o);
    runtime_version_ = "process://ktwin-0.1.0";
    runtime_ready_ = true;
    return core::Status::ok();
  }
  if (options_.runtime == "containerd") {
    ContainerdRuntime::Options o;
    o.address = options_.containerd_address;
    o.stateDir = agent_dir / "containerd";
    o.imageDir = agent_dir / "images";
    o.network = network_.get();
    auto runtime = std::make_unique<ContainerdRuntime>(executor_, o);
    runtime->connect([this, address = o.address](core::Result<std::string> version) {
      if (!version.is_ok()) {
        fatal_ = core::Status::unavailable("containerd at " + address + ": " + version.status().message());
        stop();
        io_.stop();
        return;
      }
      // What the kubelet reports as CONTAINER-RUNTIME (k/k kubelet: "<runtime name>://<version>").
      runtime_version_ = "containerd://" + version.value();
      runtime_ready_ = true;
      maybe_start_kubelet();
    });
    runtime_ = std::move(runtime);
    return core::Status::ok();
  }
  return core::Status::invalid("--runtime: \"" + options_.runtime + "\" is not containerd or process");
}

void Agent::load_disk() {
  std::ifstream in(std::filesystem::path(options_.data_dir) / "agent" / "ipam.json");
  if (!in) return;
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = nlohmann::json::parse(ss.str(), nullptr, false);
  if (!doc.is_object()) {
    log_("ipam: " + options_.data_dir + "/agent/ipam.json is not JSON; starting with no addresses held");
    return;
  }
  try {
    disk_.lastReservedIP = doc.value("lastReservedIP", std::map<std::string, std::string>{});
    disk_.allocatedIPs = doc.value("allocatedIPs", std::map<std::string, std::string>{});
  } catch (const nlohmann::json::exception&) {
    disk_ = {};
  }
  saved_disk_ = ss.str();
}

void Agent::save_disk_if_changed() {
  std::string text = nlohmann::json{{"lastReservedIP", disk_.lastReservedIP}, {"allocatedIPs", disk_.allocatedIPs}}.dump();
  if (text != saved_disk_) {
    std::filesystem::path path = std::filesystem::path(options_.data_dir) / "agent" / "ipam.json";
    std::filesystem::path tmp = path;
    tmp += ".tmp";
    std::ofstream out(tmp, std::ios::trunc);
    if (out << text && out.flush()) {
      out.close();
      std::error_code ec;
      std::filesystem::rename(tmp, path, ec);
      if (!ec) saved_disk_ = text;
    }
  }
  disk_timer_ = executor_.post_after(std::chrono::seconds(1), [this] { save_disk_if_changed(); });
}

void Agent::maybe_start_kubelet() {
  if (kubelet_ || !runtime_ready_ || !store_ || !store_->synced()) return;
  core::KubeletConfig kubelet_config;
  kubelet_config.containerRuntimeVersion = runtime_version_;
  core::StoreEventRecorderOptions event_options;
  event_options.source = core::EventSource{"kubelet", options_.node_name};
  event_options.sweep_period = core::Duration::zero();  // the server expires Events
  stored_events_ = std::make_unique<core::StoreEventRecorder>(*store_, executor_, event_options, events_.get());
  env_ = std::make_unique<core::Env>(core::Env{executor_, *store_, *stored_events_, std::random_device{}()});
  kubelet_ = std::make_unique<core::Kubelet>(*env_, *runtime_, kubelet_config, registration_, disk_);
  log_("kubelet: node " + options_.node_name + " (" + registration_.internalIP + ", " + registration_.osImage + ", " +
       registration_.kernelVersion + ", " + runtime_version_ + ") starting");
  kubelet_->start();
  proxy_ = std::make_unique<ServiceProxy>(io_, executor_, *store_, [this](const std::string& m) { log_("proxy: " + m); });
  proxy_->start();
}

core::Status Agent::start() {
  if (auto s = make_runtime(); !s.is_ok()) return s;
  core::Result<AgentCredentials> creds = core::Status::unavailable("not joined");
  for (;;) {
    if (options_.cancelled && *options_.cancelled) return core::Status::unavailable("join: cancelled");
    creds = join_cluster(options_.server, options_.token, options_.node_name, options_.data_dir, log_);
    if (creds.is_ok() || creds.status().code() != core::Status::Code::kUnavailable) break;
    log_("join: " + creds.status().message() + "; retrying in " + core::format_go_duration(options_.join_retry));
    std::this_thread::sleep_for(options_.join_retry);
  }
  if (!creds.is_ok())
    return creds.status().code() == core::Status::Code::kForbidden ? core::Status::forbidden("join: " + creds.status().message())
                                                                  : core::Status::invalid("join: " + creds.status().message());
  log_(std::string("join: ") + (creds->reused ? "using the saved node credentials" : "joined") + " as system:node:" +
       options_.node_name);

  ApiClientConfig config;
  config.server = options_.server;
  config.ca_pem = creds->ca_pem;
  config.client_cert_pem = creds->client_cert_pem;
  config.client_key_pem = creds->client_key_pem;
  auto client = ApiClient::create(io_, config);
  if (!client.is_ok()) return core::Status::invalid("client: " + client.status().message());
  client_ = std::move(client).value();

  RemoteStoreOptions store_options = RemoteStoreOptions::for_kubelet(options_.node_name);
  // kube-proxy's informers: every Service and Endpoints, for the node's userspace proxy.
  store_options.informers.push_back({core::Kind::kService, "", ""});
  store_options.informers.push_back({core::Kind::kEndpoints, "", ""});
  store_options.log = [this](const std::string& m) { log_("remote-store: " + m); };
  store_ = std::make_unique<RemoteStore>(executor_, *client_, store_options);

  MachineInfo machine = read_machine_info(client_->host(), options_.data_dir);
  registration_ = registration_from(machine, options_.node_name);
  if (registration_.internalIP.empty()) log_("node info: no route towards " + client_->host() + ": no InternalIP");
  load_disk();
  save_disk_if_changed();
  store_->start();
  store_->on_synced([this] { maybe_start_kubelet(); });
  return core::Status::ok();
}

void Agent::stop() {
  proxy_.reset();
  if (kubelet_) kubelet_->stop();
  if (disk_timer_) {
    executor_.cancel(std::exchange(disk_timer_, 0));
    save_disk_if_changed();  // re-arms: cancel once more
    executor_.cancel(std::exchange(disk_timer_, 0));
  }
}

}  // namespace ktwin::realnet
