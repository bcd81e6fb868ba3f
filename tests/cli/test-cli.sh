#!/bin/bash
# test-cli.sh: drives the real omsync-cli against a real omsync-central on 127.0.0.1, and
# prints TAP. Needs OMSYNC_CLI and OMSYNC_CENTRAL (paths of the two programs), set by meson.
#
# Copyright 2026 The omsync authors
# SPDX-License-Identifier: GPL-3.0-or-later

CLI_TEST_MACHINE=cli-test-machine
# shellcheck source=cli-test-lib.sh
source "$(dirname "$0")/cli-test-lib.sh"

echo "1..50"

start_central

# An empty data directory: nothing configured.
cli status --json
check "status --json on an empty data dir" 0 \
  "j['configured'] is False and j['mode'] == 'unconfigured' and j['lastRun'] is None \
   and j['site']['hardwareId'] == 'cli-test-machine' and j['intervalSeconds'] is None"

# Usage errors.
cli
check "no command is a usage error" 2 "'Usage' in err"
cli frobnicate
check "an unknown command is a usage error" 2 "'frobnicate' in err and 'Usage' in err"
cli status --frobnicate
check "an unknown option is a usage error" 2 "'frobnicate' in err"
cli configure --site demo --password-stdin < /dev/null
check "configure without --url is a usage error" 2
cli history --limit 0
check "history --limit 0 is a usage error" 2
cli configure --interval 60
check "--interval alone before configuring is a usage error" 2 "'not configured' in err"

# A wrong password is refused and nothing is stored.
cli configure --url "$URL" --site demo --password-stdin <<< wrong
check "configure with a wrong password fails" 1 "'Incorrect password' in err"
cli status --json
check "nothing was stored after the refusal" 0 \
  "j['configured'] is False and j['mode'] == 'unconfigured'"

# A central whose site answer is 150 KB of nested brackets: refused unread, nothing stored.
/usr/bin/python3 - "$URL" <<'EOF'
import sys, urllib.request
spec = '/sync/v5/site:status=200,body=' + '[' * 75000 + ']' * 75000
request = urllib.request.Request(sys.argv[1] + '/admin/fault', data=spec.encode(), method='POST')
urllib.request.urlopen(request, timeout=10).read()
EOF
cli configure --url "$URL" --site demo --password-stdin <<< pass
check "configure against a hostile central fails with a clear message" 1 \
  "'sent a response omsync cannot read' in err and '/sync/v5/site' in err"
central_fault DELETE
cli status --json
check "nothing was stored after the hostile answer" 0 \
  "j['configured'] is False and j['mode'] == 'unconfigured' and j['site']['uuid'] is None"

# The idle timeout: checked, and settable before the site is configured.
for bad in 0 -5 abc 99999; do
  cli configure --idle-timeout="$bad"
  check "configure --idle-timeout=$bad is refused" 2 "'idle timeout' in err"
done
cli status --json
check "the refused idle timeouts changed nothing" 0 "j['idleTimeoutSeconds'] == 60"
cli configure --idle-timeout 90
check "configure --idle-timeout alone" 0 "'Idle timeout set to' in out"
cli status --json
check "the idle timeout is stored, the site still unconfigured" 0 \
  "j['idleTimeoutSeconds'] == 90 and j['configured'] is False"

# The largest pull batch: checked, settable before the site is configured.
cli configure --max-batch 0
check "configure --max-batch 0 is refused" 2 "'largest batch' in err"
cli configure --max-batch 250
check "configure --max-batch alone" 0 "'250 records at most' in out"

# The right one is accepted.
OMSYNC_PASSWORD=pass cli configure --url "$URL" --site demo
check "configure with the right password" 0
cli configure --interval 120
check "configure --interval alone" 0
cli status --json
check "configured and initialising" 0 \
  "j['configured'] and j['mode'] == 'initialising' and j['intervalSeconds'] == 120 \
   and j['site']['name'] == 'demo' and isinstance(j['site']['id'], int) \
   and isinstance(j['site']['uuid'], str)"

