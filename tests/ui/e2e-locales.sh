#!/usr/bin/env bash
# e2e-locales.sh: omsync in each language of po/LINGUAS, as its speakers see it. For each one
# the real `omsync --demo` starts with LANG=C.UTF-8 LANGUAGE=<lang> (gettext needs no
# generated locale then, TESTING.md §13) and e2e-locales.py checks over AT-SPI that the
# sidebar, the page titles and the Sync status window are translated, and that ar, prs and
# ps lay the window out right to left. Fails too when one of Open mSupply's eight languages
# is missing from LINGUAS.
#
# Usage: e2e-locales.sh PATH/TO/omsync PATH/TO/omsync-central PATH/TO/po PATH/TO/_build/po
set -euo pipefail

usage="usage: e2e-locales.sh PATH/TO/omsync PATH/TO/omsync-central PO-DIR BUILT-PO-DIR"
omsync="${1:?$usage}"
export OMSYNC_CENTRAL="${2:?$usage}"
here="$(cd "$(dirname "$0")" && pwd)"

e2e_name=locales
. "$(dirname "$0")/e2e-lib.sh"
e2e_begin "$@"
e2e_catalogues "${3:?$usage}" "${4:?$usage}"

# LINGUAS: one or more codes a line, # comments.
languages="$(sed 's/#.*//' "$po/LINGUAS" | tr -s ' \t' '\n\n' | sed '/^$/d')"
missing=""
for expected in ar es fr prs ps pt ru tet; do
  grep -qx "$expected" <<<"$languages" || missing="$missing $expected"
done

failed=""
for lang in $languages; do
  [ -f "$OMSYNC_LOCALEDIR/$lang/LC_MESSAGES/omsync.mo" ] ||
    { echo "e2e-locales: FAIL: $lang: no built catalogue in $OMSYNC_LOCALEDIR" >&2; failed="$failed $lang"; continue; }
  start_demo_in "$lang"
  if ! /usr/bin/python3 "$here/e2e-locales.py" "$lang" "$po/$lang.po"; then
    failed="$failed $lang"
  fi
  stop_demo
done

[ -z "$missing" ] || fail "Open mSupply's languages missing from po/LINGUAS:$missing"
[ -z "$failed" ] || fail "not shown translated:$failed"
echo "e2e-locales: $(echo $languages) are shown translated"
