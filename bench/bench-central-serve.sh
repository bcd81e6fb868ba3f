#!/bin/bash
# bench-central-serve.sh: how much CPU omsync-central spends serving pulled records.
#
# Copyright 2026 The omsync authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: bench/bench-central-serve.sh [--records N] [--batch N] [--queued N]
#                                     [LABEL=]CENTRAL_EXE...
#
# For each executable (default: _build/src/central/omsync-central), one after the other:
# starts it on 127.0.0.1 with a fresh data directory seeded by --demo --demo-records N
# --demo-v6-records N (default N = 500000), initialises the demo site, then pulls every
# legacy central record (GET /sync/v5/central_records, cursor loop) and every Open mSupply
# record (POST /central/sync/pull, cursor loop) in batches of --batch (default 500) with a
# keep-alive HTTP client, and prints per API: records, batches, wall seconds of the fetch
# loop, the central's CPU seconds (user + system, from /proc/PID/stat, seeding excluded),
# its CPU seconds per 500k records, and a SHA-256 over all response bodies so runs of
# different builds can be compared byte for byte.
#
# --queued N (default 0: skipped) also adds N remote temperature logs of the demo store
# (with the sqlite3 shell, between two starts of the central) and drains the site's queue
# the way a store does: GET /sync/v5/queued_records, then POST acknowledged_records.
#
# Side by side, e.g. the branch against its base:
#   git archive BASE | tar -x -C /tmp/base && meson setup /tmp/base/_build /tmp/base && \
#     meson compile -C /tmp/base/_build src/central/omsync-central
#   bench/bench-central-serve.sh before=/tmp/base/_build/src/central/omsync-central \
#     after=_build/src/central/omsync-central

set -euo pipefail

source_dir=$(cd "$(dirname "$0")/.." && pwd)
records=500000
batch=500
queued=0
exes=()

while [ $# -gt 0 ]; do
  case "$1" in
    --records) records=$2; shift 2 ;;
    --records=*) records=${1#*=}; shift ;;
    --batch) batch=$2; shift 2 ;;
    --batch=*) batch=${1#*=}; shift ;;
    --queued) queued=$2; shift 2 ;;
    --queued=*) queued=${1#*=}; shift ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    -*) echo "bench-central-serve: unknown option $1" >&2; exit 2 ;;
    *) exes+=("$1"); shift ;;
  esac
