/* test-round-trip.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-round-trip"

#include "config.h"

#include <glib.h>

#include "oms-json-gate.h"
#include "oms-json-util.h"
#include "oms-protocol-error.h"
#include "oms-pulled-body.h"
#include "oms-v5-auth.h"
#include "oms-v5-json.h"
#include "oms-v6-json.h"
#include "protocol-test-util.h"

/* Each message of both APIs has a parser and a builder in the protocol layer: the client
 * builds requests and parses answers, omsync-central parses requests and builds answers.
 * Here each pair is checked both ways, and against the real servers' bodies in
 * tests/fixtures/upstream: what Open mSupply or the legacy central sent parses, and building
 * it again gives its bytes (compacted) wherever the fixture is in the server's own field order.
 */

#define SHA256_OF_PASS "d74ff0ee8da3b9806b18c877dbf29bbde50b5bd8e4dad7a3a725000feb82e8f1"

/* Stored record data a server copies into its answers as it is: escapes, non-ASCII, nesting,
 * numbers whose spelling carries their type.
 */
#define TRICKY_DATA \
  "{\"ID\":\"T\",\"name\":\"Ünïcødé \\\"q\\\" \\\\ \\u0001\"," \
  "\"nested\":{\"a\":[1,{\"b\":null},[]]},\"one\":1.0,\"int\":9007199254740993}"

/* A fixture as one line of compact JSON, which is how every builder writes. */
static char *
compact_fixture (const char *name)
{
  g_autoptr(GBytes) bytes = load_fixture (name);

  return oms_json_compact (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static OmsSyncApiSettings *
test_settings (void)
{
  return oms_sync_api_settings_new ("http://localhost:2048", "test", SHA256_OF_PASS,
                                    "hardwareid");
}

static void
assert_same_settings (const OmsSyncApiSettings *a,
                      const OmsSyncApiSettings *b)
{
  g_assert_cmpstr (a->server_url, ==, b->server_url);
  g_assert_cmpstr (a->username, ==, b->username);
  g_assert_cmpstr (a->password_sha256, ==, b->password_sha256);
  g_assert_cmpstr (a->site_uuid, ==, b->site_uuid);
  g_assert_cmpstr (a->app_version, ==, b->app_version);
  g_assert_cmpstr (a->app_name, ==, b->app_name);
  g_assert_cmpstr (a->sync_version, ==, b->sync_version);
}

static void
assert_same_records (GPtrArray *a,
                     GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      const OmsSyncRecord *x = g_ptr_array_index (a, i);
      const OmsSyncRecord *y = g_ptr_array_index (b, i);

      g_assert_cmpint (x->cursor, ==, y->cursor);
      g_assert_cmpstr (x->sync_id, ==, y->sync_id);
      g_assert_cmpstr (x->table_name, ==, y->table_name);
      g_assert_cmpstr (x->record_id, ==, y->record_id);
      g_assert_cmpint (x->action, ==, y->action);
      g_assert_cmpstr (x->data, ==, y->data);
    }
}

static OmsSyncRecord *
new_record (gint64         cursor,
            const char    *table_name,
            const char    *record_id,
            OmsSyncAction  action,
            const char    *data)
{
  OmsSyncRecord *record = oms_sync_record_new (table_name, record_id, action, data);

  record->cursor = cursor;
  return record;
}

/* ---- v5: the legacy central ---- */

/* Reads a fixture with the client's parser and writes it with the server's builder. */
typedef GBytes *(*RebuildFunc) (GBytes *fixture);

static GBytes *
rebuild_site_info (GBytes *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV5SiteInfo) info = oms_v5_parse_site_info (fixture, &error);

  g_assert_no_error (error);
  return oms_v5_build_site_info (info);
}

static GBytes *
rebuild_site_status (GBytes *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV5SiteStatus) status = oms_v5_parse_site_status (fixture, &error);

  g_assert_no_error (error);
  return oms_v5_build_site_status (status);
}

static GBytes *
rebuild_initialise (GBytes *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV5RemoteBatch) batch = oms_v5_parse_initialise_response (fixture, &error);

  g_assert_no_error (error);
  return oms_v5_build_initialise_response (batch->queue_length);
}

static GBytes *
rebuild_central_records (GBytes *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV5CentralBatch) batch = oms_v5_parse_central_records (fixture, &error);
  g_autoptr(OmsV5CentralBatch) again = NULL;
  GBytes *built;

  g_assert_no_error (error);
  built = oms_v5_build_central_records (batch);
  again = oms_v5_parse_central_records (built, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->max_cursor, ==, batch->max_cursor);
  assert_same_records (again->records, batch->records);
  return built;
}

