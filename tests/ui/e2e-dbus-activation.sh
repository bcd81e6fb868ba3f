#!/usr/bin/env bash
# e2e-dbus-activation.sh: what the desktop does with the desktop file's DBusActivatable=true.
# A session bus of its own, whose service directory holds the built D-Bus service file (its
# Exec pointed at the omsync under test), is asked for the application id:
#   1. ActivateAction("show-sync"), as a notification's click does, starts omsync through the
#      service file, which shows the main window and the sync window;
#   2. a plain `omsync` then reaches the running one and exits, with no second window;
#   3. ActivateAction("quit") ends it and the name leaves the bus.
#
# Usage: e2e-dbus-activation.sh PATH/TO/omsync PATH/TO/io.github.omsync.OmSync.service
#
# Needs an X display; without one it starts Xvfb itself.
set -euo pipefail

omsync="$(realpath "${1:?usage: e2e-dbus-activation.sh PATH/TO/omsync PATH/TO/SERVICE-FILE}")"
service_file="${2:?usage: e2e-dbus-activation.sh PATH/TO/omsync PATH/TO/SERVICE-FILE}"
app_id=io.github.omsync.OmSync
object_path=/io/github/omsync/OmSync

e2e_name=dbus-activation
. "$(dirname "$0")/e2e-lib.sh"
e2e_begin "$@"

bus_pid=""
e2e_cleanup_extra () {
  if [ -n "$bus_pid" ]; then
    kill "$bus_pid" 2>/dev/null || true
    wait "$bus_pid" 2>/dev/null || true
  fi
}

# The installed file, as built: the bus finds it by the application id, and it starts omsync
# as a GApplication service.
grep -qx "Name=$app_id" "$service_file" || fail "$service_file does not name $app_id"
grep -qE '^Exec=/.*/omsync --gapplication-service$' "$service_file" \
  || fail "$service_file does not start omsync --gapplication-service"
mkdir "$tmp/services"
sed "s|^Exec=.*/omsync |Exec=$omsync |" "$service_file" >"$tmp/services/$app_id.service"

cat >"$tmp/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$tmp</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$tmp/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF

# The services the bus starts inherit its environment: the default data directory is a
# temporary one, and there is no accessibility bus on this private bus.
export XDG_DATA_HOME="$tmp/data"
export GTK_A11Y=none
dbus-daemon --config-file="$tmp/bus.conf" --nofork --print-address=3 \
  3>"$tmp/address" >"$tmp/stdout" 2>"$tmp/stderr" &
bus_pid=$!
deadline=$((SECONDS + 20))
until [ -s "$tmp/address" ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the private session bus did not start"
  sleep 0.02
done
DBUS_SESSION_BUS_ADDRESS="$(head -n 1 "$tmp/address")"
export DBUS_SESSION_BUS_ADDRESS

bus_call () {
  gdbus call --session --timeout 60 "$@" >/dev/null
}

name_owner_pid () {
  gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.GetConnectionUnixProcessID "$app_id" 2>/dev/null \
    | sed -n 's/^(uint32 \([0-9]*\),)$/\1/p'
}

# 1. A notification's click while omsync is not running.
[ -z "$(name_owner_pid)" ] || fail "$app_id is on the bus before anything asked for it"
bus_call --dest "$app_id" --object-path "$object_path" \
  --method org.freedesktop.Application.ActivateAction "show-sync" "[]" "{}" \
  || fail "ActivateAction(show-sync) did not start omsync"
pid="$(name_owner_pid)"
[ -n "$pid" ] || fail "no process owns $app_id after the activation"
tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- '--gapplication-service' \
  || fail "the bus did not start omsync with --gapplication-service"
wait_window '^omsync$' >/dev/null || fail "the activated omsync showed no main window"
wait_window '^Sync$' >/dev/null || fail "the activated omsync did not show the sync window"
[ -f "$XDG_DATA_HOME/omsync/omsync.sqlite" ] \
  || fail "the activated omsync did not open the default data directory"
echo "e2e-dbus-activation: the bus started omsync ($pid) and it showed the sync window"

# 2. Launching omsync again reaches the running one.
rc=0
timeout 30 "$omsync" >>"$tmp/stdout" 2>>"$tmp/stderr" || rc=$?
[ "$rc" -eq 0 ] || fail "a second omsync exited with status $rc"
[ "$(name_owner_pid)" = "$pid" ] || fail "the second omsync took over the name"
n="$(xdotool search --onlyvisible --name '^omsync$' 2>/dev/null | wc -l)"
[ "$n" -eq 1 ] || fail "$n main windows after launching omsync again, not 1"
echo "e2e-dbus-activation: a second omsync went to the running one"

# 3. Quit over the bus.
bus_call --dest "$app_id" --object-path "$object_path" \
  --method org.freedesktop.Application.ActivateAction "quit" "[]" "{}" \
  || fail "ActivateAction(quit) failed"
deadline=$((SECONDS + 20))
while kill -0 "$pid" 2>/dev/null; do
  [ "$SECONDS" -lt "$deadline" ] || fail "omsync did not exit within 20 s of app.quit"
  sleep 0.05
done
pid=""
[ -z "$(name_owner_pid)" ] || fail "$app_id is still on the bus after quitting"
if grep -E 'WARNING|CRITICAL' "$tmp/stderr" >/dev/null; then
  fail "omsync wrote warnings to stderr"
fi
echo "e2e-dbus-activation: omsync quit over the bus"
