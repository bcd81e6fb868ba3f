#!/usr/bin/env bash
# e2e-demo-signals.sh: `omsync --demo` ended by a signal (kill -TERM, Ctrl+C's SIGINT, a closed
# terminal's SIGHUP) cleans up as Ctrl+Q does: no omsync-central child is left running and
# both temporary directories (the demo site's and the central's) are gone.
#
# Usage: e2e-demo-signals.sh PATH/TO/omsync PATH/TO/omsync-central
set -euo pipefail

omsync="${1:?usage: e2e-demo-signals.sh PATH/TO/omsync PATH/TO/omsync-central}"
export OMSYNC_CENTRAL="${2:?usage: e2e-demo-signals.sh PATH/TO/omsync PATH/TO/omsync-central}"

e2e_name=demo-signals
. "$(dirname "$0")/e2e-lib.sh"
e2e_begin "$@"

# The central's process id, found by its data directory under "$tmp"; empty when none runs.
central_pid () {
  pgrep -f "$tmp/omsync-demo-central" 2>/dev/null | head -n 1 || true
}

# The script's own clean-up, should a check fail with the child still running.
e2e_cleanup_extra () {
  local child
  child="$(central_pid)"
  if [ -n "$child" ]; then
    kill "$child" 2>/dev/null || true
  fi
}

for signal in TERM INT HUP; do
  "$omsync" --demo >"$tmp/stdout" 2>"$tmp/stderr" &
  pid=$!

  wait_window '^omsync$' >/dev/null || fail "SIG$signal: no window within 20 s"
  deadline=$((SECONDS + 20))
  until [ -n "$(central_pid)" ]; do
    [ "$SECONDS" -lt "$deadline" ] || fail "SIG$signal: no demo central server child is running"
    sleep 0.05
  done
  # The demo site is configured and its first sync runs: a signal in the middle of it too.
  deadline=$((SECONDS + 20))
  until [ -n "$(site_db)" ]; do
    [ "$SECONDS" -lt "$deadline" ] || fail "SIG$signal: the demo site was not made within 20 s"
    sleep 0.05
  done

  kill -s "$signal" "$pid"
  deadline=$((SECONDS + 20))
  while kill -0 "$pid" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || fail "omsync did not exit within 20 s of SIG$signal"
    sleep 0.05
  done
  rc=0
  wait "$pid" || rc=$?
  pid=""
  [ "$rc" -eq 0 ] || fail "omsync exited with status $rc after SIG$signal"

  demo_left_nothing "SIG$signal"
  echo "e2e-demo-signals: SIG$signal stopped the demo central and removed its data"
done