static GBytes *
rebuild_queued_records (GBytes *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV5RemoteBatch) batch = oms_v5_parse_queued_records (fixture, &error);
  g_autoptr(OmsV5RemoteBatch) again = NULL;
  GBytes *built;

  g_assert_no_error (error);
  built = oms_v5_build_queued_records (batch);
  again = oms_v5_parse_queued_records (built, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->queue_length, ==, batch->queue_length);
  assert_same_records (again->records, batch->records);
  return built;
}

static GBytes *
rebuild_push_response (GBytes *fixture)
{
  g_autoptr(GError) error = NULL;
  gboolean started = FALSE;

  g_assert_true (oms_v5_parse_push_response (fixture, &started, &error));
  g_assert_no_error (error);
  return oms_v5_build_push_response (started);
}

static GBytes *
rebuild_error_body (GBytes *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV5Error) error_body = oms_v5_parse_error_body (fixture, &error);
  g_autoptr(OmsV5Error) made = NULL;

  g_assert_no_error (error);
  made = oms_v5_error_new (error_body->code, error_body->message, error_body->data);
  return oms_v5_build_error_body (made);
}

/* What the legacy central sent, read and written again, is what it sent (compacted): the
 * fixtures are in the server's own field order.
 */
static void
test_v5_fixtures_rebuild (void)
{
  static const struct
  {
    const char  *fixture;
    RebuildFunc  rebuild;
  } cases[] = {
    { "F4a.json", rebuild_site_info },
    { "F4b-1.json", rebuild_site_status },
    { "F4b-2.json", rebuild_site_status },
    { "F4b-3.json", rebuild_site_status },
    { "F4c.json", rebuild_initialise },
    { "F2.json", rebuild_central_records },
    { "F3a.json", rebuild_queued_records },
    { "F3b-2.json", rebuild_push_response },
    { "F5a.json", rebuild_error_body },
    { "F5c.json", rebuild_error_body },
    { "F5d.json", rebuild_error_body },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) fixture = load_fixture (cases[i].fixture);
      g_autofree char *expected = compact_fixture (cases[i].fixture);
      g_autoptr(GBytes) built = cases[i].rebuild (fixture);

      g_test_message ("%s", cases[i].fixture);
      assert_bytes_equal (built, expected);
    }
}

