#!/bin/bash
# test-cli-crash.sh: crash consistency. `omsync-cli sync` is killed with SIGKILL at points of
# pulls and of pushes of thousands of local changes, against a real omsync-central on
# 127.0.0.1, and each kill is followed by another sync. After every kill the store and
# `status --json` must be consistent (crash-check.py after-kill), and after every sync the
# store must hold exactly the central's records for the site, every local change must be at
# the central once, and nothing may wait (crash-check.py after-sync). Prints TAP. Needs
# OMSYNC_CLI, OMSYNC_CENTRAL and OMSYNC_TEST_LOCAL_CHANGES (cli-local-changes), set by meson.
#
# The central's faults slow the route a step is using, so that a kill made on the step's
# progress line lands in the middle of the step; where each kill landed is logged, and most
# must have landed mid-step. The checks hold wherever a kill lands.
#
# Copyright 2026 The omsync authors
# SPDX-License-Identifier: GPL-3.0-or-later

CLI_TEST_MACHINE=cli-crash-test-machine
# shellcheck source=cli-test-lib.sh
source "$(dirname "$0")/cli-test-lib.sh"

: "${OMSYNC_TEST_LOCAL_CHANGES:?set OMSYNC_TEST_LOCAL_CHANGES to the cli-local-changes program}"
CHECK="$(dirname "$0")/crash-check.py"
CENTRAL_RECORDS=6000   # extra central items, so the first pull takes a few dozen batches
CENTRAL_V6_RECORDS=3000
LOCAL_CHANGES=4000     # per push round: half for the legacy central, half for Open mSupply's

SYNC_PID=
FAULT_WAIT=0
KILLS=0
MID_STEP=0
PUSH_ROUND=0
ITEMS_ADDED=0
RESENT=0

stop_sync ()
{
  [ -n "$SYNC_PID" ] && kill -KILL "$SYNC_PID" 2>/dev/null && wait "$SYNC_PID" 2>/dev/null
  SYNC_PID=
}
trap 'stop_sync; cleanup' EXIT

echo "1..44"

start_central --demo-records "$CENTRAL_RECORDS" --demo-v6-records "$CENTRAL_V6_RECORDS"

# A new data directory for the site, configured: the next sync is an initial one.
fresh_site ()
{
  rm -rf "$TMP/site"
  OMSYNC_PASSWORD=pass cli configure --url "$URL" --site demo
  if [ "$RC" -ne 0 ]; then
    echo "Bail out! omsync-cli configure failed"
    cat "$TMP/err"
    exit 1
  fi
}