# One sync.
cli sync
check "sync succeeds, with progress on stderr" 0 \
  "'Pull central: started' in err and 'Integrate: finished' in err and ' of ' in err"
# It waits for the checkpoint after the run, so it leaves no log behind.
if [ ! -s "$TMP/site/omsync.sqlite-wal" ]; then
  ok "sync leaves the write-ahead log checkpointed and empty"
else
  not_ok "sync leaves the write-ahead log checkpointed and empty" \
    "omsync.sqlite-wal holds $(stat -c %s "$TMP/site/omsync.sqlite-wal") bytes"
fi
cli status --json
cp "$TMP/out" "$TMP/status.json"
check "status after the sync" 0 \
  "j['mode'] == 'operational' and not j['isSyncing'] and j['pushQueue']['total'] == 0 \
   and len(j['lastRun']['steps']) == 7 and j['lastRun']['error'] is None \
   and all(s['finished'] for s in j['lastRun']['steps']) \
   and j['lastRun']['finished'].endswith('Z') \
   and j['lastSuccessfulSync'] is not None and j['lastSuccessfulSync']['finished']"
cli history --json
check "history has one run" 0 "len(j) == 1 and j[0]['finished'] is not None"
# The data the run used, counted on the wire, is kept with it and shown by both commands.
check "status and history show the run's data used" 0 \
  "isinstance(j[0]['bytesDown'], int) and j[0]['bytesDown'] > 1000 \
   and isinstance(j[0]['bytesUp'], int) and j[0]['bytesUp'] > 100 \
   and (lambda s: s['bytesDown'] == j[0]['bytesDown'] and s['bytesUp'] == j[0]['bytesUp'])( \
        json.load(open('$TMP/status.json'))['lastRun'])"
cli status --json
check "status --json shows the batch sizes the run asked for, within the maximum" 0 \
  "j['maxBatchRecords'] == 250 and j['lastRun']['batchSizes']['pull_central'][0] == 250 \
   and all(0 < n <= 250 for step in ('pull_central', 'pull_remote', 'pull_v6') \
           for n in j['lastRun']['batchSizes'][step])"
cli pending --json
check "pending --json" 0 "j == {'total': 0, 'v5': 0, 'v6': 0}"
cli status
check "status as text" 0 "True" # the text is checked below, on stdout
grep -q '^Site: demo (id [0-9]*)$' "$TMP/out" && grep -q '^Mode: operational$' "$TMP/out" \
  && ok "status text names the site and mode" || not_ok "status text names the site and mode"


# serve: a run in progress when SIGTERM arrives is closed as interrupted.
central_fault POST '/sync/v5/site:latency=5000'
"$OMSYNC_CLI" --data-dir "$TMP/site" serve > "$TMP/serve.out" 2> "$TMP/serve.err" &
SERVE_PID=$!
sleep 1
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"
RC=$?
SERVE_PID=
central_fault DELETE
cp "$TMP/serve.out" "$TMP/out"
cp "$TMP/serve.err" "$TMP/err"
check "serve stops cleanly on SIGTERM" 0 "'interrupted' in out"
cli history --json
check "the interrupted run is closed, not syncing" 0 \
  "len(j) == 2 and j[0]['interrupted'] is True and j[0]['finished'] is None"

# serve stops the same way when its terminal closes (SIGHUP).
central_fault POST '/sync/v5/site:latency=5000'
"$OMSYNC_CLI" --data-dir "$TMP/site" serve > "$TMP/serve.out" 2> "$TMP/serve.err" &
SERVE_PID=$!
sleep 1
kill -HUP "$SERVE_PID"
wait "$SERVE_PID"
RC=$?
SERVE_PID=
central_fault DELETE
cp "$TMP/serve.out" "$TMP/out"
cp "$TMP/serve.err" "$TMP/err"
check "serve stops cleanly on SIGHUP" 0 "'interrupted' in out"

# A manual sync that fetches one patient (Pull V6 asks the central for that patient only).
cli sync --patient no-such-patient
check "sync --patient runs a patient pull, which finds nothing here" 0 \
  "'Integrate: finished' in err"