static void
test_v5_site_info (void)
{
  g_autoptr(GBytes) fixture = load_fixture ("F4a.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV5SiteInfo) info = oms_v5_parse_site_info (fixture, &error);
  g_autoptr(OmsV5SiteInfo) again = NULL;
  g_autoptr(GBytes) without_names = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (info->code, ==, "s123");
  g_assert_cmpstr (info->name, ==, "Site 123");

  /* code and name are optional on both sides. */
  g_clear_pointer (&info->code, g_free);
  g_clear_pointer (&info->name, g_free);
  info->initialisation_status = OMS_V5_INITIALISATION_STATUS_STARTED;
  info->is_central_server = TRUE;
  without_names = oms_v5_build_site_info (info);
  again = oms_v5_parse_site_info (without_names, &error);
  g_assert_no_error (error);
  g_assert_null (again->code);
  g_assert_null (again->name);
  g_assert_cmpstr (again->id, ==, info->id);
  g_assert_cmpint (again->site_id, ==, info->site_id);
  g_assert_cmpint (again->initialisation_status, ==, OMS_V5_INITIALISATION_STATUS_STARTED);
  g_assert_true (again->is_central_server);
  g_assert_cmpstr (again->central_server_url, ==, info->central_server_url);
  g_assert_cmpint (again->msupply_central_site_id, ==, info->msupply_central_site_id);

  for (int status = OMS_V5_INITIALISATION_STATUS_NEW; status <= OMS_V5_INITIALISATION_STATUS_ERROR;
       status++)
    {
      OmsV5InitialisationStatus read = OMS_V5_INITIALISATION_STATUS_NEW;

      g_assert_true (oms_v5_initialisation_status_from_string (
                       oms_v5_initialisation_status_to_string (status), &read));
      g_assert_cmpint (read, ==, status);
    }
  {
    OmsV5InitialisationStatus read = OMS_V5_INITIALISATION_STATUS_NEW;

    g_assert_false (oms_v5_initialisation_status_from_string ("Started", &read));
    g_assert_false (oms_v5_initialisation_status_from_string (NULL, &read));
  }
}

static void
test_v5_site_status (void)
{
  g_autoptr(OmsV5SiteStatus) status = g_new0 (OmsV5SiteStatus, 1);
  g_autoptr(OmsV5SiteStatus) again = NULL;
  g_autoptr(GBytes) built = NULL;
  g_autoptr(GError) error = NULL;

  status->code = OMS_V5_SITE_STATUS_SYNC_IS_RUNNING;
  status->message = g_strdup ("Sync \"running\"");
  status->data = g_strdup ("some data");
  built = oms_v5_build_site_status (status);
  again = oms_v5_parse_site_status (built, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->code, ==, status->code);
  g_assert_cmpstr (again->message, ==, status->message);
  g_assert_cmpstr (again->data, ==, status->data);
}

/* The record writer a server uses copies stored data without parsing it; the full parser and
 * the client's fast scanner must both read it back as it was stored.
 */
static void
test_v5_record_writer (void)
{
  static const char table[] = "odd \"table\" \t é";
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV5CentralBatch) batch = NULL;
  g_autoptr(OmsPulledBody) scanned = NULL;
  const OmsPulledRecord *records;
  const OmsSyncRecord *record;
  guint n_records = 0;
  static const char plain[] = "{\"ID\":\"C\",\"name\":\"é\"}";

  oms_v5_begin_central_records (out, 12);
  oms_v5_append_central_record (out, 10, "item", "A", "insert", TRICKY_DATA,
                                strlen (TRICKY_DATA));
  oms_v5_append_central_record (out, 11, table, "B", "delete", NULL, 0);
  oms_v5_append_central_record (out, 12, "item", "C", "update", "{\"ID\":\"C\"}", 10);
  oms_v5_end_records (out);
  body = g_bytes_new (out->str, out->len);

  batch = oms_v5_parse_central_records (body, &error);
  g_assert_no_error (error);
  g_assert_cmpint (batch->max_cursor, ==, 12);
  g_assert_cmpuint (batch->records->len, ==, 3);
  record = g_ptr_array_index (batch->records, 0);
  g_assert_cmpint (record->cursor, ==, 10);
  g_assert_cmpint (record->action, ==, OMS_SYNC_ACTION_INSERT);
  {
    g_autofree char *canonical = oms_json_canonicalise (TRICKY_DATA, -1, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (record->data, ==, canonical);
  }
  record = g_ptr_array_index (batch->records, 1);
  g_assert_cmpstr (record->table_name, ==, table);
  g_assert_cmpint (record->action, ==, OMS_SYNC_ACTION_DELETE);
  g_assert_cmpstr (record->data, ==, "{}");

  /* Plain records, which the client's scanner takes without the full parser. */
  g_string_truncate (out, 0);
  g_clear_pointer (&body, g_bytes_unref);
  oms_v5_begin_central_records (out, 12);
  oms_v5_append_central_record (out, 11, "item", "B", "delete", NULL, 0);
  oms_v5_append_central_record (out, 12, "item", "C", "update", plain, strlen (plain));
  oms_v5_end_records (out);
  body = g_bytes_new (out->str, out->len);
  scanned = oms_pulled_body_scan (OMS_PULLED_BODY_V5_CENTRAL, body, 9);
  g_assert_nonnull (scanned);
  records = oms_pulled_body_get_records (scanned, &n_records);
  g_assert_cmpuint (n_records, ==, 2);
  g_assert_null (records[0].data);
  g_assert_cmpint (records[0].action, ==, OMS_BUFFER_ACTION_DELETE);
  g_assert_cmpmem (records[1].data, records[1].data_length, plain, strlen (plain));
  g_assert_cmpint (oms_pulled_body_get_summary (scanned)->max_cursor, ==, 12);
  g_assert_cmpint (oms_pulled_body_get_summary (scanned)->last_cursor, ==, 12);

  /* An empty batch is still the full shape. */
  g_string_truncate (out, 0);
  oms_v5_begin_queued_records (out, 0);
  oms_v5_end_records (out);
  g_assert_cmpstr (out->str, ==, "{\"queueLength\":0,\"data\":[]}");
}

static void
test_v5_push (void)
{
  g_autoptr(GBytes) fixture = load_fixture ("F3b-1.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV5RemoteBatch) pushed = oms_v5_parse_push_request (fixture, &error);
  g_autoptr(GBytes) built = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (
                                   (GDestroyNotify) oms_sync_record_free);
  g_autoptr(OmsV5RemoteBatch) again = NULL;
  g_autofree char *expected = load_fixture_text ("F3b-1.json");

  /* F3b-1 is byte for byte what Open mSupply sends; building what we read gives it back. */
  g_assert_no_error (error);
  g_assert_cmpint (pushed->queue_length, ==, 0);
  g_assert_cmpuint (pushed->records->len, ==, 1);
  g_assert_cmpstr (((OmsSyncRecord *) g_ptr_array_index (pushed->records, 0))->sync_id, ==,
                   "ID1");
  built = oms_v5_build_push_body (pushed->queue_length, pushed->records, &error);
  g_assert_no_error (error);
  assert_bytes_equal (built, expected);

  /* What the client builds (ids from cursors, a delete) reads back the same. */
  g_ptr_array_add (records, new_record (7, "trans_line", "L1", OMS_SYNC_ACTION_UPDATE,
                                        "{\"b\":1.5,\"a\":\"x\"}"));
  g_ptr_array_add (records, new_record (8, "transact", "T1", OMS_SYNC_ACTION_DELETE, NULL));
  g_clear_pointer (&built, g_bytes_unref);
  built = oms_v5_build_push_body (5, records, &error);
  g_assert_no_error (error);
  again = oms_v5_parse_push_request (built, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->queue_length, ==, 5);
  g_assert_cmpuint (again->records->len, ==, 2);
  g_assert_cmpstr (((OmsSyncRecord *) g_ptr_array_index (again->records, 0))->sync_id, ==, "7");
  g_assert_cmpstr (((OmsSyncRecord *) g_ptr_array_index (again->records, 0))->data, ==,
                   "{\"a\":\"x\",\"b\":1.5}");
  g_assert_cmpint (((OmsSyncRecord *) g_ptr_array_index (again->records, 1))->action, ==,
                   OMS_SYNC_ACTION_DELETE);
  g_assert_cmpstr (((OmsSyncRecord *) g_ptr_array_index (again->records, 1))->data, ==, "null");

  /* The answers to a batch and to the final one. */
  {
    g_autoptr(GBytes) not_started = oms_v5_build_push_response (FALSE);
    gboolean started = TRUE;

    g_assert_true (oms_v5_parse_push_response (not_started, &started, &error));
    g_assert_false (started);
  }

  /* The final, empty batch. */
  g_clear_pointer (&built, g_bytes_unref);
  g_clear_pointer (&again, oms_v5_remote_batch_free);
  built = oms_v5_build_push_body (0, NULL, &error);
  again = oms_v5_parse_push_request (built, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->queue_length, ==, 0);
  g_assert_cmpuint (again->records->len, ==, 0);

  {
    static const char * const bad[] = {
      "{\"data\":[]}",
      "{\"queueLength\":-1}",
      "{\"queueLength\":1,\"data\":{}}",
      "{\"queueLength\":1,\"data\":[{\"tableName\":\"t\",\"recordId\":\"r\","
      "\"action\":\"Update\"}]}",
      "{\"queueLength\":1,\"data\":[{\"syncOutId\":\"1\",\"tableName\":\"t\",\"recordId\":\"r\","
      "\"action\":\"Upsert\"}]}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GBytes) body = bytes_from_string (bad[i]);
        g_autoptr(GError) bad_error = NULL;
        g_autoptr(OmsV5RemoteBatch) refused = oms_v5_parse_push_request (body, &bad_error);

        g_assert_null (refused);
        assert_protocol_parse_error (bad_error, "queued_records request");
      }
  }
}

static void
test_v5_acknowledge (void)
{
  g_autoptr(GBytes) fixture = load_fixture ("F3c.json");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = oms_v5_parse_acknowledge_request (fixture, &error);
  g_autoptr(GBytes) built = NULL;
  static const char * const none[] = { NULL };
  g_autoptr(GBytes) empty = oms_v5_build_acknowledge_body (none);
  g_auto(GStrv) no_ids = NULL;
  g_autofree char *expected = load_fixture_text ("F3c.json");

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (ids), ==, 2);
  g_assert_cmpstr (ids[0], ==, "ONE");
  g_assert_cmpstr (ids[1], ==, "TWO");
  built = oms_v5_build_acknowledge_body ((const char * const *) ids);
  assert_bytes_equal (built, expected);

  no_ids = oms_v5_parse_acknowledge_request (empty, &error);
  g_assert_no_error (error);
  g_assert_nonnull (no_ids);
  g_assert_cmpuint (g_strv_length (no_ids), ==, 0);

  {
    static const char * const bad[] = {
      "{}", "{\"syncIDs\":\"1\"}", "{\"syncIDs\":[1]}", "{\"syncIDs\":[\"1\",null]}", "[]",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GBytes) body = bytes_from_string (bad[i]);
        g_autoptr(GError) bad_error = NULL;
        g_auto(GStrv) refused = oms_v5_parse_acknowledge_request (body, &bad_error);

        g_assert_null (refused);
        assert_protocol_parse_error (bad_error, "acknowledged_records request");
      }
  }
}

