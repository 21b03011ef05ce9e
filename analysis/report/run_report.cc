// render_run_report: the metrics as tables, the node timeline, a ready-replicas chart sharing its time
// axis, and the scenario's actions and expectations.
#include "analysis/report/run_report.h"

#include <cmath>

#include "analysis/metrics.h"
#include "analysis/report/chart.h"
#include "analysis/report/html.h"
#include "analysis/report/svg.h"
#include "analysis/report/timeline.h"
#include "analysis/report/timeline_svg.h"

namespace ktwin::analysis::report {
namespace {

std::string duration_or_dash(const std::optional<double>& s) { return s ? duration_label(*s) : "-"; }
std::string number_or_dash(const std::optional<double>& v) { return v ? fixed(*v, 1) : "-"; }

std::string metrics_html(const Metrics& m) {
  std::string out = html_table({"halted node", "halt at", "time to detect (NodeNotReady)", "time to first eviction"},
                               {{m.halted_node.empty() ? "-" : m.halted_node, duration_or_dash(m.halt_at),
                                 duration_or_dash(m.time_to_detect), duration_or_dash(m.time_to_evict)}});
  std::vector<std::vector<std::string>> rows;
  for (const DeploymentMetrics& d : m.deployments)
    rows.push_back({d.name, duration_or_dash(d.time_to_evict), duration_or_dash(d.time_to_recover),
                    number_or_dash(d.unavailable_replica_seconds_after_halt), fixed(d.unavailable_replica_seconds, 1),
                    std::to_string(d.pod_restarts),
                    d.pods_rescheduled ? std::to_string(*d.pods_rescheduled) : "-"});
  out += html_table({"deployment", "evict", "recover", "unavailable replica-s after halt", "unavailable replica-s run",
                     "restarts", "rescheduled"},
                    rows, {false, true, true, true, true, true, true});
  rows.clear();
  for (const ServiceMetrics& s : m.services)
    rows.push_back({s.name, duration_or_dash(s.zero_ready_endpoint_seconds_after_halt)});
  if (!rows.empty()) out += html_table({"service", "no ready endpoint after halt"}, rows, {false, true});
  return out + "<p class=\"note\">Times are measured from the first haltNode; \"-\": did not happen in this run "
               "(analysis/metrics.h defines each metric).</p>\n";
}

std::string replicas_chart(const RunTimeline& tl, double t0, double t1) {
  Chart c;
  c.title = "Ready replicas per Deployment (solid: status.readyReplicas, dashed: spec.replicas)";
  c.x_label = "time since the scenario started";
  c.y_label = "replicas";
  c.x_kind = AxisKind::kDuration;
  c.y_kind = AxisKind::kCount;
  c.x_min = t0, c.x_max = t1;
  c.x_tick_target = kTimelineTickTarget;
  c.margin_left = kTimelineLabelWidth;
  for (size_t i = 0; i < tl.deployments.size(); ++i) {
    const DeploymentSeries& d = tl.deployments[i];
    Series ready, spec;
    ready.label = d.name;  // one legend entry per Deployment: the title says which line is which
    ready.color = spec.color = palette(i);
    ready.step = spec.step = true;
    spec.dashed = true;
    for (const ReplicaStep& s : d.steps) {
      ready.x.push_back(s.t), ready.y.push_back(static_cast<double>(s.ready));
      spec.x.push_back(s.t), spec.y.push_back(static_cast<double>(s.spec));
    }
    c.series.push_back(std::move(spec));
    c.series.push_back(std::move(ready));
  }
  for (const NodeLane& lane : tl.nodes)
    for (const NodeInterval& f : lane.faults)
      c.bands.push_back({f.start, f.end, f.what + " " + lane.node, fault_color(f.what)});
  return render_chart(c);
}

std::string scenario_html(const RunTimeline& tl) {
  std::vector<std::vector<std::string>> rows;
  size_t failed = 0, expectations = 0;
  for (const ScenarioLine& l : tl.scenario) {
    std::string result;
    if (l.what == "expect") {
      ++expectations;
      result = l.failed ? "FAILED" : "held";
      failed += l.failed;
    }
    rows.push_back({duration_label(l.t), l.what, result, l.detail});
  }
  return "<p>" + std::to_string(expectations) + " expectations, " + std::to_string(failed) + " failed.</p>\n" +
         html_table({"at", "line", "result", "detail"}, rows, {true, false, false, false});
}

}  // namespace

core::Result<std::string> render_run_report(const RunReportInfo& info, const std::vector<nlohmann::json>& trace) {
  auto metrics = compute_metrics(trace);
  if (!metrics.is_ok()) return metrics.status();
  auto timeline = reconstruct_timeline(trace);
  if (!timeline.is_ok()) return timeline.status();
  const RunTimeline& tl = timeline.value();
  // One time domain for the timeline and the chart, widened to whole ticks.
  Ticks ticks = nice_time_ticks(0, std::max(tl.end, 1.0), kTimelineTickTarget);
  double t0 = 0, t1 = ticks.hi;

  std::string body = "<h1>ktwin run: " + html_escape(info.scenario) + "</h1>\n";
  body += "<p>seed " + std::to_string(info.seed) + ", " + html_escape(duration_label(tl.end)) +
          " of virtual time. Made by <code>" + html_escape(info.command) + "</code></p>\n";
  body += "<h2>Metrics</h2>\n" + metrics_html(metrics.value());
  body += "<h2>Pods per node</h2>\n<p class=\"note\">One row per pod, coloured by kubectl's STATUS (Running split "
          "by the pod's Ready condition). Shaded: faults the scenario injected, from the action to its undoing or "
          "the end; under a node's name, red strip: its Ready condition is not True, dark grey strip: cordoned "
          "(spec.unschedulable); dashed line: drainNode, killContainer, addNode or deleteNode. A halted node's pods keep their last reported state. Hover "
          "for times.</p>\n";
  body += render_timeline(tl, t0, t1);
  body += "<h2>Ready replicas</h2>\n" + replicas_chart(tl, t0, t1);
  body += "<h2>Scenario</h2>\n" + scenario_html(tl);
  return html_page("ktwin run " + info.scenario, body);
}

}  // namespace ktwin::analysis::report