# A central that is not there.
kill -TERM "$CENTRAL_PID" && wait "$CENTRAL_PID"
CENTRAL_PID=
cli sync
check "sync against a stopped central fails" 1 \
  "'Unable to connect to server' in err and 'CONNECTION_ERROR' in err"

# coldchain-account, and serve's cold chain server acting for a phone over plain HTTP. The
# central is down, so serve's sync cannot push the upload before it is counted.
echo "fridge secret" | "$OMSYNC_CLI" --data-dir "$TMP/site" coldchain-account add phone1 \
  --password-stdin > "$TMP/out" 2> "$TMP/err"
RC=$?
check "coldchain-account add" 0 "'phone1' in out"
cli coldchain-account add phone2
check "coldchain-account add wants --password-stdin" 2 "'--password-stdin' in err"
cli coldchain-account list
check "coldchain-account list" 0 "out.startswith('phone1\\t')"
cli pending --json
PENDING_BEFORE=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["v5"])' \
  "$TMP/out")
CC_PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$OMSYNC_CLI" --data-dir "$TMP/site" serve --coldchain-port "$CC_PORT" --coldchain-http \
  > "$TMP/serve.out" 2> "$TMP/serve.err" &
SERVE_PID=$!
for _ in $(seq 100); do
  grep -q 'Cold chain server: ' "$TMP/serve.out" 2>/dev/null && break
  sleep 0.1
done
/usr/bin/python3 - "$CC_PORT" > "$TMP/out" 2> "$TMP/err" <<'EOF'
import json, sys, urllib.request
base = 'http://127.0.0.1:%s/coldchain/v1/' % sys.argv[1]
login = urllib.request.Request(base + 'login', method='POST',
                               data=json.dumps({'username': 'phone1',
                                                'password': 'fridge secret'}).encode(),
                               headers={'Content-Type': 'application/json'})
reply = urllib.request.urlopen(login, timeout=30)
cookie = reply.headers['Set-Cookie'].split(';')[0]
sensor = [{'id': 'cli-sensor-1', 'macAddress': 'AA:BB:CC:DD:EE:FF', 'logInterval': 5,
           'programmedDate': 1764140000, 'name': 'Fridge', 'batteryLevel': 90}]
bodies = []
for body in ([], sensor):
    put = urllib.request.Request(base + 'sensor', method='PUT', data=json.dumps(body).encode(),
                                 headers={'Content-Type': 'application/json', 'Cookie': cookie})
    bodies.append(urllib.request.urlopen(put, timeout=30).read().decode())
print(json.dumps({'login': reply.read().decode(), 'test': bodies[0], 'upload': bodies[1]}))
EOF
RC=$?
check "a phone logs in and uploads to serve's cold chain server" 0 \
  "j['login'] == '{ \"success\": true }' and j['test'] == '[]' and 'sensor_row' in j['upload']"
"$OMSYNC_CLI" --data-dir "$TMP/other-site" serve --coldchain-port "$CC_PORT" > "$TMP/out" \
  2> "$TMP/err"
RC=$?
check "serve refuses a cold chain port in use" 1 \
  "'Port $CC_PORT is in use by another program' in err and '--coldchain-port' in err"
# One site, one server: a second serve on the site waits for its turn (on a session bus), or
# without one runs on its own and finds the port taken. --foreground: without it timeout sends
# TERM to the child and then to its whole process group, and on a loaded machine the second
# can land after serve has stopped and given SIGTERM back to its default (exit 143).
timeout --foreground --preserve-status -s TERM 3 "$OMSYNC_CLI" --data-dir "$TMP/site" serve --coldchain-port "$CC_PORT" \
  > "$TMP/out" 2> "$TMP/err"
RC=$?
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  check "a second serve on the site waits for the one serving it" 0 \
    "'omsync-cli serve (process $SERVE_PID)' in err and 'takes over' in err and out == ''"
else
  check "without a session bus a second serve says so and finds the port taken" 1 \
    "'No session bus' in err and 'Port $CC_PORT is in use' in err"
