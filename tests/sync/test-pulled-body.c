/* test-pulled-body.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A pulled body stored by SQLite (oms-sync-buffer-body.c) gives the same sync_buffer rows and
 * cursor as the full parser's road (parse + oms_sync_buffer_store_batch()), and every body
 * the plain road must not take is declined with nothing written.
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "oms-store-private.h"
#include "oms-sync-buffer.h"
#include "oms-sync-buffer-body.h"
#include "oms-v5-json.h"
#include "oms-v6-json.h"

#define CENTRAL_SITE_ID 1
#define NOW             G_GINT64_CONSTANT (1764000000000000)

static OmsStore *
open_store (char **dir)
{
  g_autoptr(GError) error = NULL;
  OmsStore *store;

  *dir = g_dir_make_tmp ("oms-pulled-body-XXXXXX", &error);
  g_assert_no_error (error);
  store = oms_store_open (*dir, &error);
  g_assert_no_error (error);
  return store;
}

static void
close_store (OmsStore *store,
             char     *dir)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);

  g_assert_finalize_object (store);
  g_assert_cmpint (system (command), ==, 0);
  g_free (dir);
}

static GBytes *
bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

/* Every sync_buffer row, data parsed, ordered by record id. */
static JsonArray *
read_buffer (OmsStore *store)
{
  g_autoptr(GError) error = NULL;
  JsonArray *rows = json_array_new ();
  sqlite3_stmt *stmt;

  stmt = oms_store_prepare (store,
                            "SELECT record_id, received_datetime, integration_datetime, "
                            "integration_error, table_name, action, data, source_site_id "
                            "FROM sync_buffer ORDER BY record_id",
                            &error);
  g_assert_no_error (error);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *row = json_object_new ();

      json_object_set_string_member (row, "record_id", (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (row, "received", (const char *) sqlite3_column_text (stmt, 1));
      g_assert_cmpint (sqlite3_column_type (stmt, 2), ==, SQLITE_NULL);
      g_assert_cmpint (sqlite3_column_type (stmt, 3), ==, SQLITE_NULL);
      json_object_set_string_member (row, "table_name", (const char *) sqlite3_column_text (stmt, 4));
      json_object_set_string_member (row, "action", (const char *) sqlite3_column_text (stmt, 5));
      json_object_set_member (row, "data",
                              json_from_string ((const char *) sqlite3_column_text (stmt, 6),
                                                &error));
      g_assert_no_error (error);
      if (sqlite3_column_type (stmt, 7) == SQLITE_NULL)
        json_object_set_null_member (row, "source_site_id");
      else
        json_object_set_int_member (row, "source_site_id", sqlite3_column_int64 (stmt, 7));
      json_array_add_object_element (rows, row);
    }
  sqlite3_reset (stmt);

  return rows;
}

static void
assert_same_buffer (OmsStore *a,
                    OmsStore *b)
{
  g_autoptr(JsonArray) rows_a = read_buffer (a);
  g_autoptr(JsonArray) rows_b = read_buffer (b);
  g_autoptr(JsonNode) node_a = json_node_init_array (json_node_alloc (), rows_a);
  g_autoptr(JsonNode) node_b = json_node_init_array (json_node_alloc (), rows_b);
  g_autofree char *text_a = json_to_string (node_a, TRUE);
  g_autofree char *text_b = json_to_string (node_b, TRUE);

  g_assert_cmpuint (json_array_get_length (rows_a), >, 0);
  if (!json_node_equal (node_a, node_b))
    g_error ("The two roads stored different rows:\n%s\n---\n%s", text_a, text_b);
}

static gint64
kv_cursor (OmsStore   *store,
           const char *key)
{
  g_autoptr(GError) error = NULL;
  gint64 value = oms_store_kv_get_int (store, key, -1, &error);

  g_assert_no_error (error);
  return value;
}

static gint64
buffer_count (OmsStore *store)
{
  g_autoptr(GError) error = NULL;
  gint64 count = -1;
  sqlite3_stmt *stmt = oms_store_prepare (store, "SELECT count(*) FROM sync_buffer", &error);

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return count;
}

/* Stores @body by the plain road; returns whether it was taken. */
static gboolean
store_plain (OmsStore          *store,
             OmsPulledBodyKind  kind,
             const char        *text,
             gint64             request_cursor)
{
  g_autoptr(GBytes) body = bytes (text);
  g_autoptr(GError) error = NULL;
  OmsPulledBodySummary summary;
  gboolean stored = FALSE;

  if (!oms_pulled_body_summarize (kind, body, request_cursor, &summary))
    return FALSE;

  g_assert_true (oms_sync_buffer_store_body (store, kind, body, &summary, request_cursor,
                                             kind == OMS_PULLED_BODY_V5_CENTRAL,
                                             CENTRAL_SITE_ID, NULL, NOW, &stored, &error));
  g_assert_no_error (error);
  return stored;
}

/* Records of every awkward kind the plain road takes. */
#define V5_RECORDS \
  "{\"ID\":11,\"tableName\":\"item\",\"recordId\":\"A1\",\"action\":\"insert\"," \
  "\"recordData\":{\"z\":1,\"a\":\"\\u00e9t\\u00e9 \\\"quoted\\\" \\\\ /\",\"n\":1.0," \
  "\"big\":1e5,\"nested\":{\"y\":[1,2,{\"x\":null}]},\"empty\":\"\"}}," \
  "{\"ID\":12,\"tableName\":\"name\",\"recordId\":\"N1\",\"action\":\"Update\"," \
  "\"recordData\":{\"ID\":\"N1\",\"name\":\"Clinic 東\",\"custom_data\":null}}," \
  "{\"ID\":13,\"tableName\":\"item\",\"recordId\":\"A2\",\"action\":\"Delete\"}," \
  "{\"ID\":14,\"tableName\":\"name_oms_fields\",\"recordId\":\"N1\",\"action\":\"UPDATE\"," \
  "\"recordData\":{\"id\":\"N1\"}}," \
  "{\"ID\":15,\"tableName\":\"item\",\"recordId\":\"A1\",\"action\":\"update\"," \
  "\"recordData\":{\"ID\":\"A1\",\"second\":true}}," \
  "{\"ID\":16,\"tableName\":\"item\",\"recordId\":\"A3\",\"action\":\"insert\"," \
  "\"recordData\":\"a string\"}," \
  "{\"ID\":17,\"tableName\":\"item\",\"recordId\":\"A4\",\"action\":\"insert\"," \
  "\"recordData\":null}"

static void
test_v5_same_rows (void)
{
  const char *text = "{\"maxCursor\":40,\"data\":[" V5_RECORDS "]}";
  g_autoptr(OmsV5CentralBatch) batch = NULL;
  g_autoptr(GBytes) body = bytes (text);
  g_autoptr(GError) error = NULL;
  OmsPulledBodySummary summary;
  char *dir_a, *dir_b;
  OmsStore *a = open_store (&dir_a);
  OmsStore *b = open_store (&dir_b);

  g_assert_true (oms_pulled_body_summarize (OMS_PULLED_BODY_V5_CENTRAL, body, 10, &summary));
  g_assert_cmpint (summary.max_cursor, ==, 40);
  g_assert_cmpint (summary.n_records, ==, 7);
  g_assert_cmpint (summary.last_cursor, ==, 17);
  g_assert_cmpint (oms_pulled_body_next_cursor (OMS_PULLED_BODY_V5_CENTRAL, &summary, 10), ==,
                   17);
  g_assert_false (oms_pulled_body_is_last (OMS_PULLED_BODY_V5_CENTRAL, &summary));

  g_assert_true (store_plain (a, OMS_PULLED_BODY_V5_CENTRAL, text, 10));

  batch = oms_v5_parse_central_records (body, &error);
  g_assert_no_error (error);
  g_assert_true (oms_sync_buffer_store_batch (b, batch->records, TRUE, CENTRAL_SITE_ID,
                                              OMS_KV_CENTRAL_SYNC_PULL_CURSOR, 17, NULL, NOW,
                                              &error));
  g_assert_no_error (error);

  assert_same_buffer (a, b);
  g_assert_cmpint (kv_cursor (a, OMS_KV_CENTRAL_SYNC_PULL_CURSOR), ==, 17);

  close_store (a, dir_a);
  close_store (b, dir_b);
}

static void
test_v5_empty_and_gap (void)
{
  g_autoptr(GBytes) done = bytes ("{\"maxCursor\":40,\"data\":[]}");
  g_autoptr(GBytes) gap = bytes ("{\"maxCursor\":40}");
  OmsPulledBodySummary summary;
  char *dir;
  OmsStore *store = open_store (&dir);

  /* Nothing above the cursor and the cursor at maxCursor: the pull is over. */
  g_assert_true (oms_pulled_body_summarize (OMS_PULLED_BODY_V5_CENTRAL, done, 40, &summary));
  g_assert_cmpint (summary.n_records, ==, 0);
  g_assert_true (oms_pulled_body_is_last (OMS_PULLED_BODY_V5_CENTRAL, &summary));

  /* Nothing, but maxCursor above: a gap in the ids, stepped over one at a time. */
  g_assert_true (oms_pulled_body_summarize (OMS_PULLED_BODY_V5_CENTRAL, gap, 20, &summary));
  g_assert_false (oms_pulled_body_is_last (OMS_PULLED_BODY_V5_CENTRAL, &summary));
  g_assert_cmpint (oms_pulled_body_next_cursor (OMS_PULLED_BODY_V5_CENTRAL, &summary, 20), ==,
                   21);
  g_assert_true (store_plain (store, OMS_PULLED_BODY_V5_CENTRAL, "{\"maxCursor\":40}", 20));
  g_assert_cmpint (kv_cursor (store, OMS_KV_CENTRAL_SYNC_PULL_CURSOR), ==, 21);
  g_assert_cmpint (buffer_count (store), ==, 0);

  close_store (store, dir);
}

static void
test_v6_same_rows (void)
{
  const char *text =
    "{\"data\":{\"end_cursor\":90,\"total_records\":300,\"records\":["
    "{\"cursor\":81,\"record\":{\"tableName\":\"asset\",\"recordId\":\"S1\",\"action\":\"Upsert\","
    "\"recordData\":{\"id\":\"S1\",\"notes\":\"f\\u00fcr \\\"x\\\"\",\"properties\":\"{\\\"a\\\":1}\"}}},"
    "{\"cursor\":85,\"record\":{\"tableName\":\"asset_log\",\"recordId\":\"L1\",\"action\":\"Delete\","
    "\"recordData\":null}},"
    "{\"cursor\":90,\"record\":{\"tableName\":\"name_oms_fields\",\"recordId\":\"N1\","
    "\"action\":\"Insert\",\"recordData\":{\"id\":\"N1\",\"gender\":null}}}],"
    "\"is_last_batch\":false}}";
  g_autoptr(GBytes) body = NULL;
  g_autoptr(OmsV6Batch) batch = NULL;
  g_autoptr(GError) error = NULL;
  OmsPulledBodySummary summary;
  char *dir_a, *dir_b;
  OmsStore *a = open_store (&dir_a);
  OmsStore *b = open_store (&dir_b);

  /* "Upsert" is not an action: that record makes the whole body go the long way. */
  body = bytes (text);
  g_assert_true (oms_pulled_body_summarize (OMS_PULLED_BODY_V6_PULL, body, 80, &summary));
  g_assert_false (store_plain (a, OMS_PULLED_BODY_V6_PULL, text, 80));
  g_assert_cmpint (buffer_count (a), ==, 0);
  g_assert_cmpint (kv_cursor (a, OMS_KV_SYNC_PULL_CURSOR_V6), ==, -1);

  {
    g_autofree char *fixed = g_strdup (text);
    char *upsert = strstr (fixed, "Upsert");

    memcpy (upsert, "update", 6);
    g_clear_pointer (&body, g_bytes_unref);
    body = bytes (fixed);

    g_assert_true (oms_pulled_body_summarize (OMS_PULLED_BODY_V6_PULL, body, 80, &summary));
    g_assert_cmpint (summary.end_cursor, ==, 90);
    g_assert_cmpint (summary.total_records, ==, 300);
    g_assert_cmpint (summary.n_records, ==, 3);
    g_assert_false (summary.is_last_batch);
    g_assert_true (store_plain (a, OMS_PULLED_BODY_V6_PULL, fixed, 80));
  }

  batch = oms_v6_parse_pull_response (body, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (oms_sync_buffer_store_batch (b, batch->records, FALSE, 0,
                                              OMS_KV_SYNC_PULL_CURSOR_V6, 91, NULL, NOW,
                                              &error));
  g_assert_no_error (error);

  assert_same_buffer (a, b);
  g_assert_cmpint (kv_cursor (a, OMS_KV_SYNC_PULL_CURSOR_V6), ==, 91);

  close_store (a, dir_a);
  close_store (b, dir_b);
}

/* Bodies the plain road must decline, whole, leaving the store as it was. */
static void
test_declined (void)
{
  static const struct
  {
    OmsPulledBodyKind  kind;
    const char        *body;
  } cases[] = {
    { OMS_PULLED_BODY_V5_CENTRAL, "" },
    { OMS_PULLED_BODY_V5_CENTRAL, "not json" },
    { OMS_PULLED_BODY_V5_CENTRAL, "{\"maxCursor\":4,\"data\":[" },
    { OMS_PULLED_BODY_V5_CENTRAL, "[]" },
    { OMS_PULLED_BODY_V5_CENTRAL, "{\"data\":[]}" },
    { OMS_PULLED_BODY_V5_CENTRAL, "{\"maxCursor\":\"4\",\"data\":[]}" },
    { OMS_PULLED_BODY_V5_CENTRAL, "{\"maxCursor\":-1,\"data\":[]}" },
    { OMS_PULLED_BODY_V5_CENTRAL, "{\"maxCursor\":4.5,\"data\":[]}" },
    { OMS_PULLED_BODY_V5_CENTRAL, "{\"maxCursor\":4,\"data\":null}" },
    { OMS_PULLED_BODY_V5_CENTRAL, "{\"maxCursor\":4,\"data\":{}}" },
    { OMS_PULLED_BODY_V5_CENTRAL, "{\"maxCursor\":4,\"data\":[1]}" },
    { OMS_PULLED_BODY_V5_CENTRAL, "{\"maxCursor\":4,\"data\":[\"x\"]}" },
    { OMS_PULLED_BODY_V5_CENTRAL,
      "{\"maxCursor\":4,\"data\":[{\"ID\":1,\"tableName\":\"item\",\"recordId\":\"A\","
      "\"action\":\"merge\",\"recordData\":{\"mergeIdToKeep\":\"B\"}}]}" },
    { OMS_PULLED_BODY_V5_CENTRAL,
      "{\"maxCursor\":4,\"data\":[{\"ID\":1,\"tableName\":\"item\",\"recordId\":\"A\","
      "\"action\":\"upsert\"}]}" },
    { OMS_PULLED_BODY_V5_CENTRAL,
      "{\"maxCursor\":4,\"data\":[{\"ID\":1,\"tableName\":{\"t\":1},\"recordId\":\"A\","
      "\"action\":\"insert\"}]}" },
    { OMS_PULLED_BODY_V5_CENTRAL,
      "{\"maxCursor\":4,\"data\":[{\"ID\":1,\"tableName\":\"item\",\"recordId\":[\"A\"],"
      "\"action\":\"insert\"}]}" },
    { OMS_PULLED_BODY_V5_CENTRAL,
      "{\"maxCursor\":4,\"data\":[{\"ID\":1,\"tableName\":\"item\",\"recordId\":5,"
      "\"action\":\"insert\"}]}" },
    { OMS_PULLED_BODY_V5_CENTRAL,
      "{\"maxCursor\":4,\"data\":[{\"ID\":\"1\",\"tableName\":\"item\",\"recordId\":\"A\","
      "\"action\":\"insert\"}]}" },
    { OMS_PULLED_BODY_V5_CENTRAL,
      "{\"maxCursor\":4,\"data\":[{\"ID\":-3,\"tableName\":\"item\",\"recordId\":\"A\","
      "\"action\":\"insert\"}]}" },
    { OMS_PULLED_BODY_V5_CENTRAL,
      "{\"maxCursor\":4,\"data\":[{\"tableName\":\"item\",\"recordId\":\"A\","
      "\"action\":\"insert\"}]}" },
    { OMS_PULLED_BODY_V5_CENTRAL,
      "{\"maxCursor\":4,\"data\":[{\"ID\":1,\"tableName\":\"item\",\"recordId\":\"A\","
      "\"action\":true}]}" },
    /* Invalid UTF-8 in a string. */
    { OMS_PULLED_BODY_V5_CENTRAL,
      "{\"maxCursor\":4,\"data\":[{\"ID\":1,\"tableName\":\"item\",\"recordId\":\"\xff\","
      "\"action\":\"insert\"}]}" },
    { OMS_PULLED_BODY_V6_PULL,
      "{\"error\":{\"siteNameNotFound\":\"no such site\"}}" },
    { OMS_PULLED_BODY_V6_PULL,
      "{\"data\":{\"end_cursor\":1,\"total_records\":1,\"records\":[],\"is_last_batch\":true},"
      "\"error\":null}" },
    { OMS_PULLED_BODY_V6_PULL,
      "{\"data\":{\"end_cursor\":1,\"total_records\":1,\"records\":[]}}" },
    { OMS_PULLED_BODY_V6_PULL,
      "{\"data\":{\"end_cursor\":1,\"total_records\":1,\"records\":[],\"is_last_batch\":1}}" },
    { OMS_PULLED_BODY_V6_PULL,
      "{\"data\":{\"end_cursor\":1,\"total_records\":1,\"records\":[{\"cursor\":1}],"
      "\"is_last_batch\":true}}" },
    { OMS_PULLED_BODY_V6_PULL,
      "{\"data\":{\"end_cursor\":1,\"total_records\":1,\"records\":[{\"cursor\":1,"
      "\"record\":[]}],\"is_last_batch\":true}}" },
    { OMS_PULLED_BODY_V6_PULL,
      "{\"data\":{\"end_cursor\":1,\"total_records\":1,\"records\":[{\"cursor\":1,"
      "\"tableName\":\"asset\",\"recordId\":\"A\",\"action\":\"insert\"}],"
      "\"is_last_batch\":true}}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *printable = g_strescape (cases[i].body, NULL);
      char *dir;
      OmsStore *store = open_store (&dir);

      g_test_message ("case %u: %s", i, printable);
      g_assert_false (store_plain (store, cases[i].kind, cases[i].body, 0));
      g_assert_cmpint (buffer_count (store), ==, 0);
      g_assert_cmpint (kv_cursor (store, OMS_KV_CENTRAL_SYNC_PULL_CURSOR), ==, -1);
      g_assert_cmpint (kv_cursor (store, OMS_KV_SYNC_PULL_CURSOR_V6), ==, -1);
      close_store (store, dir);
    }
}

/* A body declined after an earlier one was stored leaves that one, and its cursor, alone. */
static void
test_declined_keeps_earlier (void)
{
  char *dir;
  OmsStore *store = open_store (&dir);

  g_assert_true (store_plain (store, OMS_PULLED_BODY_V5_CENTRAL,
                              "{\"maxCursor\":9,\"data\":[{\"ID\":3,\"tableName\":\"item\","
                              "\"recordId\":\"A\",\"action\":\"insert\",\"recordData\":{}}]}",
                              0));
  g_assert_false (store_plain (store, OMS_PULLED_BODY_V5_CENTRAL,
                               "{\"maxCursor\":9,\"data\":[{\"ID\":4,\"tableName\":\"item\","
                               "\"recordId\":\"B\",\"action\":\"insert\",\"recordData\":{}},"
                               "{\"ID\":5,\"tableName\":\"item\",\"recordId\":\"C\","
                               "\"action\":\"merge\",\"recordData\":{}}]}",
                               3));
  g_assert_cmpint (buffer_count (store), ==, 1);
  g_assert_cmpint (kv_cursor (store, OMS_KV_CENTRAL_SYNC_PULL_CURSOR), ==, 3);

  close_store (store, dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/oms/sync/pulled-body/v5-same-rows", test_v5_same_rows);
  g_test_add_func ("/oms/sync/pulled-body/v5-empty-and-gap", test_v5_empty_and_gap);
  g_test_add_func ("/oms/sync/pulled-body/v6-same-rows", test_v6_same_rows);
  g_test_add_func ("/oms/sync/pulled-body/declined", test_declined);
  g_test_add_func ("/oms/sync/pulled-body/declined-keeps-earlier", test_declined_keeps_earlier);

  return g_test_run ();
}
