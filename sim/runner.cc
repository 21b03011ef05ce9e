// The scenario runner: every action, snapshot and expectation is a task on the virtual clock.
#include "sim/runner.h"

#include <algorithm>
#include <iostream>
#include <sstream>

#include "analysis/trace_writer.h"
#include "core/api/node.h"
#include "core/api/policy.h"
#include "core/api/workload.h"
#include "core/printers/printers.h"
#include "sim/drain.h"
#include "sim/kubectl_actions.h"
#include "sim/scheduling_explainer.h"
#include "sim/sim_cluster.h"

namespace ktwin::sim {
namespace {

// Virtual time zero: any fixed instant works; this one is near the walk-through's date.
const core::Time kEpoch = std::chrono::sys_days{std::chrono::March / 1 / 2021};

// The app models as the trace's "apps" line: analysis rebuilds the dependsOn graph from the trace.
nlohmann::json apps_json(const std::map<std::string, AppModelEntry>& apps) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [image, app] : apps) out[image] = {{"dependsOn", app.dependsOn}};
  return out;
}

class Run {
 public:
  Run(const Scenario& scenario, const ClusterConfig& config, const RunOptions& options)
      : scenario_(scenario),
        options_(options),
        cluster_(config, kEpoch),
        null_out_(nullptr),
        out_(options.out ? *options.out : null_out_),
        timeline_(out_, cluster_.loop(), kEpoch, options.detail) {
    print_options_.kubectl_version = scenario.kubernetesVersion;
  }

  RunResult run() {
    if (options_.trace) {
      trace_ = std::make_unique<analysis::TraceWriter>(*options_.trace, cluster_.loop(), kEpoch);
      trace_->watch(cluster_.api());
      cluster_.events().subscribe([this](auto&... args) { trace_->on_event(args...); });
      if (!scenario_.apps.empty()) trace_->on_scenario("apps", apps_json(scenario_.apps));
      cluster_.events().subscribe_log([this](auto&... args) { trace_->on_log(args...); });
    }
    timeline_.watch(cluster_.api());
    cluster_.events().subscribe([this](auto&... args) { timeline_.on_event(args...); });
    cluster_.events().subscribe_log([this](auto&... args) { timeline_.on_log(args...); });
    cluster_.start();
    if (!options_.explain_pods.empty()) {  // opt-in: ordinary runs attach nothing
      explainer_ = std::make_unique<SchedulingExplainer>(
          options_.explain_pods, options_.explain_out ? *options_.explain_out : std::cout, cluster_.loop(), kEpoch);
      explainer_->attach(*cluster_.scheduler());
    }
    // Initial manifests at 0s, then the timeline, then expectations as observers of their instant.
    if (!scenario_.manifests.empty()) {
      Action initial;
      initial.type = Action::Type::kApply;
      initial.manifests = scenario_.manifests;
      cluster_.loop().post([this, initial] { perform(initial); });
    }
    for (const Action& action : scenario_.timeline) {
      if (action.type == Action::Type::kSnapshot)
        cluster_.loop().post_observer_after(action.at, [this, &action] { perform(action); });
      else
        cluster_.loop().post_after(action.at, [this, &action] { perform(action); });
    }
    for (const Expectation& e : scenario_.expect)
      cluster_.loop().post_observer_after(e.at, [this, &e] { check(e); });
    run_loop();
    result_.expectations = scenario_.expect.size();
    result_.tasks_run = cluster_.loop().tasks_run();
    return std::move(result_);
  }

 private:
  std::string ns() const { return "default"; }

  // Runs to the end; with a progress callback, in steps: run_until(a) then run_until(b) runs the
  // same tasks in the same order as run_until(b), so the output does not change.
  void run_loop() {
    const core::Time end = kEpoch + scenario_.duration;
    if (!options_.progress || scenario_.duration <= core::Duration::zero()) return cluster_.loop().run_until(end);
    constexpr int kSteps = 200;
    for (int i = 1; i <= kSteps; ++i) {
      cluster_.loop().run_until(i == kSteps ? end : kEpoch + scenario_.duration * i / kSteps);
      options_.progress(static_cast<double>(i) / kSteps);
    }
  }

