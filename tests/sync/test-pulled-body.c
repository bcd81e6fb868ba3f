/* test-pulled-body.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A pulled body read by the scan (oms-pulled-body.c) and stored by oms-sync-buffer-body.c
 * gives the same sync_buffer rows and cursor as the full parser's road (parse +
 * oms_sync_buffer_store_batch()), and every body the scan must not take is declined.
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "oms-store-private.h"
#include "oms-sync-buffer.h"
#include "oms-sync-buffer-body.h"
#include "oms-v5-json.h"
#include "oms-v6-json.h"
#include "../protocol/protocol-test-util.h"

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

static OmsPulledBody *
scan (OmsPulledBodyKind  kind,
      const char        *text,
      gint64             request_cursor)
{
  g_autoptr(GBytes) body = bytes (text);

  return oms_pulled_body_scan (kind, body, request_cursor);
}

/* Stores @body by the scan's road; returns whether it was taken. */
static gboolean
store_plain (OmsStore          *store,
             OmsPulledBodyKind  kind,
             const char        *text,
             gint64             request_cursor)
{
  g_autoptr(OmsPulledBody) scanned = scan (kind, text, request_cursor);
  g_autoptr(GError) error = NULL;

  if (scanned == NULL)
    return FALSE;

  g_assert_true (oms_sync_buffer_store_body (store, scanned, kind == OMS_PULLED_BODY_V5_CENTRAL,
                                             CENTRAL_SITE_ID, NULL, NOW, &error));
  g_assert_no_error (error);
  return TRUE;
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
  g_autoptr(OmsPulledBody) scanned = scan (OMS_PULLED_BODY_V5_CENTRAL, text, 10);
  g_autoptr(GBytes) body = bytes (text);
  g_autoptr(GError) error = NULL;
  const OmsPulledBodySummary *summary;
  char *dir_a, *dir_b;
  OmsStore *a = open_store (&dir_a);
  OmsStore *b = open_store (&dir_b);

  g_assert_nonnull (scanned);
  summary = oms_pulled_body_get_summary (scanned);
  g_assert_cmpint (summary->max_cursor, ==, 40);
  g_assert_cmpint (summary->n_records, ==, 7);
  g_assert_cmpint (summary->last_cursor, ==, 17);
  g_assert_cmpint (oms_pulled_body_next_cursor (scanned), ==, 17);
  g_assert_false (oms_pulled_body_is_last (scanned));

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

/* Whitespace between tokens, as a pretty-printing server sends it: stored compact. */
static void
test_v5_pretty_same_rows (void)
{
  const char *text =
    "{\n  \"maxCursor\" : 9,\n  \"data\" : [\n    {\n      \"ID\" : 3,\n"
    "      \"tableName\" : \"item\",\n      \"recordId\" : \"P1\",\n      \"action\" : \"insert\",\n"
    "      \"recordData\" : {\n        \"name\" : \"a  b\\\" c\",\n        \"list\" : [ 1 , 2.5 ,"
    " { \"k\" : \"\\\\\" } ],\n        \"t\" : true\r\n      }\n    }\n  ]\n}\n";
  g_autoptr(OmsV5CentralBatch) batch = NULL;
  g_autoptr(GBytes) body = bytes (text);
  g_autoptr(GError) error = NULL;
  char *dir_a, *dir_b;
  OmsStore *a = open_store (&dir_a);
  OmsStore *b = open_store (&dir_b);
  sqlite3_stmt *stmt;

  g_assert_true (store_plain (a, OMS_PULLED_BODY_V5_CENTRAL, text, 0));
  batch = oms_v5_parse_central_records (body, &error);
  g_assert_no_error (error);
  g_assert_true (oms_sync_buffer_store_batch (b, batch->records, TRUE, CENTRAL_SITE_ID,
                                              OMS_KV_CENTRAL_SYNC_PULL_CURSOR, 3, NULL, NOW,
                                              &error));
  assert_same_buffer (a, b);

  stmt = oms_store_prepare (a, "SELECT data FROM sync_buffer", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==,
                   "{\"name\":\"a  b\\\" c\",\"list\":[1,2.5,{\"k\":\"\\\\\"}],\"t\":true}");
  sqlite3_reset (stmt);

  close_store (a, dir_a);
  close_store (b, dir_b);
}

/* Both roads on @text: the same rows, or both refuse it. */
static void
assert_roads_agree_v5 (const char *text,
                       gboolean    expect_scanned)
{
  g_autoptr(OmsV5CentralBatch) batch = NULL;
  g_autoptr(GBytes) body = bytes (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsPulledBody) scanned = scan (OMS_PULLED_BODY_V5_CENTRAL, text, 0);
  char *dir_a, *dir_b;
  OmsStore *a, *b;

  g_assert_true ((scanned != NULL) == expect_scanned);
  batch = oms_v5_parse_central_records (body, &error);
  g_assert_no_error (error);
  if (scanned == NULL)
    return;

  a = open_store (&dir_a);
  b = open_store (&dir_b);
  g_assert_true (store_plain (a, OMS_PULLED_BODY_V5_CENTRAL, text, 0));
  g_assert_true (oms_sync_buffer_store_batch (b, batch->records, TRUE, CENTRAL_SITE_ID,
                                              OMS_KV_CENTRAL_SYNC_PULL_CURSOR,
                                              oms_pulled_body_next_cursor (scanned), NULL, NOW,
                                              &error));
  g_assert_no_error (error);
  assert_same_buffer (a, b);
  g_assert_cmpint (kv_cursor (a, OMS_KV_CENTRAL_SYNC_PULL_CURSOR), ==,
                   kv_cursor (b, OMS_KV_CENTRAL_SYNC_PULL_CURSOR));
  close_store (a, dir_a);
  close_store (b, dir_b);
}

/* The upstream central_records fixture, pretty-printed as it is. */
static void
test_fixture_central_records (void)
{
  g_autoptr(GBytes) body = load_fixture ("F2.json");
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  assert_roads_agree_v5 (text, TRUE);
}

/* Every recordData payload of the upstream test data, in one batch, compact and pretty. */
static void
test_fixture_records (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fixture_path ("records.json");
  g_autofree char *compact = NULL;
  g_autofree char *pretty = NULL;
  g_autoptr(GList) tables = NULL;
  JsonObject *by_table;
  gint64 id = 0;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  by_table = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                            "tables");
  tables = json_object_get_members (by_table);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  for (GList *l = tables; l != NULL; l = l->next)
    {
      JsonArray *records = json_object_get_array_member (by_table, l->data);

      for (guint i = 0; i < json_array_get_length (records); i++)
        {
          JsonObject *record = json_array_get_object_element (records, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "ID");
          json_builder_add_int_value (builder, ++id);
          json_builder_set_member_name (builder, "tableName");
          json_builder_add_string_value (builder, l->data);
          json_builder_set_member_name (builder, "recordId");
          json_builder_add_string_value (builder,
                                         json_object_get_string_member (record, "recordId"));
          json_builder_set_member_name (builder, "action");
          json_builder_add_string_value (builder, "update");
          json_builder_set_member_name (builder, "recordData");
          json_builder_add_value (builder,
                                  json_node_copy (json_object_get_member (record, "recordData")));
          json_builder_end_object (builder);
        }
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "maxCursor");
  json_builder_add_int_value (builder, id);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  g_assert_cmpint (id, >, 10);
  compact = json_to_string (root, FALSE);
  pretty = json_to_string (root, TRUE);
  assert_roads_agree_v5 (compact, TRUE);
  assert_roads_agree_v5 (pretty, TRUE);
}

