#include "realnet/runtime/containerd_spec.h"

namespace ktwin::realnet {

using nlohmann::json;

json container_spec(const ContainerSpecInput& in) {
  const json caps = {"CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",     "CAP_MKNOD",
                     "CAP_NET_RAW", "CAP_SETGID",      "CAP_SETUID",           "CAP_SETFCAP",    "CAP_SETPCAP",
                     "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",     "CAP_AUDIT_WRITE"};
  auto mount = [](const char* dest, const char* type, const char* source, json options) {
    return json{{"destination", dest}, {"type", type}, {"source", source}, {"options", std::move(options)}};
  };
  json mounts = json::array({
      mount("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}),
      mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
      mount("/dev/pts", "devpts", "devpts", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
      mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
      mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
      mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
      mount("/run", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
  });
  json namespaces = json::array({{{"type", "pid"}}, {{"type", "ipc"}}, {{"type", "uts"}}, {{"type", "mount"}}});
  if (!in.netnsPath.empty()) {
    namespaces.push_back({{"type", "network"}, {"path", in.netnsPath}});
  } else {
    // Sharing the host's network: its /etc/resolv.conf and /etc/hosts, read-only, as hostNetwork pods.
    for (const char* f : {"/etc/resolv.conf", "/etc/hosts"})
      mounts.push_back(mount(f, "bind", f, {"rbind", "ro"}));
  }
  return json{
      {"ociVersion", "1.0.2-dev"},
      {"process",
       {{"user", {{"uid", 0}, {"gid", 0}}},
        {"args", in.args},
        {"env", in.env},
        {"cwd", in.cwd.empty() ? "/" : in.cwd},
        {"capabilities", {{"bounding", caps}, {"effective", caps}, {"permitted", caps}}},
        {"rlimits", json::array({{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}})},
        {"noNewPrivileges", true}}},
      {"root", {{"path", "rootfs"}}},
      {"hostname", in.hostname},
      {"mounts", mounts},
      {"linux",
       {{"resources", {{"devices", json::array({{{"allow", false}, {"access", "rwm"}}})}}},
        {"cgroupsPath", "/" + in.ns + "/" + in.id},
        {"namespaces", namespaces},
        {"maskedPaths",
         {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
          "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"}},
        {"readonlyPaths", {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}}}},
  };
}

}  // namespace ktwin::realnet
