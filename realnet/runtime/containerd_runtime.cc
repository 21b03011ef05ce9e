#include "realnet/runtime/containerd_runtime.h"

#include <signal.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <random>

#include "realnet/runtime/containerd_spec.h"

namespace ktwin::realnet {

namespace fs = std::filesystem;
using core::ContainerEvent;
using core::ContainerInfo;
using core::Result;
using core::RuntimeContainerState;
using core::Status;

namespace {

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
// Labels on containerd's container records: the pod a container belongs to survives an agent restart.
constexpr const char* kSandboxId = "io.ktwin.sandbox.id";
constexpr const char* kPodUid = "io.ktwin.pod.uid";
constexpr const char* kPodName = "io.ktwin.pod.name";
constexpr const char* kPodNamespace = "io.ktwin.pod.namespace";
constexpr const char* kPodIp = "io.ktwin.pod.ip";
constexpr const char* kName = "io.ktwin.container.name";
constexpr const char* kAttempt = "io.ktwin.container.attempt";
constexpr const char* kImage = "io.ktwin.container.image";
constexpr const char* kImageRef = "io.ktwin.image.ref";
constexpr const char* kCreated = "io.ktwin.created";  // nanoseconds since the epoch
constexpr const char* kLog = "io.ktwin.log";

std::string random_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[40];
  snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
           static_cast<unsigned long long>(rng()));
  return buf;
}

std::string label(const std::map<std::string, std::string>& labels, const char* key) {
  auto it = labels.find(key);
  return it == labels.end() ? "" : it->second;
}

std::string exit_reason(int32_t code) { return code == 0 ? "Completed" : "Error"; }

}  // namespace

ContainerdRuntime::ContainerdRuntime(AsioExecutor& executor, Options options)
    : RuntimeTables(executor, options.imageDir),
      options_(std::move(options)),
      client_(std::make_shared<ContainerdClient>(options_.address, options_.ns, options_.snapshotter)) {
  options_.stateDir = fs::absolute(options_.stateDir);
}

ContainerdRuntime::~ContainerdRuntime() {
  forget_posted();
  stopping_ = true;
  client_->cancel_exit_watch();
  if (relist_timer_) executor_.cancel(*relist_timer_);
  for (auto& [id, c] : containers_)
    if (c.killTimer) executor_.cancel(*c.killTimer);
  workers_.join();
  if (watcher_.joinable()) watcher_.join();
  watch_guard_.reset();
  // Containers keep running in containerd: the next agent adopts them (connect()).
}

template <class R>
void ContainerdRuntime::offload(std::function<R(ContainerdClient&)> work, std::function<void(R)> then) {
  // The work guard keeps the io_context running until the result is back.
  boost::asio::post(workers_, [client = client_, alive = alive_, guard = boost::asio::make_work_guard(executor_.io_context()),
                               work = std::move(work), then = std::move(then)]() mutable {
    R result = work(*client);
    boost::asio::post(guard.get_executor(), [alive, then, result = std::move(result)] {
      if (*alive) then(result);
    });
    guard.reset();
  });
}

fs::path ContainerdRuntime::log_path(const std::string& id) const {
  auto it = containers_.find(id);
  return it == containers_.end() ? fs::path() : it->second.log;
}

// --- connection, adoption, the exit watch ---------------------------------------------------------

struct Snapshot {
  Status status;
  std::string version;
  std::vector<ContainerRecord> records;
  std::vector<TaskState> tasks;
};

void ContainerdRuntime::connect(Then<std::string> done) {
  offload<Snapshot>(
      [](ContainerdClient& client) {
        Snapshot s;
        auto v = client.version();
        if (!v.is_ok()) return Snapshot{v.status(), "", {}, {}};
        s.version = v.value();
        auto records = client.list_containers();
        auto tasks = client.list_tasks();
        if (!records.is_ok()) return Snapshot{records.status(), "", {}, {}};
        if (!tasks.is_ok()) return Snapshot{tasks.status(), "", {}, {}};
        s.records = records.value();
        s.tasks = tasks.value();
        return s;
      },
      [this, done](Snapshot s) {
        if (!s.status.is_ok()) return done(s.status);
        adopt(s.records, s.tasks);
        if (!watcher_.joinable()) {
          watch_guard_.emplace(executor_.io_context().get_executor());  // exits may come at any time
          watcher_ = std::thread([this] { watch_loop(); });
        }
        probe(50, done, s.version);
      });
}

