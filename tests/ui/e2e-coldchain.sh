#!/usr/bin/env bash
# e2e-coldchain.sh: pairing a phone with the real `omsync --demo`, as the phone would. Add a
# cold chain account with omsync-cli, open Settings with Ctrl+comma and decode the QR code
# from a screenshot with zbarimg: its host must be a LAN address of this machine and its port
# the server's. Then log in and upload a sensor and two temperature logs through
# https://127.0.0.1:<that port> with curl, trusting the certificate omsync generated, and read
# the Sync row's count of records waiting to be pushed over AT-SPI until it has risen by the
# three records. Then open the Cold chain page by clicking its sidebar row and read its
# temperature chart over AT-SPI, as a screen reader would: it shows the phone's sensor (the one
# that reported last), and its description gives the two logs' latest, lowest and highest
# temperature and the limits it draws. Ctrl+Q then exits cleanly.
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

e2e_name=coldchain
. "$(dirname "$0")/e2e-lib.sh"
e2e_begin "$@"
[ -x "$cli" ] || fail "no omsync-cli at $cli"
port="$OMSYNC_COLDCHAIN_PORT"


"$omsync" --demo >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
wid="$(wait_window '^omsync$')" || fail "no visible window titled 'omsync' within 20 s"

# Let the demo site initialise and finish its first sync, so what it pulled is not counted.
wait_synced
site="$(dirname "$(site_db)")"
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

centre="$(atspi coldchain)" || fail "no Cold chain row in the sidebar over AT-SPI"
eval "$(xdotool getwindowgeometry --shell "$wid")"
read -r cx cy <<<"$centre"
xdotool mousemove --sync $((X + cx)) $((Y + cy)) click 1

latest_minute="$(date -d "@$((now - 300))" +%M)"
# Temperatures keep their unit with a no-break space (U+00A0, in UTF-8 whatever the locale).
C="$(printf '\302\240°C')"
summary="E2E fridge, the last 24 hours: latest 5\.0$C at [0-9]{1,2}:$latest_minute( [AP]M)?, "
summary="${summary}lowest 4\.5$C, highest 5\.0$C, no breaches\. "
summary="${summary}Limits 2\.0$C to 8\.0$C, the usual cold chain range\."
deadline=$((SECONDS + 20))
while :; do
  chart="$(atspi chart)" || fail "no temperature chart with a description over AT-SPI"
  name="$(head -n 1 <<<"$chart")"
  description="$(tail -n +2 <<<"$chart")"
  [ "$name" = "Temperature chart, E2E fridge" ] && [[ "$description" =~ ^$summary$ ]] && break
  [ "$SECONDS" -lt "$deadline" ] || fail "the chart reads '$name': '$description'"
  sleep 0.2
done
echo "e2e-coldchain: a screen reader reads '$name': '$description'"

# What waits, record by record: `omsync-cli pending --list` and the Records page.
"$cli" --data-dir "$site" pending --list --json >"$tmp/pending.json" ||
  fail "omsync-cli pending --list failed"
/usr/bin/python3 - "$tmp/pending.json" <<'PY' || fail "pending --list does not list the phone's records"
import json, sys
j = json.load(open(sys.argv[1]))
ids = [r["recordId"] for r in j["records"]]
assert {"e2e-sensor-1", "e2e-log-1", "e2e-log-2"} <= set(ids), ids
log = [r for r in j["records"] if r["recordId"] == "e2e-log-2"][0]
assert log["tableTitle"] == "Temperature log" and log["centrals"] == ["v5"], log
assert log["description"].startswith("Temperature log 5.0 °C, E2E fridge, "), log
assert log["waitingSince"] is not None, log
PY
echo "e2e-coldchain: omsync-cli pending --list lists the phone's sensor and logs"

centre="$(atspi centre Records)" || fail "no Records row in the sidebar over AT-SPI"
eval "$(xdotool getwindowgeometry --shell "$wid")"
read -r rx ry <<<"$centre"
xdotool mousemove --sync $((X + rx)) $((Y + ry)) click 1
shown="$(atspi text 'Temperature log 5.0 °C, E2E fridge, ')" ||
  fail "the Records page does not list the phone's temperature log"
atspi text 'Temperature log · added or changed · waiting since ' >/dev/null ||
  fail "the Records page does not say since when the log waits"
echo "e2e-coldchain: the Records page lists '$shown'"
sleep 0.3
if [ -n "${OMSYNC_SCREENSHOT_DIR:-}" ]; then
  import -window root -crop "$(xdotool getwindowgeometry "$wid" | awk '/Geometry/ {print $2}')+0+0" \
    +repage "$OMSYNC_SCREENSHOT_DIR/records-waiting.png"
fi

xdotool windowfocus --sync "$wid" 2>/dev/null || true
quit_cleanly quietly
echo "e2e-coldchain: Ctrl+Q exited cleanly"
