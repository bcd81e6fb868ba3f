# e2e-lib.sh: what every end-to-end script (tests/ui/e2e-*.sh) does before and around its own
# steps. A script sets `e2e_name`, sources this file and calls `e2e_begin "$@"` first:
#
#   e2e_name=qr
#   . "$(dirname "$0")/e2e-lib.sh"
#   e2e_begin "$@"
#
# e2e_begin re-runs the script under Xvfb and a private session bus when there is none (AT-SPI
# needs the bus), then makes "$tmp" (also TMPDIR, so the demo's folders land there) and removes
# it, and stops "$pid" (the omsync the script starts), on exit. A script with more to clean
# defines e2e_cleanup_extra.

e2e_begin () {
  if [ -z "${DISPLAY:-}" ]; then
    exec xvfb-run -a -s '-screen 0 1280x1024x24 -noreset' "$0" "$@"
  fi
  if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
    exec dbus-run-session -- "$0" "$@"
  fi

  tmp="$(mktemp -d -t "omsync-e2e-$e2e_name-XXXXXX")"
  export TMPDIR="$tmp"
  export OMSYNC_HARDWARE_ID="e2e-$e2e_name-machine"
  export GIO_USE_PROXY_RESOLVER=dummy
  # "Start at login" writes an autostart entry: into $tmp, never the user's own.
  export XDG_CONFIG_HOME="$tmp/config"
  e2e_coldchain_on_loopback
  pid=""
  trap e2e_cleanup EXIT
}

e2e_cleanup () {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if declare -F e2e_cleanup_extra >/dev/null; then
    e2e_cleanup_extra
  fi
  rm -rf "$tmp"
}

# The omsync under test starts its cold chain server. Tests never listen beyond loopback nor on
# a fixed port (8000 may be taken by an omsync someone is running), so it gets loopback and a
# free port, unless the caller chose a port (make-screenshots.sh keeps 8000 for the pictures).
e2e_coldchain_on_loopback () {
  export OMSYNC_COLDCHAIN_LISTEN=127.0.0.1
  if [ -z "${OMSYNC_COLDCHAIN_PORT:-}" ]; then
    OMSYNC_COLDCHAIN_PORT="$(/usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')"
    export OMSYNC_COLDCHAIN_PORT
  fi
}

fail () {
  echo "e2e-$e2e_name: FAIL: $*" >&2
  if [ -s "$tmp/stderr" ]; then
    echo "--- omsync stderr ---" >&2
    cat "$tmp/stderr" >&2
  fi
  exit 1
}

# Prints the id of the first visible window whose name matches PATTERN, once there is one;
# fails after 20 s or when omsync has exited. Polls every 20 ms (xdotool's own --sync polls
# every 500 ms).
wait_window () {
  local pattern="$1" deadline=$((SECONDS + 20)) wid
  while [ "$SECONDS" -lt "$deadline" ]; do
    wid="$(xdotool search --onlyvisible --name "$pattern" 2>/dev/null | head -n 1 || true)"
    if [ -n "$wid" ]; then
      echo "$wid"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.02
  done
  return 1
}

# Waits up to 20 s until no visible window's name matches PATTERN.
wait_gone () {
  local pattern="$1" deadline=$((SECONDS + 20))
  while [ "$SECONDS" -lt "$deadline" ]; do
    xdotool search --onlyvisible --name "$pattern" >/dev/null 2>&1 || return 0
    sleep 0.02
  done
  return 1
}

# The demo site's database, once `omsync --demo` has made it.
site_db () {
  ls -d "$tmp"/omsync-demo-??????/omsync.sqlite 2>/dev/null | head -n 1
}

# Whether the demo site has finished a sync without error; with `sensors`, also whether the
# sync brought sensors.
synced () {
  local db
  db="$(site_db)"
  [ -n "$db" ] || return 1
  /usr/bin/python3 - "$db" "${1:-}" <<'PY'
import sqlite3, sys
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=5)
n = con.execute("SELECT count(*) FROM sync_log WHERE finished_datetime IS NOT NULL "
                "AND error_message IS NULL").fetchone()[0]
ok = n >= 1
if sys.argv[2] == "sensors":
    ok = ok and con.execute("SELECT count(*) FROM sensor").fetchone()[0] > 0
sys.exit(0 if ok else 1)
PY
}

# Waits up to 60 s for the demo site's first sync.
wait_synced () {
  local deadline=$((SECONDS + 60))
  until synced "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "the demo site did not finish its first sync within 60 s"
    kill -0 "$pid" 2>/dev/null || fail "omsync exited while syncing"
    sleep 0.2
  done
}

