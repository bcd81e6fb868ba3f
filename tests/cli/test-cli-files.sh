#!/bin/bash
# test-cli-files.sh: omsync-cli's files, attach and download, and the uploads of sync and
# serve, against a real omsync-central on 127.0.0.1; prints TAP. Needs OMSYNC_CLI and
# OMSYNC_CENTRAL (paths of the two programs), set by meson.
#
# Copyright 2026 The omsync authors
# SPDX-License-Identifier: GPL-3.0-or-later

CLI_TEST_MACHINE=cli-files-test-machine
# shellcheck source=cli-test-lib.sh
source "$(dirname "$0")/cli-test-lib.sh"

# The id of the newest reference of a direction, from `files --json`.
newest_id ()
{
  "$OMSYNC_CLI" --data-dir "$TMP/site" files --json | /usr/bin/python3 -c '
import json, sys
print([f["id"] for f in json.load(sys.stdin) if f["direction"] == sys.argv[1]][-1])' "$1"
}

# The file the central keeps for a reference: files/<table>/<record>/<id>_<name>.
central_copy ()
{
  ls "$TMP"/central/files/*/*/"$1"_* 2>/dev/null | head -n 1
}

echo "1..21"

start_central
head -c 200000 /dev/urandom > "$TMP/photo one.jpg"
printf 'second file\r\n--not a boundary--\r\n' > "$TMP/second.txt"
printf 'third file\n' > "$TMP/third.txt"

# Before the first sync nothing can be attached: the first sync would never push it.
cli attach --table asset --record a1 "$TMP/photo one.jpg"
check "attach before the first sync is refused" 1 "'first sync' in err"
cli attach --record a1 "$TMP/photo one.jpg"
check "attach without --table is a usage error" 2 "'--table' in err"
cli attach --table asset --record a1
check "attach without a file is a usage error" 2 "'file' in err"
cli download
check "download without an id is a usage error" 2

OMSYNC_PASSWORD=pass cli configure --url "$URL" --site demo
cli sync
check "the first sync" 0

# The demo central attached a certificate to a fridge: pulled as a download not started.
cli files --json
check "files --json lists the demo's download" 0 \
  "len(j) == 1 and j[0]['direction'] == 'DOWNLOAD' and j[0]['status'] == 'NEW' \
   and j[0]['fileName'] == 'installation-certificate.txt' and j[0]['totalBytes'] > 0 \
   and not j[0]['present'] and j[0]['retryAt'] is None"
ASSET=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["recordId"])' "$TMP/out")
DOWNLOAD_ID=$(newest_id DOWNLOAD)

cli attach --table asset --record "$ASSET" "$TMP/photo one.jpg"
check "attach copies the file and records it" 0 "'photo one.jpg' in out"
PHOTO_ID=$(newest_id UPLOAD)
cli files --json
check "the attached file waits for upload" 0 \
  "ref('$PHOTO_ID')['direction'] == 'UPLOAD' and ref('$PHOTO_ID')['status'] == 'NEW' \
   and ref('$PHOTO_ID')['totalBytes'] == 200000 and ref('$PHOTO_ID')['present'] \
   and ref('$PHOTO_ID')['tableName'] == 'asset' and ref('$PHOTO_ID')['recordId'] == '$ASSET'"
cli pending --json
check "its reference waits for Push V6" 0 "j['v6'] == 1"

cli sync
check "sync pushes the reference, then uploads the file" 0 \
  "'uploaded, 200000 bytes' in err and 'Files: 1 uploaded, 0 failed.' in err"
cli files --json
check "the upload is DONE" 0 \
  "ref('$PHOTO_ID')['status'] == 'DONE' and ref('$PHOTO_ID')['uploadedBytes'] == 200000 \
   and ref('$PHOTO_ID')['error'] is None"
if cmp -s "$TMP/photo one.jpg" "$(central_copy "$PHOTO_ID")"; then
  ok "the central holds the same bytes"
else
  not_ok "the central holds the same bytes" "no identical copy under $TMP/central/files"
fi

cli download "$DOWNLOAD_ID" --output "$TMP/certificate.txt"
check "download fetches the demo certificate" 0 "out.strip() == '$TMP/certificate.txt'"
if cmp -s "$TMP/certificate.txt" "$(central_copy "$DOWNLOAD_ID")"; then
  ok "the download holds the central's bytes"
else
  not_ok "the download holds the central's bytes"
fi
cli files --json
check "the download is DONE and in the site's files" 0 \
  "ref('$DOWNLOAD_ID')['status'] == 'DONE' and ref('$DOWNLOAD_ID')['present'] \
   and ref('$DOWNLOAD_ID')['downloadedBytes'] == ref('$DOWNLOAD_ID')['totalBytes'] \
   and open(ref('$DOWNLOAD_ID')['path'], 'rb').read() == open('$TMP/certificate.txt', 'rb').read()"
cli download no-such-file
check "download of an unknown id fails" 1 "'no-such-file' in err"

# A central that fails the upload: the sync still succeeds, the file waits for its retry.
cli attach --table asset --record "$ASSET" "$TMP/second.txt"
SECOND_ID=$(newest_id UPLOAD)
central_fault POST '/central/sync/upload_file:status=500,body=upload refused'
cli sync
central_fault DELETE
check "a failed upload does not fail the sync" 0 \
  "'upload failed' in err and 'Files: 0 uploaded, 1 failed.' in err"
cli files --json
check "the failed upload is ERROR with its error and a retry time" 0 \
  "ref('$SECOND_ID')['status'] == 'ERROR' and ref('$SECOND_ID')['retries'] == 1 \
   and 'upload refused' in ref('$SECOND_ID')['error'] and ref('$SECOND_ID')['retryAt'] \
   and ref('$SECOND_ID')['present']"
cli files
check "files as text shows each file and the error" 0 \
  "'$PHOTO_ID\tUPLOAD\tDONE\t200000 of 200000 bytes' in out and 'retry at' in out \
   and 'upload refused' in out"

# serve uploads after its own sync.
cli attach --table asset --record "$ASSET" "$TMP/third.txt"
THIRD_ID=$(newest_id UPLOAD)
CC_PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$OMSYNC_CLI" --data-dir "$TMP/site" serve --coldchain-http --coldchain-port "$CC_PORT" \
  > "$TMP/serve.out" 2> "$TMP/serve.err" &
SERVE_PID=$!
for _ in $(seq 200); do
  grep -q "($THIRD_ID): uploaded" "$TMP/serve.out" 2>/dev/null && break
  sleep 0.1
done
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"
RC=$?
SERVE_PID=
cp "$TMP/serve.out" "$TMP/out"
cp "$TMP/serve.err" "$TMP/err"
check "serve uploads a file after its sync" 0 "'($THIRD_ID): uploaded' in out"
cli files --json
check "and the file is DONE" 0 "ref('$THIRD_ID')['status'] == 'DONE'"

[ "$FAILED" -eq 0 ]
