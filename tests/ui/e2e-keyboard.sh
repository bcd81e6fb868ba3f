#!/usr/bin/env bash
# e2e-keyboard.sh: the keyboard-only journey of e2e-keyboard.py (Sync window, a failed sync's
# hint, Settings, the enlarged QR code), in English and in Arabic, keys only (xdotool), the
# screen read over AT-SPI.
#
# Usage: e2e-keyboard.sh PATH/TO/omsync PATH/TO/omsync-central PATH/TO/po PATH/TO/_build/po
set -euo pipefail

usage="usage: e2e-keyboard.sh PATH/TO/omsync PATH/TO/omsync-central PO-DIR BUILT-PO-DIR"
omsync="${1:?$usage}"
export OMSYNC_CENTRAL="${2:?$usage}"
here="$(cd "$(dirname "$0")" && pwd)"

e2e_name=keyboard
. "$(dirname "$0")/e2e-lib.sh"
e2e_begin "$@"
e2e_catalogues "${3:?$usage}" "${4:?$usage}"

# English reads its msgids from the Arabic catalogue.
[ -f "$po/ar.po" ] && [ -f "$OMSYNC_LOCALEDIR/ar/LC_MESSAGES/omsync.mo" ] ||
  fail "no Arabic catalogue (po/ar.po, built into $OMSYNC_LOCALEDIR)"
for lang in en ar; do
  start_demo_in "$lang"
  /usr/bin/python3 "$here/e2e-keyboard.py" "$lang" "$tmp" "$po/ar.po" ||
    fail "$lang: the keyboard journey failed"
  stop_demo
done
echo "e2e-keyboard: the keyboard journey works in English and in Arabic"