/* The v5 headers: what the client sets is what a server reads. */
static void
test_v5_headers (void)
{
  g_autoptr(OmsSyncApiSettings) settings = test_settings ();
  g_autoptr(OmsSyncApiSettings) read = NULL;
  g_autoptr(OmsSyncApiSettings) anonymous = NULL;
  g_autofree char *f1 = load_fixture_text ("F1.txt");
  g_autofree char *username = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *password_hash = oms_v5_hash_password ("password");
  SoupMessageHeaders *headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  const char *value;

  oms_v5_apply_headers (headers, settings);
  read = oms_v5_settings_from_headers (headers);
  g_assert_null (read->server_url);
  g_free (read->server_url);
  read->server_url = g_strdup (settings->server_url);
  assert_same_settings (read, settings);

  /* F1 is the Authorization header Open mSupply sends for username / password. */
  value = strstr (f1, "Basic ");
  g_assert_nonnull (value);
  g_assert_true (oms_v5_parse_basic_auth_value (value, &username, &hash));
  g_assert_cmpstr (username, ==, "username");
  g_assert_cmpstr (hash, ==, password_hash);

  g_assert_false (oms_v5_parse_basic_auth_value (NULL, &username, &hash));
  g_assert_false (oms_v5_parse_basic_auth_value ("Bearer abc", &username, &hash));
  g_assert_false (oms_v5_parse_basic_auth_value ("Basic bm9jb2xvbg==", &username, &hash));

  soup_message_headers_clear (headers);
  soup_message_headers_append (headers, "version", "14");
  anonymous = oms_v5_settings_from_headers (headers);
  g_assert_null (anonymous->username);
  g_assert_null (anonymous->password_sha256);
  g_assert_null (anonymous->site_uuid);
  g_assert_cmpstr (anonymous->sync_version, ==, "14");
  soup_message_headers_unref (headers);
}

