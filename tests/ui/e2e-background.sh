#!/usr/bin/env bash
# e2e-background.sh: omsync always on (background mode, start at login, one owner per site),
# with the real programs on a site synced with a real omsync-central on loopback.
#
# 1. `omsync --background` starts no window and serves: a phone logs in on the cold chain
#    port; the autostart entry that starts it at login is written.
# 2. Launching `omsync` again shows the background omsync's window (the second one exits);
#    closing that window leaves it running: a phone's temperature logs uploaded then are
#    accepted and pushed to the central by the next scheduled sync.
# 3. `omsync-cli sync` on the site asks the owner to run the sync instead of running its own.
# 4. With `omsync-cli serve` owning the site, a window started on it runs no cold chain server
#    of its own; its Sync now runs in serve (a new line on serve's output, a new sync_log run).
#    Killing serve lets the window take over within seconds: its process now answers the
#    phones. No two runs of the site ever overlapped. A serve started then waits its turn,
#    and takes over when the window quits.
#
# Usage: e2e-background.sh PATH/TO/omsync PATH/TO/omsync-central PATH/TO/omsync-cli
set -euo pipefail

usage="usage: e2e-background.sh PATH/TO/omsync PATH/TO/omsync-central PATH/TO/omsync-cli"
omsync="${1:?$usage}"
central="${2:?$usage}"
cli="${3:?$usage}"

e2e_name=background
. "$(dirname "$0")/e2e-lib.sh"
e2e_begin "$@"

central_pid=""
serve_pid=""
e2e_cleanup_extra () {
  for p in $serve_pid $central_pid; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}

port="$OMSYNC_COLDCHAIN_PORT"
site="$tmp/site"
cert="$site/coldchain-cert.pem"
base="https://127.0.0.1:$port/coldchain/v1"

say () {
  echo "e2e-background: $*"
}

# The central, and a site configured and initialised with it by omsync-cli.
mkdir -p "$tmp/central"
"$central" --data-dir "$tmp/central" --listen 127.0.0.1 --port 0 --demo \
  >"$tmp/central.out" 2>"$tmp/central.err" &
central_pid=$!
for _ in $(seq 100); do
  url="$(head -n 1 "$tmp/central.out" 2>/dev/null || true)"
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || fail "omsync-central did not start"

printf 'pass\n' | "$cli" --data-dir "$site" configure --url "$url" --site demo \
  --password-stdin --interval 2 >/dev/null 2>"$tmp/cli.err" || fail "configure failed"
"$cli" --data-dir "$site" sync >/dev/null 2>"$tmp/cli.err" || fail "the first sync failed"
printf 'fridge-secret\n' | "$cli" --data-dir "$site" coldchain-account add phone \
  --password-stdin >/dev/null 2>&1 || fail "omsync-cli could not add the account"

phone_login () {
  rm -f "$tmp/cookies"
  [ -s "$cert" ] || return 1
  [ "$(curl --silent --max-time 10 --cacert "$cert" --cookie-jar "$tmp/cookies" \
         -H 'Content-Type: application/json' -X POST "$base/login" \
         -d '{"username":"phone","password":"fridge-secret"}' 2>/dev/null | tr -d ' \n')" \
    = '{"success":true}' ]
}

# Waits up to 20 s for a phone to log in.
wait_phone_login () {
  local deadline=$((SECONDS + 20))
  until phone_login; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# phone_upload ID: one temperature log of the demo's first sensor, after a login.
phone_upload () {
  local sensor now reply
  sensor="$(/usr/bin/python3 - "$site/omsync.sqlite" <<'PY'
import sqlite3, sys
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=5)
print(con.execute("SELECT id FROM sensor ORDER BY id LIMIT 1").fetchone()[0])
PY
)"
  now="$(date +%s)"
  reply="$(curl --silent --show-error --max-time 30 --cacert "$cert" --cookie "$tmp/cookies" \
             -H 'Content-Type: application/json' -X PUT "$base/temperature-log" \
             -d "[{\"id\":\"$1\",\"temperature\":4.5,\"timestamp\":$((now - 60)),\"sensorId\":\"$sensor\"}]" \
           | tr -d ' \n')"
  [[ "$reply" == '[{"Ok":'* ]] || fail "the upload of $1 answered '$reply'"
}

