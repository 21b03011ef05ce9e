// TraceWriter: one JSON object per line, keys in a fixed order (nlohmann sorts object keys).
#include "analysis/trace_writer.h"

#include "core/api/codec.h"

namespace ktwin::analysis {

using nlohmann::json;

namespace {

json without_resource_version(json doc) {
  if (doc.contains("metadata")) doc["metadata"].erase("resourceVersion");
  return doc;
}

}  // namespace

json behavioural_patch(const json& before, const json& after) {
  return json::diff(without_resource_version(before), without_resource_version(after));
}

TraceWriter::TraceWriter(std::ostream& out, const core::PassiveClock& clock, core::Time start)
    : out_(out), clock_(clock), start_(start) {}

void TraceWriter::watch(core::Store& store) {
  for (core::Kind kind : core::kAllKinds) store.watch(kind, [this](const core::WatchEvent& e) { on_change(e); });
}

void TraceWriter::write(json line) {
  line["t"] = core::format_go_duration(clock_.now() - start_);
  out_ << line.dump() << '\n';
  ++lines_;
}

void TraceWriter::on_change(const core::WatchEvent& event) {
  const core::Object& obj = *event.object;
  json line = {{"kind", std::string(core::kind_name(obj.kind()))},
               {"name", core::namespaced_name(obj)},
               {"change", std::string(core::watch_event_name(event.type))}};
  switch (event.type) {
    case core::WatchEventType::kAdded: line["object"] = without_resource_version(core::encode(obj)); break;
    case core::WatchEventType::kModified:
      line["patch"] = behavioural_patch(core::encode(*event.old), core::encode(obj));
      if (line["patch"].empty()) return;  // a write that changed nothing observable
      break;
    case core::WatchEventType::kDeleted: break;
  }
  write(std::move(line));
}

void TraceWriter::on_event(const core::ObjectRef& object, const std::string& type, const std::string& reason,
                           const std::string& message) {
  std::string name = object.namespace_.empty() ? object.name : object.namespace_ + "/" + object.name;
  write({{"event", reason}, {"type", type}, {"kind", object.kind}, {"name", name}, {"message", message}});
}

void TraceWriter::on_log(const std::string& component, const std::string& message) {
  write({{"log", component}, {"message", message}});
}

void TraceWriter::on_scenario(const std::string& what, const json& details) {
  write({{"scenario", what}, {"details", details}});
}

}  // namespace ktwin::analysis
