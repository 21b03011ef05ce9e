// The owner-reference garbage collector: background cascading deletion. A dependent whose owners are all gone
// (by uid) is deleted with default options; dangling references next to live owners are dropped
// (k/k pkg/controller/garbagecollector/garbagecollector.go attemptToDeleteItem, simplified).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/controller/workqueue.h"
#include "core/env/env.h"
#include "core/store/store.h"

namespace ktwin::core {

class GarbageCollector {
 public:
  explicit GarbageCollector(const Env& env);
  ~GarbageCollector();
  GarbageCollector(const GarbageCollector&) = delete;
  GarbageCollector& operator=(const GarbageCollector&) = delete;

  // Watches every kind and checks every object that already has owners.
  void start();
  // attemptToDelete for "Kind/namespace/name" (e.g. "Pod/default/web-abc12").
  Status reconcile(const std::string& key);

 private:
  void observe(const Object& obj);

  Env env_;
  WorkQueue queue_;
  std::map<std::string, std::set<std::string>> dependents_;  // owner uid -> dependent keys
  std::vector<WatchId> watches_;
};

}  // namespace ktwin::core
