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
check "--explain-scheduling needs pod/NAME" 2 "$ktwin" run "$root/scenarios/scheduler-affinity.yaml" --explain-scheduling web
check "--explain-scheduling prints the attempts" 0 "$ktwin" run "$root/scenarios/scheduler-affinity.yaml" --quiet \
  --explain-scheduling pod/web --explain-scheduling pod/default/cache
grep -q "worker3    InterPodAffinity: node(s) didn't match pod anti-affinity rules" /tmp/ktwin_cli_out.$$ \
  && grep -q "scheduling pod/default/cache-.* attempt 1" /tmp/ktwin_cli_out.$$ \
  && grep -q "NodeResourcesFit(x1)" /tmp/ktwin_cli_out.$$ \
  && echo "ok   explanation names the failing plugin and every score plugin" \
  || { echo "FAIL explanation"; cat /tmp/ktwin_cli_out.$$; fail=1; }
a=$("$ktwin" run "$root/scenarios/scheduler-profiles.yaml" --explain-scheduling pod/web 2>/dev/null)
b=$("$ktwin" run "$root/scenarios/scheduler-profiles.yaml" --explain-scheduling pod/web 2>/dev/null)
[ "$a" == "$b" ] && echo "ok   explanations are deterministic" || { echo "FAIL explanations differ for one seed"; fail=1; }
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
# Shards: three parts merged give the unsharded sweep's files byte for byte, and the same summary.
sweep_args=(sweep "$root/scenarios/letschat-node-halt.yaml" --param controlPlane.defaultUnreachableTolerationSeconds=30,300 --seeds 2 --jobs 2)
"$ktwin" "${sweep_args[@]}" --out "$sweep_dir" 2>/dev/null | grep -v "metrics null or zero" >"$sweep_dir/stdout"
for i in 0 1 2; do check "sweep shard $i/3" 0 "$ktwin" "${sweep_args[@]}" --shard $i/3 --out "$sweep_dir/part$i"; done
grep -q '"shard":{"count":3,"index":1}' "$sweep_dir/part1/part.json" && echo "ok   part.json names its shard" || { echo "FAIL part.json"; fail=1; }
check "sweep-merge joins 3 shards" 0 "$ktwin" sweep-merge --out "$sweep_dir/merged" "$sweep_dir/part2" "$sweep_dir/part0" "$sweep_dir/part1"
grep -v "metrics null or zero" /tmp/ktwin_cli_out.$$ | grep -v "^merged 3 parts" >"$sweep_dir/merged-stdout"
cmp -s "$sweep_dir/runs.csv" "$sweep_dir/merged/runs.csv" && cmp -s "$sweep_dir/summary.csv" "$sweep_dir/merged/summary.csv" \
  && echo "ok   merged runs.csv and summary.csv equal the unsharded ones" || { echo "FAIL merged CSVs differ"; fail=1; }
cmp -s "$sweep_dir/stdout" "$sweep_dir/merged-stdout" && echo "ok   merged summary printed as unsharded" \
  || { echo "FAIL merged stdout differs"; diff "$sweep_dir/stdout" "$sweep_dir/merged-stdout"; fail=1; }
check "sweep-merge: a missing shard exits 2" 2 "$ktwin" sweep-merge --out "$sweep_dir/m2" "$sweep_dir/part0" "$sweep_dir/part2"
grep -q "missing shard(s) 1/3" /tmp/ktwin_cli_out.$$ || { echo "FAIL missing shard named"; cat /tmp/ktwin_cli_out.$$; fail=1; }
check "sweep shard of other seeds" 0 "$ktwin" "${sweep_args[@]}" --seeds 3 --shard 1/3 --out "$sweep_dir/other1"
check "sweep-merge: parts of different sweeps exit 2" 2 "$ktwin" sweep-merge --out "$sweep_dir/m3" "$sweep_dir/part0" "$sweep_dir/other1" "$sweep_dir/part2"
grep -q "parts of different sweeps: the --seeds differ" /tmp/ktwin_cli_out.$$ || { echo "FAIL different sweeps named"; cat /tmp/ktwin_cli_out.$$; fail=1; }
check "sweep: --shard 3/3 exits 2" 2 "$ktwin" "${sweep_args[@]}" --shard 3/3 --out "$sweep_dir/bad"
JOB_COMPLETION_INDEX=1 "$ktwin" "${sweep_args[@]}" --shard env/3 --out "$sweep_dir/env1" >/dev/null 2>&1
cmp -s "$sweep_dir/env1/part.json" "$sweep_dir/part1/part.json" && echo "ok   --shard env/3 reads JOB_COMPLETION_INDEX" \
  || { echo "FAIL --shard env/N"; fail=1; }
