// The trace: one JSON line per change, patches without resourceVersion noise, stable bytes.
#include "analysis/trace_writer.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "core/api/pod.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"

using namespace ktwin;
using nlohmann::json;

namespace {
std::string run_once() {
  sim::EventLoop loop(core::Time{});
  core::MemoryStore store(loop, core::Rng(3, "store"));
  std::ostringstream out;
  analysis::TraceWriter trace(out, loop, core::Time{});
  trace.watch(store);
  auto pod = std::make_shared<core::Pod>();
  pod->metadata.name = "p";
  store.create(pod);
  loop.run_until(core::Time{} + std::chrono::seconds(5));
  auto copy = core::mutable_copy(*core::find<core::Pod>(store, "default", "p"));
  copy->status.phase = "Running";
  store.update(copy);
  auto same = core::mutable_copy(*core::find<core::Pod>(store, "default", "p"));
  store.update(same);  // no observable change: no line
  trace.on_event({"Pod", "default", "p"}, "Normal", "Scheduled", "Successfully assigned default/p to n1");
  loop.run_until(core::Time{} + std::chrono::seconds(10));
  return out.str();
}
}  // namespace

TEST_CASE("changes are traced as JSON Patches stamped with virtual time", "[analysis]") {
  std::string text = run_once();
  std::istringstream in(text);
  std::vector<json> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(json::parse(l));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0]["change"] == "ADDED");
  CHECK(lines[0]["t"] == "0s");
  CHECK_FALSE(lines[0]["object"]["metadata"].contains("resourceVersion"));
  CHECK(lines[1]["event"] == "Scheduled");
  CHECK(lines[2]["change"] == "MODIFIED");
  CHECK(lines[2]["t"] == "5s");
  CHECK(lines[2]["patch"] == json::parse(R"([{"op":"add","path":"/status","value":{"phase":"Running"}}])"));
}

TEST_CASE("the same run gives the same bytes", "[analysis]") { CHECK(run_once() == run_once()); }
