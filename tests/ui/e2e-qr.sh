#!/usr/bin/env bash
# e2e-qr.sh: the server URL QR code as a person (and a phone) sees it. Start `omsync --demo`,
# open Settings with Ctrl+comma, take a screenshot of the window and check that zbarimg
# decodes exactly the URL printed beside the code, and that the URL is a LAN address of this
# machine, never loopback. Then click the code: the enlarged view opens, and Escape closes it.
# The screenshots (settings-qr.png, qr-enlarged.png) go to OMSYNC_SCREENSHOT_DIR, else to the
# test's temporary directory, removed at the end; tests/ui/make-screenshots.sh refreshes the ones in docs/screenshots/.
#
# Usage: e2e-qr.sh PATH/TO/omsync PATH/TO/omsync-central
set -euo pipefail

omsync="${1:?usage: e2e-qr.sh PATH/TO/omsync PATH/TO/omsync-central}"
export OMSYNC_CENTRAL="${2:?usage: e2e-qr.sh PATH/TO/omsync PATH/TO/omsync-central}"

e2e_name=qr
. "$(dirname "$0")/e2e-lib.sh"
e2e_begin "$@"
shots="${OMSYNC_SCREENSHOT_DIR:-$tmp/shots}"
mkdir -p "$shots"


"$omsync" --demo >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
wid="$(wait_window '^omsync$')" || fail "no visible window titled 'omsync' within 20 s"

# Let the demo site initialise, so Settings shows its site name too.
wait_synced

xdotool windowfocus --sync "$wid" 2>/dev/null || true
xdotool key --clearmodifiers ctrl+comma
sleep 1

shown="$(atspi url)" || fail "no server URL label on the Settings page"
echo "e2e-qr: the Settings page shows $shown"

shoot_window "$wid" "$shots/settings-qr.png"
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

shoot_window "$big" "$shots/qr-enlarged.png"
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
quit_cleanly quietly

[ -z "${OMSYNC_SCREENSHOT_DIR:-}" ] || echo "e2e-qr: settings-qr.png and qr-enlarged.png are in $shots"
