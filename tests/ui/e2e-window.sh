#!/usr/bin/env bash
# e2e-window.sh: start the real omsync on an empty data directory, wait for its window, press
# Ctrl+Q, and check that it exits cleanly and quietly (TESTING.md §5).
#
# Usage: e2e-window.sh PATH/TO/omsync
#
# Needs an X display and a session bus; without them it starts Xvfb and a private bus itself.
set -euo pipefail

omsync="${1:?usage: e2e-window.sh PATH/TO/omsync}"

if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s '-screen 0 1280x1024x24 -noreset' "$0" "$@"
fi
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  exec dbus-run-session -- "$0" "$@"
fi

tmp="$(mktemp -d -t omsync-e2e-window-XXXXXX)"
. "$(dirname "$0")/e2e-lib.sh"
e2e_coldchain_on_loopback
pid=""
cleanup () {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

fail () {
  echo "e2e-window: FAIL: $*" >&2
  if [ -s "$tmp/stderr" ]; then
    echo "--- omsync stderr ---" >&2
    cat "$tmp/stderr" >&2
  fi
  exit 1
}

# Poll every 20 ms (xdotool's own --sync polls every 500 ms).
wait_window () {
  local pattern="$1" deadline=$((SECONDS + 20)) wid
  while [ "$SECONDS" -lt "$deadline" ]; do
    wid="$(xdotool search --onlyvisible --name "$pattern" 2>/dev/null | head -n 1 || true)"
    if [ -n "$wid" ]; then
      echo "$wid"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.02
  done
  return 1
}

wait_exit () {
  local deadline=$((SECONDS + 20))
  while [ "$SECONDS" -lt "$deadline" ]; do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.02
  done
  return 1
}

data_dir="$tmp/data"
"$omsync" --data-dir "$data_dir" >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
wid="$(wait_window '^omsync$')" || fail "no visible window titled 'omsync' within 20 s"
echo "e2e-window: window $wid is up"

# --data-dir was honoured: the store was created there.
[ -f "$data_dir/omsync.sqlite" ] || fail "no omsync.sqlite in the --data-dir directory"

if [ -n "${OMSYNC_E2E_SCREENSHOT:-}" ]; then
  sleep 0.5
  import -window root "$OMSYNC_E2E_SCREENSHOT"
fi

xdotool windowfocus --sync "$wid" 2>/dev/null || true
xdotool key --clearmodifiers ctrl+q

wait_exit || fail "omsync did not exit within 20 s of Ctrl+Q"
rc=0
wait "$pid" || rc=$?
pid=""
[ "$rc" -eq 0 ] || fail "omsync exited with status $rc"

if grep -E 'WARNING|CRITICAL' "$tmp/stderr" >/dev/null; then
  fail "omsync wrote warnings to stderr"
fi

echo "e2e-window: omsync quit cleanly on Ctrl+Q"
