#include "realnet/server/server_node_roles.h"

#include "core/api/node.h"

namespace ktwin::realnet {
namespace {
// k3s labels its servers with both (the kubectl ROLES column shows "control-plane,master").
constexpr const char* kRoleLabels[] = {"node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"};
}  // namespace

ServerNodeRoles::~ServerNodeRoles() {
  if (watch_ != 0) store_.unwatch(watch_);
}

void ServerNodeRoles::start() {
  watch_ = store_.watch(core::Kind::kNode, [this](const core::WatchEvent& event) {
    if (event.type != core::WatchEventType::kDeleted && event.object->metadata.name == node_name_) label_now();
  });
  label_now();
}

bool ServerNodeRoles::label_now() {
  auto node = core::find<core::Node>(store_, "", node_name_);
  if (!node) return false;
  bool missing = false;
  for (const char* label : kRoleLabels) missing = missing || node->metadata.labels.count(label) == 0;
  if (!missing) return false;
  auto updated = std::static_pointer_cast<core::Node>(node->clone());
  for (const char* label : kRoleLabels) updated->metadata.labels[label] = "true";
  return store_.update(updated).is_ok();
}

}  // namespace ktwin::realnet
