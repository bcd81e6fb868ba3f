#!/usr/bin/env bash
# e2e-demo.sh: the README's first command, `omsync --demo`, as a newcomer sees it: the window
# opens, a demo central server starts as a child, the demo site is configured and synced,
# and closing the window stops the child and removes both temporary directories.
#
# Usage: e2e-demo.sh PATH/TO/omsync PATH/TO/omsync-central
set -euo pipefail

omsync="${1:?usage: e2e-demo.sh PATH/TO/omsync PATH/TO/omsync-central}"
export OMSYNC_CENTRAL="${2:?usage: e2e-demo.sh PATH/TO/omsync PATH/TO/omsync-central}"

e2e_name=demo
. "$(dirname "$0")/e2e-lib.sh"
e2e_begin "$@"
# The demo's temporary directories are made under TMPDIR ("$tmp"), so they can be watched here.
e2e_cleanup_extra () {
  pkill -f "$tmp/omsync-demo-central" 2>/dev/null || true
}

"$omsync" --demo >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!

wid="$(wait_window '^omsync$')" || fail "no window within 20 s"

pgrep -f "$tmp/omsync-demo-central" >/dev/null || sleep 1
pgrep -f "$tmp/omsync-demo-central" >/dev/null || fail "no demo central server child is running"

wait_synced sensors
echo "e2e-demo: the demo site initialised from its central server"

quit_cleanly
demo_left_nothing "Ctrl+Q"

echo "e2e-demo: closing the window stopped the demo central and removed its data"
