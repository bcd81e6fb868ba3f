#!/usr/bin/env bash
# e2e-window.sh: start the real omsync on an empty data directory, wait for its window, press
# Ctrl+Q, and check that it exits cleanly and quietly (TESTING.md §5).
#
# Usage: e2e-window.sh PATH/TO/omsync
#
# Needs an X display and a session bus; without them it starts Xvfb and a private bus itself.
set -euo pipefail

omsync="${1:?usage: e2e-window.sh PATH/TO/omsync}"

e2e_name=window
. "$(dirname "$0")/e2e-lib.sh"
e2e_begin "$@"

data_dir="$tmp/data"
"$omsync" --data-dir "$data_dir" >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
wid="$(wait_window '^omsync$')" || fail "no visible window titled 'omsync' within 20 s"
echo "e2e-window: window $wid is up"

# --data-dir was honoured: the store was created there.
[ -f "$data_dir/omsync.sqlite" ] || fail "no omsync.sqlite in the --data-dir directory"

if [ -n "${OMSYNC_E2E_SCREENSHOT:-}" ]; then
  sleep 0.5
  import -window root "$OMSYNC_E2E_SCREENSHOT"
fi

xdotool windowfocus --sync "$wid" 2>/dev/null || true
quit_cleanly quietly

echo "e2e-window: omsync quit cleanly on Ctrl+Q"
