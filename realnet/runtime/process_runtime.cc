#include "realnet/runtime/process_runtime.h"

#include <sched.h>

#include <fcntl.h>
#include <signal.h>
#include <linux/close_range.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace ktwin::realnet {

namespace fs = std::filesystem;
using core::ContainerEvent;
using core::ContainerInfo;
using core::Result;
using core::RuntimeContainerState;
using core::Status;

namespace {

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string env_value(const std::vector<std::string>& env, const std::string& key) {
  for (const auto& kv : env)
    if (kv.rfind(key + "=", 0) == 0) return kv.substr(key.size() + 1);
  return "";
}

// Where `name` is, as the process will see it (inside `rootfs` when set). lstat inside a rootfs: its
// absolute symlinks (/bin/sh -> /bin/busybox) point into the rootfs, not the host.
std::string find_executable(const std::string& name, const std::string& path, const fs::path& rootfs) {
  auto usable = [&](const std::string& p) {
    if (rootfs.empty()) return access(p.c_str(), X_OK) == 0;
    struct stat st;
    return lstat((rootfs.string() + p).c_str(), &st) == 0;
  };
  if (name.find('/') != std::string::npos) return usable(name) ? name : "";
  size_t begin = 0;
  while (begin <= path.size()) {
    size_t end = path.find(':', begin);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(begin, end - begin);
    if (!dir.empty()) {
      std::string candidate = dir + "/" + name;
      if (usable(candidate)) return candidate;
    }
    begin = end + 1;
  }
  return "";
}

std::string exit_reason(int32_t code) { return code == 0 ? "Completed" : "Error"; }

}  // namespace

ProcessRuntime::ProcessRuntime(AsioExecutor& executor, Options options)
    : RuntimeTables(executor, options.imageDir),
      options_(std::move(options)),
      sigchld_(executor.io_context(), SIGCHLD) {
  wait_for_signal();
}

