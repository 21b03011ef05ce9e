// Who may do what: system:masters everything; kubelets (system:nodes, system:node:NAME) what the Node
// authorizer and the NodeRestriction admission plugin allow; everyone else nothing but discovery.
#pragma once

#include <optional>
#include <string>

#include "core/api/meta.h"
#include "realnet/api/api_errors.h"
#include "realnet/api/http_message.h"
#include "realnet/api/resources.h"

namespace ktwin::realnet {

// k8s.io/apiserver authorizer.Attributes for a resource request.
struct RequestAttributes {
  std::string verb;  // get, list, watch, create, update, patch, delete
  const ApiResource* resource = nullptr;
  std::string subresource, namespace_, name;
};

bool is_master(const UserInfo& user);
// "worker1" for system:node:worker1 in group system:nodes; nullopt for other users.
std::optional<std::string> node_name_of(const UserInfo& user);

// The authorizer's decision before anything is read: nullopt allows, else a 403 Status.
std::optional<ApiError> authorize(const UserInfo& user, const RequestAttributes& attrs);

// NodeRestriction for a write by a node, once the old and new objects are known (old null on create, now
// null on delete): nullopt admits, else a 403 Status. Users that are not nodes are always admitted.
std::optional<ApiError> admit_node_write(const UserInfo& user, const RequestAttributes& attrs,
                                         const core::Object* old, const core::Object* now);

}  // namespace ktwin::realnet