/* ---- v6: the Open mSupply central ---- */

static char **
load_f7_lines (void)
{
  g_autofree char *text = load_fixture_text ("F7.jsonl");
  char **lines = g_strsplit (text, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, 8);
  return lines;
}

/* F7 lists OMS central's envelopes; each builder writes its line byte for byte. */
static void
test_v6_f7_envelopes (void)
{
  g_auto(GStrv) lines = load_f7_lines ();
  g_autoptr(OmsV6Batch) empty = oms_v6_batch_new ();
  g_autoptr(OmsV6ServerError) integrating =
    oms_v6_server_error_new (OMS_PROTOCOL_ERROR_INTEGRATION_IN_PROGRESS, NULL);
  g_autoptr(OmsV6ServerError) not_central =
    oms_v6_server_error_new (OMS_PROTOCOL_ERROR_NOT_A_CENTRAL_SERVER, NULL);
  g_autoptr(OmsV6ServerError) mismatch = oms_v6_server_error_new_version_mismatch (0, 5, 10000);
  g_autoptr(OmsV6ServerError) other =
    oms_v6_server_error_new (OMS_PROTOCOL_ERROR_OTHER_SERVER_ERROR, "<formatted error text>");
  GBytes *built[8];

  empty->is_last_batch = TRUE;
  built[0] = oms_v6_build_pull_response (empty);
  built[1] = oms_v6_build_push_response (0);
  built[2] = oms_v6_build_site_status_response (FALSE);
  built[3] = oms_v6_build_error_envelope (integrating);
  built[4] = oms_v6_build_error_envelope (not_central);
  built[5] = oms_v6_build_error_envelope (mismatch);
  built[6] = oms_v6_build_error_envelope (other);
  built[7] = oms_v6_build_upload_file_response ();

  for (guint i = 0; i < G_N_ELEMENTS (built); i++)
    {
      assert_bytes_equal (built[i], lines[i]);
      g_bytes_unref (built[i]);
    }
}

static void
assert_same_server_error (const OmsV6ServerError *a,
                          const OmsV6ServerError *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpstr (a->text, ==, b->text);
  g_assert_cmpuint (a->min_version, ==, b->min_version);
  g_assert_cmpuint (a->max_version, ==, b->max_version);
  g_assert_cmpuint (a->received_version, ==, b->received_version);
  g_assert_true ((a->legacy == NULL) == (b->legacy == NULL));
  if (a->legacy != NULL)
    {
      g_assert_cmpstr (a->legacy->code, ==, b->legacy->code);
      g_assert_cmpstr (a->legacy->message, ==, b->legacy->message);
      g_assert_cmpstr (a->legacy->data, ==, b->legacy->data);
    }
}