ProcessRuntime::~ProcessRuntime() {
  forget_posted();
  boost::system::error_code ignored;
  sigchld_.cancel(ignored);
  for (auto& [id, c] : containers_) {
    if (c.killTimer) executor_.cancel(*c.killTimer);
    if (c.pid <= 0) continue;
    kill(-c.pid, SIGKILL);
    int status;
    while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

void ProcessRuntime::wait_for_signal() {
  sigchld_.async_wait([this, alive = alive_](const boost::system::error_code& ec, int) {
    if (ec || !*alive) return;  // operation_aborted: shutting down
    reap();
    wait_for_signal();
  });
}

void ProcessRuntime::reap() {
  // SIGCHLD coalesces: look at every running child. WNOWAIT first, so the process group can be
  // killed while its leader's pid still names it (the rest of the group dies with the container, as
  // in a pid namespace whose init exits).
  for (auto& [id, c] : containers_) {
    if (c.pid <= 0) continue;
    siginfo_t info{};
    if (waitid(P_PID, static_cast<id_t>(c.pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid != c.pid)
      continue;
    kill(-c.pid, SIGKILL);
    int status = 0;
    if (waitpid(c.pid, &status, WNOHANG) == c.pid) exited(c, status);
  }
}

void ProcessRuntime::exited(ProcessContainer& c, int wait_status) {
  int32_t code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
  c.pid = 0;
  if (c.killTimer) executor_.cancel(*c.killTimer);
  c.killTimer.reset();
  c.info.state = RuntimeContainerState::kExited;
  c.info.finishedAt = executor_.now();
  c.info.exitCode = code;
  c.info.reason = exit_reason(code);
  emit(ContainerEvent::Type::kDied, c.info);  // posted before the waiting calls' done: the contract
  std::vector<Done> waiting = std::move(c.onExit);
  c.onExit.clear();
  for (auto& done : waiting) later([done] { done(Status::ok()); });
}

std::string ProcessRuntime::new_id(const char* prefix) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[32];
  snprintf(buf, sizeof buf, "%s%016llx", prefix, static_cast<unsigned long long>(rng()));
  return buf;
}

fs::path ProcessRuntime::log_path(const std::string& id) const {
  auto it = containers_.find(id);
  return it == containers_.end() ? fs::path() : it->second.log;
}

pid_t ProcessRuntime::pid(const std::string& id) const {
  auto it = containers_.find(id);
  return it == containers_.end() ? 0 : it->second.pid;
}

void ProcessRuntime::run_pod_sandbox(const core::PodSandboxConfig& config, Then<std::string> done) {
  std::string id = new_id("sb-");
  if (options_.network && !config.podIP.empty()) {
    // A few `ip` calls, milliseconds: done inline, as the CNI plugin call of RunPodSandbox.
    auto netns = options_.network->setup(id, config.podIP);
    if (!netns.is_ok()) {
      later([done, s = netns.status()] { done(Status::unavailable("pod network: " + s.message())); });
      return;
    }
    netns_[id] = netns.value();
  }
  sandboxes_[id] = core::PodSandboxInfo{id, config.podUid, config.podName, config.podNamespace, config.podIP,
                                        core::SandboxState::kReady};
  later([done, id] { done(id); });
}

void ProcessRuntime::stop_pod_sandbox(const std::string& sandbox_id, Done done) {
  auto sb = sandboxes_.find(sandbox_id);
  if (sb == sandboxes_.end()) {
    later([done] { done(Status::ok()); });  // CRI: stopping a missing sandbox is not an error
    return;
  }
  sb->second.state = core::SandboxState::kNotReady;
  // Its containers are killed at once (containerd's CRI stops them with timeout 0); done after every exit.
  auto pending = std::make_shared<int>(1);
  auto finish = [this, pending, done] {
    if (--*pending == 0) later([done] { done(Status::ok()); });
  };
  for (auto& [id, c] : containers_) {
    if (c.info.sandboxId != sandbox_id) continue;
    if (c.info.state == RuntimeContainerState::kCreated) c.info.state = RuntimeContainerState::kExited;
    if (c.pid <= 0) continue;
    ++*pending;
    c.onExit.push_back([finish](Status) { finish(); });
    kill(-c.pid, SIGKILL);
  }
  finish();
}

void ProcessRuntime::remove_pod_sandbox(const std::string& sandbox_id, Done done) {
  stop_pod_sandbox(sandbox_id, [this, sandbox_id, done](Status) {
    for (auto it = containers_.begin(); it != containers_.end();)
      it = it->second.info.sandboxId == sandbox_id && it->second.pid <= 0 ? containers_.erase(it) : std::next(it);
    sandboxes_.erase(sandbox_id);
    if (netns_.erase(sandbox_id) && options_.network) options_.network->teardown(sandbox_id);
    done(Status::ok());
  });
}

void ProcessRuntime::create_container(const std::string& sandbox_id, const core::ContainerConfig& config,
                                      Then<std::string> done) {
  auto fail = [this, done](Status s) { later([done, s] { done(s); }); };
  auto sb = sandboxes_.find(sandbox_id);
  if (sb == sandboxes_.end()) return fail(Status::not_found("sandbox " + sandbox_id + " not found"));
  if (sb->second.state != core::SandboxState::kReady) return fail(Status::invalid("sandbox " + sandbox_id + " is not ready"));

  ProcessContainer c;
  Result<StoredImage> image = images_.get(config.image);
  if (image.is_ok()) {
    c.info.imageRef = image->manifest.digest;
    c.env = image->imageConfig.env;
    c.workingDir = image->imageConfig.workingDir;
    fs::path rootfs = images_.rootfs_path(image.value());
    if (options_.chroot && geteuid() == 0 && fs::is_directory(rootfs)) c.rootfs = rootfs;
  } else if (!options_.allowMissingImages) {
    return fail(image.status());
  }
  c.argv = container_argv(config.command, config.args, image.is_ok() ? &image->imageConfig : nullptr);
  if (c.argv.empty()) return fail(Status::invalid("no command specified"));  // containerd's wording
  if (env_value(c.env, "PATH").empty()) {
    const char* host_path = c.rootfs.empty() ? getenv("PATH") : nullptr;
    c.env.push_back(std::string("PATH=") + (host_path ? host_path : kDefaultPath));
  }
  c.env.push_back("HOSTNAME=" + sb->second.podName);
  if (auto ns = netns_.find(sandbox_id); ns != netns_.end()) c.netns = ns->second;

  std::string id = new_id("");
  c.info.id = id;
  c.info.sandboxId = sandbox_id;
  c.info.podUid = sb->second.podUid;
  c.info.name = config.name;
  c.info.image = config.image;
  c.info.attempt = config.attempt;
  c.info.createdAt = executor_.now();
  c.log = options_.stateDir / "pods" /
          (sb->second.podNamespace + "_" + sb->second.podName + "_" + sb->second.podUid) / config.name /
          (std::to_string(config.attempt) + ".log");
  containers_[id] = std::move(c);
  later([done, id] { done(id); });
}

Status ProcessRuntime::spawn(ProcessContainer& c) {
  std::string exe = find_executable(c.argv[0], env_value(c.env, "PATH"), c.rootfs);
  if (exe.empty()) return Status::not_found("exec: \"" + c.argv[0] + "\": executable file not found in $PATH");
  std::error_code ec;
  fs::create_directories(c.log.parent_path(), ec);
  if (ec) return Status::unavailable("cannot create " + c.log.parent_path().string() + ": " + ec.message());
  int log_fd = open(c.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (log_fd < 0) return Status::unavailable("cannot open " + c.log.string() + ": " + strerror(errno));
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int err_pipe[2];
  if (null_fd < 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(log_fd);
    if (null_fd >= 0) close(null_fd);
    return Status::unavailable(std::string("cannot prepare the process: ") + strerror(errno));
  }
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  std::vector<char*> argv, envp;
  for (auto& a : c.argv) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : c.env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string root = c.rootfs.string();
  std::string cwd = c.rootfs.empty() ? "" : (c.workingDir.empty() ? "/" : c.workingDir);
  int netns_fd = c.netns.empty() ? -1 : open(c.netns.c_str(), O_RDONLY | O_CLOEXEC);
  if (!c.netns.empty() && netns_fd < 0) {
    close(log_fd);
    close(null_fd);
    close(err_pipe[0]);
    close(err_pipe[1]);
    return Status::unavailable("cannot open the pod's network namespace " + c.netns + ": " + strerror(errno));
  }

  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD}) signal(sig, SIG_DFL);  // ignored ones are inherited
    int step_errno = 0;
    if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) != 0) step_errno = errno;
    if (step_errno == 0 && !root.empty() && (chroot(root.c_str()) != 0 || chdir(cwd.c_str()) != 0)) step_errno = errno;
    if (step_errno == 0 && (dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0)) step_errno = errno;
    // The agent's own descriptors (sockets, the store) must not leak into the container: all close
    // at exec, the error pipe included (it is needed until then).
    if (step_errno == 0) syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
    if (step_errno == 0) {
      execve(exe.c_str(), argv.data(), envp.data());
      step_errno = errno;
    }
    [[maybe_unused]] ssize_t n = write(err_pipe[1], &step_errno, sizeof step_errno);
    _exit(127);
  }
  int fork_errno = errno;
  close(log_fd);
  close(null_fd);
  if (netns_fd >= 0) close(netns_fd);
  close(err_pipe[1]);
  if (pid < 0) {
    close(err_pipe[0]);
    return Status::unavailable(std::string("fork: ") + strerror(fork_errno));
  }
  setpgid(pid, pid);  // also here, so a signal sent right after fork finds the group
  int child_errno = 0;
  ssize_t n;
  while ((n = read(err_pipe[0], &child_errno, sizeof child_errno)) < 0 && errno == EINTR) {
  }
  close(err_pipe[0]);
  if (n == sizeof child_errno) {  // exec failed; the child is gone at once
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return Status::invalid("exec " + exe + ": " + strerror(child_errno));
  }
  c.pid = pid;
  return Status::ok();
}