# Presses Ctrl+Q and requires omsync to exit within 20 s with status 0; with `quietly`, also
# that it wrote no warning to stderr.
quit_cleanly () {
  local deadline=$((SECONDS + 20)) rc=0
  xdotool key --clearmodifiers ctrl+q
  while kill -0 "$pid" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || fail "omsync did not exit within 20 s of Ctrl+Q"
    sleep 0.05
  done
  wait "$pid" || rc=$?
  pid=""
  [ "$rc" -eq 0 ] || fail "omsync exited with status $rc"
  if [ "${1:-}" = quietly ] && grep -E 'WARNING|CRITICAL' "$tmp/stderr" >/dev/null; then
    fail "omsync wrote warnings to stderr"
  fi
}

# Fails unless `omsync --demo` left nothing behind: no omsync-central child running, no
# temporary directory, no warning on stderr. WHEN says after what, for the message.
demo_left_nothing () {
  local when="$1"
  if pgrep -f "$tmp/omsync-demo-central" >/dev/null; then
    fail "the demo central server outlived omsync ($when)"
  fi
  if ls -d "$tmp"/omsync-demo-* >/dev/null 2>&1; then
    fail "temporary demo directories were left behind ($when): $(ls -d "$tmp"/omsync-demo-*)"
  fi
  if grep -E 'WARNING|CRITICAL' "$tmp/stderr" >/dev/null; then
    fail "omsync wrote warnings to stderr ($when)"
  fi
}

# Saves the screen to OUT cropped to window WID, so no black of the empty screen shows around
# it: shoot_window WID OUT.
shoot_window () {
  local X Y WIDTH HEIGHT SCREEN WINDOW
  eval "$(xdotool getwindowgeometry --shell "$1")"
  import -window root -crop "${WIDTH}x${HEIGHT}+${X}+${Y}" +repage "$2"
}

# What the window shows, read over AT-SPI: `atspi url|qr|queued|not-running|retry [SECONDS]`
# (see e2e-atspi.py).
atspi () {
  /usr/bin/python3 "$(dirname "$0")/e2e-atspi.py" "$@"
}

# Closes the window WID as a window manager's close button does: a WM_DELETE_WINDOW message
# (there is no window manager under Xvfb, and `xdotool windowclose` destroys the window
# instead of asking).
close_window () {
  /usr/bin/python3 - "$1" <<'PY'
import ctypes, sys
x = ctypes.cdll.LoadLibrary("libX11.so.6")
x.XOpenDisplay.restype = ctypes.c_void_p
x.XOpenDisplay.argtypes = [ctypes.c_char_p]
x.XInternAtom.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long,
                         ctypes.c_void_p]
x.XFlush.argtypes = [ctypes.c_void_p]
x.XCloseDisplay.argtypes = [ctypes.c_void_p]

class ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong),
                ("send_event", ctypes.c_int), ("display", ctypes.c_void_p),
                ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("data", ctypes.c_long * 5)]

class Event(ctypes.Union):
    _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]

display = x.XOpenDisplay(None)
window = int(sys.argv[1])
event = Event()
event.xclient.type = 33  # ClientMessage
event.xclient.window = window
event.xclient.message_type = x.XInternAtom(display, b"WM_PROTOCOLS", 0)
event.xclient.format = 32
event.xclient.data[0] = x.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
x.XSendEvent(display, window, 0, 0, ctypes.byref(event))
x.XFlush(display)
x.XCloseDisplay(display)
PY
}

# For the language tests (e2e-locales.sh, e2e-keyboard.sh): LANG_PO_DIR BUILT_PO_DIR name the
# source catalogues (po/) and the built ones (_build/po), which omsync reads through
# OMSYNC_LOCALEDIR: e2e_catalogues PO-DIR BUILT-PO-DIR sets $po and exports that.
e2e_catalogues () {
  po="$(realpath "$1")"
  OMSYNC_LOCALEDIR="$(realpath "$2")"
  export OMSYNC_LOCALEDIR
}

# Starts `omsync --demo` speaking LANGUAGE (gettext needs no generated locale with
# LANG=C.UTF-8, TESTING.md §13), waits for its window ($main) and its first sync.
start_demo_in () {
  : >"$tmp/stderr"
  LANG=C.UTF-8 LC_ALL= LANGUAGE="$1" "$omsync" --demo >"$tmp/stdout" 2>"$tmp/stderr" &
  pid=$!
  main="$(wait_window '^omsync$')" || fail "$1: no main window within 20 s"
  wait_synced
  xdotool windowfocus --sync "$main" 2>/dev/null || true
}

# Quits the demo started by start_demo_in, so the next language starts afresh.
stop_demo () {
  xdotool windowfocus --sync "$main" 2>/dev/null || true
  quit_cleanly
  rm -rf "$tmp"/omsync-demo-*
}