# Changes made at the central while the site is not syncing: COUNT new items, and new
# versions of the first tenth of the items added before.
central_add_items ()
{
  /usr/bin/python3 - "$URL" "$ITEMS_ADDED" "$1" <<'EOF'
import json, sys, urllib.request
url, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def item(i, name):
    record_id = 'CRASH%027X' % i
    return {'tableName': 'item', 'recordId': record_id, 'action': 'update',
            'recordData': {'ID': record_id, 'item_name': name, 'code': 'CRASH%06u' % i,
                           'type_of': 'general', 'default_pack_size': 1, 'is_vaccine': False}}
records = [item(i, 'Crash item %u' % i) for i in range(first, first + count)]
records += [item(i, 'Crash item %u, renamed at %u' % (i, first)) for i in range(first // 10)]
request = urllib.request.Request(url + '/admin/central-records', method='POST',
                                 data=json.dumps({'records': records}).encode(),
                                 headers={'Content-Type': 'application/json'})
urllib.request.urlopen(request, timeout=60).read()
EOF
  ITEMS_ADDED=$((ITEMS_ADDED + $1))
}

# The next round of local changes (cli-local-changes.c).
local_changes ()
{
  PUSH_ROUND=$((PUSH_ROUND + 1))
  "$OMSYNC_TEST_LOCAL_CHANGES" "$TMP/site" "$PUSH_ROUND" "$LOCAL_CHANGES" \
    || { echo "Bail out! cli-local-changes failed"; exit 1; }
}

# How many records the central received from the site over one API.
central_received ()
{
  /usr/bin/python3 - "$TMP/central/central.sqlite" "$1" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
print(db.execute("SELECT count(*) FROM received WHERE api = ?", (sys.argv[2],)).fetchone()[0])
EOF
}

sleep_ms ()
{
  sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"
}

# slow_route SPEC: a central fault for the next run. A request it delays still counts as the
# site's sync running until the delay is over, even once its client is gone, so the sync
# after the kill waits that long.
slow_route ()
{
  local latency=${1##*latency=}

  central_fault POST "$1"
  if [ "$latency" != "$1" ]; then
    FAULT_WAIT=${latency%%[!0-9]*}
  fi
}

# Starts `omsync-cli sync` in the background, its stderr in killed.err, after keeping the
# status before it.
start_sync ()
{
  cli status --json
  cp "$TMP/out" "$TMP/before.json"
  "$OMSYNC_CLI" --data-dir "$TMP/site" sync > "$TMP/killed.out" 2> "$TMP/killed.err" &
  SYNC_PID=$!
}

stderr_has ()
{
  grep -Eq "$1" "$TMP/killed.err"
}

received_over ()
{
  [ "$(central_received "$1")" -ge "$2" ]
}

# wait_for COMMAND...: polls COMMAND until it succeeds, the sync exits or a minute passes.
wait_for ()
{
  for _ in $(seq 3000); do
    "$@" && return 0
    kill -0 "$SYNC_PID" 2>/dev/null || return 1
    sleep 0.02
  done
  return 1
}

# Where the killed run was, from its progress lines: in a step, between two, or done.
landed ()
{
  awk -F': ' '
    /^Sync finished/ { done = 1 }
    / started$/ { step = $1; open = 1 }
    / finished$/ { if ($1 == step) open = 0 }
    / of [0-9]+$/ { progress = $2 }
    END {
      if (done) print "after the run ended";
      else if (open) printf "mid-step: %s%s\n", step, progress ? " at " progress : "";
      else if (step) print "between steps, after " step;
      else print "before the first step";
    }' "$TMP/killed.err"
}

# after_kill NAME: kills the sync, clears the faults and waits out a delayed request, logs
# where the kill landed, and checks the store and the status.
after_kill ()
{
  local name=$1 where

  kill -KILL "$SYNC_PID" 2>/dev/null
  wait "$SYNC_PID" 2>/dev/null
  SYNC_PID=
  central_fault DELETE
  sleep_ms $((FAULT_WAIT + 100))
  FAULT_WAIT=0
  KILLS=$((KILLS + 1))
  where=$(landed)
  case $where in mid-step*) MID_STEP=$((MID_STEP + 1)) ;; esac
  echo "# kill $KILLS ($name) landed $where"

  cli pending --json
  cp "$TMP/out" "$TMP/pending.json"
  cli status --json
  cp "$TMP/out" "$TMP/status.json"
  crash_check "after a kill $name: the cursors, the push queue and the status are true" \
    after-kill "$TMP/killed.err" "$TMP/before.json"
}

# crash_check NAME MODE [ARG...]: crash-check.py on the site and the central.
crash_check ()
{
  local name=$1 mode=$2 output
  shift 2

  if output=$(/usr/bin/python3 "$CHECK" "$mode" "$TMP/site" "$TMP/central" \
                "$TMP/status.json" "$TMP/pending.json" "$@" 2>&1); then
    ok "$name"
  else
    rm -f "$TMP/out" "$TMP/err"   # not_ok would show them; the check's lines say more
    not_ok "$name" "crash-check.py $mode:"
  fi
  grep -v '^RESENT' <<< "$output" | sed 's/^/# /'
  RESENT=$(sed -n 's/^RESENT //p' <<< "$output")
}

# sync_after NAME: the sync after a kill must succeed, and leave the store equal to the
# central.
sync_after ()
{
  local name=$1

  cli sync
  check "the sync after a kill $name succeeds" 0 "'Sync finished' in err"
  cli pending --json
  cp "$TMP/out" "$TMP/pending.json"
  cli status --json
  cp "$TMP/out" "$TMP/status.json"
  crash_check "after the sync: the store equals the central, nothing pushed was lost" after-sync
}

# kill_when NAME COMMAND...: a sync killed once COMMAND succeeds, then a sync.
kill_when ()
{
  local name=$1
  shift

  start_sync
  wait_for "$@"
  after_kill "$name"
  sync_after "$name"
}

# kill_after_taken API ROUTE STEP: local changes, and a sync killed once the central took a
# batch of them but before its answer (trickled) arrived: the batch is sent again. Sets
# TAKEN_AGAIN to how many records the central received again.
kill_after_taken ()
{
  local before resent_before=${RESENT:-0}

  local_changes
  before=$(central_received "$1")
  slow_route "$2:bandwidth=10"
  kill_when "in $3, once the central took a batch" received_over "$1" $((before + 1024))
  TAKEN_AGAIN=$((RESENT - resent_before))
}

# Initial syncs of a new data directory, each killed in one step.
fresh_site
slow_route '/sync/v5/initialise:latency=300'
kill_when "in Prepare" stderr_has '^Prepare: started$'

fresh_site
slow_route '/sync/v5/central_records:latency=100'
kill_when "in Pull central" stderr_has '^Pull central: [1-9][0-9]{3} of'

# The queue is acknowledged after each batch is stored: both requests are slowed.
fresh_site
slow_route '/sync/v5/queued_records:latency=150'
slow_route '/sync/v5/acknowledged_records:latency=150'
kill_when "in Pull remote" stderr_has '^Pull remote: 1[0-9]{3} of'

fresh_site
slow_route '/central/sync/pull:latency=150'
kill_when "in Pull V6" stderr_has '^Pull V6: 1[0-9]{3} of'

fresh_site
kill_when "in Integrate" stderr_has '^Integrate: [1-9][0-9]* of'

# Pushes of local changes.
local_changes
slow_route '/central/sync/push:latency=400'
kill_when "in Push V6" stderr_has '^Push V6: 1024 of'

local_changes
slow_route '/sync/v5/queued_records:latency=400'
kill_when "in Push" stderr_has '^Push: 1024 of'

# The central takes a batch, and the kill comes before its answer.
kill_after_taken v6 /central/sync/push "Push V6"
resent_v6=$TAKEN_AGAIN
kill_after_taken v5 /sync/v5/queued_records "Push"
resent_v5=$TAKEN_AGAIN

# All pushed, waiting for the central to integrate.
local_changes
kill_when "while the central integrates" stderr_has '^Push: ([0-9]+) of \1$'

# Pushed and integrated, then pulling what the central changed meanwhile: new items, and
# new versions of items pulled before.
local_changes
central_add_items 3000
slow_route '/sync/v5/central_records:latency=150'
kill_when "in an incremental Pull central" stderr_has '^Pull central: [1-9][0-9]{3} of'

local_changes
central_add_items 3000
kill_when "in an incremental Integrate" stderr_has '^Integrate: started$'

# Too late: the run has ended, the program not yet.
local_changes
kill_when "after the run" stderr_has '^Sync finished'

# Anywhere: after a random delay.
local_changes
delay=$(( RANDOM % 2500 ))
echo "# the next kill comes $delay ms after the sync starts"
kill_when "after $delay ms" sleep_ms "$delay"

# The batch the central took just before each of the two kills was received again, and no
# more (but for one batch the random kill may have caught the same way).
if [ "$resent_v6" -eq 1024 ] && [ "$resent_v5" -eq 1024 ] && [ "$RESENT" -le $((3 * 1024)) ]
then
  ok "a batch taken before a kill is sent again, once"
else
  not_ok "a batch taken before a kill is sent again, once" \
    "received again: $resent_v6 after the Push V6 kill, $resent_v5 after the Push kill," \
    "$RESENT in all"
fi

echo "# $MID_STEP of $KILLS kills landed in the middle of a step"
if [ "$MID_STEP" -ge $((KILLS - 3)) ]; then
  ok "most kills landed in the middle of a step"
else
  not_ok "most kills landed in the middle of a step" "$MID_STEP of $KILLS"
fi

[ "$FAILED" -eq 0 ]