fi
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"
RC=$?
SERVE_PID=
cp "$TMP/serve.out" "$TMP/out"
cp "$TMP/serve.err" "$TMP/err"
check "serve prints the cold chain server's address" 0 \
  "'Cold chain server: http://' in out and ':$CC_PORT' in out"
cli pending --json
check "the uploaded sensor waits to be pushed" 0 "j['v5'] == $PENDING_BEFORE + 1"
cli coldchain-account remove phone1
check "coldchain-account remove" 0 "'phone1' in out"
cli coldchain-account remove phone1
check "coldchain-account remove of a missing account fails" 1 "'phone1' in err"

# serve with no network (a network namespace of its own, with only loopback; nothing can
# leave it). A central on loopback is reachable all the same: serve syncs with it and says
# nothing of the network. A central elsewhere is not: serve says it waits, and does not sync.
offline_serve ()
{
  unshare -rn /bin/bash -c '
    ip link set lo up
    "$OMSYNC_CENTRAL" --data-dir "$1/central" --listen 127.0.0.1 --port 0 --demo \
      > "$1/central.out" 2> "$1/central.err" &
    central=$!
    for _ in $(seq 100); do
      url=$(head -n 1 "$1/central.out" 2>/dev/null); [ -n "$url" ] && break; sleep 0.1
    done
    OMSYNC_PASSWORD=pass "$OMSYNC_CLI" --data-dir "$1/site" configure --url "$url" \
      --site demo > /dev/null
    [ "$2" = elsewhere ] && /usr/bin/python3 -c "
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute(\"UPDATE key_value_store SET value_string = \x27http://192.0.2.1:9\x27 \"
           \"WHERE id = \x27SETTINGS_SYNC_URL\x27\")
db.commit()" "$1/site/omsync.sqlite"
    "$OMSYNC_CLI" --data-dir "$1/site" serve --coldchain-http > "$1/serve.out" 2> "$1/serve.err" &
    serve=$!
    # Until the run ends (loopback) or serve says it waits (elsewhere), at most 60 s: a
    # sanitized build takes far longer than a plain one.
    for _ in $(seq 600); do
      if [ "$2" = elsewhere ]; then
        grep -q "Offline:" "$1/serve.out" 2>/dev/null && break
      else
        grep -q ": finished in \|: failed after " "$1/serve.out" 2>/dev/null && break
      fi
      sleep 0.1
    done
    # Long enough for a sync that should not start to show itself.
    [ "$2" = elsewhere ] && sleep 2
    kill -TERM "$serve"; wait "$serve"
    kill -TERM "$central"; wait "$central"
  ' offline-serve "$1" "$2"
}
if unshare -rn true 2> /dev/null; then
  for where in loopback elsewhere; do
    mkdir -p "$TMP/offline-$where"
    offline_serve "$TMP/offline-$where" "$where"
    RC=0
    cp "$TMP/offline-$where/serve.out" "$TMP/out"
    cp "$TMP/offline-$where/serve.err" "$TMP/err"
    if [ "$where" = loopback ]; then
      check "offline, serve syncs with a central on loopback" 0 \
        "': finished in ' in out and 'Offline' not in out"
    else
      check "offline, serve says syncs wait and does not sync" 0 \
        "'Offline: syncs wait until the central server can be reached.' in out \
         and ': finished in ' not in out and ': failed after ' not in out"
    fi
  done
else
  ok "offline, serve syncs with a central on loopback # SKIP no network namespaces here"
  ok "offline, serve says syncs wait and does not sync # SKIP no network namespaces here"
fi

# A damaged data file is refused with a clear message.
mkdir -p "$TMP/bad"
printf 'this is not an omsync database\n' > "$TMP/bad/omsync.sqlite"
"$OMSYNC_CLI" --data-dir "$TMP/bad" status --json > "$TMP/out" 2> "$TMP/err"
RC=$?
check "a damaged data file is refused" 1 "'damaged' in err and out == ''"

[ "$FAILED" -eq 0 ]
