#!/usr/bin/env bash
# e2e-demo.sh: the README's first command, `omsync --demo`, as a newcomer sees it: the window
# opens, a demo central server starts as a child, the demo site is configured and synced,
# and closing the window stops the child and removes both temporary directories.
#
# Usage: e2e-demo.sh PATH/TO/omsync PATH/TO/omsync-central
set -euo pipefail

omsync="${1:?usage: e2e-demo.sh PATH/TO/omsync PATH/TO/omsync-central}"
export OMSYNC_CENTRAL="${2:?usage: e2e-demo.sh PATH/TO/omsync PATH/TO/omsync-central}"

if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s '-screen 0 1280x1024x24 -noreset' "$0" "$@"
fi

tmp="$(mktemp -d -t omsync-e2e-demo-XXXXXX)"
. "$(dirname "$0")/e2e-lib.sh"
e2e_coldchain_on_loopback
# The demo's temporary directories are made under TMPDIR, so they can be watched here.
export TMPDIR="$tmp"
export OMSYNC_HARDWARE_ID="e2e-demo-machine"
pid=""
cleanup () {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  pkill -f "$tmp/omsync-demo-central" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

fail () {
  echo "e2e-demo: FAIL: $*" >&2
  [ -s "$tmp/stderr" ] && { echo "--- omsync stderr ---" >&2; cat "$tmp/stderr" >&2; }
  exit 1
}

synced () {
  local db
  db="$(ls -d "$tmp"/omsync-demo-??????/omsync.sqlite 2>/dev/null | head -n 1)"
  [ -n "$db" ] || return 1
  /usr/bin/python3 - "$db" <<'PY'
import sqlite3, sys
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=5)
n = con.execute("SELECT count(*) FROM sync_log WHERE finished_datetime IS NOT NULL "
                "AND error_message IS NULL").fetchone()[0]
sensors = con.execute("SELECT count(*) FROM sensor").fetchone()[0]
sys.exit(0 if n >= 1 and sensors > 0 else 1)
PY
}

"$omsync" --demo >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!

deadline=$((SECONDS + 20))
wid=""
while [ -z "$wid" ] && [ "$SECONDS" -lt "$deadline" ]; do
  wid="$(xdotool search --onlyvisible --name '^omsync$' 2>/dev/null | head -n 1 || true)"
  kill -0 "$pid" 2>/dev/null || fail "omsync exited early"
  sleep 0.02
done
[ -n "$wid" ] || fail "no window within 20 s"

pgrep -f "$tmp/omsync-demo-central" >/dev/null || sleep 1
pgrep -f "$tmp/omsync-demo-central" >/dev/null || fail "no demo central server child is running"

deadline=$((SECONDS + 60))
until synced; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the demo site did not finish its first sync within 60 s"
  kill -0 "$pid" 2>/dev/null || fail "omsync exited while syncing"
  sleep 0.2
done
echo "e2e-demo: the demo site initialised from its central server"

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

if pgrep -f "$tmp/omsync-demo-central" >/dev/null; then
  fail "the demo central server outlived the window"
fi
if ls -d "$tmp"/omsync-demo-* >/dev/null 2>&1; then
  fail "temporary demo directories were left behind: $(ls -d "$tmp"/omsync-demo-*)"
fi
if grep -E 'WARNING|CRITICAL' "$tmp/stderr" >/dev/null; then
  fail "omsync wrote warnings to stderr"
fi

echo "e2e-demo: closing the window stopped the demo central and removed its data"