  void report(const std::string& what, const core::Status& status) {
    if (status.is_ok()) return;
    std::string line = what + ": " + status.message();
    // A random failure that cannot happen now (stopKubelet on a node another group halted) is
    // skipped: the generator does not know the other groups' state.
    if (from_faults_ && status.code() == core::Status::Code::kUnavailable) {
      timeline_.line("skipped: " + line);
      return;
    }
    timeline_.line("error: " + line);
    result_.failures.push_back(line);
  }

  void perform(const Action& action) {
    from_faults_ = action.origin == "faults";
    std::string where = action.where.to_string();
    switch (action.type) {
      case Action::Type::kApply: {
        auto lines = apply_manifests(cluster_.api(), action.manifests);
        if (!lines.is_ok()) return report(where + ": apply", lines.status());
        for (const std::string& l : lines.value()) timeline_.line(l);
        if (trace_) trace_->on_scenario("apply", lines.value());
        break;
      }
      case Action::Type::kScale: {
        auto line = scale(cluster_.api(), action.kind, ns(), action.name, action.replicas);
        if (!line.is_ok()) return report(where + ": scale", line.status());
        timeline_.line(line.value() + " (replicas=" + std::to_string(action.replicas) + ")");
        if (trace_) trace_->on_scenario("scale", {{"name", action.name}, {"replicas", action.replicas}});
        break;
      }
      case Action::Type::kDelete: {
        auto lines = delete_objects(cluster_.api(), action.kind, ns(), action.name, action.selector);
        if (!lines.is_ok()) return report(where + ": delete", lines.status());
        for (const std::string& l : lines.value()) timeline_.line(l);
        if (trace_) trace_->on_scenario("delete", lines.value());
        break;
      }
      case Action::Type::kHaltNode:
        timeline_.line("node/" + action.name + " halted (power off)" + origin(action));
        if (trace_) trace_->on_scenario("haltNode", action.name);
        report(where + ": haltNode", cluster_.halt_node(action.name));
        break;
      case Action::Type::kResumeNode:
        timeline_.line("node/" + action.name + " resumed (power on)" + origin(action));
        if (trace_) trace_->on_scenario("resumeNode", action.name);
        report(where + ": resumeNode", cluster_.resume_node(action.name));
        break;
      case Action::Type::kKillContainer:
        kill_containers(action);
        break;
      case Action::Type::kSnapshot:
        snapshot(action);
        break;
      default:
        perform_node_action(action);
    }
  }