static void
test_v5_empty_and_gap (void)
{
  g_autoptr(OmsPulledBody) done = scan (OMS_PULLED_BODY_V5_CENTRAL,
                                        "{\"maxCursor\":40,\"data\":[]}", 40);
  g_autoptr(OmsPulledBody) gap = scan (OMS_PULLED_BODY_V5_CENTRAL, "{\"maxCursor\":40}", 20);
  char *dir;
  OmsStore *store = open_store (&dir);

  /* Nothing above the cursor and the cursor at maxCursor: the pull is over. */
  g_assert_nonnull (done);
  g_assert_cmpint (oms_pulled_body_get_summary (done)->n_records, ==, 0);
  g_assert_true (oms_pulled_body_is_last (done));

  /* Nothing, but maxCursor above: a gap in the ids, stepped over one at a time. */
  g_assert_nonnull (gap);
  g_assert_false (oms_pulled_body_is_last (gap));
  g_assert_cmpint (oms_pulled_body_next_cursor (gap), ==, 21);
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
  char *dir_a, *dir_b;
  OmsStore *a = open_store (&dir_a);
  OmsStore *b = open_store (&dir_b);

  /* "Upsert" is not an action: that record makes the whole body go the long way. */
  g_assert_false (store_plain (a, OMS_PULLED_BODY_V6_PULL, text, 80));
  g_assert_cmpint (buffer_count (a), ==, 0);
  g_assert_cmpint (kv_cursor (a, OMS_KV_SYNC_PULL_CURSOR_V6), ==, -1);

  {
    g_autofree char *fixed = g_strdup (text);
    char *upsert = strstr (fixed, "Upsert");
    g_autoptr(OmsPulledBody) scanned = NULL;
    const OmsPulledBodySummary *summary;

    memcpy (upsert, "update", 6);
    body = bytes (fixed);

    scanned = scan (OMS_PULLED_BODY_V6_PULL, fixed, 80);
    g_assert_nonnull (scanned);
    summary = oms_pulled_body_get_summary (scanned);
    g_assert_cmpint (summary->end_cursor, ==, 90);
    g_assert_cmpint (summary->total_records, ==, 300);
    g_assert_cmpint (summary->n_records, ==, 3);
    g_assert_false (summary->is_last_batch);
    g_assert_cmpint (oms_pulled_body_next_cursor (scanned), ==, 91);
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
#define V5_ONE(REST) \
      "{\"maxCursor\":4,\"data\":[{\"ID\":1,\"tableName\":\"item\",\"recordId\":\"A\"," \
      "\"action\":\"insert\"" REST "}]}"
    /* The grammar (RFC 8259), anywhere in the body. */
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\":1,}") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":[1,]") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\":01}") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\":1.}") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\":.5}") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\":+1}") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\":1e}") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\":tru}") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\":NaN}") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\":\"tab\tinside\"}") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\":\"\\x\"}") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\":\"\\u12\"}") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\":\"unterminated}") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\" 1}") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{a:1}") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\":1}") " trailing" },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\":1}") "{}" },
    /* Where json-glib could read the same text otherwise. */
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\":\"\\ud800\"}") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\":\"\\u0000\"}") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\":12345678901234567890123}") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{\"a\":1e9999}") },
    { OMS_PULLED_BODY_V5_CENTRAL,
      V5_ONE (",\"recordData\":"
              "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
              "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"ID\":2") },
    { OMS_PULLED_BODY_V5_CENTRAL, V5_ONE (",\"recordData\":{},\"recordData\":{}") },
    { OMS_PULLED_BODY_V5_CENTRAL,
      "{\"maxCursor\":4,\"maxCursor\":5,\"data\":[]}" },
    { OMS_PULLED_BODY_V5_CENTRAL,
      "{\"maxCursor\":4,\"data\":[{\"\\u0049D\":1,\"tableName\":\"item\",\"recordId\":\"A\","
      "\"action\":\"insert\"}]}" },
    { OMS_PULLED_BODY_V5_CENTRAL,
      "{\"maxCursor\":4,\"data\":[{\"ID\":1,\"tableName\":\"it\\u0065m\",\"recordId\":\"A\","
      "\"action\":\"insert\"}]}" },
    { OMS_PULLED_BODY_V5_CENTRAL,
      "{\"maxCursor\":4,\"data\":[{\"ID\":1,\"tableName\":\"item\",\"recordId\":\"A\\\"B\","
      "\"action\":\"insert\"}]}" },
    { OMS_PULLED_BODY_V5_CENTRAL,
      "{\"maxCursor\":12345678901234567890,\"data\":[]}" },
