// Matching pods, nodes, events and actions of two goldens and saying how they differ, briefly.
#include "analysis/golden_diff.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <tuple>

namespace ktwin::analysis {
namespace {

std::string at(Duration t) { return "+" + core::format_go_duration(t); }

std::string timeline_text(const std::vector<TimedValue>& values, size_t from) {
  constexpr size_t kShown = 5;
  std::string text;
  for (size_t i = from; i < values.size() && i < from + kShown; ++i)
    text += (i == from ? "" : ", ") + values[i].value + " " + at(values[i].t);
  if (values.size() > from + kShown) text += ", ...";
  return text.empty() ? "(nothing)" : text;
}

class Differ {
 public:
  Differ(const Golden& e, const Golden& a) : e_(e), a_(a) {}

  std::vector<GoldenDifference> run() {
    match_pods();
    for (const auto& [en, an] : matched_) pod(e_.pods.at(en), a_.pods.at(an));
    for (const std::string& n : e_only_) {
      const GoldenPod& p = e_.pods.at(n);
      add(p.created, "pod " + n + ": missing (" + (p.node ? "was on " + p.node->value : "was unscheduled") + ")");
    }
    for (const std::string& n : a_only_) {
      const GoldenPod& p = a_.pods.at(n);
      add(p.created, "pod " + n + ": new (" + (p.node ? "on " + p.node->value : "unscheduled") + ")");
    }
    nodes();
    occurrences("event ", event_times(e_, true), event_times(a_, false));
    occurrences("action ", action_times(e_), action_times(a_));
    // Within an instant: pods, nodes, events, actions, as added.
    std::stable_sort(out_.begin(), out_.end(), [](const auto& x, const auto& y) { return x.t < y.t; });
    return std::move(out_);
  }

 private:
  using Times = std::map<std::string, std::vector<Duration>>;

  void add(Duration t, std::string text) { out_.push_back({t, std::move(text)}); }

  static std::string ns_of(const std::string& name) { return name.substr(0, name.find('/')); }

  // Exact names first; the rest paired per (namespace, owner) in creation order.
  void match_pods() {
    std::map<std::string, std::vector<const GoldenPod*>> e_left, a_left;
    for (const auto& [n, p] : e_.pods) {
      if (a_.pods.count(n)) matched_[n] = n;
      else if (!p.owner.empty()) e_left[ns_of(n) + "|" + p.owner].push_back(&p);
      else e_only_.push_back(n);
    }
    for (const auto& [n, p] : a_.pods)
      if (!e_.pods.count(n)) {
        if (!p.owner.empty()) a_left[ns_of(n) + "|" + p.owner].push_back(&p);
        else a_only_.push_back(n);
      }
    auto by_creation = [](const GoldenPod* x, const GoldenPod* y) { return std::tie(x->created, x->name) < std::tie(y->created, y->name); };
    std::set<std::string> owners;
    for (const auto& [o, v] : e_left) owners.insert(o);
    for (const auto& [o, v] : a_left) owners.insert(o);
    for (const std::string& o : owners) {
      auto& es = e_left[o];
      auto& as = a_left[o];
      std::sort(es.begin(), es.end(), by_creation);
      std::sort(as.begin(), as.end(), by_creation);
      size_t i = 0;
      for (; i < es.size() && i < as.size(); ++i) matched_[es[i]->name] = as[i]->name;
      for (size_t j = i; j < es.size(); ++j) e_only_.push_back(es[j]->name);
      for (size_t j = i; j < as.size(); ++j) a_only_.push_back(as[j]->name);
    }
  }

  // Values over time: the same sequence at other times gives one line per moved value; a different
  // sequence one line from the last common value on. `shift` is added to the expected side's times
  // (a pod created later moves its whole life with it; that is said once).
  void timeline(const std::string& subject, const std::vector<TimedValue>& e, const std::vector<TimedValue>& a,
                Duration shift = Duration{}) {
    size_t i = 0;
    while (i < e.size() && i < a.size() && e[i].value == a[i].value) ++i;
    if (i == e.size() && i == a.size()) {
      for (size_t k = 0; k < e.size(); ++k)
        if (e[k].t + shift != a[k].t) add(std::min(e[k].t, a[k].t), subject + ": " + e[k].value + " at " + at(e[k].t) + " -> " + at(a[k].t));
      return;
    }
    Duration t = i < e.size() ? e[i].t : a[i].t;
    if (i < e.size() && i < a.size()) t = std::min(e[i].t, a[i].t);
    size_t from = i > 0 ? i - 1 : 0;
    add(t, subject + ": status " + timeline_text(e, from) + " -> " + timeline_text(a, from));
  }

  static void optional_time(std::vector<GoldenDifference>& out, const std::string& subject, const std::string& what,
                            const std::optional<Duration>& e, const std::optional<Duration>& a) {
    if (e == a) return;
    Duration t = e && a ? std::min(*e, *a) : e ? *e : *a;
    out.push_back({t, subject + ": " + (e ? what + " at " + at(*e) : "not " + what) + " -> " +
                          (a ? what + " at " + at(*a) : "not " + what)});
  }