  // Faults and operations on nodes: one timeline line (kubectl's message where kubectl has one), one
  // trace record, and a failure if the cluster refused.
  void perform_node_action(const Action& action) {
    std::string where = action.where.to_string() + ": ";
    const std::string& name = action.name;
    auto say = [&](const std::string& verb, const std::string& line, const nlohmann::json& what) {
      timeline_.line(line + origin(action));
      if (trace_) trace_->on_scenario(verb, what);
    };
    switch (action.type) {
      case Action::Type::kStopKubelet:
        say("stopKubelet", "node/" + name + " kubelet stopped (containers keep running)", name);
        return report(where + "stopKubelet", cluster_.stop_kubelet(name));
      case Action::Type::kStartKubelet:
        say("startKubelet", "node/" + name + " kubelet started", name);
        return report(where + "startKubelet", cluster_.start_kubelet(name));
      case Action::Type::kPartition:
      case Action::Type::kHeal: {
        bool cut = action.type == Action::Type::kPartition;
        for (const std::string& node : action.nodes) {
          say(cut ? "partition" : "heal",
              "node/" + node + (cut ? " partitioned from the control plane" : " reconnected (partition healed)"), node);
          report(where + (cut ? "partition" : "heal"), cut ? cluster_.partition_node(node) : cluster_.heal_node(node));
        }
        return;
      }
      case Action::Type::kCordonNode:
      case Action::Type::kUncordonNode: {
        bool cordon_it = action.type == Action::Type::kCordonNode;
        auto line = cordon(cluster_.api(), name, cordon_it);
        if (!line.is_ok()) return report(where + (cordon_it ? "cordonNode" : "uncordonNode"), line.status());
        return say(cordon_it ? "cordonNode" : "uncordonNode", line.value(), name);
      }
      case Action::Type::kDrainNode: {
        if (trace_) trace_->on_scenario("drainNode", name);
        auto drain = std::make_unique<Drain>(cluster_.loop(), cluster_.api(), name,
                                             [this](const std::string& l) { timeline_.line(l); });
        report(where + "drainNode", drain->start());
        drains_.push_back(std::move(drain));
        return;
      }
      case Action::Type::kAddNode:
        say("addNode", "node/" + name + " added (power on)", name);
        return report(where + "addNode", cluster_.add_node(action.node));
      case Action::Type::kLinkDown:
      case Action::Type::kLinkUp: {  // cluster.platform (sim/platform/)
        bool up = action.type == Action::Type::kLinkUp;
        say(up ? "linkUp" : "linkDown", "link/" + name + (up ? " up" : " down"), name);
        auto nodes = cluster_.set_link(name, up);
        if (!nodes.is_ok()) return report(where + (up ? "linkUp" : "linkDown"), nodes.status());
        for (const std::string& node : nodes.value())
          timeline_.line("node/" + node + (up ? " reconnected (route to the control plane restored)"
                                              : " partitioned from the control plane (route crosses link " + name + ")"));
        return;
      }
      case Action::Type::kDeleteNode:
        say("deleteNode", "node \"" + name + "\" deleted (machine powered off)", name);
        return report(where + "deleteNode", cluster_.delete_node(name));
      case Action::Type::kSlowNetwork:
      case Action::Type::kRestoreNetwork:
      case Action::Type::kFlapNode:
        return perform_network_action(action);
      default:
        KT_CHECK(false, "unhandled timeline action");
    }
  }

  static std::string origin(const Action& action) {
    return action.origin.empty() ? "" : " [" + action.origin + "]";
  }

  // slowNetwork, restoreNetwork, flapNode: a flapping node is a haltNode and a resumeNode per cycle in
  // the timeline and the trace, so it reads (and is measured) like hand-written halts.
  void perform_network_action(const Action& action) {
    std::string where = action.where.to_string() + ": ";
    if (action.type == Action::Type::kFlapNode) {
      timeline_.line("node/" + action.name + " flapping: " + std::to_string(action.count) + " power cycles every " +
                     core::format_go_duration(action.period) + ", down " + core::format_go_duration(action.down));
      if (trace_)
        trace_->on_scenario("flapNode", {{"node", action.name}, {"period", core::to_seconds(action.period)},
                                         {"down", core::to_seconds(action.down)}, {"count", action.count}});
      for (int32_t i = 0; i < action.count; ++i) {
        std::string cycle = " (flapNode " + std::to_string(i + 1) + "/" + std::to_string(action.count) + ")";
        cluster_.loop().post_after(i * action.period, [this, &action, cycle, where] {
          timeline_.line("node/" + action.name + " halted (power off)" + cycle);
          if (trace_) trace_->on_scenario("haltNode", action.name);
          report(where + "flapNode", cluster_.halt_node(action.name));
        });
        cluster_.loop().post_after(i * action.period + action.down, [this, &action, cycle, where] {
          timeline_.line("node/" + action.name + " resumed (power on)" + cycle);
          if (trace_) trace_->on_scenario("resumeNode", action.name);
          report(where + "flapNode", cluster_.resume_node(action.name));
        });
      }
      return;
    }
    bool slow = action.type == Action::Type::kSlowNetwork;
    for (const std::string& node : action.nodes) {
      std::string line = "node/" + node + (slow ? " network slowed:" : " network restored");
      nlohmann::json what = {{"node", node}};
      if (action.latency) {
        line += " latency " + core::format_go_duration(*action.latency);
        what["latency"] = core::to_seconds(*action.latency);
      }
      if (action.bandwidth) {
        line += " bandwidth " + std::to_string(*action.bandwidth) + " B/s";
        what["bandwidth"] = *action.bandwidth;
      }
      timeline_.line(line + origin(action));
      if (trace_) trace_->on_scenario(slow ? "slowNetwork" : "restoreNetwork", what);
      report(where + (slow ? "slowNetwork" : "restoreNetwork"),
             slow ? cluster_.slow_network(node, action.latency, action.bandwidth) : cluster_.restore_network(node));
    }
  }

