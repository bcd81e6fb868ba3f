#!/usr/bin/env bash
# e2e-qr-retry.sh: the QR code never points at a server that is not running. Another program
# (a Python socket here) holds the cold chain port when `omsync --demo` starts: Settings shows
# the reason and a Retry button over AT-SPI, and no QR code; pressing Retry while the port is
# still taken changes nothing. Once the other program lets the port go, the server starts by
# itself (OMSYNC_COLDCHAIN_RETRY_SECONDS=2 here, 30 s by default) and the code comes back:
# zbarimg decodes the URL shown beside it, at the server's port.
# The screenshot of the reason (settings-qr-not-running.png) goes to OMSYNC_SCREENSHOT_DIR,
# else to the test's temporary directory, removed at the end.
#
# Usage: e2e-qr-retry.sh PATH/TO/omsync PATH/TO/omsync-central
set -euo pipefail

omsync="${1:?usage: e2e-qr-retry.sh PATH/TO/omsync PATH/TO/omsync-central}"
export OMSYNC_CENTRAL="${2:?usage: e2e-qr-retry.sh PATH/TO/omsync PATH/TO/omsync-central}"

e2e_name=qr-retry
. "$(dirname "$0")/e2e-lib.sh"
e2e_begin "$@"
shots="${OMSYNC_SCREENSHOT_DIR:-$tmp/shots}"
mkdir -p "$shots"
port="$OMSYNC_COLDCHAIN_PORT"
export OMSYNC_COLDCHAIN_RETRY_SECONDS=2

holder=""
e2e_cleanup_extra () {
  if [ -n "$holder" ]; then
    kill "$holder" 2>/dev/null || true
    wait "$holder" 2>/dev/null || true
  fi
}

# Another program takes the port first: bound and listening on 127.0.0.1.
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
print("held", flush=True)
time.sleep(600)' "$port" >"$tmp/holder.out" &
holder=$!
for _ in $(seq 100); do
  grep -q held "$tmp/holder.out" 2>/dev/null && break
  sleep 0.05
done
grep -q held "$tmp/holder.out" || fail "could not take port $port for the test"

"$omsync" --demo >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
wid="$(wait_window '^omsync$')" || fail "no visible window titled 'omsync' within 20 s"
wait_synced

xdotool windowfocus --sync "$wid" 2>/dev/null || true
xdotool key --clearmodifiers ctrl+comma
sleep 1

reason="$(atspi not-running)" || fail "no Retry in place of the QR code while port $port is taken"
[[ "$reason" == *"Port $port is in use by another program"* ]] ||
  fail "the reason shown is '$reason'"
echo "e2e-qr-retry: Settings shows '$reason' and Retry, no QR code"
import -window root -crop "$(xdotool getwindowgeometry "$wid" | awk '/Geometry/ {print $2}')+0+0" \
  +repage "$shots/settings-qr-not-running.png"
if zbarimg --raw -q --nodbus "$shots/settings-qr-not-running.png" >/dev/null 2>&1; then
  fail "a QR code is on the screen while the server is not running"
fi

# Retry while the port is still taken: still the reason.
atspi retry >/dev/null || fail "could not press Retry over AT-SPI"
sleep 0.5
atspi not-running >/dev/null || fail "Retry with the port still taken removed the reason"
echo "e2e-qr-retry: Retry with the port taken keeps the reason"

# The other program lets the port go; the server starts by itself and the code comes back.
kill "$holder"
wait "$holder" 2>/dev/null || true
holder=""
deadline=$((SECONDS + 40))
until atspi qr 2 >/dev/null; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the QR code did not come back within 40 s of the port freeing"
done
shown="$(atspi url)" || fail "no server URL beside the QR code"
[[ "$shown" =~ ^https://[^/]+:$port$ ]] || fail "'$shown' is not https://<address>:$port"
atspi not-running 2 >/dev/null 2>&1 && fail "Retry is still shown beside the QR code"
import -window root "$tmp/back.png"
decoded="$(zbarimg --raw -q --nodbus "$tmp/back.png" || true)"
[ "$decoded" = "$shown" ] || fail "the code says '$decoded' but the page shows '$shown'"
echo "e2e-qr-retry: the server started by itself; zbarimg decodes $decoded"

quit_cleanly
echo "e2e-qr-retry: OK"