#undef V5_ONE
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

/*
 * Cut bodies: the records that came whole, whatever byte the answer was cut at
 */

static const char * const cut_v5_records[] = {
  "{\"ID\":11,\"tableName\":\"item\",\"recordId\":\"A1\",\"action\":\"insert\","
  "\"recordData\":{\"z\":1,\"a\":\"\\u00e9t\\u00e9 \\\"}]quoted\\\" \\\\ /\",\"n\":1.0}}",
  "{\"ID\":12,\"tableName\":\"name\",\"recordId\":\"N1\",\"action\":\"Update\","
  "\"recordData\":{\"ID\":\"N1\",\"name\":\"Clinic 東\",\"custom_data\":null}}",
  "{\"ID\":13,\"tableName\":\"item\",\"recordId\":\"A2\",\"action\":\"Delete\"}",
  "{\"ID\":15,\"tableName\":\"item\",\"recordId\":\"A1\",\"action\":\"update\","
  "\"recordData\":{\"ID\":\"A1\",\"nested\":{\"y\":[1,2,{\"x\":null}]}}}",
};

static const char * const cut_v6_records[] = {
  "{\"cursor\":81,\"record\":{\"tableName\":\"asset\",\"recordId\":\"S1\",\"action\":\"Update\","
  "\"recordData\":{\"id\":\"S1\",\"notes\":\"f\\u00fcr \\\"x\\\"\"}}}",
  "{\"cursor\":85,\"record\":{\"tableName\":\"asset_log\",\"recordId\":\"L1\","
  "\"action\":\"Delete\",\"recordData\":null}}",
  "{\"cursor\":90,\"record\":{\"tableName\":\"name_oms_fields\",\"recordId\":\"N1\","
  "\"action\":\"Insert\",\"recordData\":{\"id\":\"N1\",\"gender\":null}}}",
};