# Whether the central has received the record ID from the site.
central_received () {
  /usr/bin/python3 - "$tmp/central/central.sqlite" "$1" <<'PY'
import sqlite3, sys
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=5)
n = con.execute("SELECT count(*) FROM received WHERE record_id = ? OR data LIKE ?",
                (sys.argv[2], f"%{sys.argv[2]}%")).fetchone()[0]
sys.exit(0 if n > 0 else 1)
PY
}

wait_central_received () {
  local deadline=$((SECONDS + 60))
  until central_received "$1"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "the central did not receive $1 within 60 s"
    kill -0 "$pid" 2>/dev/null || fail "omsync exited"
    sleep 0.2
  done
}

sync_runs () {
  /usr/bin/python3 - "$site/omsync.sqlite" <<'PY'
import sqlite3, sys
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=5)
print(con.execute("SELECT count(*) FROM sync_log").fetchone()[0])
PY
}

# Whether process PID listens on a TCP port.
listens () {
  ss -Hltnp 2>/dev/null | grep -q "pid=$1,"
}

# 1. omsync --background: no window, and it serves.
"$omsync" --background --data-dir "$site" >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
wait_phone_login || fail "the cold chain port did not answer a phone within 20 s"
sleep 1
if xdotool search --onlyvisible --name '^omsync$' >/dev/null 2>&1; then
  fail "omsync --background showed a window"
fi
say "omsync --background shows no window and a phone logs in on port $port"

entry="$(ls "$XDG_CONFIG_HOME"/autostart/io.github.omsync.OmSync*.desktop 2>/dev/null | head -n 1)"
[ -n "$entry" ] || fail "no autostart entry in $XDG_CONFIG_HOME/autostart"
grep -q '^Exec=.*"--background"' "$entry" || fail "the autostart entry does not start --background"
grep -qF "\"$site\"" "$entry" || fail "the autostart entry does not name the data directory"
desktop-file-validate "$entry" || fail "the autostart entry is not a valid desktop entry"
say "the autostart entry $(basename "$entry") starts omsync --background on the site"

phone_upload bg-log-nowindow
wait_central_received bg-log-nowindow
say "a log uploaded with no window reached the central through a scheduled sync"

# 2. Launching omsync again shows the background omsync's window; closing it leaves it on.
"$omsync" --data-dir "$site" >"$tmp/second.out" 2>"$tmp/second.err" || fail "a second omsync failed"
wid="$(wait_window '^omsync$')" || fail "launching omsync again showed no window"
[ "$(xdotool getwindowpid "$wid" 2>/dev/null || echo "$pid")" = "$pid" ] \
  || fail "the window is not the background omsync's"
say "launching omsync again showed the window of the omsync already running"

close_window "$wid"
wait_gone '^omsync$' || fail "the window did not close"
sleep 1
kill -0 "$pid" 2>/dev/null || fail "omsync stopped when its window was closed"
phone_login || fail "the cold chain server stopped when the window was closed"
phone_upload bg-log-closed
wait_central_received bg-log-closed
say "with the window closed a phone's log is accepted and pushed by the next scheduled sync"

# 3. omsync-cli sync asks the owner.
"$cli" --data-dir "$site" sync >"$tmp/cli.out" 2>"$tmp/cli.err" \
  || fail "omsync-cli sync through the owner failed: $(cat "$tmp/cli.err")"
grep -q "serves this site" "$tmp/cli.err" || fail "omsync-cli sync did not say who runs it"
say "omsync-cli sync had the background omsync run the sync"

# Quit (Ctrl+Q in its window) stops everything.
"$omsync" --data-dir "$site" >/dev/null 2>&1 || fail "a second omsync failed"
wid="$(wait_window '^omsync$')" || fail "launching omsync again showed no window"
xdotool windowfocus --sync "$wid" 2>/dev/null || true
quit_cleanly
if phone_login; then
  fail "the cold chain server still answers after Quit"
