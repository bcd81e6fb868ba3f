# cli-test-lib.sh: what the omsync-cli test scripts share, sourced by each: the environment,
# a temporary directory removed on exit, TAP output (ok, not_ok, check), running omsync-cli
# on the site's data directory, and a real omsync-central on 127.0.0.1 with its faults.
# The sourcing script sets CLI_TEST_MACHINE (the hardware id, also in the directory name).
#
# Copyright 2026 The omsync authors
# SPDX-License-Identifier: GPL-3.0-or-later

: "${CLI_TEST_MACHINE:?set CLI_TEST_MACHINE before sourcing cli-test-lib.sh}"
set -u

: "${OMSYNC_CLI:?set OMSYNC_CLI to the omsync-cli program}"
: "${OMSYNC_CENTRAL:?set OMSYNC_CENTRAL to the omsync-central program}"

export OMSYNC_HARDWARE_ID=$CLI_TEST_MACHINE
export GIO_USE_PROXY_RESOLVER=dummy
export LC_ALL=C.UTF-8
unset OMSYNC_PASSWORD OMSYNC_DATA_DIR

TMP=$(mktemp -d "${TMPDIR:-/tmp}/oms-$CLI_TEST_MACHINE-XXXXXX")
CENTRAL_PID=
SERVE_PID=
N=0
FAILED=0

cleanup ()
{
  [ -n "$SERVE_PID" ] && kill -KILL "$SERVE_PID" 2>/dev/null
  [ -n "$CENTRAL_PID" ] && kill -TERM "$CENTRAL_PID" 2>/dev/null && wait "$CENTRAL_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

ok ()
{
  N=$((N + 1))
  echo "ok $N - $1"
}

not_ok ()
{
  N=$((N + 1))
  FAILED=$((FAILED + 1))
  echo "not ok $N - $1"
  shift
  for line in "$@"; do
    echo "# $line"
  done
  [ -f "$TMP/out" ] && sed 's/^/# stdout: /' "$TMP/out"
  [ -f "$TMP/err" ] && sed 's/^/# stderr: /' "$TMP/err"
}

# Runs omsync-cli on the site's data dir; stdout in $TMP/out, stderr in $TMP/err, exit in RC.
cli ()
{
  "$OMSYNC_CLI" --data-dir "$TMP/site" "$@" > "$TMP/out" 2> "$TMP/err"
  RC=$?
}

# check NAME EXPECTED_RC [PYTHON_EXPR]: the exit status, and a Python expression over the
# JSON on stdout (`j`), the text of stdout (`out`) and of stderr (`err`) that must be true;
# `ref(ID)` is the file reference with that id in a `files --json` array.
check ()
{
  local name=$1 expected=$2 expr=${3:-True}
  local result

  if [ "$RC" -ne "$expected" ]; then
    not_ok "$name" "exit status $RC, expected $expected"
    return
  fi
  result=$(/usr/bin/python3 - "$TMP/out" "$TMP/err" "$expr" <<'EOF'
import json, sys
out = open(sys.argv[1], encoding='utf-8').read()
err = open(sys.argv[2], encoding='utf-8').read()
try:
    j = json.loads(out)
except ValueError:
    j = None
def ref(file_id):
    return [f for f in j if f['id'] == file_id][0]
print('yes' if eval(sys.argv[3]) else 'no')
EOF
  )
  if [ "$result" = yes ]; then
    ok "$name"
  else
    not_ok "$name" "not true: $expr"
  fi
}

# start_central [OPTION...]: the options are added to omsync-central's.
start_central ()
{
  mkdir -p "$TMP/central"
  "$OMSYNC_CENTRAL" --data-dir "$TMP/central" --listen 127.0.0.1 --port 0 --demo "$@" \
    > "$TMP/central.out" 2> "$TMP/central.err" &
  CENTRAL_PID=$!
  for _ in $(seq 100); do
    URL=$(head -n 1 "$TMP/central.out" 2>/dev/null)
    [ -n "$URL" ] && return 0
    sleep 0.1
  done
  echo "Bail out! omsync-central did not start"
  cat "$TMP/central.err"
  exit 1
}

# POST or DELETE a fault on the central's loopback admin route.
central_fault ()
{
  /usr/bin/python3 - "$URL" "$1" "${2:-}" <<'EOF'
import sys, urllib.request
url, method, spec = sys.argv[1], sys.argv[2], sys.argv[3]
request = urllib.request.Request(url + '/admin/fault', data=spec.encode() or None, method=method)
urllib.request.urlopen(request, timeout=10).read()
EOF
}