# Progress goes to a terminal only: with stderr in a file, no carriage return is written.
"$ktwin" "${sweep_args[@]}" --out "$sweep_dir/quiet" >/dev/null 2>"$sweep_dir/stderr"
grep -q $'\r' "$sweep_dir/stderr" && { echo "FAIL progress written to a file"; fail=1; } || echo "ok   no progress bar when stderr is not a terminal"
check "sweep: bad --param exits 2" 2 "$ktwin" sweep "$root/scenarios/letschat-node-halt.yaml" --param nonsense --out "$sweep_dir"
check "sweep: unknown key exits 2" 2 "$ktwin" sweep "$root/scenarios/letschat-node-halt.yaml" --param controlPlane.nope=1,2 --out "$sweep_dir"
grep -q "controlPlane.nope" /tmp/ktwin_cli_out.$$ || { echo "FAIL unknown key named"; cat /tmp/ktwin_cli_out.$$; fail=1; }
# A flapping node: the trade-off names the false evictions a short toleration causes.
check "sweep over flapNode" 0 "$ktwin" sweep "$root/scenarios/faults/flap-node.yaml" \
  --param controlPlane.defaultUnreachableTolerationSeconds=10,300 --seeds 1 --jobs 1 --out "$sweep_dir"
grep -q "p50 false evictions (pods evicted from a node that came back) 2 / 0." /tmp/ktwin_cli_out.$$ \
  && echo "ok   the trade-off counts false evictions" \
  || { echo "FAIL false evictions in the trade-off"; cat /tmp/ktwin_cli_out.$$; fail=1; }
# import: kubectl's JSON -> a scenario that runs; bad JSON names the file and the place, exit 2.
check "import the Let's Chat cluster" 0 "$ktwin" import "$root/tests/data/letschat-cluster.json" -o "$sweep_dir/imported/cluster.yaml"
[ -f "$sweep_dir/imported/cluster-manifests/deployment-letschat.yaml" ] && echo "ok   manifests beside the scenario" \
  || { echo "FAIL no manifests"; ls -R "$sweep_dir/imported"; fail=1; }
check "the imported scenario runs" 0 "$ktwin" run "$sweep_dir/imported/cluster.yaml" --quiet
check "import --anonymize" 0 "$ktwin" import "$root/tests/data/letschat-cluster.json" -o "$sweep_dir/anon/a.yaml" --anonymize
check "the anonymized scenario runs" 0 "$ktwin" run "$sweep_dir/anon/a.yaml" --quiet
printf '{"kind": "List", "items": [\n  {"kind": "Node",}\n]}\n' >"$sweep_dir/bad.json"
check "import: bad JSON exits 2" 2 "$ktwin" import "$sweep_dir/bad.json" -o "$sweep_dir/bad.yaml"
grep -q "bad.json: not valid JSON: parse error at line 2, column 19" /tmp/ktwin_cli_out.$$ \
  || { echo "FAIL bad JSON located"; cat /tmp/ktwin_cli_out.$$; fail=1; }
check "import: no -o exits 2" 2 "$ktwin" import "$root/tests/data/letschat-cluster.json"
# A SimGrid platform scenario: one run at a time (one platform per process), none refused.
check "sweep over a platform scenario" 0 "$ktwin" sweep "$root/scenarios/faults/image-pull-platform.yaml" \
  --param kubelet.nodeStatusUpdateFrequency=10s,5s --seeds 2 --jobs 2 --out "$sweep_dir/platform"
grep -q "one run at a time: --jobs 1" /tmp/ktwin_cli_out.$$ && [ "$(cut -d, -f4 "$sweep_dir/platform/runs.csv" | sort -u | tr -d '\n')" == "error" ] \
  && echo "ok   platform runs one at a time, without errors" \
  || { echo "FAIL platform sweep"; cat /tmp/ktwin_cli_out.$$ "$sweep_dir/platform/runs.csv"; fail=1; }
rm -rf "$sweep_dir"
rm -f /tmp/ktwin_cli_out.$$
exit $fail