/* Every SyncParsedErrorV6 kind, in the envelope and bare (download_file), reads back. */
static void
test_v6_server_errors (void)
{
  static const OmsProtocolError with_text[] = {
    OMS_PROTOCOL_ERROR_CANNOT_CONNECT_TO_LEGACY_SERVER,
    OMS_PROTOCOL_ERROR_OTHER_LEGACY_SERVER_ERROR,
    OMS_PROTOCOL_ERROR_OTHER_SERVER_ERROR,
    OMS_PROTOCOL_ERROR_NOT_A_CENTRAL_SERVER,
    OMS_PROTOCOL_ERROR_PARSING_SYNC_RECORD_ERROR,
    OMS_PROTOCOL_ERROR_INTEGRATION_IN_PROGRESS,
    OMS_PROTOCOL_ERROR_SYNC_FILE_NOT_FOUND,
  };
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (
                                  (GDestroyNotify) oms_v6_server_error_free);
  OmsV6ServerError *legacy;

  for (guint i = 0; i < G_N_ELEMENTS (with_text); i++)
    {
      gboolean unit = with_text[i] == OMS_PROTOCOL_ERROR_NOT_A_CENTRAL_SERVER ||
                      with_text[i] == OMS_PROTOCOL_ERROR_INTEGRATION_IN_PROGRESS;

      g_ptr_array_add (errors, oms_v6_server_error_new (with_text[i],
                                                        unit ? NULL : "a \"quoted\"\n text"));
    }
  g_ptr_array_add (errors, oms_v6_server_error_new_version_mismatch (0, 5, 9));
  legacy = g_new0 (OmsV6ServerError, 1);
  legacy->kind = OMS_PROTOCOL_ERROR_LEGACY_SERVER_ERROR;
  legacy->legacy = oms_v5_error_new ("api_version_incompatible", "Api version is not compatible",
                                     "{\"major\":1,\"minor\":1}");
  g_ptr_array_add (errors, legacy);

  for (guint i = 0; i < errors->len; i++)
    {
      const OmsV6ServerError *server_error = g_ptr_array_index (errors, i);
      g_autoptr(GBytes) envelope = oms_v6_build_error_envelope (server_error);
      g_autoptr(GBytes) bare = oms_v6_build_download_file_error (server_error);
      g_autoptr(OmsV6ServerError) from_envelope = NULL;
      g_autoptr(OmsV6ServerError) from_bare = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) bare_error = NULL;
      g_autoptr(JsonNode) data = oms_v6_parse_envelope (envelope, &from_envelope, &error);

      g_assert_null (data);
      g_assert_error (error, OMS_PROTOCOL_ERROR, (int) server_error->kind);
      assert_same_server_error (from_envelope, server_error);

      from_bare = oms_v6_parse_download_file_error (bare, &bare_error);
      g_assert_error (bare_error, OMS_PROTOCOL_ERROR, (int) server_error->kind);
      assert_same_server_error (from_bare, server_error);
    }
}

/* download_file's bare error is serde_json's to_string_pretty() of the error. */
static void
test_v6_download_file_error_layout (void)
{
  g_autoptr(OmsV6ServerError) other =
    oms_v6_server_error_new (OMS_PROTOCOL_ERROR_OTHER_SERVER_ERROR, "File not found");
  g_autoptr(OmsV6ServerError) unit =
    oms_v6_server_error_new (OMS_PROTOCOL_ERROR_INTEGRATION_IN_PROGRESS, NULL);
  g_autoptr(OmsV6ServerError) mismatch = oms_v6_server_error_new_version_mismatch (0, 5, 9);
  g_autoptr(OmsV6ServerError) tricky =
    oms_v6_server_error_new (OMS_PROTOCOL_ERROR_SYNC_FILE_NOT_FOUND, "a,b:{c} [d] \"e\"");
  g_autoptr(GBytes) other_body = oms_v6_build_download_file_error (other);
  g_autoptr(GBytes) unit_body = oms_v6_build_download_file_error (unit);
  g_autoptr(GBytes) mismatch_body = oms_v6_build_download_file_error (mismatch);
  g_autoptr(GBytes) tricky_body = oms_v6_build_download_file_error (tricky);

  assert_bytes_equal (other_body, "{\n  \"otherServerError\": \"File not found\"\n}");
  assert_bytes_equal (unit_body, "\"integrationInProgress\"");
  assert_bytes_equal (mismatch_body,
                      "{\n  \"syncVersionMismatch\": [\n    0,\n    5,\n    9\n  ]\n}");
  assert_bytes_equal (tricky_body,
                      "{\n  \"syncFileNotFound\": \"a,b:{c} [d] \\\"e\\\"\"\n}");
}

