// ModelledRuntime: start-up latency per image, dependency-driven crashes, power loss and kills.
#include "sim/runtime/modelled_runtime.h"

#include <cstdio>

#include "core/api/image_ref.h"
#include "core/api/service.h"

namespace ktwin::sim {

using core::ContainerEvent;
using core::ContainerInfo;
using core::RuntimeContainerState;
using core::Status;

ModelledRuntime::ModelledRuntime(core::Executor& executor, core::Store& store, AppModels apps, std::string node_name,
                                 NetworkModel* network)
    : executor_(executor), store_(store), apps_(std::move(apps)), node_name_(std::move(node_name)), network_(network) {
  watch_ = store_.watch(core::Kind::kEndpoints, [this](const core::WatchEvent& e) { on_endpoints(e); });
}

ModelledRuntime::~ModelledRuntime() {
  ++generation_;
  store_.unwatch(watch_);
}

std::string ModelledRuntime::image_name(const std::string& image) { return core::image_short_name(image); }

std::string ModelledRuntime::normalize_image(const std::string& image) {
  std::string ref = image;
  size_t slash = ref.find('/');
  std::string first = slash == std::string::npos ? "" : ref.substr(0, slash);
  // docker's reference rules: a first component with '.' or ':' (or "localhost") is a registry.
  bool has_registry = first.find('.') != std::string::npos || first.find(':') != std::string::npos || first == "localhost";
  if (!has_registry) ref = (slash == std::string::npos ? "docker.io/library/" : "docker.io/") + ref;
  size_t last_slash = ref.rfind('/');
  if (ref.find('@') == std::string::npos && ref.find(':', last_slash) == std::string::npos) ref += ":latest";
  return ref;
}

const AppModel& ModelledRuntime::model_for(const std::string& image) const {
  static const AppModel kDefault;
  auto it = apps_.find(image_name(image));
  if (it == apps_.end()) it = apps_.find(image.substr(0, image.rfind(':')));  // keyed as written
  return it == apps_.end() ? kDefault : it->second;
}

std::string ModelledRuntime::new_id() {
  // 64 hex digits like containerd's, from FNV-1a over (node, counter): deterministic and distinct per node.
  std::string out;
  for (int part = 0; part < 4; ++part) {
    uint64_t h = 1469598103934665603ULL;
    std::string seed = node_name_ + "/" + std::to_string(next_id_) + "/" + std::to_string(part);
    for (unsigned char ch : seed) h = (h ^ ch) * 1099511628211ULL;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    out += buf;
  }
  ++next_id_;
  return out;
}

void ModelledRuntime::later(core::Task task) {
  executor_.post([this, gen = generation_, task = std::move(task)] {
    if (gen == generation_) task();
  });
}

void ModelledRuntime::emit(ContainerEvent::Type type, const ContainerInfo& info) {
  later([this, event = ContainerEvent{type, info}] {
    if (handler_) handler_(event);
  });
}

void ModelledRuntime::power_off() {
  ++generation_;
  sandboxes_.clear();
  containers_.clear();
  // A pull cut short leaves no image; the next boot pulls again. (The transfer itself is not
  // cancelled in the network model: it finishes unheard.)
  pulling_.clear();
}

Status ModelledRuntime::kill_container(const std::string& pod_uid, const std::string& container_name) {
  for (auto& [id, c] : containers_)
    if (c.info.podUid == pod_uid && c.info.name == container_name &&
        c.info.state == RuntimeContainerState::kRunning) {
      exit(id, 137);  // SIGKILL
      return Status::ok();
    }
  return Status::not_found("no running container " + container_name + " in pod " + pod_uid);
}

std::vector<core::ContainerInfo> ModelledRuntime::running_containers() const {
  std::vector<core::ContainerInfo> out;
  for (const auto& [id, c] : containers_)
    if (c.info.state == RuntimeContainerState::kRunning) out.push_back(c.info);
  return out;
}

void ModelledRuntime::set_event_handler(EventHandler handler) { handler_ = std::move(handler); }

void ModelledRuntime::run_pod_sandbox(const core::PodSandboxConfig& config, Then<std::string> done) {
  std::string id = new_id();
  sandboxes_[id] = core::PodSandboxInfo{id, config.podUid, config.podName, config.podNamespace, config.podIP,
                                        core::SandboxState::kReady};
  later([done, id] { done(id); });
}

void ModelledRuntime::stop_pod_sandbox(const std::string& sandbox_id, Done done) {
  for (auto& [id, c] : containers_)
    if (c.info.sandboxId == sandbox_id) exit(id, 137);
  if (auto it = sandboxes_.find(sandbox_id); it != sandboxes_.end()) it->second.state = core::SandboxState::kNotReady;
  later([done] { done(Status::ok()); });
}

void ModelledRuntime::remove_pod_sandbox(const std::string& sandbox_id, Done done) {
  for (auto it = containers_.begin(); it != containers_.end();)
    it = it->second.info.sandboxId == sandbox_id ? containers_.erase(it) : std::next(it);
  sandboxes_.erase(sandbox_id);
  later([done] { done(Status::ok()); });
}

void ModelledRuntime::list_pod_sandboxes(Then<std::vector<core::PodSandboxInfo>> done) {
  std::vector<core::PodSandboxInfo> out;
  for (const auto& [id, sb] : sandboxes_) out.push_back(sb);
  later([done = std::move(done), out = std::move(out)]() mutable { done(std::move(out)); });
}

void ModelledRuntime::create_container(const std::string& sandbox_id, const core::ContainerConfig& config,
                                       Then<std::string> done) {
  std::string image = normalize_image(config.image);
  if (!network_ || images_.count(image)) {
    finish_create(sandbox_id, config, done);
    return;
  }
  // k/k pkg/kubelet/kuberuntime/kuberuntime_container.go startContainer: EnsureImageExists before
  // CreateContainer. One pull per image; creates arriving meanwhile wait for it.
  auto& waiting = pulling_[image];
  waiting.push_back([this, sandbox_id, config, done] { finish_create(sandbox_id, config, done); });
  if (waiting.size() > 1) return;
  int64_t bytes = model_for(config.image).imageSizeBytes;
  network_->pull_image(node_name_, bytes, [this, image, bytes, gen = generation_] {
    if (gen != generation_) return;
    images_[image] = bytes;
    auto it = pulling_.find(image);
    if (it == pulling_.end()) return;
    std::vector<core::Task> waiters = std::move(it->second);
    pulling_.erase(it);
    for (core::Task& t : waiters) t();
  });
}

void ModelledRuntime::finish_create(const std::string& sandbox_id, const core::ContainerConfig& config,
                                    Then<std::string> done) {
  auto sb = sandboxes_.find(sandbox_id);
  if (sb == sandboxes_.end() || sb->second.state != core::SandboxState::kReady) {
    later([done, sandbox_id] { done(Status::not_found("sandbox " + sandbox_id + " is not ready")); });
    return;
  }
  std::string id = new_id();
  Container c;
  c.model = model_for(config.image);
  c.ns = sb->second.podNamespace;
  c.info.id = id;
  c.info.sandboxId = sandbox_id;
  c.info.podUid = sb->second.podUid;
  c.info.name = config.name;
  c.info.image = normalize_image(config.image);
  c.info.imageRef = c.info.image;
  c.info.attempt = config.attempt;
  c.info.createdAt = executor_.now();
  images_[c.info.image] = c.model.imageSizeBytes;
  containers_[id] = std::move(c);
  later([done, id] { done(id); });
}

void ModelledRuntime::start_container(const std::string& container_id, Done done) {
  auto it = containers_.find(container_id);
  if (it == containers_.end()) {
    later([done] { done(Status::not_found("container")); });
    return;
  }
  executor_.post_after(it->second.model.startup, [this, container_id, done, gen = generation_] {
    if (gen != generation_) return;
    auto it = containers_.find(container_id);
    if (it == containers_.end() || it->second.info.state != RuntimeContainerState::kCreated) {
      done(Status::invalid("container " + container_id + " is not in created state"));
      return;
    }
    Container& c = it->second;
    c.info.state = RuntimeContainerState::kRunning;
    c.info.startedAt = executor_.now();
    if (c.model.readyAfter > Duration(0)) c.info.readyAt = c.info.startedAt + c.model.readyAfter;
    emit(ContainerEvent::Type::kStarted, c.info);
    later([done] { done(Status::ok()); });
    if (!dependencies_ready(c)) schedule_failure(container_id, kStartupFailureDelay);
  });
}

void ModelledRuntime::stop_container(const std::string& container_id, Duration timeout, Done done) {
  auto it = containers_.find(container_id);
  if (it != containers_.end()) {
    if (it->second.info.state == RuntimeContainerState::kCreated) {
      it->second.info.state = RuntimeContainerState::kExited;
      it->second.info.finishedAt = executor_.now();
    }
    // Modelled apps honour SIGTERM at once and exit cleanly, so the grace period never runs out.
    exit(container_id, 0);
  }
  later([done] { done(Status::ok()); });
}

void ModelledRuntime::remove_container(const std::string& container_id, Done done) {
  containers_.erase(container_id);
  later([done] { done(Status::ok()); });
}

void ModelledRuntime::container_status(const std::string& container_id, Then<ContainerInfo> done) {
  auto it = containers_.find(container_id);
  if (it == containers_.end()) later([done] { done(Status::not_found("container")); });
  else later([done, info = it->second.info] { done(info); });
}

void ModelledRuntime::list_containers(Then<std::vector<ContainerInfo>> done) {
  std::vector<ContainerInfo> out;
  for (const auto& [id, c] : containers_) out.push_back(c.info);
  later([done, out] { done(out); });
}

void ModelledRuntime::list_images(Then<std::vector<core::ImageInfo>> done) {
  std::vector<core::ImageInfo> out;
  for (const auto& [ref, size] : images_) out.push_back(core::ImageInfo{{ref}, size});
  later([done, out] { done(out); });
}

bool ModelledRuntime::dependencies_ready(const Container& c) const {
  for (const std::string& service : c.model.dependsOn) {
    auto ep = core::find<core::Endpoints>(store_, c.ns, service);
    if (!ep || ep->ready_address_count() == 0) return false;
  }
  return true;
}

void ModelledRuntime::schedule_failure(const std::string& id, Duration delay) {
  auto it = containers_.find(id);
  if (it == containers_.end() || it->second.failing) return;
  it->second.failing = true;
  executor_.post_after(delay, [this, id, gen = generation_] {
    if (gen != generation_) return;
    auto it = containers_.find(id);
    if (it == containers_.end()) return;
    it->second.failing = false;
    // The app survives if the dependency came back before it noticed.
    if (it->second.info.state == RuntimeContainerState::kRunning && !dependencies_ready(it->second)) exit(id, 1);
  });
}

void ModelledRuntime::exit(const std::string& id, int32_t code) {
  auto it = containers_.find(id);
  if (it == containers_.end() || it->second.info.state != RuntimeContainerState::kRunning) return;
  ContainerInfo& info = it->second.info;
  info.state = RuntimeContainerState::kExited;
  info.finishedAt = executor_.now();
  info.exitCode = code;
  info.reason = code == 0 ? "Completed" : "Error";  // containerd's reasons for clean and failed exits
  emit(ContainerEvent::Type::kDied, info);
}

void ModelledRuntime::on_endpoints(const core::WatchEvent& event) {
  const auto& ep = *event.object;
  bool lost = event.type == core::WatchEventType::kDeleted ||
              core::as<core::Endpoints>(event.object)->ready_address_count() == 0;
  if (!lost) return;
  for (auto& [id, c] : containers_) {
    if (c.info.state != RuntimeContainerState::kRunning || c.ns != ep.metadata.namespace_) continue;
    for (const std::string& service : c.model.dependsOn)
      if (service == ep.metadata.name) schedule_failure(id, kDependencyLossDelay);
  }
}

}  // namespace ktwin::sim
