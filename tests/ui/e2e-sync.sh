#!/usr/bin/env bash
# e2e-sync.sh: the sync status window of the real `omsync --demo`: Ctrl+Alt+S and Alt+Shift+S
# open it and Escape closes it (xdotool); then e2e-sync.py presses Sync now over AT-SPI, reads
# the result, makes the demo central fail and opens the error's `i` popover.
#
# Usage: e2e-sync.sh PATH/TO/omsync PATH/TO/omsync-central
# Needs a session bus for AT-SPI (`./run test` and the meson command in TESTING.md give one).
set -euo pipefail

omsync="${1:?usage: e2e-sync.sh PATH/TO/omsync PATH/TO/omsync-central}"
export OMSYNC_CENTRAL="${2:?usage: e2e-sync.sh PATH/TO/omsync PATH/TO/omsync-central}"
here="$(cd "$(dirname "$0")" && pwd)"

if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s '-screen 0 1280x1024x24 -noreset' "$0" "$@"
fi
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  exec dbus-run-session -- "$0" "$@"
fi

tmp="$(mktemp -d -t omsync-e2e-sync-XXXXXX)"
. "$(dirname "$0")/e2e-lib.sh"
e2e_coldchain_on_loopback
export TMPDIR="$tmp"
export OMSYNC_HARDWARE_ID="e2e-sync-machine"
export GIO_USE_PROXY_RESOLVER=dummy
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
  echo "e2e-sync: FAIL: $*" >&2
  [ -s "$tmp/stderr" ] && { echo "--- omsync stderr ---" >&2; cat "$tmp/stderr" >&2; }
  exit 1
}

# Poll every 20 ms (xdotool's own --sync polls every 500 ms).
wait_window () {
  local deadline=$((SECONDS + 20)) wid=""
  while [ "$SECONDS" -lt "$deadline" ]; do
    wid="$(xdotool search --onlyvisible --name "$1" 2>/dev/null | head -n 1 || true)"
    [ -n "$wid" ] && { echo "$wid"; return 0; }
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.02
  done
  return 1
}

wait_gone () {
  local deadline=$((SECONDS + 10))
  while [ "$SECONDS" -lt "$deadline" ]; do
    xdotool search --onlyvisible --name "$1" >/dev/null 2>&1 || return 0
    sleep 0.02
  done
  return 1
}

site_db () {
  ls -d "$tmp"/omsync-demo-??????/omsync.sqlite 2>/dev/null | head -n 1
}

synced () {
  local db
  db="$(site_db)"
  [ -n "$db" ] || return 1
  /usr/bin/python3 - "$db" <<'PY'
import sqlite3, sys
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=5)
n = con.execute("SELECT count(*) FROM sync_log WHERE finished_datetime IS NOT NULL "
                "AND error_message IS NULL").fetchone()[0]
sys.exit(0 if n >= 1 else 1)
PY
}

"$omsync" --demo >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!

main="$(wait_window '^omsync$')" || fail "no main window within 20 s"
deadline=$((SECONDS + 60))
until synced; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the demo site did not finish its first sync within 60 s"
  kill -0 "$pid" 2>/dev/null || fail "omsync exited while syncing"
  sleep 0.2
done

for keys in ctrl+alt+s alt+shift+s; do
  xdotool windowfocus --sync "$main" 2>/dev/null || true
  xdotool key --clearmodifiers "$keys"
  sync_wid="$(wait_window '^Sync$')" || fail "$keys did not open the sync status window"
  xdotool windowfocus --sync "$sync_wid" 2>/dev/null || true
  xdotool key --clearmodifiers Escape
  wait_gone '^Sync$' || fail "Escape did not close the sync status window opened by $keys"
  echo "e2e-sync: $keys opens the sync status window and Escape closes it"
done

xdotool windowfocus --sync "$main" 2>/dev/null || true
xdotool key --clearmodifiers ctrl+alt+s
wait_window '^Sync$' >/dev/null || fail "Ctrl+Alt+S did not open the sync status window"

/usr/bin/python3 "$here/e2e-sync.py" "$(site_db)" ${OMSYNC_E2E_SYNC_SHOT:+--screenshot-error "$OMSYNC_E2E_SYNC_SHOT"} \
  || fail "the AT-SPI run of the sync status window failed"

xdotool key --clearmodifiers Escape
xdotool key --clearmodifiers Escape
wait_gone '^Sync$' || fail "Escape did not close the sync status window"
xdotool windowfocus --sync "$main" 2>/dev/null || true
xdotool key --clearmodifiers ctrl+q
deadline=$((SECONDS + 20))
while kill -0 "$pid" 2>/dev/null; do
  [ "$SECONDS" -lt "$deadline" ] || fail "omsync did not exit within 20 s of Ctrl+Q"
  sleep 0.05
done
rc=0
wait "$pid" || rc=$?
pid=""
[ "$rc" -eq 0 ] || fail "omsync exited with status $rc"
if grep -E 'WARNING|CRITICAL' "$tmp/stderr" >/dev/null; then
  fail "omsync wrote warnings to stderr"
fi
echo "e2e-sync: the sync status window works by keyboard and over AT-SPI"