static void
test_v6_pull_response (void)
{
  g_autoptr(OmsV6Batch) batch = oms_v6_batch_new ();
  g_autoptr(OmsV6Batch) again = NULL;
  g_autoptr(GBytes) built = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsPulledBody) scanned = NULL;
  g_autofree char *tricky = oms_json_canonicalise (TRICKY_DATA, -1, &error);

  g_assert_no_error (error);
  g_ptr_array_add (batch->records, new_record (3, "asset_class", "c1", OMS_SYNC_ACTION_UPDATE,
                                               tricky));
  g_ptr_array_add (batch->records, new_record (5, "asset", "a\"1", OMS_SYNC_ACTION_DELETE,
                                               "null"));
  g_ptr_array_add (batch->records, new_record (6, "asset", "a2", OMS_SYNC_ACTION_UPDATE,
                                               "{\"id\":\"a2\"}"));
  batch->end_cursor = 7;
  batch->total_records = 9;
  batch->is_last_batch = FALSE;

  built = oms_v6_build_pull_response (batch);
  again = oms_v6_parse_pull_response (built, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->end_cursor, ==, 7);
  g_assert_cmpint (again->total_records, ==, 9);
  g_assert_false (again->is_last_batch);
  assert_same_records (again->records, batch->records);

  /* The client's fast scanner takes plain batches (no escapes in ids, no numbers json-glib
   * could read otherwise) without the full parser, and reads the same from the same bytes.
   */
  g_ptr_array_remove_index (batch->records, 0);
  g_clear_pointer (&built, g_bytes_unref);
  ((OmsSyncRecord *) g_ptr_array_index (batch->records, 0))->record_id[1] = '1';
  built = oms_v6_build_pull_response (batch);
  scanned = oms_pulled_body_scan (OMS_PULLED_BODY_V6_PULL, built, 0);
  g_assert_nonnull (scanned);
  g_assert_cmpint (oms_pulled_body_get_summary (scanned)->end_cursor, ==, 7);
  g_assert_cmpint (oms_pulled_body_get_summary (scanned)->total_records, ==, 9);
  g_assert_false (oms_pulled_body_get_summary (scanned)->is_last_batch);
  {
    guint n_records = 0;
    const OmsPulledRecord *records = oms_pulled_body_get_records (scanned, &n_records);

    g_assert_cmpuint (n_records, ==, 2);
    g_assert_cmpint (records[0].action, ==, OMS_BUFFER_ACTION_DELETE);
    g_assert_cmpmem (records[0].data, records[0].data_length, "null", 4);
    g_assert_cmpmem (records[0].record_id, records[0].record_id_length, "a11", 3);
    g_assert_cmpmem (records[1].data, records[1].data_length, "{\"id\":\"a2\"}", 11);
  }
}

static void
test_v6_push_and_site_status_responses (void)
{
  g_autoptr(GBytes) pushed = oms_v6_build_push_response (1024);
  g_autoptr(GBytes) integrating = oms_v6_build_site_status_response (TRUE);
  g_autoptr(GBytes) uploaded = oms_v6_build_upload_file_response ();
  g_autoptr(GError) error = NULL;
  gint64 records_pushed = 0;
  gboolean is_integrating = FALSE;

  g_assert_true (oms_v6_parse_push_response (pushed, &records_pushed, NULL, &error));
  g_assert_cmpint (records_pushed, ==, 1024);
  g_assert_true (oms_v6_parse_site_status_response (integrating, &is_integrating, NULL, &error));
  g_assert_true (is_integrating);
  g_assert_true (oms_v6_parse_upload_file_response (uploaded, NULL, &error));
  g_assert_no_error (error);
}

static void
test_v6_upload_file_request (void)
{
  g_autoptr(OmsSyncApiSettings) settings = test_settings ();
  g_autoptr(GBytes) json = oms_v6_build_upload_file_json (settings, "file-1");
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV6UploadFileRequest) request = oms_v6_parse_upload_file_request (json, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (request->file_id, ==, "file-1");
  g_assert_cmpuint (request->sync_v6_version, ==, OMS_SYNC_V6_VERSION);
  assert_same_settings (request->settings, settings);

  {
    static const char * const bad[] = {
      "{\"sync_v5_settings\":{}}",
      "{\"file_id\":\"f\"}",
      "{\"file_id\":\"f\",\"syncV5Settings\":{}}",
      "{\"file_id\":1}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GBytes) body = bytes_from_string (bad[i]);
        g_autoptr(GError) bad_error = NULL;
        g_autoptr(OmsV6UploadFileRequest) refused =
          oms_v6_parse_upload_file_request (body, &bad_error);

        g_assert_null (refused);
        assert_protocol_parse_error (bad_error, "upload_file");
      }
  }
}

static void
test_v6_download_file_request (void)
{
  g_autoptr(OmsSyncApiSettings) settings = test_settings ();
  g_autoptr(GBytes) body = oms_v6_build_download_file_body (settings, "asset", "a1", "file-1");
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV6DownloadFileRequest) request =
    oms_v6_parse_download_file_request (body, &error);
  g_autoptr(GBytes) no_id = NULL;
  g_autoptr(OmsV6DownloadFileRequest) refused = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (request->table_name, ==, "asset");
  g_assert_cmpstr (request->record_id, ==, "a1");
  g_assert_cmpstr (request->id, ==, "file-1");
  g_assert_cmpuint (request->sync_v6_version, ==, OMS_SYNC_V6_VERSION);
  assert_same_settings (request->settings, settings);

  no_id = edit_fixture_member (body, NULL, "id", NULL);
  refused = oms_v6_parse_download_file_request (no_id, &error);
  g_assert_null (refused);
  assert_protocol_parse_error (error, "“id”");
}

