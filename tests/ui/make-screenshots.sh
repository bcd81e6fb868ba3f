#!/usr/bin/env bash
# make-screenshots.sh: screenshots of the real `omsync --demo` for docs/screenshots/: the main
# window, the sync status window while a sync runs, a failed sync with its `i` popover open,
# the Settings page with its QR code and the enlarged code, the Settings page while another
# program holds the cold chain port, and the Records page with a phone's uploads waiting to be
# sent. Not a test; run it after UI changes and commit the PNGs (the README and the metainfo
# show them).
#
# Usage: tests/ui/make-screenshots.sh PATH/TO/omsync PATH/TO/omsync-central [OUTPUT-DIR]
set -euo pipefail

omsync="$(realpath "${1:?usage: make-screenshots.sh PATH/TO/omsync PATH/TO/omsync-central [DIR]}")"
export OMSYNC_CENTRAL="$(realpath "${2:?usage: make-screenshots.sh PATH/TO/omsync PATH/TO/omsync-central [DIR]}")"
here="$(cd "$(dirname "$0")" && pwd)"
out="$(realpath -m "${3:-$here/../../docs/screenshots}")"

if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s '-screen 0 1280x1024x24 -noreset' "$0" "$@"
fi
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  exec dbus-run-session -- "$0" "$@"
fi

mkdir -p "$out"
tmp="$(mktemp -d -t omsync-screenshots-XXXXXX)"
export TMPDIR="$tmp"
export OMSYNC_HARDWARE_ID="screenshots-machine"
export GIO_USE_PROXY_RESOLVER=dummy
export GSK_RENDERER=cairo
export GSETTINGS_BACKEND=memory
# The build tree's compiled schemas, unless the caller points elsewhere.
export GSETTINGS_SCHEMA_DIR="${GSETTINGS_SCHEMA_DIR:-$(dirname "$omsync")/../data}"
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
  echo "make-screenshots: $*" >&2
  exit 1
}

wait_window () {
  local deadline=$((SECONDS + 20)) wid=""
  while [ "$SECONDS" -lt "$deadline" ]; do
    wid="$(xdotool search --onlyvisible --name "$1" 2>/dev/null | head -n 1 || true)"
    [ -n "$wid" ] && { echo "$wid"; return 0; }
    sleep 0.02
  done
  return 1
}

site_db () {
  ls -d "$tmp"/omsync-demo-??????/omsync.sqlite 2>/dev/null | head -n 1
}

# Prints the number of runs, and of the latest run's state: running, ok or error.
sync_state () {
  /usr/bin/python3 - "$(site_db)" <<'PY'
import sqlite3, sys
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=5)
n = con.execute("SELECT count(*) FROM sync_log").fetchone()[0]
row = con.execute("SELECT finished_datetime, error_message FROM sync_log "
                  "ORDER BY started_datetime DESC LIMIT 1").fetchone()
state = "none" if row is None else "error" if row[1] else "ok" if row[0] else "running"
print(n, state)
PY
}

wait_state () {
  local want="$1" min_runs="$2" deadline=$((SECONDS + 90)) n state
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ -n "$(site_db)" ]; then
      read -r n state < <(sync_state)
      [ "$n" -ge "$min_runs" ] && [ "$state" = "$want" ] && return 0
    fi
    sleep 0.1
  done
  fail "no sync in state $want within 90 s"
}

fault () {
  /usr/bin/python3 - "$(site_db)" "$1" "${2:-}" <<'PY'
import sqlite3, sys, urllib.request
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=5)
url = con.execute("SELECT value_string FROM key_value_store "
                  "WHERE id = 'SETTINGS_SYNC_URL'").fetchone()[0]
body = sys.argv[3].encode() if sys.argv[2] == "POST" else None
request = urllib.request.Request(url.rstrip("/") + "/admin/fault", data=body, method=sys.argv[2])
urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10)
PY
}

shoot () {
  # Without a window manager every window sits at 0,0: crop the screen to the main window,
  # which the sync status window and its popovers lie over.
  import -window root -crop "${main_w}x${main_h}+0+0" +repage "$1"
  echo "make-screenshots: wrote $1"
}

"$omsync" --demo >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!

main="$(wait_window '^omsync$')" || fail "no main window"
wait_state ok 1
eval "$(xdotool getwindowgeometry --shell "$main")"
main_w="$WIDTH"
main_h="$HEIGHT"
sleep 0.5
shoot "$out/main-window.png"

# A slow central, so the sync is caught while it runs.
fault POST '*:latency=700'
xdotool key --clearmodifiers ctrl+alt+s
wait_window '^Sync$' >/dev/null || fail "Ctrl+Alt+S did not open the sync status window"
sleep 0.5
read -r runs _ < <(sync_state)
xdotool key --clearmodifiers Return
sleep 2.5
shoot "$out/sync-window-syncing.png"
wait_state ok $((runs + 1))
fault DELETE

fault POST '*:status=503,body=down'
read -r runs _ < <(sync_state)
xdotool key --clearmodifiers Return
wait_state error $((runs + 1))
sleep 0.5
/usr/bin/python3 - "$here/e2e-sync.py" <<'PY'
import importlib.util, sys, time
spec = importlib.util.spec_from_file_location("e2e_sync", sys.argv[1])
e2e = importlib.util.module_from_spec(spec)
spec.loader.exec_module(e2e)
app = e2e.wait_for("omsync", e2e.find_app, 20)
window = e2e.wait_for("the Sync window", lambda: e2e.find_frame(app, "Sync"), 20)
buttons = [n for n in e2e.walk(window) if n.get_name() == "Error details" and e2e.has_click(n)]
# The last one is the error area's; the stepper's failed step has the first.
e2e.click(buttons[-1])
e2e.wait_for("the popover", lambda: e2e.copy_buttons(app), 10)
PY
sleep 0.5
shoot "$out/sync-window-error.png"
fault DELETE

xdotool key --clearmodifiers Escape
sleep 0.2
xdotool key --clearmodifiers Escape
sleep 0.2
xdotool key --clearmodifiers ctrl+q
wait "$pid" || true
pid=""

# The Settings page with its QR code, and the enlarged view, come from the QR end-to-end test,
# which also checks that they decode to the URL shown.
# The pictures show the default port.
OMSYNC_COLDCHAIN_PORT="${OMSYNC_COLDCHAIN_PORT:-8000}" OMSYNC_SCREENSHOT_DIR="$out" "$here/e2e-qr.sh" "$omsync" "$OMSYNC_CENTRAL"
# The reason and Retry in place of the code, and the Records page, from their tests too.
OMSYNC_COLDCHAIN_PORT="${OMSYNC_COLDCHAIN_PORT:-8000}" OMSYNC_SCREENSHOT_DIR="$out" "$here/e2e-qr-retry.sh" "$omsync" "$OMSYNC_CENTRAL"
OMSYNC_SCREENSHOT_DIR="$out" "$here/e2e-coldchain.sh" "$omsync" "$OMSYNC_CENTRAL"
# A record that could not be integrated, drawn by the Records page's own test.
OMSYNC_SCREENSHOT_DIR="$out" TZ=UTC GTK_A11Y=none \
  "$(dirname "$omsync")/../tests/ui/test-records-page" -p /oms/ui/records/failed-and-try-again \
  >/dev/null || fail "the Records page test failed"
echo "make-screenshots: wrote $(ls "$out" | tr '\n' ' ')"