fi
say "Ctrl+Q stopped omsync and its cold chain server"

# 4. serve owns the site; a window on it only views, and its Sync now runs in serve.
"$cli" --data-dir "$site" configure --interval 3600 >/dev/null 2>&1 || fail "configure --interval"
"$cli" --data-dir "$site" serve >"$tmp/serve.out" 2>"$tmp/serve.err" &
serve_pid=$!
wait_phone_login || fail "serve's cold chain server did not answer"
deadline=$((SECONDS + 60))
until grep -q ': finished in' "$tmp/serve.out"; do
  [ "$SECONDS" -lt "$deadline" ] || fail "serve's first sync did not finish"
  sleep 0.2
done

"$omsync" --data-dir "$site" >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
wid="$(wait_window '^omsync$')" || fail "no window for the omsync started beside serve"
sleep 2
listens "$serve_pid" || fail "serve does not listen"
if listens "$pid"; then
  fail "the window started a second cold chain server beside serve's"
fi
say "beside serve the window runs no cold chain server of its own"

runs_before="$(sync_runs)"
lines_before="$(grep -c ': finished in' "$tmp/serve.out" || true)"
xdotool windowfocus --sync "$wid" 2>/dev/null || true
xdotool key --clearmodifiers ctrl+alt+s
wait_window '^Sync$' >/dev/null || fail "Ctrl+Alt+S did not open the sync status window"
sleep 0.5
xdotool key --clearmodifiers Return
deadline=$((SECONDS + 60))
until [ "$(grep -c ': finished in' "$tmp/serve.out" || true)" -gt "$lines_before" ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "Sync now in the window did not run a sync in serve"
  sleep 0.2
done
[ "$(sync_runs)" -gt "$runs_before" ] || fail "no new run in the sync log"
say "Sync now in the window ran in serve (its output shows the run)"

xdotool key --clearmodifiers Escape
wait_gone '^Sync$' || true

# The owner dies: the window takes over.
kill -KILL "$serve_pid"
wait "$serve_pid" 2>/dev/null || true
serve_pid=""
start=$SECONDS
deadline=$((SECONDS + 10))
until listens "$pid" && phone_login; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the window did not take over within 10 s of serve's end"
  sleep 0.2
done
say "after serve was killed the window's omsync served the phones within $((SECONDS - start)) s"

# No two runs ever overlapped.
/usr/bin/python3 - "$site/omsync.sqlite" <<'PY' || fail "two runs of the site overlapped"
import sqlite3, sys
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=5)
runs = con.execute("SELECT started_datetime, finished_datetime FROM sync_log "
                   "ORDER BY started_datetime").fetchall()
for (s1, f1), (s2, _) in zip(runs, runs[1:]):
    if f1 is None or f1 > s2:
        print(f"run {s1}..{f1} overlaps the run from {s2}", file=sys.stderr)
        sys.exit(1)
PY
say "$(sync_runs) runs, none overlapping"

# And the other way round: a serve started now waits, and takes over when the window quits.
"$cli" --data-dir "$site" serve >"$tmp/serve.out" 2>"$tmp/serve.err" &
serve_pid=$!
deadline=$((SECONDS + 20))
until grep -q 'takes over when it stops' "$tmp/serve.err"; do
  [ "$SECONDS" -lt "$deadline" ] || fail "a serve started beside the window did not wait its turn"
  sleep 0.2
done
listens "$serve_pid" && fail "serve listens while the window serves the site"

xdotool windowfocus --sync "$wid" 2>/dev/null || true
quit_cleanly
say "Ctrl+Q exited cleanly"

start=$SECONDS
deadline=$((SECONDS + 10))
until listens "$serve_pid" && phone_login; do
  [ "$SECONDS" -lt "$deadline" ] || fail "serve did not take over within 10 s of the window's Quit"
  sleep 0.2
done
grep -q 'now serves the site' "$tmp/serve.err" || fail "serve did not say it took over"
say "after the window quit, serve served the phones within $((SECONDS - start)) s"
kill -TERM "$serve_pid"
wait "$serve_pid" || fail "serve did not stop cleanly"
serve_pid=""