/* @head, the records joined by commas, @tail; @ends gets where each record ends. */
static char *
join_records (const char        *head,
              const char * const *records,
              guint              n_records,
              const char        *tail,
              gsize             *ends)
{
  GString *text = g_string_new (head);

  for (guint i = 0; i < n_records; i++)
    {
      if (i > 0)
        g_string_append_c (text, ',');
      g_string_append (text, records[i]);
      ends[i] = text->len;
    }
  g_string_append (text, tail);
  return g_string_free (text, FALSE);
}

static OmsPulledBody *
scan_cut (OmsPulledBodyKind  kind,
          const char        *text,
          gsize              length,
          gint64             request_cursor,
          gint64             known_max_cursor)
{
  g_autoptr(GBytes) body = g_bytes_new (text, length);

  return oms_pulled_body_scan_cut (kind, body, request_cursor, known_max_cursor);
}

/* @text cut at every byte keeps exactly the records that end before the cut (@ends), and goes
 * on from @next_cursors of the last of them; nothing when none came whole. A cut body is never
 * the last batch, even when the cut fell after is_last_batch.
 */
static void
check_cut_every_byte (OmsPulledBodyKind  kind,
                      const char        *text,
                      const gsize       *ends,
                      const gint64      *next_cursors,
                      guint              n_records,
                      gint64             request_cursor)
{
  for (gsize length = 0; length <= strlen (text); length++)
    {
      g_autoptr(OmsPulledBody) cut = scan_cut (kind, text, length, request_cursor, 7);
      const OmsPulledBodySummary *summary;
      guint whole = 0;

      while (whole < n_records && ends[whole] <= length)
        whole++;
      if (whole == 0)
        {
          g_assert_null (cut);
          continue;
        }

      g_assert_nonnull (cut);
      summary = oms_pulled_body_get_summary (cut);
      g_assert_cmpint (summary->n_records, ==, whole);
      g_assert_true (summary->is_cut);
      if (kind == OMS_PULLED_BODY_V5_CENTRAL)
        g_assert_cmpint (summary->max_cursor, ==, 40);
      g_assert_cmpint (oms_pulled_body_next_cursor (cut), ==, next_cursors[whole - 1]);
      g_assert_false (oms_pulled_body_is_last (cut));
    }
}

static void
test_cut_every_byte (void)
{
  static const gint64 v5_next[] = { 11, 12, 13, 15 };
  static const gint64 v6_next[] = { 82, 86, 91 };
  gsize v5_ends[G_N_ELEMENTS (cut_v5_records)];
  gsize v6_ends[G_N_ELEMENTS (cut_v6_records)];
  g_autofree char *v5 = join_records ("{\"maxCursor\":40,\"data\":[", cut_v5_records,
                                      G_N_ELEMENTS (cut_v5_records), "]}", v5_ends);
  g_autofree char *v6 = join_records ("{\"data\":{\"end_cursor\":95,\"total_records\":300,"
                                      "\"records\":[", cut_v6_records,
                                      G_N_ELEMENTS (cut_v6_records),
                                      "],\"is_last_batch\":true}}", v6_ends);

  check_cut_every_byte (OMS_PULLED_BODY_V5_CENTRAL, v5, v5_ends, v5_next,
                        G_N_ELEMENTS (v5_next), 10);
  check_cut_every_byte (OMS_PULLED_BODY_V6_PULL, v6, v6_ends, v6_next,
                        G_N_ELEMENTS (v6_next), 80);
}

/* What a cut body keeps is stored with its cursor, as a batch of its own; a record the scan
 * does not take ends what is kept; cursors that do not rise keep nothing; maxCursor after the
 * data, where the cut fell before it, is the one known from earlier.
 */
