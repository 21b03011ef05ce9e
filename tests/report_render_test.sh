#!/usr/bin/env bash
# Renders a run report and a sweep report in headless Chromium (Debian's chromium package): the DOM
# must hold the SVG charts and the screenshot must not be blank. Usage: report_render_test.sh KTWIN SRC
set -uo pipefail
ktwin=$1
src=$2
fail() { echo "FAIL: $*"; exit 1; }

chromium=$(command -v chromium || command -v chromium-browser || true)
# Missing Chromium is a failure, not a skip: CI installs it (tools/install-deps.sh).
[ -n "$chromium" ] || fail "chromium not found: install Debian's chromium package (tools/install-deps.sh)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Each call has its own profile, so parallel ctest runs do not fight over one.
chrome() {
  local profile
  profile=$(mktemp -d -p "$tmp")
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
    --user-data-dir="$profile" "$@" \
    2>>"$tmp/chromium.log"
}

"$ktwin" run "$src/scenarios/letschat-node-halt.yaml" --quiet --report "$tmp/run.html" 2>/dev/null ||
  fail "ktwin run --report exited $?"
"$ktwin" sweep "$src/scenarios/letschat-node-halt.yaml" --param controlPlane.defaultUnreachableTolerationSeconds=30,300 \
  --seeds 2 --jobs 2 --out "$tmp/sweep-out" --report "$tmp/sweep.html" >/dev/null 2>&1 ||
  fail "ktwin sweep --report exited $?"

# Same run, same page (the page shows the command, so the same path); a flag without its file is a
# usage error.
cp "$tmp/run.html" "$tmp/run-first.html"
"$ktwin" run "$src/scenarios/letschat-node-halt.yaml" --quiet --report "$tmp/run.html" 2>/dev/null
cmp -s "$tmp/run.html" "$tmp/run-first.html" || fail "two reports of the same run differ"
"$ktwin" run "$src/scenarios/letschat-node-halt.yaml" --quiet --report >/dev/null 2>&1
[ $? -eq 2 ] || fail "run --report without a file should exit 2"
"$ktwin" sweep "$src/scenarios/letschat-node-halt.yaml" --param x=1 --report >/dev/null 2>&1
[ $? -eq 2 ] || fail "sweep --report without a file should exit 2"

# count PATTERN FILE: lines are not elements (the DOM dump puts several on a line), so count matches.
count() { grep -o -- "$1" "$2" | wc -l; }

# 1. The DOM as Chromium parsed it: the SVG elements are there, as SVG, not as text.
chrome --dump-dom "file://$tmp/run.html" >"$tmp/run.dom" || fail "chromium --dump-dom exited $? ($(tail -3 "$tmp/chromium.log"))"
[ "$(count '<svg' "$tmp/run.dom")" -eq 2 ] || fail "run report: expected 2 <svg> (timeline, replicas) in the DOM"
[ "$(count 'class="pod"' "$tmp/run.dom")" -ge 10 ] || fail "run report: fewer than 10 pod rows in the DOM"
grep -q 'class="fault"' "$tmp/run.dom" || fail "run report: the haltNode fault is not marked"
grep -q '<polyline' "$tmp/run.dom" || fail "run report: no replica lines"
chrome --dump-dom "file://$tmp/sweep.html" >"$tmp/sweep.dom" || fail "chromium --dump-dom exited $?"
[ "$(count '<svg' "$tmp/sweep.dom")" -ge 4 ] || fail "sweep report: fewer than 4 charts in the DOM"
[ "$(count 'class="errorbar"' "$tmp/sweep.dom")" -ge 8 ] || fail "sweep report: fewer than 8 error bars"

# 2. Pixels: a screenshot of each report against one of an empty page of the same size. An empty
# 1200x2000 page compresses to a few kB of PNG; the reports' text, bars and lines take well over
# 50 kB (measured: run ~200 kB, sweep ~250 kB), so 5 times the blank's size says "drew something"
# with a wide margin either way.
printf '<!DOCTYPE html><html><body></body></html>\n' >"$tmp/blank.html"
for page in blank run sweep; do
  chrome --screenshot="$tmp/$page.png" --window-size=1200,2000 "file://$tmp/$page.html" >/dev/null ||
    fail "chromium --screenshot of $page exited $?"
  [ -s "$tmp/$page.png" ] || fail "no screenshot of $page"
  [ "$(head -c 8 "$tmp/$page.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "$page.png is not a PNG"
done
blank=$(stat -c %s "$tmp/blank.png")
for page in run sweep; do
  size=$(stat -c %s "$tmp/$page.png")
  echo "$page.png: $size bytes (blank page: $blank bytes)"
  cmp -s "$tmp/$page.png" "$tmp/blank.png" && fail "$page report renders blank"
  [ "$size" -gt $((blank * 5)) ] || fail "$page report: screenshot of $size bytes is not 5x the blank's $blank"
done
echo "report render: run and sweep pages rendered"
