#!/usr/bin/env bash
# make-screenshots.sh: screenshots of the real `omsync --demo` for docs/screenshots/: the main
# window, the sync status window while a sync runs, a failed sync with its `i` popover open,
# the Cold chain page with a phone's fridge charted, the Settings page with its QR code and the
# enlarged code, the Settings page while another program holds the cold chain port, the
# Records page with a phone's uploads waiting to be sent, and the welcome page mid first sync.
# Not a test; run it after UI changes and commit the PNGs (the README and the metainfo show
# them).
#
# Usage: tests/ui/make-screenshots.sh PATH/TO/omsync PATH/TO/omsync-central [OUTPUT-DIR]
set -euo pipefail

omsync="$(realpath "${1:?usage: make-screenshots.sh PATH/TO/omsync PATH/TO/omsync-central [DIR]}")"
export OMSYNC_CENTRAL="$(realpath "${2:?usage: make-screenshots.sh PATH/TO/omsync PATH/TO/omsync-central [DIR]}")"
here="$(cd "$(dirname "$0")" && pwd)"
cli="$(dirname "$omsync")/cli/omsync-cli"
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

# shoot_popover BEFORE OUT: like shoot, with a popover open. GTK draws a popover on a surface
# of its own with room for its shadow and arrow; with no compositor (Xvfb) that room is black.
# BEFORE is the same screen with the popover closed: where the screen turned black is the
# popover's surface, and its black margin (flood-filled from the surface's corners) is
# replaced with what BEFORE shows there. The popover keeps its shape, without a shadow.
shoot_popover () {
  local before="$1" out="$2" after="$tmp/after.png" rect w h x y
  import -window root -crop "${main_w}x${main_h}+0+0" +repage "$after"
  rect="$(convert \( "$after" -colorspace Gray -threshold 0 -negate \) \
                  \( "$before" -colorspace Gray -threshold 0 \) \
                  -compose Darken -composite -format '%@' info:)"
  read -r w h x y <<<"$(sed -E 's/^([0-9]+)x([0-9]+)\+([0-9]+)\+([0-9]+)$/\1 \2 \3 \4/' <<<"$rect")"
  [ "$w" -gt 1 ] && [ "$h" -gt 1 ] || fail "no popover surface found ($rect)"
  # The fuzz takes the corners' anti-aliased edge (white blended into black) with the black.
  convert "$after" -crop "$rect" +repage -alpha set -fill none -fuzz 40% \
    -draw "color 0,0 floodfill" -draw "color $((w - 1)),0 floodfill" \
    -draw "color 0,$((h - 1)) floodfill" -draw "color $((w - 1)),$((h - 1)) floodfill" \
    "$tmp/popover.png"
  convert "$before" -crop "$rect" +repage "$tmp/popover.png" -composite "$tmp/patch.png"
  convert "$after" "$tmp/patch.png" -geometry "+$x+$y" -composite "$out"
  echo "make-screenshots: wrote $out"
}

# The cold chain server on loopback and a free port, for the phone below.
phone_port="$(/usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')"
OMSYNC_COLDCHAIN_LISTEN=127.0.0.1 OMSYNC_COLDCHAIN_PORT="$phone_port" \
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
shoot "$tmp/before-popover.png"
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
shoot_popover "$tmp/before-popover.png" "$out/sync-window-error.png"
fault DELETE

xdotool key --clearmodifiers Escape
sleep 0.2
xdotool key --clearmodifiers Escape
sleep 0.2

# A successful sync again, so the window below does not show the failure made above.
read -r runs _ < <(sync_state)
xdotool key --clearmodifiers ctrl+alt+s
wait_window '^Sync$' >/dev/null || fail "Ctrl+Alt+S did not open the sync status window"
sleep 0.5
xdotool key --clearmodifiers Return
wait_state ok $((runs + 1))
xdotool key --clearmodifiers Escape
sleep 0.2

# A phone uploads a day of a fridge's logs, a warm spell among them, and the breach it
# recorded; the Cold chain page then charts that fridge, the sensor that reported last.
site="$(dirname "$(site_db)")"
printf 'fridge-secret\n' | "$cli" --data-dir "$site" coldchain-account add phone --password-stdin \
  || fail "omsync-cli could not add the phone's account"
/usr/bin/python3 - "https://127.0.0.1:$phone_port/coldchain/v1" "$site/coldchain-cert.pem" <<'PY'
import http.cookiejar, json, math, ssl, sys, time, urllib.request
base, cert = sys.argv[1], sys.argv[2]
opener = urllib.request.build_opener(
    urllib.request.ProxyHandler({}),
    urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=cert)),
    urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
def send(method, path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method,
                                     headers={"Content-Type": "application/json"})
    return json.loads(opener.open(request, timeout=30).read())
send("POST", "/login", {"username": "phone", "password": "fridge-secret"})
now = int(time.time())
send("PUT", "/sensor", [{"id": "shot-sensor", "macAddress": "DE:AD:BE:EF:00:42",
                         "logInterval": 15, "programmedDate": now - 2 * 86400,
                         "name": "Vaccine fridge C", "logDelay": 0, "batteryLevel": 92}])
logs = []
for i in range(96):
    t = now - i * 900
    temperature = 4.6 + 1.1 * math.sin(i / 7.0) + 0.3 * math.sin(i * 1.7)
    if 30 <= i <= 36:
        temperature = 8.4 + 1.2 * math.sin((i - 30) / 6.0 * math.pi)
    logs.append({"id": f"shot-log-{i}", "temperature": round(temperature, 1), "timestamp": t,
                 "sensorId": "shot-sensor"})
send("PUT", "/temperature-log", logs)
send("PUT", "/temperature-breach", [{"id": "shot-breach", "sensorId": "shot-sensor",
                                     "type": "HOT_CONSECUTIVE",
                                     "startTimestamp": now - 36 * 900,
                                     "endTimestamp": now - 30 * 900,
                                     "thresholdDuration": 3600,
                                     "thresholdMinimumTemperature": 8.0,
                                     "thresholdMaximumTemperature": 100.0}])
PY
centre="$(/usr/bin/python3 "$here/e2e-atspi.py" coldchain)" || fail "no Cold chain row in the sidebar"
read -r cx cy <<<"$centre"
eval "$(xdotool getwindowgeometry --shell "$main")"
xdotool mousemove --sync $((X + cx)) $((Y + cy)) click 1
deadline=$((SECONDS + 20))
until /usr/bin/python3 "$here/e2e-atspi.py" chart | grep -q '^Temperature chart, Vaccine fridge C$'; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the Cold chain page does not chart the phone's fridge"
  sleep 0.2
done
xdotool mousemove 0 0
sleep 0.5
shoot "$out/coldchain-chart.png"

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

# The welcome page in the middle of a first sync of 50,000 records on a slow line, from the
# in-process test that drives it (tests/ui/test-settings.c), built beside omsync.
test_settings="$(dirname "$omsync")/../tests/ui/test-settings"
if [ -x "$test_settings" ]; then
  OMSYNC_COLDCHAIN_LISTEN=127.0.0.1 OMSYNC_TEST_SCREENSHOT="$out/welcome-first-sync.png" \
    "$test_settings" -p /oms/ui/initialise/progress-cancel-continue --tap >/dev/null
fi
echo "make-screenshots: wrote $(ls "$out" | tr '\n' ' ')"