void ContainerdRuntime::probe(int attempts_left, Then<std::string> done, std::string version) {
  if (subscribed_) {
    relist();  // exits between adoption and the subscription
    arm_relist();
    return done(version);
  }
  if (attempts_left == 0) return done(Status::unavailable("containerd: the /tasks/exit subscription did not start"));
  offload<Status>([](ContainerdClient& client) { return client.publish_probe(); },
                  [this, attempts_left, done, version](Status) {
                    executor_.post_after(core::millis(100), [this, alive = alive_, attempts_left, done, version] {
                      if (*alive) probe(attempts_left - 1, done, version);
                    });
                  });
}

void ContainerdRuntime::watch_loop() {
  while (!stopping_) {
    auto& io = executor_.io_context();
    client_->watch_exits(
        [&io, this, alive = alive_](const TaskExit& e) {
          boost::asio::post(io, [this, alive, e] {
            if (*alive) on_exit(e);
          });
        },
        [&io, this, alive = alive_] {
          boost::asio::post(io, [this, alive] {
            if (*alive) subscribed_ = true;
          });
        });
    if (stopping_) break;
    // The stream broke (containerd restarted?): resubscribe, and relist for what passed meanwhile.
    boost::asio::post(io, [this, alive = alive_] {
      if (*alive) relist();
    });
    for (int i = 0; i < 10 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void ContainerdRuntime::arm_relist() {
  relist_timer_ = executor_.post_after(options_.relistPeriod, [this] {
    relist_timer_.reset();
    relist();
    arm_relist();
  });
}

void ContainerdRuntime::relist() {
  offload<Result<std::vector<TaskState>>>([](ContainerdClient& client) { return client.list_tasks(); },
                                          [this](Result<std::vector<TaskState>> tasks) {
                                            if (!tasks.is_ok()) return;  // containerd down: the next relist
                                            std::map<std::string, TaskState> by_id;
                                            for (const auto& t : tasks.value()) by_id[t.containerId] = t;
                                            for (auto& [id, c] : containers_) {
                                              if (c.info.state != RuntimeContainerState::kRunning || c.starting) continue;
                                              auto t = by_id.find(id);
                                              if (t == by_id.end())
                                                on_exit(TaskExit{id, 0, 255, executor_.now()});  // the task vanished
                                              else if (t->second.status == TaskState::Status::kStopped)
                                                on_exit(TaskExit{id, t->second.pid, t->second.exitStatus, t->second.exitedAt});
                                            }
                                          });
}

void ContainerdRuntime::adopt(const std::vector<ContainerRecord>& records, const std::vector<TaskState>& tasks) {
  std::map<std::string, TaskState> by_id;
  for (const auto& t : tasks) by_id[t.containerId] = t;
  for (const auto& r : records) {
    std::string sandbox = label(r.labels, kSandboxId);
    if (sandbox.empty() || containers_.count(r.id)) continue;
    if (!sandboxes_.count(sandbox) && options_.network &&
        fs::exists("/var/run/netns/" + PodNetwork::netns_name(sandbox)))
      netns_[sandbox] = "/var/run/netns/" + PodNetwork::netns_name(sandbox);
    if (!sandboxes_.count(sandbox))
      sandboxes_[sandbox] = core::PodSandboxInfo{sandbox, label(r.labels, kPodUid), label(r.labels, kPodName),
                                                 label(r.labels, kPodNamespace), label(r.labels, kPodIp),
                                                 core::SandboxState::kReady};
    ContainerdContainer c;
    c.info.id = r.id;
    c.info.sandboxId = sandbox;
    c.info.podUid = label(r.labels, kPodUid);
    c.info.name = label(r.labels, kName);
    c.info.image = label(r.labels, kImage);
    c.info.imageRef = label(r.labels, kImageRef);
    c.info.attempt = static_cast<uint32_t>(std::atoi(label(r.labels, kAttempt).c_str()));
    c.info.createdAt = core::Time(core::Duration(std::atoll(label(r.labels, kCreated).c_str())));
    c.log = label(r.labels, kLog);
    auto t = by_id.find(r.id);
    if (t != by_id.end() && t->second.status == TaskState::Status::kRunning) {
      c.info.state = RuntimeContainerState::kRunning;
      c.info.startedAt = c.info.createdAt;  // containerd does not keep the start time
    } else if (t != by_id.end() && t->second.status == TaskState::Status::kStopped) {
      c.info.state = RuntimeContainerState::kExited;
      c.info.exitCode = t->second.exitStatus;
      c.info.finishedAt = t->second.exitedAt;
      c.info.reason = exit_reason(t->second.exitStatus);
    } else if (t != by_id.end() && t->second.status == TaskState::Status::kCreated) {
      c.info.state = RuntimeContainerState::kCreated;
    } else {  // no task: it ran and its task was deleted, or it never started; the outcome is lost
      c.info.state = RuntimeContainerState::kExited;
      c.info.reason = "Unknown";
      c.info.exitCode = 255;
    }
    containers_[r.id] = std::move(c);
  }
}

void ContainerdRuntime::on_exit(const TaskExit& e) {
  auto it = containers_.find(e.containerId);
  if (it == containers_.end()) return;
  ContainerdContainer& c = it->second;
  if (c.starting) {
    c.exitWhileStarting = e;
    return;
  }
  if (c.info.state != RuntimeContainerState::kRunning) return;  // already seen (event and relist)
  if (c.killTimer) executor_.cancel(*c.killTimer);
  c.killTimer.reset();
  c.info.state = RuntimeContainerState::kExited;
  c.info.exitCode = e.exitStatus;
  c.info.finishedAt = e.exitedAt == core::Time{} ? executor_.now() : e.exitedAt;
  c.info.reason = exit_reason(e.exitStatus);
  emit(ContainerEvent::Type::kDied, c.info);  // before the waiting calls' done: the contract
  std::vector<Done> waiting = std::move(c.onExit);
  c.onExit.clear();
  for (auto& done : waiting) later([done] { done(Status::ok()); });
  // The shim and its task go at once; the container record and snapshot stay until remove_container.
  offload<Status>([id = e.containerId](ContainerdClient& client) { return client.delete_task(id).status(); },
                  [](Status) {});
}

// --- sandboxes: bookkeeping -----------------------------------------------------------------------

void ContainerdRuntime::run_pod_sandbox(const core::PodSandboxConfig& config, Then<std::string> done) {
  std::string id = "sb-" + random_id().substr(0, 16);
  core::PodSandboxInfo info{id, config.podUid, config.podName, config.podNamespace, config.podIP,
                            core::SandboxState::kReady};
  if (!options_.network || config.podIP.empty()) {
    sandboxes_[id] = info;
    return later([done, id] { done(id); });
  }
  offload<Result<std::string>>(
      [network = options_.network, id, ip = config.podIP](ContainerdClient&) { return network->setup(id, ip); },
      [this, id, info, done](Result<std::string> path) {
        if (!path.is_ok()) return done(path.status());
        sandboxes_[id] = info;
        netns_[id] = path.value();
        done(id);
      });
}

void ContainerdRuntime::stop_pod_sandbox(const std::string& sandbox_id, Done done) {
  auto sb = sandboxes_.find(sandbox_id);
  if (sb == sandboxes_.end()) return later([done] { done(Status::ok()); });
  sb->second.state = core::SandboxState::kNotReady;
  auto pending = std::make_shared<int>(1);
  // Once its containers are gone, so is the network namespace (CRI StopPodSandbox tears it down).
  auto finish = [this, pending, done, sandbox_id] {
    if (--*pending > 0) return;
    auto ns = netns_.find(sandbox_id);
    if (ns == netns_.end() || !options_.network) return later([done] { done(Status::ok()); });
    netns_.erase(ns);
    offload<Status>([network = options_.network, sandbox_id](ContainerdClient&) { return network->teardown(sandbox_id); },
                    [done](Status s) { done(s); });
  };
  std::vector<std::string> running;
  for (auto& [id, c] : containers_) {
    if (c.info.sandboxId != sandbox_id) continue;
    if (c.info.state == RuntimeContainerState::kCreated && !c.starting) c.info.state = RuntimeContainerState::kExited;
    if (c.info.state != RuntimeContainerState::kRunning && !c.starting) continue;
    ++*pending;
    c.onExit.push_back([finish](Status) { finish(); });
    running.push_back(id);
  }
  for (const auto& id : running) stop_container(id, core::Duration::zero(), [](Status) {});
  finish();
}

void ContainerdRuntime::remove_pod_sandbox(const std::string& sandbox_id, Done done) {
  stop_pod_sandbox(sandbox_id, [this, sandbox_id, done](Status) {
    std::vector<std::string> ids;
    for (const auto& [id, c] : containers_)
      if (c.info.sandboxId == sandbox_id) ids.push_back(id);
    auto pending = std::make_shared<size_t>(ids.size() + 1);
    auto finish = [this, pending, sandbox_id, done] {
      if (--*pending > 0) return;
      sandboxes_.erase(sandbox_id);
      done(Status::ok());
    };
    for (const auto& id : ids) remove_container(id, [finish](Status) { finish(); });
    finish();
  });
}

// --- containers -----------------------------------------------------------------------------------

void ContainerdRuntime::create_container(const std::string& sandbox_id, const core::ContainerConfig& config,
                                         Then<std::string> done) {
  auto fail = [this, done](Status s) { later([done, s] { done(s); }); };
  auto sb = sandboxes_.find(sandbox_id);
  if (sb == sandboxes_.end()) return fail(Status::not_found("sandbox " + sandbox_id + " not found"));
  if (sb->second.state != core::SandboxState::kReady) return fail(Status::invalid("sandbox " + sandbox_id + " is not ready"));
  Result<StoredImage> image = images_.get(config.image);
  if (!image.is_ok()) return fail(image.status());
  std::vector<std::string> argv = container_argv(config.command, config.args, &image->imageConfig);
  if (argv.empty()) return fail(Status::invalid("no command specified"));

  std::string id = random_id();
  const core::PodSandboxInfo& pod = sb->second;
  ContainerSpecInput spec;
  spec.id = id;
  spec.ns = options_.ns;
  spec.args = argv;
  spec.env = image->imageConfig.env;
  bool has_path = false;
  for (const auto& e : spec.env) has_path |= e.rfind("PATH=", 0) == 0;
  if (!has_path) spec.env.push_back(std::string("PATH=") + kDefaultPath);
  spec.env.push_back("HOSTNAME=" + pod.podName);
  spec.cwd = image->imageConfig.workingDir;
  spec.hostname = pod.podName;
  if (auto ns = netns_.find(sandbox_id); ns != netns_.end()) spec.netnsPath = ns->second;

  ContainerdContainer c;
  c.info.id = id;
  c.info.sandboxId = sandbox_id;
  c.info.podUid = pod.podUid;
  c.info.name = config.name;
  c.info.image = config.image;
  c.info.imageRef = image->manifest.digest;
  c.info.attempt = config.attempt;
  c.info.createdAt = executor_.now();
  c.log = options_.stateDir / "pods" / (pod.podNamespace + "_" + pod.podName + "_" + pod.podUid) / config.name /
          (std::to_string(config.attempt) + ".log");
  std::map<std::string, std::string> labels = {
      {kSandboxId, sandbox_id},          {kPodUid, pod.podUid},
      {kPodName, pod.podName},           {kPodNamespace, pod.podNamespace},
      {kPodIp, pod.podIP},               {kName, config.name},
      {kAttempt, std::to_string(config.attempt)}, {kImage, config.image},
      {kImageRef, image->manifest.digest},
      {kCreated, std::to_string(c.info.createdAt.time_since_epoch().count())},
      {kLog, c.log.string()}};
  bool need_import = !imported_.count(image->name);
  std::string spec_json = container_spec(spec).dump();
  offload<Status>(
      [store = images_, img = image.value(), id, spec_json, labels, need_import](ContainerdClient& client) {
        if (need_import) {
          Status s = client.import_image(store, img);
          if (!s.is_ok()) return s;
        }
        return client.create_container(id, img, spec_json, labels);
      },
      [this, id, c = std::move(c), name = image->name, done](Status s) mutable {
        if (!s.is_ok()) return done(s);
        imported_.insert(name);
        containers_[id] = std::move(c);
        done(id);
      });
}

void ContainerdRuntime::start_container(const std::string& id, Done done) {
  auto it = containers_.find(id);
  if (it == containers_.end()) return later([done, id] { done(Status::not_found("container " + id + " not found")); });
  ContainerdContainer& c = it->second;
  if (c.info.state != RuntimeContainerState::kCreated || c.starting)
    return later([done] { done(Status::invalid("container is not created")); });
  c.starting = true;
  std::error_code ec;
  fs::create_directories(c.log.parent_path(), ec);
  offload<Result<uint32_t>>([id, log = c.log.string()](ContainerdClient& client) { return client.start_task(id, log); },
                            [this, id, done](Result<uint32_t> pid) {
                              auto it = containers_.find(id);
                              if (it == containers_.end()) return done(Status::not_found("container " + id + " was removed"));
                              ContainerdContainer& c = it->second;
                              c.starting = false;
                              if (!pid.is_ok()) {
                                // As containerd's CRI: a container that failed to start is exited, 128, StartError.
                                c.info.state = RuntimeContainerState::kExited;
                                c.info.exitCode = 128;
                                c.info.reason = "StartError";
                                c.info.message = pid.status().message();
                                c.info.finishedAt = executor_.now();
                                offload<Status>([id](ContainerdClient& cl) { return cl.delete_task(id).status(); },
                                                [](Status) {});
                                std::vector<Done> waiting = std::move(c.onExit);
                                c.onExit.clear();
                                for (auto& w : waiting) later([w] { w(Status::ok()); });
                                return done(pid.status());
                              }
                              c.info.state = RuntimeContainerState::kRunning;
                              c.info.startedAt = executor_.now();
                              emit(ContainerEvent::Type::kStarted, c.info);
                              later([done] { done(Status::ok()); });
                              if (c.exitWhileStarting) {
                                TaskExit e = *c.exitWhileStarting;
                                c.exitWhileStarting.reset();
                                on_exit(e);
                              } else if (!c.onExit.empty()) {
                                stop_container(id, core::Duration::zero(), [](Status) {});  // stopped while starting
                              }
                            });
}

void ContainerdRuntime::kill_after(const std::string& id, core::Duration timeout) {
  auto it = containers_.find(id);
  if (it == containers_.end() || it->second.killTimer) return;  // an earlier stop's deadline stands
  it->second.killTimer = executor_.post_after(timeout, [this, id] {
    auto it = containers_.find(id);
    if (it == containers_.end()) return;
    it->second.killTimer.reset();
    if (it->second.info.state != RuntimeContainerState::kRunning) return;
    offload<Status>([id](ContainerdClient& client) { return client.kill(id, SIGKILL, true); },
                    [this](Status s) {
                      if (s.is_not_found()) relist();
                    });
  });
}

void ContainerdRuntime::stop_container(const std::string& id, core::Duration timeout, Done done) {
  auto it = containers_.find(id);
  if (it == containers_.end()) return later([done, id] { done(Status::not_found("container " + id + " not found")); });
  ContainerdContainer& c = it->second;
  if (c.starting) {  // stopped once start returns
    c.onExit.push_back(std::move(done));
    return;
  }
  if (c.info.state == RuntimeContainerState::kCreated) c.info.state = RuntimeContainerState::kExited;
  if (c.info.state != RuntimeContainerState::kRunning) return later([done] { done(Status::ok()); });
  c.onExit.push_back(std::move(done));
  // containerd's CRI StopContainer: the stop signal to the init process, SIGKILL to all after the
  // timeout (at once for a zero timeout).
  bool now = timeout <= core::Duration::zero();
  offload<Status>([id, now](ContainerdClient& client) { return client.kill(id, now ? SIGKILL : SIGTERM, now); },
                  [this](Status s) {
                    if (s.is_not_found()) relist();  // the task is gone already: its exit is due
                  });
  if (!now) kill_after(id, timeout);
}

void ContainerdRuntime::remove_container(const std::string& id, Done done) {
  auto it = containers_.find(id);
  if (it == containers_.end()) return later([done] { done(Status::ok()); });
  auto remove = [this, id, done] {
    offload<Status>(
        [id](ContainerdClient& client) {
          client.delete_task(id);  // NotFound once exited
          return client.delete_container(id);
        },
        [this, id, done](Status s) {
          if (s.is_ok()) containers_.erase(id);
          done(s);
        });
  };
  if (it->second.info.state == RuntimeContainerState::kRunning || it->second.starting) {  // CRI: by force
    it->second.onExit.push_back([remove](Status) { remove(); });
    if (!it->second.starting) stop_container(id, core::Duration::zero(), [](Status) {});
    return;
  }
  remove();
}

}  // namespace ktwin::realnet
