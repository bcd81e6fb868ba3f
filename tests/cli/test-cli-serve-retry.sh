#!/bin/bash
# test-cli-serve-retry.sh: `omsync-cli serve` started while another program holds the cold
# chain port (the default one, not given with --coldchain-port) says why, goes on, and starts
# the server by itself once the port frees, printing its URL then. Prints TAP. Needs
# OMSYNC_CLI, set by meson.
#
# Copyright 2026 The omsync authors
# SPDX-License-Identifier: GPL-3.0-or-later

CLI_TEST_MACHINE=cli-serve-retry-test-machine
: "${OMSYNC_CENTRAL:=unused}"
# shellcheck source=cli-test-lib.sh
source "$(dirname "$0")/cli-test-lib.sh"

HOLDER_PID=
stop_holder ()
{
  [ -n "$HOLDER_PID" ] && kill "$HOLDER_PID" 2>/dev/null && wait "$HOLDER_PID" 2>/dev/null
  HOLDER_PID=
}
trap 'stop_holder; cleanup' EXIT

echo "1..2"
mkdir -p "$TMP/site"

# Another program holds a free loopback port; serve's server is to listen there.
/usr/bin/python3 -c '
import socket, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print(s.getsockname()[1], flush=True)
time.sleep(600)' > "$TMP/holder.out" &
HOLDER_PID=$!
for _ in $(seq 100); do
  PORT=$(head -n 1 "$TMP/holder.out" 2>/dev/null)
  [ -n "$PORT" ] && break
  sleep 0.05
done
[ -n "$PORT" ] || { echo "Bail out! could not take a port"; exit 1; }

OMSYNC_COLDCHAIN_PORT=$PORT OMSYNC_COLDCHAIN_RETRY_SECONDS=1 \
  "$OMSYNC_CLI" --data-dir "$TMP/site" serve > "$TMP/serve.out" 2> "$TMP/serve.err" &
SERVE_PID=$!
for _ in $(seq 100); do
  grep -q "Port $PORT is in use" "$TMP/serve.err" 2>/dev/null && break
  sleep 0.1
done
cp "$TMP/serve.out" "$TMP/out"
cp "$TMP/serve.err" "$TMP/err"
RC=0
kill -0 "$SERVE_PID" 2>/dev/null || RC=1
check "serve says the port is in use and goes on" 0 \
  "'Port $PORT is in use by another program' in err and 'Cold chain server: ' not in out"

stop_holder
for _ in $(seq 200); do
  grep -q "Cold chain server: .*:$PORT" "$TMP/serve.out" 2>/dev/null && break
  sleep 0.1
done
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"
RC=$?
SERVE_PID=
cp "$TMP/serve.out" "$TMP/out"
cp "$TMP/serve.err" "$TMP/err"
check "once the port frees, serve's server starts by itself and prints its URL" 0 \
  "'Cold chain server: https://' in out and ':$PORT' in out"

exit $((FAILED > 0))
