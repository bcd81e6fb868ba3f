/* fuzz-pulled-body.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The one-pass scanner of pulled batches (oms-pulled-body.c), after the gate, as the pull step
 * runs it on a `central_records` (v5) or `pull` (v6) body. The scanner is only a faster road to
 * what the full parsers give: whenever it takes a body, the full parser must take it too and
 * read the same records, cursors and data, or the two roads would store different things.
 */

#include "config.h"

#include <string.h>

#include "fuzz-util.h"
#include "oms-json-util.h"
#include "oms-pulled-body.h"
#include "oms-v5-json.h"
#include "oms-v6-json.h"

/* The cursor the batch was asked for with. */
#define REQUEST_CURSOR 100

static void
assert_text (const char *text,
             gsize       length,
             const char *expected)
{
  g_assert_nonnull (expected);
  g_assert_cmpuint (length, ==, strlen (expected));
  g_assert_true (memcmp (text, expected, length) == 0);
}

/* What the buffer keeps of a scanned record (oms-sync-buffer-body.c) must mean what the full
 * parser keeps: the same JSON once both are in canonical form.
 */
static void
assert_same_data (const OmsPulledRecord *scanned,
                  const OmsSyncRecord   *parsed)
{
  g_autofree char *stored = NULL;
  g_autofree char *canonical = NULL;
  g_autoptr(GError) error = NULL;

  if (scanned->data == NULL)
    stored = g_strdup ("{}");
  else if (scanned->data_is_compact)
    stored = g_strndup (scanned->data, scanned->data_length);
  else
    stored = oms_json_compact (scanned->data, scanned->data_length);

  canonical = oms_json_canonicalise (stored, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (canonical, ==, parsed->data);
}

static void
assert_same_records (const OmsPulledBody *scanned,
                     GPtrArray           *parsed)
{
  guint n_records = 0;
  const OmsPulledRecord *records = oms_pulled_body_get_records (scanned, &n_records);

  g_assert_nonnull (parsed);
  g_assert_cmpuint (n_records, ==, parsed->len);
  g_assert_cmpint (oms_pulled_body_get_summary (scanned)->n_records, ==, n_records);

  for (guint i = 0; i < n_records; i++)
    {
      const OmsSyncRecord *record = g_ptr_array_index (parsed, i);

      assert_text (records[i].table_name, records[i].table_name_length, record->table_name);
      assert_text (records[i].record_id, records[i].record_id_length, record->record_id);
      g_assert_cmpint (records[i].action, ==, oms_sync_action_to_buffer_action (record->action));
      assert_same_data (&records[i], record);
    }
}

static void
check_v5 (GBytes *body)
{
  g_autoptr(OmsPulledBody) scanned = oms_pulled_body_scan (OMS_PULLED_BODY_V5_CENTRAL, body,
                                                           REQUEST_CURSOR);
  g_autoptr(OmsV5CentralBatch) batch = NULL;
  const OmsPulledBodySummary *summary;

  if (scanned == NULL)
    return;

  batch = oms_v5_parse_central_records (body, NULL);
  g_assert_nonnull (batch);
  summary = oms_pulled_body_get_summary (scanned);
  g_assert_cmpint (summary->max_cursor, ==, batch->max_cursor);
  assert_same_records (scanned, batch->records);
  if (batch->records->len > 0)
    {
      const OmsSyncRecord *last = g_ptr_array_index (batch->records, batch->records->len - 1);

      g_assert_cmpint (summary->last_cursor, ==, last->cursor);
    }

  (void) oms_pulled_body_next_cursor (scanned);
  (void) oms_pulled_body_is_last (scanned);
}

static void
check_v6 (GBytes *body)
{
  g_autoptr(OmsPulledBody) scanned = oms_pulled_body_scan (OMS_PULLED_BODY_V6_PULL, body,
                                                           REQUEST_CURSOR);
  g_autoptr(OmsV6ServerError) server_error = NULL;
  g_autoptr(OmsV6Batch) batch = NULL;
  const OmsPulledBodySummary *summary;

  if (scanned == NULL)
    return;

  batch = oms_v6_parse_pull_response (body, &server_error, NULL);
  g_assert_nonnull (batch);
  g_assert_null (server_error);
  summary = oms_pulled_body_get_summary (scanned);
  g_assert_cmpint (summary->end_cursor, ==, batch->end_cursor);
  g_assert_cmpint (summary->total_records, ==, batch->total_records);
  g_assert_cmpint (summary->is_last_batch, ==, batch->is_last_batch);
  assert_same_records (scanned, batch->records);

  (void) oms_pulled_body_next_cursor (scanned);
  (void) oms_pulled_body_is_last (scanned);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) body = fuzz_gated_body (data, size, OMS_JSON_GATE_MAX_RESPONSE_BYTES);

  if (body == NULL)
    return 0;

  check_v5 (body);
  check_v6 (body);
  return 0;
}
