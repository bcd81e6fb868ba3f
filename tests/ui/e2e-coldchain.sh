#!/usr/bin/env bash
# e2e-coldchain.sh: pairing a phone with the real `omsync --demo`, as the phone would. Add a
# cold chain account with omsync-cli, open Settings with Ctrl+comma and decode the QR code
# from a screenshot with zbarimg: its host must be a LAN address of this machine and its port
# the server's. Then log in and upload a sensor and two temperature logs through
# https://127.0.0.1:<that port> with curl, trusting the certificate omsync generated, and read
# the Sync row's count of records waiting to be pushed over AT-SPI until it has risen by the
# three records. Ctrl+Q then exits cleanly.
#
# The server listens on a free port picked here (OMSYNC_COLDCHAIN_PORT), so the test does not
# depend on port 8000 being free.
#
# Usage: e2e-coldchain.sh PATH/TO/omsync PATH/TO/omsync-central [PATH/TO/omsync-cli]
set -euo pipefail

usage="usage: e2e-coldchain.sh PATH/TO/omsync PATH/TO/omsync-central [PATH/TO/omsync-cli]"
omsync="${1:?$usage}"
export OMSYNC_CENTRAL="${2:?$usage}"
cli="${3:-$(dirname "$omsync")/cli/omsync-cli}"

if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s '-screen 0 1280x1024x24 -noreset' "$0" "$@"
fi
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  exec dbus-run-session -- "$0" "$@"
fi

[ -x "$cli" ] || { echo "e2e-coldchain: FAIL: no omsync-cli at $cli" >&2; exit 1; }

tmp="$(mktemp -d -t omsync-e2e-coldchain-XXXXXX)"
export TMPDIR="$tmp"
export OMSYNC_HARDWARE_ID="e2e-coldchain-machine"
. "$(dirname "$0")/e2e-lib.sh"
e2e_coldchain_on_loopback
port="$OMSYNC_COLDCHAIN_PORT"
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
  echo "e2e-coldchain: FAIL: $*" >&2
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

site_dir () {
  ls -d "$tmp"/omsync-demo-?????? 2>/dev/null | head -n 1
}

synced () {
  local dir
  dir="$(site_dir)"
  [ -n "$dir" ] && [ -f "$dir/omsync.sqlite" ] || return 1
  /usr/bin/python3 - "$dir/omsync.sqlite" <<'PY'
import sqlite3, sys
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=5)
n = con.execute("SELECT count(*) FROM sync_log WHERE finished_datetime IS NOT NULL "
                "AND error_message IS NULL").fetchone()[0]
sys.exit(0 if n >= 1 else 1)
PY
}

# What the window shows, read over AT-SPI: "url" prints the text beside "Server:", "queued"
# prints the number of records waiting to be pushed from the Sync row's description (0 when
# it names none).
atspi () {
  /usr/bin/python3 - "$1" <<'PY'
import re, sys, time, warnings
warnings.filterwarnings("ignore")
import gi
gi.require_version("Atspi", "2.0")
from gi.repository import Atspi

what = sys.argv[1]

def walk(acc, depth=0):
    if acc is None or depth > 60:
        return
    yield acc
    try:
        count = acc.get_child_count()
    except Exception:
        return
    for i in range(count):
        try:
            child = acc.get_child_at_index(i)
        except Exception:
            continue
        yield from walk(child, depth + 1)

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
            if what == "queued" and name == "Sync" and role != Atspi.Role.LABEL:
                description = acc.get_description() or ""
                if not description:
                    continue
                match = re.search(r"(\d+) records? waiting to be pushed", description)
                print(match.group(1) if match else 0)
                sys.exit(0)
    time.sleep(0.2)
sys.exit(1)
PY
}

"$omsync" --demo >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
wid="$(wait_window '^omsync$')" || fail "no visible window titled 'omsync' within 20 s"

# Let the demo site initialise and finish its first sync, so what it pulled is not counted.
deadline=$((SECONDS + 60))
until synced; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the demo site did not finish its first sync within 60 s"
  kill -0 "$pid" 2>/dev/null || fail "omsync exited while syncing"
  sleep 0.2
done
site="$(site_dir)"
cert="$site/coldchain-cert.pem"
[ -s "$cert" ] || fail "no cold chain certificate in $site"

printf 'fridge-secret\n' | "$cli" --data-dir "$site" coldchain-account add phone --password-stdin \
  || fail "omsync-cli could not add the account"
echo "e2e-coldchain: added the account 'phone' with omsync-cli"

