// The endpoints controller: one Endpoints object per selector Service, listing the IPs of matching pods,
// ready or not, with resolved target ports (k/k pkg/controller/endpoint/endpoints_controller.go, 1.20).
#pragma once

#include <string>
#include <vector>

#include "core/api/pod.h"
#include "core/api/service.h"
#include "core/controller/workqueue.h"
#include "core/env/env.h"
#include "core/store/store.h"

namespace ktwin::core {

class EndpointsController {
 public:
  explicit EndpointsController(const Env& env);
  ~EndpointsController();
  EndpointsController(const EndpointsController&) = delete;
  EndpointsController& operator=(const EndpointsController&) = delete;

  // Watches services, pods and endpoints and syncs every existing service.
  void start();
  // syncService for "namespace/name": writes the Endpoints only when they change; deletes them with the service.
  Status reconcile(const std::string& key);

  // The subsets Kubernetes would compute for `service` over `pods` (already repacked and sorted).
  static std::vector<EndpointSubset> compute_subsets(const Service& service,
                                                     const std::vector<std::shared_ptr<const Pod>>& pods);

 private:
  void enqueue_services_for(const Pod& pod);

  Env env_;
  WorkQueue queue_;
  std::vector<WatchId> watches_;
};

}  // namespace ktwin::core