  void kill_containers(const Action& action) {
    std::vector<std::string> pods;
    if (!action.name.empty()) {
      pods.push_back(action.name);
    } else {
      auto selector = core::LabelSelector::parse(action.selector);
      for (const auto& pod : core::list<core::Pod>(cluster_.api(), ns()))
        if (selector && selector->matches(pod->metadata.labels)) pods.push_back(pod->metadata.name);
    }
    for (const std::string& pod : pods) {
      timeline_.line("pod/" + pod + " container " + (action.container.empty() ? "*" : action.container) + " killed");
      if (trace_) trace_->on_scenario("killContainer", {{"pod", pod}, {"container", action.container}});
      report(action.where.to_string() + ": killContainer", cluster_.kill_container(ns(), pod, action.container));
    }
  }

  void snapshot(const Action& action) {
    auto text = core::printers::kubectl_get(cluster_.api(), action.command, cluster_.loop().now(), print_options_);
    std::string body = text.is_ok() ? text.value() : text.status().message() + "\n";
    timeline_.line("$ kubectl " + action.command);
    out_ << body << '\n';
    if (trace_) trace_->on_scenario("snapshot", {{"command", action.command}, {"output", body}});
  }

  // The observed value an expectation is about, or an error.
  core::Result<std::string> observe(const Expectation& e) {
    if (e.is_container_count) {
      SimNode* node = cluster_.find_node(e.containers_node);
      if (!node) return core::Status::not_found("node " + e.containers_node + " not found");
      int64_t count = 0;
      if (node->powered())
        for (const core::ContainerInfo& c : node->runtime().running_containers())
          count += e.containers_name.empty() || c.name == e.containers_name;
      return std::to_string(count);
    }
    if (e.is_node_count) return std::to_string(count_nodes(e));
    if (!e.pdb.empty()) {
      auto pdb = core::find<core::PodDisruptionBudget>(cluster_.api(), ns(), e.pdb);
      if (!pdb) return core::Status::not_found("poddisruptionbudget " + e.pdb + " not found");
      const core::PodDisruptionBudgetStatus& s = pdb->status;
      if (e.field == "disruptionsAllowed") return std::to_string(s.disruptionsAllowed);
      if (e.field == "currentHealthy") return std::to_string(s.currentHealthy);
      if (e.field == "desiredHealthy") return std::to_string(s.desiredHealthy);
      return std::to_string(s.expectedPods);
    }
    if (!e.node.empty()) {
      auto node = core::find<core::Node>(cluster_.api(), "", e.node);
      if (!node) return core::Status::not_found("node " + e.node + " not found");
      return core::printers::node_status(*node);
    }
    if (!e.deployment.empty()) {
      auto d = core::find<core::Deployment>(cluster_.api(), ns(), e.deployment);
      if (!d) return core::Status::not_found("deployment " + e.deployment + " not found");
      const core::DeploymentStatus& s = d->status;
      if (e.field == "replicas") return std::to_string(s.replicas);
      if (e.field == "readyReplicas") return std::to_string(s.readyReplicas);
      if (e.field == "availableReplicas") return std::to_string(s.availableReplicas);
      if (e.field == "updatedReplicas") return std::to_string(s.updatedReplicas);
      if (e.field == "unavailableReplicas") return std::to_string(s.unavailableReplicas);
      return core::Status::invalid("unknown deployment field " + e.field);
    }
    std::optional<core::LabelSelector> selector;
    if (!e.pods_selector.empty()) selector = core::LabelSelector::parse(e.pods_selector);
    int64_t count = 0;
    for (const auto& pod : core::list<core::Pod>(cluster_.api(), ns())) {
      if (!e.pods_node.empty() && pod->spec.nodeName != e.pods_node) continue;
      if (!e.pods_status.empty() && core::printers::pod_status(*pod) != e.pods_status) continue;
      if (selector && !selector->matches(pod->metadata.labels)) continue;
      ++count;
    }
    return std::to_string(count);
  }

