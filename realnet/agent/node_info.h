// What a kubelet reports about its machine (k/k pkg/kubelet/nodestatus/setters.go: MachineInfo,
// NodeAddress, VersionInfo), read from this machine, so `kubectl get nodes -o wide` shows it.
#pragma once

#include <cstdint>
#include <string>

#include "core/kubelet/kubelet_config.h"

namespace ktwin::realnet {

struct MachineInfo {
  std::string hostname;
  std::string kernelVersion;    // uname -r
  std::string osImage;          // /etc/os-release PRETTY_NAME
  std::string architecture;     // GOARCH spelling: amd64, arm64
  int64_t cpus = 0;             // CPUs this process may run on (nproc)
  int64_t memoryBytes = 0;      // /proc/meminfo MemTotal
  int64_t storageBytes = 0;     // the data dir's file system (ephemeral-storage)
  std::string internalIP;       // the address of the interface that routes to the server
};

// `server_host` (a name or an address) picks the interface; `data_dir` the file system measured.
MachineInfo read_machine_info(const std::string& server_host, const std::string& data_dir);

// The PRETTY_NAME of an os-release text ("Debian GNU/Linux 12 (bookworm)"), else "Linux".
std::string pretty_name(const std::string& os_release);
// MemTotal of a /proc/meminfo text, in bytes; 0 if absent.
int64_t mem_total_bytes(const std::string& meminfo);
// uname's machine as Go spells it: x86_64 -> amd64, aarch64 -> arm64.
std::string go_arch(const std::string& machine);
// The local address a UDP socket to host:port would use (no packet is sent); "" if unroutable.
std::string source_address_towards(const std::string& host, const std::string& port);

// The kubelet's registration from the machine: capacity cpu, memory (Ki, as cAdvisor reports it),
// ephemeral-storage and pods 110; InternalIP; OS, kernel and architecture.
core::NodeRegistration registration_from(const MachineInfo& machine, const std::string& node_name);

}  // namespace ktwin::realnet