/* Every request parser reads through the JSON gate, and no error quotes the body, which
 * carries the caller's password hash.
 */
static void
test_requests_pass_the_gate (void)
{
  g_autoptr(GString) deep = g_string_new ("{\"syncV5Settings\":");
  g_autoptr(GBytes) deep_body = NULL;
  g_autoptr(OmsSyncApiSettings) settings = test_settings ();
  g_autoptr(GBytes) bad_body = NULL;
  g_autofree char *bad_text = NULL;
  GError *errors[8] = { NULL };
  GError *bad_error = NULL;
  gpointer parsed;

  for (guint i = 0; i < OMS_JSON_GATE_MAX_DEPTH * 4; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < OMS_JSON_GATE_MAX_DEPTH * 4; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  deep_body = g_bytes_new (deep->str, deep->len);

  g_assert_null (oms_v5_parse_push_request (deep_body, &errors[0]));
  g_assert_null (oms_v5_parse_acknowledge_request (deep_body, &errors[1]));
  g_assert_null (oms_v6_parse_pull_request (deep_body, &errors[2]));
  g_assert_null (oms_v6_parse_patient_pull_request (deep_body, &errors[3]));
  g_assert_null (oms_v6_parse_push_request (deep_body, &errors[4]));
  g_assert_null (oms_v6_parse_site_status_request (deep_body, NULL, &errors[5]));
  g_assert_null (oms_v6_parse_upload_file_request (deep_body, &errors[6]));
  g_assert_null (oms_v6_parse_download_file_request (deep_body, &errors[7]));
  for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
    {
      assert_protocol_parse_error (errors[i], "levels deep");
      g_clear_error (&errors[i]);
    }

  /* A body one field short of a pull request: the error names the field, not the hash. */
  bad_text = g_strdup_printf ("{\"cursor\":0,\"batchSize\":5,\"syncV5Settings\":{\"serverUrl\":"
                              "\"u\",\"username\":\"test\",\"passwordSha256\":\"%s\","
                              "\"siteUuid\":\"h\",\"appVersion\":\"v\",\"appName\":\"n\","
                              "\"syncVersion\":\"14\"}}", settings->password_sha256);
  bad_body = bytes_from_string (bad_text);
  parsed = oms_v6_parse_pull_request (bad_body, &bad_error);
  g_assert_null (parsed);
  assert_protocol_parse_error (bad_error, "isInitialised");
  g_assert_null (strstr (bad_error->message, settings->password_sha256));
  g_clear_error (&bad_error);

  /* An empty body is refused too. */
  g_assert_null (oms_v6_parse_site_status_request (NULL, NULL, &bad_error));
  assert_protocol_parse_error (bad_error, "empty");
  g_clear_error (&bad_error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/oms/protocol/round-trip/v5/fixtures-rebuild", test_v5_fixtures_rebuild);
  g_test_add_func ("/oms/protocol/round-trip/v5/site-info", test_v5_site_info);
  g_test_add_func ("/oms/protocol/round-trip/v5/site-status", test_v5_site_status);
  g_test_add_func ("/oms/protocol/round-trip/v5/record-writer", test_v5_record_writer);
  g_test_add_func ("/oms/protocol/round-trip/v5/push", test_v5_push);
  g_test_add_func ("/oms/protocol/round-trip/v5/acknowledge", test_v5_acknowledge);
  g_test_add_func ("/oms/protocol/round-trip/v5/headers", test_v5_headers);
  g_test_add_func ("/oms/protocol/round-trip/v6/f7-envelopes", test_v6_f7_envelopes);
  g_test_add_func ("/oms/protocol/round-trip/v6/server-errors", test_v6_server_errors);
  g_test_add_func ("/oms/protocol/round-trip/v6/download-file-error-layout",
                   test_v6_download_file_error_layout);
  g_test_add_func ("/oms/protocol/round-trip/v6/pull-response", test_v6_pull_response);
  g_test_add_func ("/oms/protocol/round-trip/v6/push-and-site-status",
                   test_v6_push_and_site_status_responses);
  g_test_add_func ("/oms/protocol/round-trip/v6/upload-file-request",
                   test_v6_upload_file_request);
  g_test_add_func ("/oms/protocol/round-trip/v6/download-file-request",
                   test_v6_download_file_request);
  g_test_add_func ("/oms/protocol/round-trip/requests-pass-the-gate",
                   test_requests_pass_the_gate);

  return g_test_run ();
}