done
[ ${#exes[@]} -gt 0 ] || exes=("$source_dir/_build/src/central/omsync-central")

central_pid=
data_dir=
url=
stop_central () {
  if [ -n "$central_pid" ]; then
    kill "$central_pid" 2>/dev/null || true
    wait "$central_pid" 2>/dev/null || true
  fi
  central_pid=
}
cleanup () {
  stop_central
  if [ -n "$data_dir" ]; then
    rm -rf "$data_dir"
  fi
  data_dir=
}
trap cleanup EXIT

# Starts $1 on $data_dir; sets central_pid and url once it listens.
start_central () {
  coproc central_proc { exec "$1" --data-dir "$data_dir" --port 0 --demo \
                          --demo-records "$records" --demo-v6-records "$records"; }
  central_pid=$central_proc_PID
  read -r url <&"${central_proc[0]}"
}

client=$(cat <<'EOF'
import base64, hashlib, http.client, json, os, sys, time, urllib.parse

url, pid, batch, queued = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
parts = urllib.parse.urlsplit(url)
conn = http.client.HTTPConnection(parts.hostname, parts.port)
tick = os.sysconf("SC_CLK_TCK")
password_sha256 = hashlib.sha256(b"pass").hexdigest()
hardware_id = "bench-central-serve"
v5_headers = {
  "Authorization": "Basic " + base64.b64encode(("demo:" + password_sha256).encode()).decode(),
  "msupply-site-uuid": hardware_id,
  "app-version": "2.20.0",
  "app-name": "Open mSupply Desktop",
  "version": "14",
}

def central_cpu():
  with open("/proc/%d/stat" % pid) as f:
    fields = f.read().rsplit(")", 1)[1].split()
  return (int(fields[11]) + int(fields[12])) / tick

def request(method, path, body=None, headers=v5_headers):
  hdrs = dict(headers)
  if body is not None:
    hdrs["Content-Type"] = "application/json"
  conn.request(method, path, body=body, headers=hdrs)
  response = conn.getresponse()
  data = response.read()
  if response.status >= 300:
    sys.exit("%s %s: HTTP %d %s" % (method, path, response.status, data[:200]))
  return data

def report(name, n_records, n_batches, wall, cpu, digest):
  per = cpu / n_records * 500000 if n_records else 0
  print("%-16s %9d %8d %9.2f %11.2f %17.2f  %s" % (name, n_records, n_batches, wall, cpu, per,
                                                   digest[:16]))

request("POST", "/sync/v5/initialise", "{}")

# Legacy central records: the cursor is the ID of the last record received.
digest = hashlib.sha256()
cursor = n_records = n_batches = 0
cpu0, wall0 = central_cpu(), time.monotonic()
while True:
  body = request("GET", "/sync/v5/central_records?cursor=%d&limit=%d" % (cursor, batch))
  digest.update(body)
  n_batches += 1
  answer = json.loads(body)
  data = answer["data"]
  if not data:
    if cursor >= answer["maxCursor"]:
      break
    cursor += 1
    continue
  n_records += len(data)
  cursor = data[-1]["ID"]
report("v5 central", n_records, n_batches, time.monotonic() - wall0, central_cpu() - cpu0,
       digest.hexdigest())

# Open mSupply central: the cursor is the next one to fetch.
settings = {"serverUrl": url, "username": "demo", "passwordSha256": password_sha256,
            "siteUuid": hardware_id, "appVersion": "2.20.0",
            "appName": "Open mSupply Desktop", "syncVersion": "14"}
digest = hashlib.sha256()
cursor = n_records = n_batches = 0
cpu0, wall0 = central_cpu(), time.monotonic()
while True:
  body = request("POST", "/central/sync/pull",
                 json.dumps({"cursor": cursor, "batchSize": batch, "isInitialised": False,
                             "syncV5Settings": settings, "syncV6Version": 5}), headers={})
  digest.update(body)
  n_batches += 1
  answer = json.loads(body)
  if "data" not in answer:
    sys.exit("pull failed: %s" % body[:200])
  data = answer["data"]
  n_records += len(data["records"])
  cursor = data["end_cursor"] + 1
  if data["is_last_batch"]:
    break
report("v6 pull", n_records, n_batches, time.monotonic() - wall0, central_cpu() - cpu0,
       digest.hexdigest())

if queued:
  # The site's queue, filled by initialise: served until empty, each batch acknowledged.
  digest = hashlib.sha256()
  n_records = n_batches = 0
  cpu0, wall0 = central_cpu(), time.monotonic()
  while True:
    body = request("GET", "/sync/v5/queued_records?limit=%d" % batch)
    digest.update(body)
    n_batches += 1
    data = json.loads(body)["data"]
    if not data:
      break
    n_records += len(data)
    request("POST", "/sync/v5/acknowledged_records",
            json.dumps({"syncIDs": [record["syncOutId"] for record in data]}))
    # The central closes the connection after its 204; http.client does not reconnect alone.
    conn.close()
  report("v5 queued", n_records, n_batches, time.monotonic() - wall0, central_cpu() - cpu0,
         digest.hexdigest())
EOF
)

echo "# omsync-central serving: $records + $records demo records, batches of $batch"
echo "# $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), sqlite $(pkg-config --modversion sqlite3), json-glib $(pkg-config --modversion json-glib-1.0)"

for spec in "${exes[@]}"; do
  label=${spec%%=*}
  exe=${spec#*=}
  [ "$label" != "$spec" ] || label=$exe
  data_dir=$(mktemp -d)
  seed_start=$(date +%s.%N)
  start_central "$exe"
  if [ "$queued" -gt 0 ]; then
    stop_central
    sqlite3 "$data_dir/central.sqlite" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $queued),
  s(id) AS (SELECT id FROM store WHERE site_id = 2 ORDER BY id LIMIT 1)
INSERT INTO remote_record (table_name, record_id, store_id, data)
  SELECT 'temperature_log', printf('BQ%030X', i), s.id,
         printf('{"ID":"BQ%030X","store_ID":"%s","sensor_ID":"BQSENSOR",'
                || '"location_ID":"","temperature":%.1f,"date":"2026-01-04","time":%d,'
                || '"om_datetime":"","temperature_breach_ID":""}',
                i, s.id, 2.0 + (i % 60) / 10.0, (i % 96) * 900)
  FROM n, s;
SQL
    start_central "$exe"
  fi
  echo
  echo "## $label"
  echo "seeded and listening at $url after $(awk -v a="$seed_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
  printf '%-16s %9s %8s %9s %11s %17s  %s\n' api records batches "wall s" "central s" \
    "central s/500k" "sha256(bodies)"
  python3 -c "$client" "$url" "$central_pid" "$batch" "$queued"
  cleanup
done