void ProcessRuntime::start_container(const std::string& id, Done done) {
  auto it = containers_.find(id);
  if (it == containers_.end()) return later([done, id] { done(Status::not_found("container " + id + " not found")); });
  ProcessContainer& c = it->second;
  if (c.info.state != RuntimeContainerState::kCreated)
    return later([done] { done(Status::invalid("container is not created")); });
  Status s = spawn(c);
  if (!s.is_ok()) {
    // containerd's CRI marks a container that failed to start exited with 128, reason StartError.
    c.info.state = RuntimeContainerState::kExited;
    c.info.exitCode = 128;
    c.info.reason = "StartError";
    c.info.message = s.message();
    c.info.finishedAt = executor_.now();
    return later([done, s] { done(s); });
  }
  c.info.state = RuntimeContainerState::kRunning;
  c.info.startedAt = executor_.now();
  emit(ContainerEvent::Type::kStarted, c.info);
  later([done] { done(Status::ok()); });
  reap();  // a child that exited before the signal_set's next wait is seen on the next SIGCHLD anyway
}

void ProcessRuntime::stop_container(const std::string& id, core::Duration timeout, Done done) {
  auto it = containers_.find(id);
  if (it == containers_.end()) return later([done, id] { done(Status::not_found("container " + id + " not found")); });
  ProcessContainer& c = it->second;
  if (c.info.state == RuntimeContainerState::kCreated) c.info.state = RuntimeContainerState::kExited;
  if (c.pid <= 0) return later([done] { done(Status::ok()); });
  c.onExit.push_back(std::move(done));
  // containerd's CRI StopContainer: the stop signal to the container's init, SIGKILL after the timeout
  // (at once for a zero timeout) to everything in it.
  if (timeout <= core::Duration::zero()) {
    kill(-c.pid, SIGKILL);
    return;
  }
  kill(c.pid, SIGTERM);
  if (c.killTimer) return;  // an earlier stop's deadline stands
  c.killTimer = executor_.post_after(timeout, [this, id] {
    auto it = containers_.find(id);
    if (it == containers_.end()) return;
    it->second.killTimer.reset();
    if (it->second.pid > 0) kill(-it->second.pid, SIGKILL);
  });
}

void ProcessRuntime::remove_container(const std::string& id, Done done) {
  auto it = containers_.find(id);
  if (it == containers_.end()) return later([done] { done(Status::ok()); });  // CRI: idempotent
  if (it->second.pid > 0) {  // CRI: a running container is removed by force
    it->second.onExit.push_back([this, id, done](Status) {
      containers_.erase(id);
      done(Status::ok());
    });
    kill(-it->second.pid, SIGKILL);
    return;
  }
  containers_.erase(it);
  later([done] { done(Status::ok()); });
}

}  // namespace ktwin::realnet
