#include "realnet/agent/agent.h"

#include <random>
#include <thread>

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
  if (options_.runtime == "process") {
    ProcessRuntime::Options o;
    o.stateDir = std::filesystem::path(options_.data_dir) / "agent" / "process";
    o.imageDir = std::filesystem::path(options_.data_dir) / "agent" / "images";
    runtime_ = std::make_unique<ProcessRuntime>(executor_, o);
    runtime_version_ = "process://ktwin-0.1.0";
    return core::Status::ok();
  }
  if (options_.runtime == "containerd")
    return core::Status::unavailable(
        "the containerd runtime is not in this build of ktwin; run the agent with --runtime process");
  return core::Status::invalid("--runtime: \"" + options_.runtime + "\" is not containerd or process");
}

core::Status Agent::start() {
  if (auto s = make_runtime(); !s.is_ok()) return s;
  core::Result<AgentCredentials> creds = core::Status::unavailable("not joined");
  for (;;) {
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
  store_options.log = [this](const std::string& m) { log_("remote-store: " + m); };
  store_ = std::make_unique<RemoteStore>(executor_, *client_, store_options);

  MachineInfo machine = read_machine_info(client_->host(), options_.data_dir);
  registration_ = registration_from(machine, options_.node_name);
  if (registration_.internalIP.empty()) log_("node info: no route towards " + client_->host() + ": no InternalIP");
  core::KubeletConfig kubelet_config;
  kubelet_config.containerRuntimeVersion = runtime_version_;
  env_ = std::make_unique<core::Env>(core::Env{executor_, *store_, *events_, std::random_device{}()});
  kubelet_ = std::make_unique<core::Kubelet>(*env_, *runtime_, kubelet_config, registration_, disk_);
  store_->start();
  store_->on_synced([this] {
    log_("kubelet: node " + options_.node_name + " (" + registration_.internalIP + ", " + registration_.osImage + ", " +
         registration_.kernelVersion + ") starting");
    kubelet_->start();
  });
  return core::Status::ok();
}

void Agent::stop() {
  if (kubelet_) kubelet_->stop();
}

}  // namespace ktwin::realnet
