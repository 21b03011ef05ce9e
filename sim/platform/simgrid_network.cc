// SimgridNetwork: transfers started from maestro (no actors). Each transfer has an unassigned Exec
// as successor; when the transfer ends SimGrid tries to start it, vetoes it, and Engine::run_until
// returns at that instant (the DAG examples' mechanism), so ktwin learns the exact completion time
// before its own clock passes it.
#include "sim/platform/simgrid_network.h"

#include <simgrid/s4u.hpp>
#include <unistd.h>
#include <xbt/log.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

namespace ktwin::sim {
namespace sg4 = simgrid::s4u;
namespace {

// SimGrid allows one Engine per process, never destroyed: it is kept here with the platform it
// loaded and the set where run_until leaves the vetoed successors.
struct ProcessEngine {
  std::mutex mu;
  sg4::Engine* engine = nullptr;
  std::string key;  // the platform file, or the inline platform's text
  std::thread::id thread;
  bool in_use = false;
  std::set<sg4::Activity*> vetoed;
};

ProcessEngine& process_engine() {
  static ProcessEngine* pe = new ProcessEngine;  // outlives every static destructor, as the Engine must
  return *pe;
}

core::Status load(ProcessEngine& pe, const PlatformSpec& spec, const std::vector<std::string>& nodes) {
  std::string key = spec.is_inline ? inline_platform_xml(spec, nodes) : spec.file;
  if (pe.engine) {
    if (pe.key != key)
      return core::Status::unavailable("SimGrid loads one platform per process and this one already loaded " +
                                       (pe.key.size() < 200 ? pe.key : std::string("an inline platform")));
    return core::Status::ok();
  }
  // SimGrid logs to stderr; ktwin's output must stay its own and deterministic.
  xbt_log_control_set("root.thresh:critical");
  static char arg0[] = "ktwin", arg1[] = "--log=root.thresh:critical";
  static char* argv[] = {arg0, arg1, nullptr};
  int argc = 2;
  pe.engine = new sg4::Engine(&argc, argv);
  pe.thread = std::this_thread::get_id();
  std::string path = spec.file;
  std::filesystem::path temp;
  if (spec.is_inline) {  // load_platform reads files only
    temp = std::filesystem::temp_directory_path() / ("ktwin-platform-" + std::to_string(::getpid()) + ".xml");
    std::ofstream(temp) << key;
    path = temp.string();
  }
  core::Status status = core::Status::ok();
  try {
    pe.engine->load_platform(path);
  } catch (const std::exception& e) {
    status = core::Status::invalid("SimGrid cannot load the platform " + path + ": " + e.what());
  }
  if (!temp.empty()) std::filesystem::remove(temp);
  if (!status.is_ok()) return status;
  pe.key = key;
  sg4::Activity::set_vetoed_activities(&pe.vetoed);
  return core::Status::ok();
}

}  // namespace

struct SimgridNetwork::Transfer {
  sg4::Host* from;
  sg4::Host* to;
  double remaining;  // bytes
  std::function<void()> done;
  sg4::CommPtr comm;  // null while its route is cut
  sg4::ExecPtr mark;  // the unassigned successor that stops run_until
};

namespace {
std::unordered_map<const sg4::Activity*, uint64_t>& marks() {  // successor -> transfer id
  static auto* m = new std::unordered_map<const sg4::Activity*, uint64_t>;
  return *m;
}
}  // namespace

std::vector<std::string> SimgridNetwork::node_hosts(const PlatformSpec& spec) {
  std::vector<std::string> nodes;
  for (const std::string& h : spec.hosts)
    if (h != kControlPlaneHost && h != kRegistryHost) nodes.push_back(h);
  return nodes;
}

namespace {
// Loads the platform (once per process) and checks the hosts. REQUIRES: pe.mu held.
core::Status prepare(ProcessEngine& pe, const PlatformSpec& spec, const std::vector<std::string>& nodes) {
  if (pe.in_use) return core::Status::unavailable("SimGrid runs one platform at a time per process");
  if (pe.engine && pe.thread != std::this_thread::get_id())
    return core::Status::unavailable("SimGrid's engine belongs to the thread that made it: run platform scenarios one per process");
  if (auto s = load(pe, spec, nodes); !s.is_ok()) return s;
  for (const std::string& name : std::vector<std::string>{kControlPlaneHost, kRegistryHost})
    if (!pe.engine->host_by_name_or_null(name))
      return core::Status::invalid("the platform has no host \"" + name + "\"");
  for (const std::string& node : nodes)
    if (!pe.engine->host_by_name_or_null(node))
      return core::Status::invalid("node \"" + node + "\" has no host in the platform");
  return core::Status::ok();
}
}  // namespace

core::Status SimgridNetwork::check(const PlatformSpec& spec, const std::vector<std::string>& nodes) {
  ProcessEngine& pe = process_engine();
  std::lock_guard<std::mutex> lock(pe.mu);
  return prepare(pe, spec, nodes);
}

core::Result<std::unique_ptr<SimgridNetwork>> SimgridNetwork::create(EventLoop& loop, const PlatformSpec& spec,
                                                                      const std::vector<std::string>& nodes,
                                                                      Reachability on_reachability) {
  ProcessEngine& pe = process_engine();
  std::lock_guard<std::mutex> lock(pe.mu);
  if (auto s = prepare(pe, spec, nodes); !s.is_ok()) return s;
  pe.in_use = true;
  std::unique_ptr<SimgridNetwork> net(new SimgridNetwork(loop, sg4::Engine::get_clock()));
  net->on_reachability_ = std::move(on_reachability);
  for (sg4::Host* h : pe.engine->get_all_hosts())
    if (h->get_name() != kControlPlaneHost && h->get_name() != kRegistryHost) net->reachable_[h->get_name()] = true;
  return net;
}

SimgridNetwork::SimgridNetwork(EventLoop& loop, double base) : loop_(loop), start_(loop.now()), base_(base) {
  loop_.set_co_simulation(this);
}

SimgridNetwork::~SimgridNetwork() {
  ProcessEngine& pe = process_engine();
  for (auto& [id, t] : transfers_)
    if (t->comm) {
      marks().erase(t->mark.get());
      t->comm->cancel();
    }
  transfers_.clear();
  for (sg4::Link* link : pe.engine->get_all_links())
    if (!link->is_on()) link->turn_on();
  pe.vetoed.clear();
  loop_.set_co_simulation(nullptr);
  std::lock_guard<std::mutex> lock(pe.mu);
  pe.in_use = false;
}

double SimgridNetwork::to_simgrid(Time t) const { return base_ + core::to_seconds(t - start_); }
Time SimgridNetwork::from_simgrid(double t) const { return start_ + core::seconds(t - base_); }

sg4::Host* SimgridNetwork::host(const std::string& name) const {
  sg4::Host* h = process_engine().engine->host_by_name_or_null(name);
  KT_CHECK(h != nullptr, "no SimGrid host for this node (the loader checks every node has one)");
  return h;
}

bool SimgridNetwork::route_up(const sg4::Host* from, const sg4::Host* to) const {
  std::vector<sg4::Link*> links;
  double latency = 0;
  from->route_to(to, links, &latency);
  return std::all_of(links.begin(), links.end(), [](const sg4::Link* l) { return l->is_on(); });
}

bool SimgridNetwork::busy() const {
  return std::any_of(transfers_.begin(), transfers_.end(), [](const auto& kv) { return kv.second->comm != nullptr; });
}

Time SimgridNetwork::advance(Time until) {
  ProcessEngine& pe = process_engine();
  // Idle, SimGrid's clock may lag: it catches up when the next transfer starts (sync in start_transfer).
  if (!busy()) return until;
  double target = until == Time::max() ? sg4::Engine::get_clock() + 1e9 : to_simgrid(until);
  // run_until stops within 10 us of its target (SimGrid's double_equals); go on until it is there.
  for (int i = 0; i < 100 && pe.vetoed.empty() && sg4::Engine::get_clock() < target; ++i) pe.engine->run_until(target);
  if (pe.vetoed.empty()) return until;
  Time reached = std::clamp(from_simgrid(sg4::Engine::get_clock()), loop_.now(), until);
  std::vector<uint64_t> ended;
  for (sg4::Activity* a : pe.vetoed) {
    auto it = marks().find(a);
    if (it != marks().end()) {
      ended.push_back(it->second);
      marks().erase(it);
    }
  }
  pe.vetoed.clear();
  std::sort(ended.begin(), ended.end());  // start order, not pointer order: deterministic
  for (uint64_t id : ended) {
    auto it = transfers_.find(id);
    loop_.post_after(reached - loop_.now(), std::move(it->second->done));
    transfers_.erase(it);
  }
  return reached;
}

void SimgridNetwork::catch_up_idle() {
  // After a completion SimGrid stands at its exact instant, which the loop rounded to a nanosecond.
  double target = to_simgrid(loop_.now());
  if (target > sg4::Engine::get_clock()) process_engine().engine->run_until(target);
}

void SimgridNetwork::launch(Transfer& t) {
  t.comm = sg4::Comm::sendto_init(t.from, t.to);
  t.comm->set_payload_size(static_cast<uint64_t>(std::llround(t.remaining)));
  t.mark = sg4::Exec::init();
  t.comm->add_successor(t.mark);
  t.comm->start();
}

void SimgridNetwork::start_transfer(sg4::Host* from, sg4::Host* to, double bytes, std::function<void()> done) {
  if (bytes <= 0) {
    loop_.post(std::move(done));
    return;
  }
  // Nothing under way, so nothing can end before now: bring an idle SimGrid to the loop's instant.
  if (!busy()) catch_up_idle();
  uint64_t id = next_id_++;
  auto t = std::make_unique<Transfer>(Transfer{from, to, bytes, std::move(done), nullptr, nullptr});
  if (route_up(from, to)) {
    launch(*t);
    marks()[t->mark.get()] = id;
  }
  transfers_[id] = std::move(t);
}

void SimgridNetwork::pull_image(const std::string& node, int64_t bytes, std::function<void()> done) {
  start_transfer(host(kRegistryHost), host(node), static_cast<double>(bytes), std::move(done));
}

void SimgridNetwork::send_message(const std::string& node, int64_t bytes, std::function<void()> done) {
  start_transfer(host(node), host(kControlPlaneHost), static_cast<double>(bytes), std::move(done));
}

core::Duration SimgridNetwork::api_latency(const std::string& node) const {
  std::vector<sg4::Link*> links;
  double latency = 0;
  host(node)->route_to(host(kControlPlaneHost), links, &latency);
  double slowest = 0;
  for (const sg4::Link* l : links) slowest = slowest == 0 ? l->get_bandwidth() : std::min(slowest, l->get_bandwidth());
  return core::seconds(latency + (slowest > 0 ? kApiMessageBytes / slowest : 0));
}

bool SimgridNetwork::reachable(const std::string& node) const {
  return route_up(host(node), host(kControlPlaneHost));
}

core::Status SimgridNetwork::set_link(const std::string& name, bool up) {
  ProcessEngine& pe = process_engine();
  sg4::Link* link = pe.engine->link_by_name_or_null(name);
  if (!link) return core::Status::not_found("link " + name + " not found in the platform");
  if (link->is_on() == up) return core::Status::ok();
  if (!busy()) catch_up_idle();
  if (!up) {
    // Transfers crossing the link stop here and keep what is left for when the route heals.
    for (auto& [id, t] : transfers_) {
      if (!t->comm) continue;
      std::vector<sg4::Link*> links;
      double latency = 0;
      t->from->route_to(t->to, links, &latency);
      if (std::find(links.begin(), links.end(), link) == links.end()) continue;
      t->remaining = std::max(1.0, t->comm->get_remaining());
      marks().erase(t->mark.get());
      t->comm->cancel();
      t->comm = nullptr;
      t->mark = nullptr;
    }
    link->turn_off();
  } else {
    link->turn_on();
    for (auto& [id, t] : transfers_)
      if (!t->comm && route_up(t->from, t->to)) {
        launch(*t);
        marks()[t->mark.get()] = id;
      }
  }
  // Nodes whose route to the control plane changed, in name order.
  for (auto& [node, last] : reachable_) {
    bool now = reachable(node);
    if (now == last) continue;
    last = now;
    if (on_reachability_) on_reachability_(node, now);
  }
  return core::Status::ok();
}

}  // namespace ktwin::sim
