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

e2e_name=sync
. "$(dirname "$0")/e2e-lib.sh"
e2e_begin "$@"

"$omsync" --demo >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!

main="$(wait_window '^omsync$')" || fail "no main window within 20 s"
wait_synced

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
quit_cleanly quietly
echo "e2e-sync: the sync status window works by keyboard and over AT-SPI"
