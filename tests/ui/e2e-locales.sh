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
po="$(realpath "${3:?$usage}")"
export OMSYNC_LOCALEDIR="$(realpath "${4:?$usage}")"
here="$(cd "$(dirname "$0")" && pwd)"

e2e_name=locales
. "$(dirname "$0")/e2e-lib.sh"
e2e_begin "$@"
e2e_cleanup_extra () {
  pkill -f "$tmp/omsync-demo-central" 2>/dev/null || true
}

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
  : >"$tmp/stderr"
  LANG=C.UTF-8 LC_ALL= LANGUAGE="$lang" "$omsync" --demo >"$tmp/stdout" 2>"$tmp/stderr" &
  pid=$!
  main="$(wait_window '^omsync$')" || fail "$lang: no main window within 20 s"
  wait_synced
  xdotool windowfocus --sync "$main" 2>/dev/null || true
  if ! /usr/bin/python3 "$here/e2e-locales.py" "$lang" "$po/$lang.po"; then
    failed="$failed $lang"
  fi
  xdotool windowfocus --sync "$main" 2>/dev/null || true
  quit_cleanly
  # The next language's demo makes its own folders.
  rm -rf "$tmp"/omsync-demo-*
done

[ -z "$missing" ] || fail "Open mSupply's languages missing from po/LINGUAS:$missing"
[ -z "$failed" ] || fail "not shown translated:$failed"
echo "e2e-locales: $(echo $languages) are shown translated"
