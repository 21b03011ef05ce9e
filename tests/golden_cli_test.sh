#!/usr/bin/env bash
# `ktwin test` end to end: a scenario with its golden passes; changing a scheduler weight through
# cluster.scheduler.config fails it with a diff naming the moved pods (exit 1, JUnit <failure>);
# --update-golden accepts the change; a missing golden fails with the command that creates it.
set -u
ktwin="$1"
root="$2"
fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/out.txt"
check() {  # check NAME EXPECTED_STATUS COMMAND...
  local name="$1" expected="$2"
  shift 2
  "$@" >"$out" 2>&1
  local status=$?
  if [ "$status" -ne "$expected" ]; then
    echo "FAIL $name: exit $status, expected $expected"; cat "$out"; fail=1
  else
    echo "ok   $name"
  fi
}
expect_line() {  # expect_line NAME REGEX [FILE]
  grep -Eq "$2" "${3:-$out}" && echo "ok   $1" || { echo "FAIL $1: no line matching '$2'"; cat "${3:-$out}"; fail=1; }
}

cp -r "$root/scenarios/letschat-node-halt.yaml" "$root/scenarios/letschat" "$root/scenarios/golden" "$work/"
cd "$work"
check "the shipped golden holds" 0 "$ktwin" test letschat-node-halt.yaml

# The done-criterion: NodeResourcesLeastAllocated at weight 20 instead of 1 (kube-scheduler 1.20
# reads v1beta1) moves letschat pods at the 3m scale-up.
# Every *.yaml directly in a directory is a scenario, so the config lives in a subfolder.
mkdir config
cat >config/sched.yaml <<'YAML'
apiVersion: kubescheduler.config.k8s.io/v1beta1
kind: KubeSchedulerConfiguration
profiles:
  - schedulerName: default-scheduler
    plugins:
      score:
        enabled:
          - {name: NodeResourcesLeastAllocated, weight: 20}
YAML
sed -i 's|^cluster:|cluster:\n  scheduler: {config: config/sched.yaml}|' letschat-node-halt.yaml
check "a changed weight fails the golden" 1 "$ktwin" test . --junit report.xml
expect_line "the diff names a moved pod" '^    pod default/letschat-[a-z0-9]+-[a-z0-9]+: node [a-z0-9]+ -> [a-z0-9]+ at \+3m0s$'
expect_line "the verdict says the golden differs" '^FAIL letschat-node-halt\.yaml: golden differs \([0-9]+ difference'
expect_line "the hint names --update-golden" 'ktwin test letschat-node-halt\.yaml --update-golden'
expect_line "JUnit: one failure" '<testsuites name="ktwin test" tests="1" failures="1" errors="0"' report.xml
expect_line "JUnit: the failure carries the diff" '<failure message="golden differs \([0-9]+ difference\(s\)\)" type="ktwin.test">pod default/letschat-' report.xml
if command -v python3 >/dev/null; then
  python3 -c "import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])" report.xml 2>"$out" \
    && echo "ok   JUnit is well-formed XML" || { echo "FAIL JUnit XML does not parse"; cat "$out"; fail=1; }
fi
check "--update-golden accepts it" 0 "$ktwin" test . --update-golden
expect_line "the update reports what changed" 'golden updated \([0-9]+ behavioural difference\(s\)\): golden/letschat-node-halt\.golden'
check "the updated golden holds" 0 "$ktwin" test .
check "a second update" 0 "$ktwin" test . --update-golden
expect_line "rewrites the same bytes (same seed, same golden)" 'golden unchanged: golden/letschat-node-halt\.golden'

rm golden/letschat-node-halt.golden
check "a missing golden fails" 1 "$ktwin" test letschat-node-halt.yaml
expect_line "the missing golden is named with the fix" 'no golden file golden/letschat-node-halt\.golden; create it with: ktwin test letschat-node-halt\.yaml --update-golden'

sed -i 's|NodeResourcesLeastAllocated|NodeResourcesLeastAlocated|' config/sched.yaml
check "a bad plugin name is an invalid scenario" 2 "$ktwin" test letschat-node-halt.yaml
expect_line "located inside the scheduler config" 'config/sched\.yaml:8:20: score\.enabled: unknown plugin "NodeResourcesLeastAlocated"'
check "ktwin run rejects it too" 2 "$ktwin" run letschat-node-halt.yaml
check "a missing path is a usage error" 2 "$ktwin" test no-such-dir
exit $fail
