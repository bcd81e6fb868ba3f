#!/usr/bin/env bash
# e2e-a11y-names.sh: every button, toggle, image, row and field of every omsync window has an
# accessible name (e2e-a11y-names.py walks the trees over AT-SPI). Runs the real
# `omsync --demo`; LANGUAGE, when set, chooses the language it speaks.
#
# Usage: e2e-a11y-names.sh PATH/TO/omsync PATH/TO/omsync-central
set -euo pipefail

omsync="${1:?usage: e2e-a11y-names.sh PATH/TO/omsync PATH/TO/omsync-central}"
export OMSYNC_CENTRAL="${2:?usage: e2e-a11y-names.sh PATH/TO/omsync PATH/TO/omsync-central}"
here="$(cd "$(dirname "$0")" && pwd)"

e2e_name=a11y-names
. "$(dirname "$0")/e2e-lib.sh"
e2e_begin "$@"

"$omsync" --demo >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
main="$(wait_window '^omsync$')" || fail "no main window within 20 s"
wait_synced sensors
xdotool windowfocus --sync "$main" 2>/dev/null || true

/usr/bin/python3 "$here/e2e-a11y-names.py" "$tmp" || fail "the accessible-tree walk failed"

xdotool windowfocus --sync "$main" 2>/dev/null || true
quit_cleanly
