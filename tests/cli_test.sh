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
check "unknown flag exits 2" 2 "$ktwin" run "$root/scenarios/letschat-node-halt.yaml" --frobnicate
check "bad --set exits 2" 2 "$ktwin" run "$root/scenarios/letschat-node-halt.yaml" --set controlPlane.nope=1
a=$("$ktwin" run "$root/scenarios/letschat-node-halt.yaml" --seed 3 2>/dev/null)
b=$("$ktwin" run "$root/scenarios/letschat-node-halt.yaml" --seed 3 2>/dev/null)
[ "$a" == "$b" ] && echo "ok   same seed, same stdout" || { echo "FAIL stdout differs for one seed"; fail=1; }
rm -f /tmp/ktwin_cli_out.$$
exit $fail
