#!/usr/bin/env bash
# Fidelity check for a speed-up: runs every scenarios/*.yaml, scenarios/faults/*.yaml, kubemark-50 and
# kubemark-500 with `--trace` under two ktwin binaries, plus `--explain-scheduling pod/web` of
# scheduler-affinity.yaml, and compares the outputs byte for byte (the explanation without its "in N ms").
# Usage: tools/compare-traces.sh BEFORE_BIN AFTER_BIN   (run from the repository's top directory)
# Exit status 1 naming each scenario whose trace differs.
set -uo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BEFORE_BIN AFTER_BIN" >&2; exit 2; }
before="$(realpath "$1")"
after="$(realpath "$2")"
dir=$(mktemp -d /tmp/compare-traces.XXXXXX)
trap 'rm -rf "$dir"' EXIT

failed=0
count=0
for f in scenarios/*.yaml scenarios/faults/*.yaml scenarios/scale/kubemark-50.yaml scenarios/scale/kubemark-500.yaml; do
  name=$(echo "$f" | tr / _)
  "$before" run "$f" --quiet --trace "$dir/$name.before" >/dev/null 2>&1
  "$after" run "$f" --quiet --trace "$dir/$name.after" >/dev/null 2>&1
  count=$((count + 1))
  if ! cmp -s "$dir/$name.before" "$dir/$name.after"; then
    echo "DIFF $f"
    failed=1
  fi
  rm -f "$dir/$name.before" "$dir/$name.after"  # kubemark-500's trace is ~100 MB
done
explain() { "$1" run scenarios/scheduler-affinity.yaml --explain-scheduling pod/web 2>&1 | grep -v "of virtual time in"; }
if ! cmp -s <(explain "$before") <(explain "$after"); then
  echo "DIFF --explain-scheduling pod/web (scenarios/scheduler-affinity.yaml)"
  failed=1
fi
echo "compared $count traces and one explanation: $([ $failed -eq 0 ] && echo identical || echo DIFFERENT)"
exit $failed
