#include "realnet/agent/node_info.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace ktwin::realnet {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string pretty_name(const std::string& os_release) {
  std::istringstream in(os_release);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("PRETTY_NAME=", 0) != 0) continue;
    std::string v = line.substr(12);
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
    if (!v.empty()) return v;
  }
  return "Linux";  // os-release(5): the default PRETTY_NAME
}

int64_t mem_total_bytes(const std::string& meminfo) {
  std::istringstream in(meminfo);
  std::string key;
  int64_t value = 0;
  std::string unit;
  while (in >> key >> value) {
    std::getline(in, unit);
    if (key == "MemTotal:") return value * 1024;  // the kernel's "kB" are KiB
  }
  return 0;
}

std::string go_arch(const std::string& machine) {
  if (machine == "x86_64") return "amd64";
  if (machine == "aarch64" || machine == "arm64") return "arm64";
  if (machine.rfind("armv", 0) == 0) return "arm";
  if (machine == "i686" || machine == "i386") return "386";
  return machine;
}

std::string source_address_towards(const std::string& host, const std::string& port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0 || !res) return "";
  std::string out;
  for (addrinfo* ai = res; ai && out.empty(); ai = ai->ai_next) {
    int fd = socket(ai->ai_family, SOCK_DGRAM, 0);
    if (fd < 0) continue;
    sockaddr_storage local{};
    socklen_t len = sizeof local;
    // connect() on UDP only picks the route and the source address.
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 && getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0) {
      char buf[INET6_ADDRSTRLEN] = {};
      const void* addr = local.ss_family == AF_INET
                             ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(&local)->sin_addr)
                             : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(&local)->sin6_addr);
      if (inet_ntop(local.ss_family, addr, buf, sizeof buf)) out = buf;
    }
    close(fd);
  }
  freeaddrinfo(res);
  return out;
}

MachineInfo read_machine_info(const std::string& server_host, const std::string& data_dir) {
  MachineInfo m;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) m.hostname = host;
  utsname u{};
  if (uname(&u) == 0) {
    m.kernelVersion = u.release;
    m.architecture = go_arch(u.machine);
  }
  std::string os = slurp("/etc/os-release");
  if (os.empty()) os = slurp("/usr/lib/os-release");
  m.osImage = pretty_name(os);
  cpu_set_t set;
  CPU_ZERO(&set);
  m.cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : sysconf(_SC_NPROCESSORS_ONLN);
  m.memoryBytes = mem_total_bytes(slurp("/proc/meminfo"));
  struct statvfs fs {};
  std::string probe = data_dir;
  while (!probe.empty() && statvfs(probe.c_str(), &fs) != 0) probe = probe.substr(0, probe.find_last_of('/'));
  if (probe.empty()) statvfs("/", &fs);
  m.storageBytes = static_cast<int64_t>(fs.f_blocks) * static_cast<int64_t>(fs.f_frsize);
  m.internalIP = source_address_towards(server_host, "6443");
  // The server's own node reaches its API over loopback; like a kubelet without --node-ip it then
  // reports the default route's source address (k/k pkg/kubelet/nodestatus/setters.go NodeAddress,
  // via utilnet.ChooseHostInterface). 192.0.2.1 (TEST-NET-1) only selects that route; nothing is sent.
  auto loopback = [](const std::string& ip) { return ip.rfind("127.", 0) == 0 || ip == "::1"; };
  if (loopback(m.internalIP)) {
    std::string via_default = source_address_towards("192.0.2.1", "9");
    if (!via_default.empty() && !loopback(via_default)) m.internalIP = via_default;
  }
  return m;
}

core::NodeRegistration registration_from(const MachineInfo& machine, const std::string& node_name) {
  core::NodeRegistration r;
  r.name = node_name;
  r.internalIP = machine.internalIP;
  r.osImage = machine.osImage;
  r.kernelVersion = machine.kernelVersion;
  r.operatingSystem = "linux";
  if (!machine.architecture.empty()) r.architecture = machine.architecture;
  r.capacity["cpu"] = *core::Quantity::parse(std::to_string(std::max<int64_t>(machine.cpus, 1)));
  r.capacity["memory"] = *core::Quantity::parse(std::to_string(machine.memoryBytes / 1024) + "Ki");
  if (machine.storageBytes > 0)
    r.capacity["ephemeral-storage"] = *core::Quantity::parse(std::to_string(machine.storageBytes / 1024) + "Ki");
  r.capacity["pods"] = *core::Quantity::parse("110");
  return r;
}

}  // namespace ktwin::realnet