xdotool windowfocus --sync "$wid" 2>/dev/null || true
xdotool key --clearmodifiers ctrl+comma
sleep 1

shown="$(atspi url)" || fail "no server URL label on the Settings page"
import -window root "$tmp/settings.png"
decoded="$(zbarimg --raw -q --nodbus "$tmp/settings.png" || true)"
[ -n "$decoded" ] || fail "zbarimg found no QR code in the Settings screenshot"
[ "$decoded" = "$shown" ] || fail "the code says '$decoded' but the page shows '$shown'"
echo "e2e-coldchain: zbarimg decodes $decoded"

[[ "$decoded" =~ ^https://[^/]+:([0-9]+)$ ]] || fail "'$decoded' is not https://<address>:<port>"
qr_port="${BASH_REMATCH[1]}"
[ "$qr_port" = "$port" ] || fail "the code's port $qr_port is not the server's port $port"
host="$(printf '%s\n' "$decoded" | sed -E 's|^https?://\[?([^]/]*)\]?:[0-9]+$|\1|')"
case "$host" in
  127.*|::1|localhost|0.0.0.0|169.254.*) fail "the code encodes the unreachable address $host" ;;
esac
addresses="$(hostname -I 2>/dev/null || true)"
addresses="$addresses $(ip -o addr show 2>/dev/null | awk '{split($4, a, "/"); print a[1]}')"
addresses="$(echo $addresses)"
[[ " $addresses " == *" $host "* ]] || fail "$host is not an address of this machine ($addresses)"
echo "e2e-coldchain: $host is a LAN address of this machine, and $qr_port the server's port"

before="$(atspi queued)" || fail "no Sync row with a description over AT-SPI"
echo "e2e-coldchain: the Sync row counts $before records waiting to be pushed"

# As the phone, through loopback on the port the code gave, trusting omsync's certificate.
base="https://127.0.0.1:$qr_port/coldchain/v1"
# Replies are compared with their whitespace removed.
curl_json () {
  curl --silent --show-error --fail-with-body --max-time 30 --cacert "$cert" \
       --cookie "$tmp/cookies" --cookie-jar "$tmp/cookies" \
       -H 'Content-Type: application/json' "$@" | tr -d ' \n\t'
}

reply="$(curl_json -X POST "$base/login" -d '{"username":"phone","password":"fridge-secret"}')" \
  || fail "login failed: $reply"
[ "$reply" = '{"success":true}' ] || fail "login answered '$reply'"

reply="$(curl_json -X PUT "$base/sensor" -d '[]')" || fail "the connection test failed: $reply"
[ "$reply" = '[]' ] || fail "the connection test answered '$reply'"

now="$(date +%s)"
sensor="{\"id\":\"e2e-sensor-1\",\"macAddress\":\"DE:AD:BE:EF:00:01\",\"logInterval\":5,"
sensor="$sensor\"programmedDate\":$((now - 3600)),\"name\":\"E2E fridge\",\"logDelay\":0,"
sensor="$sensor\"batteryLevel\":87}"
reply="$(curl_json -X PUT "$base/sensor" -d "[$sensor]")" || fail "the sensor upload failed: $reply"
[[ "$reply" == '[{"Ok":'* ]] || fail "the sensor upload answered '$reply'"

log1="{\"id\":\"e2e-log-1\",\"temperature\":4.5,\"timestamp\":$((now - 600)),"
log1="$log1\"sensorId\":\"e2e-sensor-1\"}"
log2="{\"id\":\"e2e-log-2\",\"temperature\":5.0,\"timestamp\":$((now - 300)),"
log2="$log2\"sensorId\":\"e2e-sensor-1\"}"
reply="$(curl_json -X PUT "$base/temperature-log" -d "[$log1,$log2]")" \
  || fail "the temperature log upload failed: $reply"
[[ "$reply" == '[{"Ok":'* ]] || fail "the temperature log upload answered '$reply'"
echo "e2e-coldchain: uploaded a sensor and two temperature logs through $base"

deadline=$((SECONDS + 20))
while :; do
  after="$(atspi queued)" || fail "no Sync row with a description over AT-SPI"
  [ "$after" -ge $((before + 3)) ] && break
  [ "$SECONDS" -lt "$deadline" ] || fail "the Sync row still counts $after records (was $before)"
  sleep 0.2
done
echo "e2e-coldchain: the Sync row now counts $after records waiting to be pushed"

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
echo "e2e-coldchain: Ctrl+Q exited cleanly"
