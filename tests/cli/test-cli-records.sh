#!/bin/bash
# test-cli-records.sh: omsync-cli pending --list and failed [--retry] on a site that
# cli-records-fixture fills: local changes waiting to be sent, and a pulled record that cannot
# be integrated until its cause is fixed. Prints TAP. Needs OMSYNC_CLI and
# OMSYNC_TEST_RECORDS_FIXTURE, set by meson.
#
# Copyright 2026 The omsync authors
# SPDX-License-Identifier: GPL-3.0-or-later

CLI_TEST_MACHINE=cli-records-test-machine
: "${OMSYNC_CENTRAL:=unused}"
# shellcheck source=cli-test-lib.sh
source "$(dirname "$0")/cli-test-lib.sh"
: "${OMSYNC_TEST_RECORDS_FIXTURE:?set OMSYNC_TEST_RECORDS_FIXTURE to cli-records-fixture}"
export TZ=UTC

fixture ()
{
  "$OMSYNC_TEST_RECORDS_FIXTURE" "$TMP/site" "$@" > /dev/null 2>&1 ||
    { echo "Bail out! cli-records-fixture $* failed"; exit 1; }
}

echo "1..14"
mkdir -p "$TMP/site"
fixture site

cli pending --list --json
check "pending --list: nothing waiting" 0 \
  "j['total'] == 0 and j['records'] == [] and j['more'] == 0"

fixture logs 3
cli pending --list --json
check "pending --list --json: local changes waiting, newest first, in people's words" 0 \
  "(j['total'] == 3 and j['v5'] == 3 and j['v6'] == 0 and len(j['records']) == 3 and j['more'] == 0 and
   [r['recordId'] for r in j['records']] == ['cli-log-00002', 'cli-log-00001', 'cli-log-00000'] and
   j['records'][0]['table'] == 'temperature_log' and j['records'][0]['tableTitle'] == 'Temperature log' and
   j['records'][0]['action'] == 'UPSERT' and j['records'][0]['centrals'] == ['v5'] and
   j['records'][0]['description'] == 'Temperature log 4.2 °C, Fridge 1, 7 Jan 23:45' and
   j['records'][0]['waitingSince'].endswith('Z'))"

cli pending --list --limit 2 --json
check "pending --list --limit: the newest N and a count of the rest" 0 \
  "len(j['records']) == 2 and j['more'] == 1 and j['total'] == 3"

cli pending --list
check "pending --list: text" 0 \
  "'3 records are waiting to be pushed' in out and 'Temperature log 4.2 °C, Fridge 1, 7 Jan 23:45 — added or changed, waiting since ' in out and ', for v5' in out"

cli pending --json
check "pending --json without --list keeps its shape" 0 \
  "j == {'total': 3, 'v5': 3, 'v6': 0}"

cli pending --list --limit 0
check "pending --limit 0 is a usage error" 2 "'--limit must be between 1 and' in err"

cli failed --json
check "failed: none yet" 0 "j == {'total': 0, 'records': [], 'more': 0}"

fixture failing
cli failed --json
check "failed --json: the record, the error, when" 0 \
  "(j['total'] == 1 and j['more'] == 0 and j['records'][0]['table'] == 'name' and
   j['records'][0]['tableTitle'] == 'Name' and j['records'][0]['action'] == 'MERGE' and
   j['records'][0]['description'] == 'Name: N-gone merged into N-keep' and
   j['records'][0]['error'] == 'Could not find name link with id N-keep' and
   j['records'][0]['failed'].endswith('Z'))"

cli failed
check "failed: text" 0 \
  "'1 record received could not be integrated' in out and 'Could not find name link with id N-keep' in out"

cli failed --retry --json
check "failed --retry before the cause is fixed: still failing, exit 1" 1 \
  "j['total'] == 1 and 'Tried 1 record again: 0 integrated, 1 still failing.' in err"

cli failed --record N-keep
check "failed --record without --retry is a usage error" 2 "'--record goes with --retry' in err"

fixture fix
cli failed --retry --json
check "failed --retry after the cause is fixed: integrated" 0 \
  "j == {'total': 0, 'records': [], 'more': 0} and 'Tried 1 record again: 1 integrated, 0 still failing.' in err"

cli failed --help
check "failed --help" 0 "'--retry' in out and '--json' in out and '--limit' in out and 'could not be integrated' in out"

cli pending --help
check "pending --help" 0 "'--list' in out and '--limit' in out"

exit $((FAILED > 0))
