#!/usr/bin/env bash
# e2e-qr.sh: the server URL QR code as a person (and a phone) sees it. Start `omsync --demo`,
# open Settings with Ctrl+comma, take a screenshot of the screen and check that zbarimg
# decodes exactly the URL printed beside the code, and that the URL is a LAN address of this
# machine, never loopback. Then click the code: the enlarged view opens, and Escape closes it.
# The screenshots (settings-qr.png, qr-enlarged.png) go to OMSYNC_SCREENSHOT_DIR, else to the
# test's temporary directory, removed at the end; tests/ui/make-screenshots.sh refreshes the ones in docs/screenshots/.
#
# Usage: e2e-qr.sh PATH/TO/omsync PATH/TO/omsync-central
set -euo pipefail

omsync="${1:?usage: e2e-qr.sh PATH/TO/omsync PATH/TO/omsync-central}"
export OMSYNC_CENTRAL="${2:?usage: e2e-qr.sh PATH/TO/omsync PATH/TO/omsync-central}"

if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s '-screen 0 1280x1024x24 -noreset' "$0" "$@"
fi
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  exec dbus-run-session -- "$0" "$@"
fi

here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d -t omsync-e2e-qr-XXXXXX)"
. "$(dirname "$0")/e2e-lib.sh"
e2e_coldchain_on_loopback
shots="${OMSYNC_SCREENSHOT_DIR:-$tmp/shots}"
mkdir -p "$shots"
export TMPDIR="$tmp"
export OMSYNC_HARDWARE_ID="e2e-qr-machine"
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
  echo "e2e-qr: FAIL: $*" >&2
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

wait_gone () {
  local pattern="$1" deadline=$((SECONDS + 20))
  while [ "$SECONDS" -lt "$deadline" ]; do
    xdotool search --onlyvisible --name "$pattern" >/dev/null 2>&1 || return 0
    sleep 0.02
  done
  return 1
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
sys.exit(0 if n >= 1 else 1)
PY
}

# What the application shows, read over AT-SPI: "url" prints the text beside "Server:",
# "qr" prints the centre of the QR code image in window coordinates.
atspi () {
  /usr/bin/python3 - "$1" <<'PY'
import sys, time, warnings
warnings.filterwarnings("ignore")
import gi
gi.require_version("Atspi", "2.0")
from gi.repository import Atspi

what = sys.argv[1]

def walk(acc, depth=0):
    if acc is None or depth > 60:
        return
    yield acc
    for i in range(acc.get_child_count()):
        yield from walk(acc.get_child_at_index(i), depth + 1)

deadline = time.time() + 15
while time.time() < deadline:
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is None or app.get_name() != "omsync":
            continue
        for acc in walk(app):
            try:
                name = acc.get_name() or ""
                role = acc.get_role()
            except Exception:
                continue
            if what == "url" and role == Atspi.Role.LABEL and name == "Server:":
                value = acc.get_parent().get_child_at_index(acc.get_index_in_parent() + 1)
                if value is not None and value.get_name():
                    print(value.get_name())
                    sys.exit(0)
            if what == "qr" and name.startswith("QR code of the server URL, "):
                ext = acc.get_extents(Atspi.CoordType.WINDOW)
                if ext.width <= 0 or ext.height <= 0:
                    continue
                print(ext.x + ext.width // 2, ext.y + ext.height // 2)
                sys.exit(0)
    time.sleep(0.2)
sys.exit(1)
PY
}

"$omsync" --demo >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
wid="$(wait_window '^omsync$')" || fail "no visible window titled 'omsync' within 20 s"

# Let the demo site initialise, so Settings shows its site name too.
deadline=$((SECONDS + 60))
until synced; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the demo site did not finish its first sync within 60 s"
  kill -0 "$pid" 2>/dev/null || fail "omsync exited while syncing"
  sleep 0.2
done

xdotool windowfocus --sync "$wid" 2>/dev/null || true
xdotool key --clearmodifiers ctrl+comma
sleep 1

shown="$(atspi url)" || fail "no server URL label on the Settings page"
echo "e2e-qr: the Settings page shows $shown"

import -window root "$shots/settings-qr.png"
decoded="$(zbarimg --raw -q --nodbus "$shots/settings-qr.png" || true)"
[ -n "$decoded" ] || fail "zbarimg found no QR code in the Settings screenshot"
[ "$decoded" = "$shown" ] || fail "the code says '$decoded' but the page shows '$shown'"
echo "e2e-qr: zbarimg decodes $decoded"

# The URL is https://<a LAN address of this machine>:<the server's port>, never loopback.
host="$(printf '%s\n' "$decoded" | sed -E 's|^https?://\[?([^]/]*)\]?:[0-9]+$|\1|')"
[[ "$decoded" =~ ^https://[^/]+:$OMSYNC_COLDCHAIN_PORT$ ]] ||
  fail "'$decoded' is not https://<address>:$OMSYNC_COLDCHAIN_PORT"
case "$host" in
  127.*|::1|localhost|0.0.0.0|169.254.*) fail "the code encodes the unreachable address $host" ;;
esac
addresses="$(hostname -I 2>/dev/null || true)"
addresses="$addresses $(ip -4 -o addr show 2>/dev/null | awk '{split($4, a, "/"); print a[1]}')"
addresses="$(echo $addresses)"
[[ " $addresses " == *" $host "* ]] || fail "$host is not an address of this machine ($addresses)"
echo "e2e-qr: $host is a LAN address of this machine"

# A click on the code opens the enlarged view.
centre="$(atspi qr)" || fail "no QR code image on the Settings page over AT-SPI"
eval "$(xdotool getwindowgeometry --shell "$wid")"
read -r qx qy <<<"$centre"
xdotool mousemove --sync $((X + qx)) $((Y + qy)) click 1
big="$(wait_window '^Server URL$')" || fail "clicking the code did not open the enlarged view"
sleep 0.5

import -window root "$shots/qr-enlarged.png"
big_decoded="$(zbarimg --raw -q --nodbus "$shots/qr-enlarged.png" || true)"
[ -n "$big_decoded" ] || fail "zbarimg found no QR code in the enlarged view"
while read -r line; do
  [ "$line" = "$shown" ] || fail "the enlarged view's code says '$line', not '$shown'"
done <<<"$big_decoded"
echo "e2e-qr: the enlarged view opened and its code decodes"

xdotool windowfocus --sync "$big" 2>/dev/null || true
xdotool key --clearmodifiers Escape
wait_gone '^Server URL$' || fail "Escape did not close the enlarged view"
echo "e2e-qr: Escape closed the enlarged view"

# The code keeps the focus the click gave it: Space and Enter open the view too.
for key in space Return; do
  xdotool windowfocus --sync "$wid" 2>/dev/null || true
  xdotool key --clearmodifiers "$key"
  big="$(wait_window '^Server URL$')" || fail "$key on the focused code did not open the view"
  xdotool windowfocus --sync "$big" 2>/dev/null || true
  xdotool key --clearmodifiers Escape
  wait_gone '^Server URL$' || fail "Escape did not close the enlarged view"
done
echo "e2e-qr: Space and Enter on the code open the enlarged view"

xdotool windowfocus --sync "$wid" 2>/dev/null || true
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

[ -z "${OMSYNC_SCREENSHOT_DIR:-}" ] || echo "e2e-qr: settings-qr.png and qr-enlarged.png are in $shots"
