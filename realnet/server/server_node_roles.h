// Labels the server's own node control-plane and master once its kubelet registered it. A kubelet
// may not set node-role labels itself (NodeRestriction), so k3s's server sets them with its own
// credentials (k3s pkg/server/server.go setNodeLabelsAndAnnotations).
#pragma once

#include <string>

#include "core/store/store.h"

namespace ktwin::realnet {

class ServerNodeRoles {
 public:
  ServerNodeRoles(core::Store& store, std::string node_name) : store_(store), node_name_(std::move(node_name)) {}
  ~ServerNodeRoles();
  ServerNodeRoles(const ServerNodeRoles&) = delete;
  ServerNodeRoles& operator=(const ServerNodeRoles&) = delete;

  // Watches the node from now on and labels it whenever it lacks a role label (it may be
  // re-registered). A conflicting write is retried by the next event of the same node.
  void start();
  // Adds the labels if the node exists and lacks them. Returns whether it wrote.
  bool label_now();

 private:
  core::Store& store_;
  std::string node_name_;
  core::WatchId watch_ = 0;
};

}  // namespace ktwin::realnet