  int64_t count_nodes(const Expectation& e) {
    std::optional<core::LabelSelector> selector;
    if (!e.nodes_selector.empty()) selector = core::LabelSelector::parse(e.nodes_selector);
    auto colon = e.nodes_taint.rfind(':');
    std::string taint_key = e.nodes_taint.substr(0, colon);
    std::string taint_effect = colon == std::string::npos ? "" : e.nodes_taint.substr(colon + 1);
    int64_t count = 0;
    for (const auto& node : core::list<core::Node>(cluster_.api())) {
      if (!e.nodes_status.empty() && core::printers::node_status(*node) != e.nodes_status) continue;
      if (selector && !selector->matches(node->metadata.labels)) continue;
      if (!taint_key.empty() &&
          std::none_of(node->spec.taints.begin(), node->spec.taints.end(), [&](const core::Taint& t) {
            return t.key == taint_key && (taint_effect.empty() || t.effect == taint_effect);
          }))
        continue;
      ++count;
    }
    return count;
  }

  std::string describe(const Expectation& e) const {
    if (e.is_node_count) {
      std::string filter;
      if (!e.nodes_status.empty()) filter += " status=" + e.nodes_status;
      if (!e.nodes_taint.empty()) filter += " taint=" + e.nodes_taint;
      if (!e.nodes_selector.empty()) filter += " selector=" + e.nodes_selector;
      return "nodes{" + filter.substr(filter.empty() ? 0 : 1) + "} count " + e.comparison;
    }
    if (e.is_container_count)
      return "containers{node=" + e.containers_node + (e.containers_name.empty() ? "" : " name=" + e.containers_name) +
             "} count " + e.comparison;
    if (!e.node.empty()) return "node/" + e.node + " status " + e.node_status;
    if (!e.deployment.empty()) return "deployment/" + e.deployment + " " + e.field + " " + e.comparison;
    if (!e.pdb.empty()) return "pdb/" + e.pdb + " " + e.field + " " + e.comparison;
    std::string filter;
    if (!e.pods_node.empty()) filter += " node=" + e.pods_node;
    if (!e.pods_status.empty()) filter += " status=" + e.pods_status;
    if (!e.pods_selector.empty()) filter += " selector=" + e.pods_selector;
    return "pods{" + filter.substr(filter.empty() ? 0 : 1) + "} count " + e.comparison;
  }

  void check(const Expectation& e) {
    auto observed = observe(e);
    bool ok = false;
    std::string got = observed.is_ok() ? observed.value() : observed.status().message();
    if (observed.is_ok()) ok = !e.node.empty() ? got == e.node_status : e.holds(std::stoll(got));
    std::string text = "expect " + describe(e) + ": " + (ok ? "ok" : "FAILED (got " + got + ")");
    timeline_.line(text);
    if (trace_) trace_->on_scenario("expect", {{"what", describe(e)}, {"ok", ok}, {"got", got}});
    if (!ok) result_.failures.push_back(e.where.to_string() + ": " + text);
  }

  const Scenario& scenario_;
  RunOptions options_;
  SimCluster cluster_;
  std::ostream null_out_;
  std::ostream& out_;
  Timeline timeline_;
  std::unique_ptr<analysis::TraceWriter> trace_;
  core::printers::PrintOptions print_options_;
  RunResult result_;
  std::vector<std::unique_ptr<Drain>> drains_;  // each waits for its evicted pods to go
  bool from_faults_ = false;                    // the action being performed came from faults:
  std::unique_ptr<SchedulingExplainer> explainer_;  // --explain-scheduling
};

}  // namespace

core::Result<RunResult> run_scenario(const Scenario& scenario, const RunOptions& options) {
  auto config = make_cluster_config(scenario);
  if (!config.is_ok()) return config.status();
  auto run = std::make_unique<Run>(scenario, config.value(), options);
  RunResult result = run->run();
  if (options.skip_teardown) (void)run.release();  // nothing runs after: the callbacks die with the process
  return result;
}

}  // namespace ktwin::sim
