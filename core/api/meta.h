// Object metadata shared by every kind, the Object base, label selectors and IntOrString.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/quantity.h"
#include "core/util/time.h"

namespace ktwin::core {

using Labels = std::map<std::string, std::string>;
using ResourceList = std::map<std::string, Quantity>;

enum class Kind {
  kNode, kPod, kReplicaSet, kDeployment, kService, kEndpoints, kIngress, kLease,
  kPodDisruptionBudget,  // policy/v1
  kEvent,                // v1; written by real mode's recorder only
  kNamespace,            // v1; real mode only
};
constexpr Kind kAllKinds[] = {Kind::kNode,     Kind::kPod,       Kind::kReplicaSet, Kind::kDeployment,
                              Kind::kService, Kind::kEndpoints, Kind::kIngress,    Kind::kLease,
                              Kind::kPodDisruptionBudget, Kind::kEvent, Kind::kNamespace};

std::string_view kind_name(Kind kind);    // "Pod"
std::string_view api_version(Kind kind);  // "v1", "apps/v1", ...
bool is_namespaced(Kind kind);
// Accepts the kind, its plural, its short names and kubectl's aliases: "pod", "pods", "po", "deploy".
std::optional<Kind> parse_kind(std::string_view text);

struct OwnerReference {
  std::string apiVersion, kind, name, uid;
  bool controller = false;
  bool blockOwnerDeletion = false;
  bool operator==(const OwnerReference&) const = default;
};

struct ObjectMeta {
  std::string name, generateName, namespace_, uid;
  uint64_t resourceVersion = 0;
  int64_t generation = 0;
  Time creationTimestamp{};
  std::optional<Time> deletionTimestamp;
  std::optional<int64_t> deletionGracePeriodSeconds;
  Labels labels, annotations;
  std::vector<OwnerReference> ownerReferences;
  std::vector<std::string> finalizers;

  const OwnerReference* controller_ref() const;
  bool operator==(const ObjectMeta&) const = default;
};

struct IntOrString {
  bool is_string = false;
  int32_t int_value = 0;
  std::string str_value;
  static IntOrString of(int32_t v) { return IntOrString{false, v, {}}; }
  static IntOrString of(std::string s) { return IntOrString{true, 0, std::move(s)}; }
  std::string to_string() const { return is_string ? str_value : std::to_string(int_value); }
  bool operator==(const IntOrString&) const = default;
};

struct LabelSelectorRequirement {
  std::string key, operator_;  // In, NotIn, Exists, DoesNotExist
  std::vector<std::string> values;
  bool operator==(const LabelSelectorRequirement&) const = default;
};

struct LabelSelector {
  Labels matchLabels;
  std::vector<LabelSelectorRequirement> matchExpressions;

  bool empty() const { return matchLabels.empty() && matchExpressions.empty(); }
  // An empty selector matches everything (metav1.LabelSelectorAsSelector).
  bool matches(const Labels& labels) const;
  // kubectl's rendering: "name=mongo,pod-template-hash=5c694c878b", "app in (a,b)".
  std::string to_string() const;
  // Parses "k=v,k2!=v2,k3 in (a,b),k4,!k5". nullopt on a syntax error.
  static std::optional<LabelSelector> parse(std::string_view text);
  bool operator==(const LabelSelector&) const = default;
};

// Which store table holds an object as the latest version of its key (ObjectTable sets and clears it),
// so Store::is_latest answers without a lookup. A copy is a new object: it starts unheld.
class HeldBy {
 public:
  HeldBy() = default;
  HeldBy(const HeldBy&) {}
  HeldBy& operator=(const HeldBy&) {
    table_ = nullptr;
    return *this;
  }
  const void* table() const { return table_; }
  void set(const void* table) const { table_ = table; }

 private:
  mutable const void* table_ = nullptr;
};

// Every API object. Instances in the store are immutable and shared; writers clone, then edit.
struct Object {
  virtual ~Object() = default;
  virtual Kind kind() const = 0;
  virtual std::shared_ptr<Object> clone() const = 0;

  HeldBy held_by;  // first, beside the vtable pointer a store reads with it
  ObjectMeta metadata;
  // The document this object was decoded from, if any. Encoding lays the typed fields over it, so
  // fields ktwin does not model survive a round trip.
  std::shared_ptr<const nlohmann::json> original;
};
using ObjectPtr = std::shared_ptr<const Object>;

template <class Derived, Kind K>
struct KindOf : Object {
  static constexpr Kind kKind = K;
  Kind kind() const override { return K; }
  std::shared_ptr<Object> clone() const override {
    return std::make_shared<Derived>(static_cast<const Derived&>(*this));
  }
};

// Typed view of a store object. REQUIRES: obj is null or of kind T::kKind.
template <class T>
std::shared_ptr<const T> as(const ObjectPtr& obj) {
  return std::static_pointer_cast<const T>(obj);
}
// A mutable copy to edit before an update.
template <class T>
std::shared_ptr<T> mutable_copy(const T& obj) {
  return std::static_pointer_cast<T>(obj.clone());
}

std::string namespaced_name(const Object& obj);  // "default/mongo" or "worker1"

}  // namespace ktwin::core