  void pod(const GoldenPod& e, const GoldenPod& a) {
    std::string subject = "pod " + a.name + (e.name == a.name ? "" : " (golden " + e.name + ")");
    Duration shift = a.created - e.created;
    if (shift != Duration{})
      add(std::min(e.created, a.created), subject + ": created at " + at(e.created) + " -> " + at(a.created) +
                                              " (later times compared shifted by as much)");
    if (e.node && a.node) {
      if (e.node->value != a.node->value) {
        std::string when = e.node->t == a.node->t ? at(a.node->t) : at(e.node->t) + " -> " + at(a.node->t);
        add(std::min(e.node->t, a.node->t), subject + ": node " + e.node->value + " -> " + a.node->value + " at " + when);
      } else if (e.node->t + shift != a.node->t) {
        add(std::min(e.node->t, a.node->t), subject + ": bound to " + a.node->value + " at " + at(e.node->t) + " -> " + at(a.node->t));
      }
    } else if (e.node) {
      add(e.node->t, subject + ": node " + e.node->value + " at " + at(e.node->t) + " -> never scheduled");
    } else if (a.node) {
      add(a.node->t, subject + ": never scheduled -> node " + a.node->value + " at " + at(a.node->t));
    }
    timeline(subject, e.statuses, a.statuses, shift);
    std::optional<Duration> e_deleted = e.deleted;
    if (e_deleted) *e_deleted += shift;
    if (e_deleted != a.deleted) optional_time(out_, subject, "deleted", e.deleted, a.deleted);
  }

  void nodes() {
    for (const auto& [n, e] : e_.nodes) {
      auto it = a_.nodes.find(n);
      if (it == a_.nodes.end()) {
        add(e.added.value_or(Duration{}), "node " + n + ": missing");
        continue;
      }
      const GoldenNode& a = it->second;
      optional_time(out_, "node " + n, "added", e.added, a.added);
      timeline("node " + n, e.statuses, a.statuses);
      optional_time(out_, "node " + n, "deleted", e.deleted, a.deleted);
    }
    for (const auto& [n, a] : a_.nodes)
      if (!e_.nodes.count(n)) add(a.added.value_or(Duration{}), "node " + n + ": new");
  }

  // Events keyed "REASON OBJECT"; the expected side's pods under their matched names.
  Times event_times(const Golden& g, bool rename) const {
    Times out;
    for (const GoldenEvent& ev : g.events) {
      std::string object = ev.object;
      if (rename && object.rfind("Pod/", 0) == 0)
        if (auto it = matched_.find(object.substr(4)); it != matched_.end()) object = "Pod/" + it->second;
      out[ev.reason + " " + object].push_back(ev.t);
    }
    for (auto& [k, v] : out) std::sort(v.begin(), v.end());
    return out;
  }

  static Times action_times(const Golden& g) {
    Times out;
    for (const GoldenAction& a : g.actions) out[a.text].push_back(a.t);
    for (auto& [k, v] : out) std::sort(v.begin(), v.end());
    return out;
  }

  void occurrences(const std::string& label, const Times& e, const Times& a) {
    auto times = [](const std::vector<Duration>& v) {
      return at(v.front()) + (v.size() > 1 ? ", " + std::to_string(v.size()) + " times" : "");
    };
    for (const auto& [k, ev] : e) {
      auto it = a.find(k);
      if (it == a.end()) {
        add(ev.front(), label + k + ": missing (was at " + times(ev) + ")");
        continue;
      }
      const std::vector<Duration>& av = it->second;
      if (ev.size() != av.size()) {
        add(std::min(ev.front(), av.front()), label + k + ": " + std::to_string(ev.size()) + " -> " +
                                                   std::to_string(av.size()) + " times (first at " + at(ev.front()) +
                                                   " -> " + at(av.front()) + ")");
        continue;
      }
      size_t moved = 0, first = ev.size();
      for (size_t i = 0; i < ev.size(); ++i)
        if (ev[i] != av[i] && moved++ == 0) first = i;
      if (moved)
        add(std::min(ev[first], av[first]), label + k + ": at " + at(ev[first]) + " -> " + at(av[first]) +
                                                (moved > 1 ? " (and " + std::to_string(moved - 1) + " more)" : ""));
    }
    for (const auto& [k, av] : a)
      if (!e.count(k)) add(av.front(), label + k + ": new (at " + times(av) + ")");
  }

  const Golden& e_;
  const Golden& a_;
  std::map<std::string, std::string> matched_;  // expected pod name -> actual pod name
  std::vector<std::string> e_only_, a_only_;
  std::vector<GoldenDifference> out_;
};

}  // namespace

std::vector<GoldenDifference> diff_goldens(const Golden& expected, const Golden& actual) {
  return Differ(expected, actual).run();
}

std::string format_differences(const std::vector<GoldenDifference>& diffs, size_t limit) {
  std::ostringstream out;
  for (size_t i = 0; i < diffs.size() && i < limit; ++i) out << diffs[i].text << "\n";
  if (diffs.size() > limit) out << "... and " << diffs.size() - limit << " more differences\n";
  return out.str();
}

}  // namespace ktwin::analysis
