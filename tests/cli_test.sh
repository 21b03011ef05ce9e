#!/usr/bin/env bash
# The ktwin binary's contract: exit statuses, error locations, and stable stdout for a seed.
set -u
ktwin="$1"
root="$2"
fail=0
check() {  # check NAME EXPECTED_STATUS COMMAND...
  local name="$1" expected="$2"
  shift 2
  "$@" >/tmp/ktwin_cli_out.$$ 2>&1
  local status=$?
  if [ "$status" -ne "$expected" ]; then
    echo "FAIL $name: exit $status, expected $expected"; cat /tmp/ktwin_cli_out.$$; fail=1
  else
    echo "ok   $name"
  fi
}
check "walk-through passes" 0 "$ktwin" run "$root/scenarios/letschat-node-halt.yaml" --quiet
check "failing expectation exits 1" 1 "$ktwin" run "$root/tests/scenarios/failing-expectation.yaml"
grep -q "failing-expectation.yaml:11:5: expect deployment/mongo readyReplicas 5: FAILED (got 1)" /tmp/ktwin_cli_out.$$ \
  || { echo "FAIL the failed expectation is named with its location"; cat /tmp/ktwin_cli_out.$$; fail=1; }
check "invalid scenario exits 2" 2 "$ktwin" run "$root/tests/scenarios/invalid.yaml"
grep -q "invalid.yaml:9:29: bad duration \"40 seconds\"" /tmp/ktwin_cli_out.$$ \
  || { echo "FAIL bad duration located"; cat /tmp/ktwin_cli_out.$$; fail=1; }
grep -q "invalid.yaml:11:24: unknown node \"node9\"" /tmp/ktwin_cli_out.$$ \
  || { echo "FAIL unknown node located"; cat /tmp/ktwin_cli_out.$$; fail=1; }
check "dependsOn cycle exits 2" 2 "$ktwin" run "$root/tests/scenarios/dependency-cycle.yaml"
grep -q "dependency-cycle.yaml:11:23: dependsOn cycle: letschat -> mongo -> letschat" /tmp/ktwin_cli_out.$$ \
  || { echo "FAIL dependsOn cycle located"; cat /tmp/ktwin_cli_out.$$; fail=1; }
check "unknown flag exits 2" 2 "$ktwin" run "$root/scenarios/letschat-node-halt.yaml" --frobnicate
check "bad --set exits 2" 2 "$ktwin" run "$root/scenarios/letschat-node-halt.yaml" --set controlPlane.nope=1
a=$("$ktwin" run "$root/scenarios/letschat-node-halt.yaml" --seed 3 2>/dev/null)
b=$("$ktwin" run "$root/scenarios/letschat-node-halt.yaml" --seed 3 2>/dev/null)
[ "$a" == "$b" ] && echo "ok   same seed, same stdout" || { echo "FAIL stdout differs for one seed"; fail=1; }
sweep_dir=$(mktemp -d)
check "sweep runs 2 points x 2 seeds" 0 "$ktwin" sweep "$root/scenarios/letschat-node-halt.yaml" \
  --param controlPlane.defaultUnreachableTolerationSeconds=30,300 --seeds 2 --jobs 2 --out "$sweep_dir"
[ "$(wc -l <"$sweep_dir/runs.csv")" -eq 5 ] && echo "ok   runs.csv: header + 4 runs" \
  || { echo "FAIL runs.csv rows"; cat "$sweep_dir/runs.csv"; fail=1; }
# summary.csv: toleration,metric,n,mean,...: mongo's mean recovery must grow with the toleration.
recover() { awk -F, -v tol="$1" '$1 == tol && $2 == "default/mongo.time_to_recover" { print $4 }' "$sweep_dir/summary.csv"; }
r30=$(recover 30); r300=$(recover 300)
awk -v a="$r30" -v b="$r300" 'BEGIN { exit !(a != "" && b != "" && a + 0 < b + 0) }' \
  && echo "ok   recovery grows with the toleration ($r30 s < $r300 s)" \
  || { echo "FAIL recovery at 30: '$r30', at 300: '$r300'"; fail=1; }
check "sweep: bad --param exits 2" 2 "$ktwin" sweep "$root/scenarios/letschat-node-halt.yaml" --param nonsense --out "$sweep_dir"
check "sweep: unknown key exits 2" 2 "$ktwin" sweep "$root/scenarios/letschat-node-halt.yaml" --param controlPlane.nope=1,2 --out "$sweep_dir"
grep -q "controlPlane.nope" /tmp/ktwin_cli_out.$$ || { echo "FAIL unknown key named"; cat /tmp/ktwin_cli_out.$$; fail=1; }
# A flapping node: the trade-off names the false evictions a short toleration causes.
check "sweep over flapNode" 0 "$ktwin" sweep "$root/scenarios/faults/flap-node.yaml" \
  --param controlPlane.defaultUnreachableTolerationSeconds=10,300 --seeds 1 --jobs 1 --out "$sweep_dir"
grep -q "p50 false evictions (pods evicted from a node that came back) 2 / 0." /tmp/ktwin_cli_out.$$ \
  && echo "ok   the trade-off counts false evictions" \
  || { echo "FAIL false evictions in the trade-off"; cat /tmp/ktwin_cli_out.$$; fail=1; }
rm -rf "$sweep_dir"
rm -f /tmp/ktwin_cli_out.$$
exit $fail