static void
test_cut_stored (void)
{
  gsize ends[G_N_ELEMENTS (cut_v5_records)];
  g_autofree char *text = join_records ("{\"maxCursor\":40,\"data\":[", cut_v5_records,
                                        G_N_ELEMENTS (cut_v5_records), "]}", ends);
  g_autoptr(OmsPulledBody) cut = scan_cut (OMS_PULLED_BODY_V5_CENTRAL, text, ends[1] + 9, 10, 7);
  g_autoptr(GError) error = NULL;
  char *dir;
  OmsStore *store = open_store (&dir);

  g_assert_true (oms_sync_buffer_store_body (store, cut, TRUE, CENTRAL_SITE_ID, NULL, NOW,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpint (buffer_count (store), ==, 2);
  g_assert_cmpint (kv_cursor (store, OMS_KV_CENTRAL_SYNC_PULL_CURSOR), ==, 12);
  close_store (store, dir);

  {
    const char *merge =
      "{\"maxCursor\":40,\"data\":[{\"ID\":11,\"tableName\":\"item\",\"recordId\":\"A\","
      "\"action\":\"insert\",\"recordData\":{}},{\"ID\":12,\"tableName\":\"item\","
      "\"recordId\":\"B\",\"action\":\"merge\",\"recordData\":{}},{\"ID\":13,\"tab";
    g_autoptr(OmsPulledBody) kept = scan_cut (OMS_PULLED_BODY_V5_CENTRAL, merge,
                                              strlen (merge), 10, 7);

    g_assert_cmpint (oms_pulled_body_get_summary (kept)->n_records, ==, 1);
    g_assert_cmpint (oms_pulled_body_next_cursor (kept), ==, 11);
  }
  {
    const char *falling =
      "{\"data\":{\"end_cursor\":95,\"total_records\":3,\"records\":[{\"cursor\":85,"
      "\"record\":{\"tableName\":\"asset\",\"recordId\":\"A\",\"action\":\"Update\","
      "\"recordData\":{}}},{\"cursor\":81,\"record\":{\"tableName\":\"asset\",\"recordId\":\"B\","
      "\"action\":\"Update\",\"recordData\":{}}},{\"cu";
    const char *below =
      "{\"maxCursor\":40,\"data\":[{\"ID\":10,\"tableName\":\"item\",\"recordId\":\"A\","
      "\"action\":\"insert\",\"recordData\":{}},{";

    g_assert_null (scan_cut (OMS_PULLED_BODY_V6_PULL, falling, strlen (falling), 80, -1));
    g_assert_null (scan_cut (OMS_PULLED_BODY_V5_CENTRAL, below, strlen (below), 10, 7));
  }
  {
    const char *max_after =
      "{\"data\":[{\"ID\":11,\"tableName\":\"item\",\"recordId\":\"A\",\"action\":\"insert\","
      "\"recordData\":{}},{\"ID\":30,\"tableName\":\"item\",\"recordId\":\"B\","
      "\"action\":\"insert\",\"recordData\":{}}],\"maxCur";
    g_autoptr(OmsPulledBody) kept = scan_cut (OMS_PULLED_BODY_V5_CENTRAL, max_after,
                                              strlen (max_after), 10, 25);

    g_assert_cmpint (oms_pulled_body_get_summary (kept)->n_records, ==, 2);
    g_assert_cmpint (oms_pulled_body_get_summary (kept)->max_cursor, ==, 30);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/oms/sync/pulled-body/v5-same-rows", test_v5_same_rows);
  g_test_add_func ("/oms/sync/pulled-body/v5-pretty-same-rows", test_v5_pretty_same_rows);
  g_test_add_func ("/oms/sync/pulled-body/v5-empty-and-gap", test_v5_empty_and_gap);
  g_test_add_func ("/oms/sync/pulled-body/fixture-central-records",
                   test_fixture_central_records);
  g_test_add_func ("/oms/sync/pulled-body/fixture-records", test_fixture_records);
  g_test_add_func ("/oms/sync/pulled-body/v6-same-rows", test_v6_same_rows);
  g_test_add_func ("/oms/sync/pulled-body/declined", test_declined);
  g_test_add_func ("/oms/sync/pulled-body/declined-keeps-earlier", test_declined_keeps_earlier);
  g_test_add_func ("/oms/sync/pulled-body/cut-every-byte", test_cut_every_byte);
  g_test_add_func ("/oms/sync/pulled-body/cut-stored", test_cut_stored);

  return g_test_run ();
}
