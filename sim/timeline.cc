// Timeline: node STATUS transitions and NoExecute taints always; Events except the chattiest; pod
// STATUS changes on request.
#include "sim/timeline.h"

#include <set>

#include "core/api/node.h"
#include "core/printers/printers.h"

namespace ktwin::sim {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Events that repeat per pod and per sync; the trace keeps them, the timeline does not.
const std::set<std::string> kQuietReasons = {"SuccessfulCreate", "SuccessfulDelete", "Pulled", "Created",
                                             "Started", "Pulling", "NodeHasSufficientMemory",
                                             "NodeHasNoDiskPressure", "NodeHasSufficientPID"};

}  // namespace

Timeline::Timeline(std::ostream& out, const core::PassiveClock& clock, core::Time start, Detail detail)
    : out_(out), clock_(clock), start_(start), detail_(detail) {}

void Timeline::watch(core::Store& store) {
  store.watch(core::Kind::kNode, [this](const core::WatchEvent& e) { on_node(e); });
  if (detail_ == Detail::kAll) store.watch(core::Kind::kPod, [this](const core::WatchEvent& e) { on_pod(e); });
}

void Timeline::line(const std::string& text) {
  out_ << "[+" << core::format_go_duration(clock_.now() - start_) << "] " << text << '\n';
}

void Timeline::on_event(const core::ObjectRef& object, const std::string& type, const std::string& reason,
                        const std::string& message) {
  if (kQuietReasons.count(reason)) return;
  line(lower(object.kind) + "/" + object.name + " " + reason + ": " + message);
}

void Timeline::on_log(const std::string& component, const std::string& message) {
  line("kube-controller-manager[" + component + "]: " + message);
}

void Timeline::on_node(const core::WatchEvent& event) {
  auto node = core::as<core::Node>(event.object);
  const std::string& name = node->metadata.name;
  if (event.type == core::WatchEventType::kDeleted) {
    line("node/" + name + " deleted");
    node_status_.erase(name);
    return;
  }
  std::string status = core::printers::node_status(*node);
  auto& last = node_status_[name];
  if (status != last) line("node/" + name + " " + status);
  last = status;
  // NoExecute taints start the eviction clocks: worth a line of their own.
  auto old = event.old ? core::as<core::Node>(event.old) : nullptr;
  for (const core::Taint& t : node->spec.taints)
    if (t.effect == "NoExecute" && !(old && old->has_taint(t.key, t.effect)))
      line("node/" + name + " tainted " + t.key + ":NoExecute");
  if (old)
    for (const core::Taint& t : old->spec.taints)
      if (t.effect == "NoExecute" && !node->has_taint(t.key, t.effect))
        line("node/" + name + " untainted " + t.key + ":NoExecute");
}

void Timeline::on_pod(const core::WatchEvent& event) {
  auto pod = core::as<core::Pod>(event.object);
  std::string key = core::namespaced_name(*pod);
  if (event.type == core::WatchEventType::kDeleted) {
    line("pod/" + pod->metadata.name + " deleted");
    pod_status_.erase(key);
    return;
  }
  std::string status = core::printers::pod_status(*pod);
  std::string where = pod->spec.nodeName.empty() ? "" : " on " + pod->spec.nodeName;
  auto& last = pod_status_[key];
  if (status != last) line("pod/" + pod->metadata.name + " " + status + where);
  last = status;
}

}  // namespace ktwin::sim
