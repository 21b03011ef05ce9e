// The pod's requests, once per cycle.
#include "core/scheduler/plugins/pod_requests_state.h"

namespace ktwin::core {
namespace {

struct PodRequestsState : StateData {
  PodRequests requests;
};

const StateKey<PodRequestsState> kPreScoreKey("PreScorePodRequests");

}  // namespace

void pre_score_pod_requests(CycleState& state, const Pod& pod) {
  if (state.read(kPreScoreKey) != nullptr) return;
  auto s = std::make_shared<PodRequestsState>();
  s->requests = compute_pod_requests(pod);
  state.write(kPreScoreKey, std::move(s));
}

const PodRequests& pod_requests(const CycleState& state, const Pod& pod, PodRequests& scratch) {
  if (const PodRequestsState* s = state.read(kPreScoreKey)) return s->requests;
  scratch = compute_pod_requests(pod);
  return scratch;
}

}  // namespace ktwin::core
