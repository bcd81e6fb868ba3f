#!/usr/bin/env bash
# make-i18n-screenshots.sh: for each language of po/LINGUAS, screenshots of the real
# `omsync --demo` speaking it: <lang>-main.png (the main window on Overview, after its first
# sync) and <lang>-sync-window.png (the Sync status window), in docs/screenshots/i18n/ unless
# told otherwise. Not a test; run it once the catalogues change and commit the PNGs (the
# README links them). make-screenshots.sh makes the English ones.
#
# Usage: tests/ui/make-i18n-screenshots.sh PATH/TO/omsync PATH/TO/omsync-central \
#          [PO-DIR [BUILT-PO-DIR [OUTPUT-DIR]]]
# (defaults: the checkout's po/, the build tree's po/ beside omsync, docs/screenshots/i18n)
set -euo pipefail

usage="usage: make-i18n-screenshots.sh PATH/TO/omsync PATH/TO/omsync-central [PO-DIR [BUILT-PO-DIR [DIR]]]"
omsync="$(realpath "${1:?$usage}")"
export OMSYNC_CENTRAL="$(realpath "${2:?$usage}")"
here="$(cd "$(dirname "$0")" && pwd)"
po_dir="${3:-$here/../../po}"
built_po_dir="${4:-$(dirname "$omsync")/../po}"
out="$(realpath -m "${5:-$here/../../docs/screenshots/i18n}")"
export GSK_RENDERER=cairo GSETTINGS_BACKEND=memory
export GSETTINGS_SCHEMA_DIR="${GSETTINGS_SCHEMA_DIR:-$(dirname "$omsync")/../data}"

e2e_name=i18n-screenshots
. "$here/e2e-lib.sh"
e2e_begin "$@"
e2e_catalogues "$po_dir" "$built_po_dir"
mkdir -p "$out"

for lang in $(sed 's/#.*//' "$po/LINGUAS"); do
  start_demo_in "$lang"
  sleep 0.5
  shoot_window "$main" "$out/$lang-main.png"
  xdotool key --clearmodifiers ctrl+alt+s
  # The Sync window is the visible window that is not the main one.
  deadline=$((SECONDS + 20))
  until sync_wid="$(xdotool search --onlyvisible --name '.' 2>/dev/null | grep -vx "$main" | tail -n 1)" &&
        [ -n "$sync_wid" ]; do
    [ "$SECONDS" -lt "$deadline" ] || fail "$lang: Ctrl+Alt+S opened no window"
    sleep 0.05
  done
  sleep 0.8
  shoot_window "$sync_wid" "$out/$lang-sync-window.png"
  xdotool key --clearmodifiers Escape
  sleep 0.3
  echo "make-i18n-screenshots: wrote $lang-main.png and $lang-sync-window.png"
  stop_demo
done
echo "make-i18n-screenshots: the screenshots are in $out"
