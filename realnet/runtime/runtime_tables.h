// What both real runtimes (process, containerd) keep on the executor thread and answer alike: the
// sandboxes, the containers (each runtime's own record, which holds a core::ContainerInfo `info`),
// the node's images, and how callbacks are delivered: posted, never inside the call that asked,
// and dropped once the runtime is gone.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/kubelet/node_runtime.h"
#include "realnet/net/asio_executor.h"
#include "realnet/runtime/image_store.h"

namespace ktwin::realnet {

template <class Container>
class RuntimeTables : public core::NodeRuntime {
 public:
  void set_event_handler(EventHandler handler) override { handler_ = std::move(handler); }

  void list_pod_sandboxes(Then<std::vector<core::PodSandboxInfo>> done) override {
    std::vector<core::PodSandboxInfo> out;
    for (const auto& [id, sandbox] : sandboxes_) out.push_back(sandbox);
    later([done, out = std::move(out)] { done(out); });
  }

  void container_status(const std::string& id, Then<core::ContainerInfo> done) override {
    auto it = containers_.find(id);
    if (it == containers_.end())
      return later([done, id] { done(core::Status::not_found("container " + id + " not found")); });
    later([done, info = it->second.info] { done(info); });
  }

  void list_containers(Then<std::vector<core::ContainerInfo>> done) override {
    std::vector<core::ContainerInfo> out;
    for (const auto& [id, c] : containers_) out.push_back(c.info);
    later([done, out = std::move(out)] { done(out); });
  }

  void list_images(Then<std::vector<core::ImageInfo>> done) override {
    std::vector<core::ImageInfo> out;
    for (const auto& image : images_.list()) out.push_back(core::ImageInfo{{image.name}, image.size()});
    later([done, out = std::move(out)] { done(out); });
  }

 protected:
  RuntimeTables(AsioExecutor& executor, std::filesystem::path image_dir)
      : executor_(executor), images_(std::move(image_dir)) {}
  // A derived destructor calls this first, so nothing it posted runs against a half-destroyed object.
  void forget_posted() { *alive_ = false; }

  void later(core::Task task) {
    executor_.post([alive = alive_, task = std::move(task)] {
      if (*alive) task();
    });
  }
  void emit(core::ContainerEvent::Type type, const core::ContainerInfo& info) {
    later([this, e = core::ContainerEvent{type, info}] {
      if (handler_) handler_(e);
    });
  }

  AsioExecutor& executor_;
  ImageStore images_;
  EventHandler handler_;
  std::map<std::string, core::PodSandboxInfo> sandboxes_;
  std::map<std::string, std::string> netns_;  // sandbox id -> its network namespace's path
  std::map<std::string, Container> containers_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ktwin::realnet
