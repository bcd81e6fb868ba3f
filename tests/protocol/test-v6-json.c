/* test-v6-json.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-v6-json"

#include "config.h"

#include <glib.h>
#include <libsoup/soup.h>

#include "oms-protocol-error.h"
#include "oms-v6-json.h"
#include "protocol-test-util.h"

#define POSTMAN_SHA256 "d74ff0ee8da3b9806b18c877dbf29bbde50b5bd8e4dad7a3a725000feb82e8f1"

#define OUR_SETTINGS_JSON \
  "\"syncV5Settings\":{\"serverUrl\":\"http://localhost:2048\",\"username\":\"test\"," \
  "\"passwordSha256\":\"" POSTMAN_SHA256 "\",\"siteUuid\":\"hardwareid\"," \
  "\"appVersion\":\"2.20.0\",\"appName\":\"Open mSupply Desktop\",\"syncVersion\":\"14\"}"

static OmsSyncApiSettings *
postman_settings (void)
{
  return oms_sync_api_settings_new ("http://localhost:2048", "test", POSTMAN_SHA256,
                                    "hardwareid");
}

static JsonObject *
member_object (JsonNode   *root,
               const char *member)
{
  return json_object_get_object_member (json_node_get_object (root), member);
}

static char **
load_f7_lines (void)
{
  g_autofree char *text = load_fixture_text ("F7.jsonl");
  char **lines = g_strsplit (text, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, 8);
  return lines;
}

static GBytes *
f7_line (char       **lines,
         guint        index)
{
  return bytes_from_string (lines[index]);
}

static void
assert_parse_error (const GError *error,
                    const char   *needle)
{
  g_assert_error (error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_RESPONSE_PARSING);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    {
      g_test_message ("“%s” is not in the error message “%s”", needle, error->message);
      g_assert_not_reached ();
    }
}

/* Line by line, each F7 envelope must give the right value or the right error. */
static void
test_f7_data_lines (void)
{
  g_auto(GStrv) lines = load_f7_lines ();

  {
    g_autoptr(GBytes) body = f7_line (lines, 0);
    g_autoptr(OmsV6ServerError) server_error = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(OmsV6Batch) batch = oms_v6_parse_pull_response (body, &server_error, &error);

    g_assert_no_error (error);
    g_assert_null (server_error);
    g_assert_cmpint (batch->end_cursor, ==, 0);
    g_assert_cmpint (batch->total_records, ==, 0);
    g_assert_cmpuint (batch->records->len, ==, 0);
    g_assert_true (batch->is_last_batch);
  }

  {
    g_autoptr(GBytes) body = f7_line (lines, 1);
    g_autoptr(GError) error = NULL;
    gint64 pushed = -1;

    g_assert_true (oms_v6_parse_push_response (body, &pushed, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpint (pushed, ==, 0);
  }

  {
    g_autoptr(GBytes) body = f7_line (lines, 2);
    g_autoptr(GError) error = NULL;
    gboolean integrating = TRUE;

    g_assert_true (oms_v6_parse_site_status_response (body, &integrating, NULL, &error));
    g_assert_no_error (error);
    g_assert_false (integrating);
  }

  {
    /* {"data":null}: the upload_file answer, a valid envelope but not a batch. */
    g_autoptr(GBytes) body = f7_line (lines, 7);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) data = oms_v6_parse_envelope (body, NULL, &error);
    g_autoptr(OmsV6Batch) batch = NULL;
    gboolean integrating = FALSE;

    g_assert_no_error (error);
    g_assert_nonnull (data);
    g_assert_true (JSON_NODE_HOLDS_NULL (data));

    batch = oms_v6_parse_pull_response (body, NULL, &error);
    g_assert_null (batch);
    assert_parse_error (error, "pull data");
    g_clear_error (&error);

    g_assert_false (oms_v6_parse_site_status_response (body, &integrating, NULL, &error));
    assert_parse_error (error, NULL);
  }

  {
    g_autoptr(GBytes) body = f7_line (lines, 0);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) data = oms_v6_parse_envelope (body, NULL, &error);

    g_assert_no_error (error);
    g_assert_true (JSON_NODE_HOLDS_OBJECT (data));
    g_assert_true (json_object_get_boolean_member (json_node_get_object (data), "is_last_batch"));
  }
}

static void
test_f7_error_lines (void)
{
  static const struct
  {
    guint                index;
    OmsProtocolError     kind;
    const char          *text;
    const char          *message;
    OmsSyncErrorVariant  variant;
  } cases[] = {
    { 3, OMS_PROTOCOL_ERROR_INTEGRATION_IN_PROGRESS, NULL, "Integration in progress",
      OMS_SYNC_ERROR_VARIANT_UNKNOWN },
    { 4, OMS_PROTOCOL_ERROR_NOT_A_CENTRAL_SERVER, NULL, "Not a central server",
      OMS_SYNC_ERROR_VARIANT_UNKNOWN },
    { 5, OMS_PROTOCOL_ERROR_SYNC_VERSION_MISMATCH, NULL,
      "Sync V6 API version not compatible, minVersion: 0, maxVersion: 5, received: 10000",
      OMS_SYNC_ERROR_VARIANT_V6_API_VERSION_INCOMPATIBLE },
    { 6, OMS_PROTOCOL_ERROR_OTHER_SERVER_ERROR, "<formatted error text>",
      "Other server error: <formatted error text>", OMS_SYNC_ERROR_VARIANT_UNKNOWN },
  };
  g_auto(GStrv) lines = load_f7_lines ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = f7_line (lines, cases[i].index);
      g_autoptr(OmsV6ServerError) server_error = NULL;
      g_autoptr(OmsV6ServerError) push_server_error = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) push_error = NULL;
      g_autoptr(GError) status_error = NULL;
      g_autoptr(GError) envelope_error = NULL;
      g_autoptr(OmsV6Batch) batch = NULL;
      g_autoptr(JsonNode) data = NULL;
      gint64 pushed = 42;
      gboolean integrating = TRUE;

      batch = oms_v6_parse_pull_response (body, &server_error, &error);
      g_assert_null (batch);
      g_assert_error (error, OMS_PROTOCOL_ERROR, (int) cases[i].kind);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_nonnull (server_error);
      g_assert_cmpint (server_error->kind, ==, cases[i].kind);
      g_assert_cmpstr (server_error->text, ==, cases[i].text);
      g_assert_null (server_error->legacy);
      g_assert_cmpint (oms_v6_server_error_get_variant (server_error), ==, cases[i].variant);
      g_assert_cmpint (oms_sync_error_variant_from_protocol_error (error, NULL), ==,
                       cases[i].variant);

      g_assert_false (oms_v6_parse_push_response (body, &pushed, &push_server_error,
                                                  &push_error));
      g_assert_error (push_error, OMS_PROTOCOL_ERROR, (int) cases[i].kind);
      g_assert_cmpint (push_server_error->kind, ==, cases[i].kind);
      g_assert_cmpint (pushed, ==, 42);

      g_assert_false (oms_v6_parse_site_status_response (body, &integrating, NULL,
                                                         &status_error));
      g_assert_error (status_error, OMS_PROTOCOL_ERROR, (int) cases[i].kind);
      g_assert_true (integrating);

      data = oms_v6_parse_envelope (body, NULL, &envelope_error);
      g_assert_null (data);
      g_assert_error (envelope_error, OMS_PROTOCOL_ERROR, (int) cases[i].kind);

      if (cases[i].kind == OMS_PROTOCOL_ERROR_SYNC_VERSION_MISMATCH)
        {
          g_assert_cmpuint (server_error->min_version, ==, 0);
          g_assert_cmpuint (server_error->max_version, ==, 5);
          g_assert_cmpuint (server_error->received_version, ==, 10000);
        }
    }
}

static void
test_server_error_forms (void)
{
  static const struct
  {
    const char          *json;
    OmsProtocolError     kind;
    const char          *text;
    OmsSyncErrorVariant  variant;
  } cases[] = {
    { "{\"error\":{\"cannotConnectToLegacyServer\":\"refused\"}}",
      OMS_PROTOCOL_ERROR_CANNOT_CONNECT_TO_LEGACY_SERVER, "refused",
      OMS_SYNC_ERROR_VARIANT_UNKNOWN },
    { "{\"error\":{\"otherLegacyServerError\":\"bad gateway\"}}",
      OMS_PROTOCOL_ERROR_OTHER_LEGACY_SERVER_ERROR, "bad gateway",
      OMS_SYNC_ERROR_VARIANT_UNKNOWN },
    { "{\"error\":{\"parsingSyncRecordError\":\"bad record\"}}",
      OMS_PROTOCOL_ERROR_PARSING_SYNC_RECORD_ERROR, "bad record",
      OMS_SYNC_ERROR_VARIANT_UNKNOWN },
    { "{\"error\":{\"syncFileNotFound\":\"file-1\"}}",
      OMS_PROTOCOL_ERROR_SYNC_FILE_NOT_FOUND, "file-1", OMS_SYNC_ERROR_VARIANT_UNKNOWN },
    { "{\"error\":{\"notACentralServer\":null}}",
      OMS_PROTOCOL_ERROR_NOT_A_CENTRAL_SERVER, NULL, OMS_SYNC_ERROR_VARIANT_UNKNOWN },
    { "{\"error\":{\"legacyServerError\":{\"code\":\"site_incorrect_hardware_id\","
      "\"message\":\"Site hardware ID does not match\",\"data\":null}}}",
      OMS_PROTOCOL_ERROR_LEGACY_SERVER_ERROR, NULL, OMS_SYNC_ERROR_VARIANT_HARDWARE_ID_MISMATCH },
    { "{\"error\":{\"legacyServerError\":{\"code\":\"sync_is_running\",\"message\":\"m\"}}}",
      OMS_PROTOCOL_ERROR_LEGACY_SERVER_ERROR, NULL, OMS_SYNC_ERROR_VARIANT_UNKNOWN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = bytes_from_string (cases[i].json);
      g_autoptr(OmsV6ServerError) server_error = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(OmsV6Batch) batch = oms_v6_parse_pull_response (body, &server_error, &error);

      g_assert_null (batch);
      g_assert_error (error, OMS_PROTOCOL_ERROR, (int) cases[i].kind);
      g_assert_cmpint (server_error->kind, ==, cases[i].kind);
      g_assert_cmpstr (server_error->text, ==, cases[i].text);
      if (cases[i].text != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].text));
      g_assert_cmpint (oms_v6_server_error_get_variant (server_error), ==, cases[i].variant);

      if (cases[i].kind == OMS_PROTOCOL_ERROR_LEGACY_SERVER_ERROR)
        {
          g_assert_nonnull (server_error->legacy);
          g_assert_nonnull (strstr (error->message, server_error->legacy->code));
          g_assert_cmpint (oms_sync_error_variant_from_protocol_error (error,
                                                                       server_error->legacy->code),
                           ==, cases[i].variant);
        }
    }
}

static void
test_bad_envelopes (void)
{
  static const struct
  {
    const char *json;
    const char *needle;
  } cases[] = {
    { "", "empty" },
    { "Method only allowed on central server.", "Method only allowed" },
    { "{}", "\"data\"" },
    { "[]", "object" },
    { "null", "object" },
    { "{\"data\":{\"end_cursor\":0,\"total_records\":0,\"records\":[],\"is_last_batch\":true},"
      "\"error\":\"notACentralServer\"}", "\"data\"" },
    { "{\"result\":1}", "\"data\"" },
    { "{\"error\":\"otherServerError\"}", "otherServerError" },
    { "{\"error\":\"somethingNew\"}", "somethingNew" },
    { "{\"error\":{\"unknownKind\":\"x\"}}", "unknownKind" },
    { "{\"error\":{\"otherServerError\":1}}", "otherServerError" },
    { "{\"error\":{\"integrationInProgress\":\"x\"}}", "integrationInProgress" },
    { "{\"error\":{\"syncVersionMismatch\":[0,5]}}", "syncVersionMismatch" },
    { "{\"error\":{\"syncVersionMismatch\":[0,5,-1]}}", "syncVersionMismatch" },
    { "{\"error\":{\"legacyServerError\":{\"message\":\"m\"}}}", "code" },
    { "{\"error\":{\"a\":1,\"b\":2}}", "one field" },
    { "{\"error\":7}", "one field" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = bytes_from_string (cases[i].json);
      g_autoptr(OmsV6ServerError) server_error = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(OmsV6Batch) batch = oms_v6_parse_pull_response (body, &server_error, &error);

      g_assert_null (batch);
      g_assert_null (server_error);
      assert_parse_error (error, cases[i].needle);
    }
}

static void
test_batch_records (void)
{
  g_autoptr(GBytes) asset_class = load_fixture ("F6c-3.json");
  g_autofree char *json = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV6Batch) batch = NULL;
  OmsSyncRecord *record;

  json = g_strdup_printf ("{\"data\":{\"end_cursor\":12,\"total_records\":1200,\"records\":["
                          "{\"cursor\":10,\"record\":{\"tableName\":\"asset_class\","
                          "\"recordId\":\"32608ef9-dce5-41a7-b3e9-92b0fe086c7e\","
                          "\"action\":\"Update\",\"recordData\":%.*s}},"
                          "{\"cursor\":11,\"record\":{\"tableName\":\"asset\",\"recordId\":\"A\","
                          "\"action\":\"Delete\",\"recordData\":null}},"
                          "{\"cursor\":12,\"record\":{\"tableName\":\"asset_log\","
                          "\"recordId\":\"L\",\"action\":\"merge\"}}],"
                          "\"is_last_batch\":false}}",
                          (int) g_bytes_get_size (asset_class),
                          (const char *) g_bytes_get_data (asset_class, NULL));
  body = bytes_from_string (json);
  batch = oms_v6_parse_pull_response (body, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (batch->end_cursor, ==, 12);
  g_assert_cmpint (batch->total_records, ==, 1200);
  g_assert_false (batch->is_last_batch);
  g_assert_cmpuint (batch->records->len, ==, 3);

  record = g_ptr_array_index (batch->records, 0);
  g_assert_cmpint (record->cursor, ==, 10);
  g_assert_cmpstr (record->table_name, ==, "asset_class");
  g_assert_cmpstr (record->record_id, ==, "32608ef9-dce5-41a7-b3e9-92b0fe086c7e");
  g_assert_cmpint (oms_sync_action_to_buffer_action (record->action), ==,
                   OMS_BUFFER_ACTION_UPSERT);
  g_assert_cmpstr (record->data, ==,
                   "{\"id\":\"32608ef9-dce5-41a7-b3e9-92b0fe086c7e\",\"name\":\"Asset Class 1\"}");

  /* A v6 delete stores "null", unlike a v5 delete's "{}". */
  record = g_ptr_array_index (batch->records, 1);
  g_assert_cmpint (record->cursor, ==, 11);
  g_assert_cmpint (oms_sync_action_to_buffer_action (record->action), ==,
                   OMS_BUFFER_ACTION_DELETE);
  g_assert_cmpstr (record->data, ==, "null");

  record = g_ptr_array_index (batch->records, 2);
  g_assert_cmpint (oms_sync_action_to_buffer_action (record->action), ==,
                   OMS_BUFFER_ACTION_MERGE);
  g_assert_cmpstr (record->data, ==, "{}");
}

static void
test_batch_bad_shapes (void)
{
  static const char * const required[] = {
    "end_cursor", "total_records", "records", "is_last_batch",
  };
  static const struct
  {
    const char *json;
    const char *needle;
  } cases[] = {
    { "{\"data\":{\"end_cursor\":\"0\",\"total_records\":0,\"records\":[],"
      "\"is_last_batch\":true}}", "end_cursor" },
    { "{\"data\":{\"end_cursor\":0,\"total_records\":0,\"records\":{},"
      "\"is_last_batch\":true}}", "records" },
    { "{\"data\":{\"end_cursor\":0,\"total_records\":0,\"records\":[],"
      "\"is_last_batch\":1}}", "is_last_batch" },
    { "{\"data\":{\"endCursor\":0,\"totalRecords\":0,\"records\":[],"
      "\"isLastBatch\":true}}", "end_cursor" },
    { "{\"data\":{\"end_cursor\":1,\"total_records\":1,\"records\":[{\"record\":{"
      "\"tableName\":\"t\",\"recordId\":\"r\",\"action\":\"Update\"}}],"
      "\"is_last_batch\":true}}", "cursor" },
    { "{\"data\":{\"end_cursor\":1,\"total_records\":1,\"records\":[{\"cursor\":1}],"
      "\"is_last_batch\":true}}", "record" },
    { "{\"data\":{\"end_cursor\":1,\"total_records\":1,\"records\":[{\"cursor\":1,"
      "\"record\":{\"table_name\":\"t\",\"recordId\":\"r\",\"action\":\"Update\"}}],"
      "\"is_last_batch\":true}}", "tableName" },
    { "{\"data\":{\"end_cursor\":1,\"total_records\":1,\"records\":[{\"cursor\":1,"
      "\"record\":{\"tableName\":\"t\",\"recordId\":\"r\",\"action\":\"Upsert\"}}],"
      "\"is_last_batch\":true}}", "Upsert" },
  };
  g_auto(GStrv) lines = load_f7_lines ();
  g_autoptr(GBytes) empty_batch = f7_line (lines, 0);

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      g_autoptr(GBytes) body = edit_fixture_member (empty_batch, "data", required[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(OmsV6Batch) batch = oms_v6_parse_pull_response (body, NULL, &error);

      g_assert_null (batch);
      assert_parse_error (error, required[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = bytes_from_string (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(OmsV6Batch) batch = oms_v6_parse_pull_response (body, NULL, &error);

      g_assert_null (batch);
      assert_parse_error (error, cases[i].needle);
    }

  {
    g_autoptr(GBytes) body = bytes_from_string ("{\"data\":{\"records_pushed\":-1}}");
    g_autoptr(GError) error = NULL;

    g_assert_false (oms_v6_parse_push_response (body, NULL, NULL, &error));
    assert_parse_error (error, "records_pushed");
  }

  {
    g_autoptr(GBytes) body = bytes_from_string ("{\"data\":{\"is_integrating\":\"no\"}}");
    g_autoptr(GError) error = NULL;

    g_assert_false (oms_v6_parse_site_status_response (body, NULL, NULL, &error));
    assert_parse_error (error, "is_integrating");
  }
}

static void
test_pull_body (void)
{
  g_autoptr(OmsSyncApiSettings) settings = postman_settings ();
  g_autoptr(GBytes) body = oms_v6_build_pull_body (settings, 0, 100, FALSE);
  g_autoptr(GBytes) initialised = oms_v6_build_pull_body (settings, 501, 500, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV6PullRequest) request = NULL;

  assert_bytes_equal (body,
                      "{\"cursor\":0,\"batchSize\":100," OUR_SETTINGS_JSON
                      ",\"isInitialised\":false,\"syncV6Version\":5}");
  assert_bytes_equal (initialised,
                      "{\"cursor\":501,\"batchSize\":500," OUR_SETTINGS_JSON
                      ",\"isInitialised\":true,\"syncV6Version\":5}");

  request = oms_v6_parse_pull_request (initialised, &error);
  g_assert_no_error (error);
  g_assert_cmpint (request->cursor, ==, 501);
  g_assert_cmpuint (request->batch_size, ==, 500);
  g_assert_true (request->is_initialised);
  g_assert_cmpuint (request->sync_v6_version, ==, 5);
  g_assert_cmpstr (request->settings->password_sha256, ==, POSTMAN_SHA256);
  g_assert_cmpstr (request->settings->app_name, ==, "Open mSupply Desktop");
}

/* F6a is the Postman pull request: our body must have its keys (plus syncV6Version). */
static void
test_pull_body_matches_f6a (void)
{
  g_autoptr(GBytes) f6a = load_fixture ("F6a.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV6PullRequest) theirs = oms_v6_parse_pull_request (f6a, &error);
  g_autoptr(OmsSyncApiSettings) settings = NULL;
  g_autoptr(GBytes) ours = NULL;
  g_autoptr(OmsV6PullRequest) reparsed = NULL;
  g_autoptr(JsonNode) their_root = NULL;
  g_autoptr(JsonNode) our_root = NULL;
  g_autofree char *their_keys = NULL;
  g_autofree char *our_keys = NULL;
  g_autofree char *their_settings_keys = NULL;
  g_autofree char *our_settings_keys = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (theirs->cursor, ==, 0);
  g_assert_cmpuint (theirs->batch_size, ==, 100);
  g_assert_false (theirs->is_initialised);
  g_assert_cmpuint (theirs->sync_v6_version, ==, 0);
  g_assert_cmpstr (theirs->settings->server_url, ==, "http://localhost:2048");
  g_assert_cmpstr (theirs->settings->username, ==, "test");
  g_assert_cmpstr (theirs->settings->password_sha256, ==, POSTMAN_SHA256);
  g_assert_cmpstr (theirs->settings->site_uuid, ==, "hardwareid");
  g_assert_cmpstr (theirs->settings->app_version, ==, "1.7.0");
  g_assert_cmpstr (theirs->settings->app_name, ==, "Open mSupply Desktop");
  g_assert_cmpstr (theirs->settings->sync_version, ==, "3");

  settings = oms_sync_api_settings_copy (theirs->settings);
  ours = oms_v6_build_pull_body (settings, theirs->cursor, theirs->batch_size,
                                 theirs->is_initialised);
  reparsed = oms_v6_parse_pull_request (ours, &error);
  g_assert_no_error (error);
  g_assert_cmpint (reparsed->cursor, ==, theirs->cursor);
  g_assert_cmpuint (reparsed->batch_size, ==, theirs->batch_size);
  g_assert_cmpstr (reparsed->settings->sync_version, ==, "3");
  g_assert_cmpuint (reparsed->sync_v6_version, ==, 5);

  their_root = parse_json_bytes (f6a);
  our_root = parse_json_bytes (ours);
  their_keys = object_keys (json_node_get_object (their_root), NULL);
  our_keys = object_keys (json_node_get_object (our_root), "syncV6Version");
  g_assert_cmpstr (our_keys, ==, their_keys);
  g_assert_cmpstr (our_keys, ==, "batchSize,cursor,isInitialised,syncV5Settings");

  their_settings_keys = object_keys (member_object (their_root, "syncV5Settings"), "//");
  our_settings_keys = object_keys (member_object (our_root, "syncV5Settings"), NULL);
  g_assert_cmpstr (our_settings_keys, ==, their_settings_keys);
}

static void
test_push_body (void)
{
  g_autoptr(OmsSyncApiSettings) settings = postman_settings ();
  g_autoptr(OmsV6Batch) batch = oms_v6_batch_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(OmsV6PushRequest) request = NULL;
  OmsSyncRecord *record;

  record = oms_sync_record_new ("asset", "3de1", OMS_SYNC_ACTION_UPDATE,
                                "{\"name\":\"Asset 1\",\"id\":\"3de1\",\"store_id\":\"store_a\"}");
  record->cursor = 7;
  g_ptr_array_add (batch->records, record);
  record = oms_sync_record_new ("asset_log", "L1", OMS_SYNC_ACTION_DELETE, NULL);
  record->cursor = 9;
  g_ptr_array_add (batch->records, record);
  batch->end_cursor = 9;
  batch->total_records = 2;
  batch->is_last_batch = TRUE;

  body = oms_v6_build_push_body (settings, batch, &error);
  g_assert_no_error (error);
  assert_bytes_equal (body,
                      "{\"batch\":{\"end_cursor\":9,\"total_records\":2,\"records\":["
                      "{\"cursor\":7,\"record\":{\"tableName\":\"asset\",\"recordId\":\"3de1\","
                      "\"action\":\"Update\",\"recordData\":{\"id\":\"3de1\",\"name\":\"Asset 1\","
                      "\"store_id\":\"store_a\"}}},"
                      "{\"cursor\":9,\"record\":{\"tableName\":\"asset_log\",\"recordId\":\"L1\","
                      "\"action\":\"Delete\",\"recordData\":null}}],\"is_last_batch\":true},"
                      OUR_SETTINGS_JSON ",\"syncV6Version\":5}");

  request = oms_v6_parse_push_request (body, &error);
  g_assert_no_error (error);
  g_assert_cmpint (request->batch->end_cursor, ==, 9);
  g_assert_cmpint (request->batch->total_records, ==, 2);
  g_assert_true (request->batch->is_last_batch);
  g_assert_cmpuint (request->batch->records->len, ==, 2);
  g_assert_cmpstr (((OmsSyncRecord *) g_ptr_array_index (request->batch->records, 1))->data, ==,
                   "null");
  g_assert_cmpuint (request->sync_v6_version, ==, 5);
  g_assert_cmpstr (request->settings->site_uuid, ==, "hardwareid");
}

/* F6b is the stale Postman push: without is_last_batch the server (and we) refuse it; with it,
 * it has exactly our shape.
 */
static void
test_push_body_matches_f6b (void)
{
  g_autoptr(GBytes) f6b = load_fixture ("F6b.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV6PushRequest) stale = oms_v6_parse_push_request (f6b, &error);
  g_autoptr(GBytes) fixed = NULL;
  g_autoptr(OmsV6PushRequest) theirs = NULL;
  g_autoptr(GBytes) ours = NULL;
  g_autoptr(JsonNode) their_root = NULL;
  g_autoptr(JsonNode) our_root = NULL;
  JsonObject *their_batch;
  JsonObject *our_batch;
  JsonObject *their_item;
  JsonObject *our_item;
  OmsSyncRecord *record;

  g_assert_null (stale);
  assert_parse_error (error, "is_last_batch");
  g_clear_error (&error);

  fixed = edit_fixture_member (f6b, "batch", "is_last_batch", "true");
  theirs = oms_v6_parse_push_request (fixed, &error);
  g_assert_no_error (error);
  g_assert_cmpint (theirs->batch->end_cursor, ==, 1);
  g_assert_cmpint (theirs->batch->total_records, ==, 1);
  g_assert_cmpuint (theirs->sync_v6_version, ==, 0);
  g_assert_cmpuint (theirs->batch->records->len, ==, 1);

  record = g_ptr_array_index (theirs->batch->records, 0);
  g_assert_cmpint (record->cursor, ==, 1);
  g_assert_cmpstr (record->table_name, ==, "asset");
  g_assert_cmpint (record->action, ==, OMS_SYNC_ACTION_INSERT);
  g_assert_cmpstr (record->data, ==,
                   "{\"code\":\"AT1\",\"created_datetime\":\"2021-06-22T12:00:00\","
                   "\"id\":\"3de161ed-93ef-4210-aa31-3ae9e53748e8\","
                   "\"modified_datetime\":\"2021-06-22T12:00:00\",\"name\":\"Asset 1\","
                   "\"store_id\":\"store_a\"}");

  ours = oms_v6_build_push_body (theirs->settings, theirs->batch, &error);
  g_assert_no_error (error);

  their_root = parse_json_bytes (f6b);
  our_root = parse_json_bytes (ours);

  {
    g_autofree char *their_keys = object_keys (json_node_get_object (their_root), NULL);
    g_autofree char *our_keys = object_keys (json_node_get_object (our_root), "syncV6Version");

    g_assert_cmpstr (our_keys, ==, their_keys);
  }

  their_batch = json_object_get_object_member (json_node_get_object (their_root), "batch");
  our_batch = json_object_get_object_member (json_node_get_object (our_root), "batch");
  {
    g_autofree char *their_keys = object_keys (their_batch, NULL);
    g_autofree char *our_keys = object_keys (our_batch, "is_last_batch");

    g_assert_cmpstr (our_keys, ==, their_keys);
    g_assert_true (json_object_get_boolean_member (our_batch, "is_last_batch"));
  }

  their_item = json_array_get_object_element (json_object_get_array_member (their_batch,
                                                                            "records"), 0);
  our_item = json_array_get_object_element (json_object_get_array_member (our_batch,
                                                                          "records"), 0);
  {
    JsonObject *their_record = json_object_get_object_member (their_item, "record");
    JsonObject *our_record = json_object_get_object_member (our_item, "record");
    g_autofree char *their_keys = object_keys (their_item, NULL);
    g_autofree char *our_keys = object_keys (our_item, NULL);
    g_autofree char *their_record_keys = object_keys (their_record, NULL);
    g_autofree char *our_record_keys = object_keys (our_record, NULL);

    g_assert_cmpstr (our_keys, ==, their_keys);
    g_assert_cmpstr (our_record_keys, ==, their_record_keys);
    g_assert_cmpstr (our_record_keys, ==, "action,recordData,recordId,tableName");
    g_assert_true (json_node_equal (json_object_get_member (their_record, "recordData"),
                                    json_object_get_member (our_record, "recordData")));
  }
}

static void
test_site_status_and_patient_pull_bodies (void)
{
  g_autoptr(OmsSyncApiSettings) settings = postman_settings ();
  g_autoptr(GBytes) status = oms_v6_build_site_status_body (settings);
  g_autoptr(GBytes) patient = oms_v6_build_patient_pull_body (settings, 3, 500, "patient-1");
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsSyncApiSettings) parsed = NULL;
  g_autoptr(OmsV6PullRequest) patient_request = NULL;
  guint32 version = 0;

  assert_bytes_equal (status, "{" OUR_SETTINGS_JSON ",\"syncV6Version\":5}");
  assert_bytes_equal (patient,
                      "{\"cursor\":3,\"batchSize\":500," OUR_SETTINGS_JSON
                      ",\"syncV6Version\":5,\"fetchPatientId\":\"patient-1\"}");

  parsed = oms_v6_parse_site_status_request (status, &version, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (version, ==, 5);
  g_assert_cmpstr (parsed->username, ==, "test");

  patient_request = oms_v6_parse_patient_pull_request (patient, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (patient_request->fetch_patient_id, ==, "patient-1");
  g_assert_cmpint (patient_request->cursor, ==, 3);

  {
    static const char * const bad[] = {
      "{\"syncV6Version\":5}",
      "{\"syncV5Settings\":{\"serverUrl\":\"u\"},\"syncV6Version\":5}",
      "{" OUR_SETTINGS_JSON ",\"syncV6Version\":-5}",
      "{" OUR_SETTINGS_JSON ",\"syncV6Version\":\"5\"}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GBytes) body = bytes_from_string (bad[i]);
        g_autoptr(GError) bad_error = NULL;
        g_autoptr(OmsSyncApiSettings) bad_settings = NULL;

        bad_settings = oms_v6_parse_site_status_request (body, NULL, &bad_error);
        g_assert_null (bad_settings);
        assert_parse_error (bad_error, NULL);
      }
  }
}

#define OUR_SETTINGS_OBJECT \
  "{\"serverUrl\":\"http://localhost:2048\",\"username\":\"test\"," \
  "\"passwordSha256\":\"" POSTMAN_SHA256 "\",\"siteUuid\":\"hardwareid\"," \
  "\"appVersion\":\"2.20.0\",\"appName\":\"Open mSupply Desktop\",\"syncVersion\":\"14\"}"

/* SyncUploadFileRequestV6 has no serde rename: snake_case outside, camelCase settings inside. */
static void
test_upload_file_json (void)
{
  g_autoptr(OmsSyncApiSettings) settings = postman_settings ();
  g_autoptr(GBytes) json = oms_v6_build_upload_file_json (settings, "file-1");

  assert_bytes_equal (json, "{\"file_id\":\"file-1\",\"sync_v5_settings\":" OUR_SETTINGS_OBJECT
                            ",\"sync_v6_version\":5}");
}

static SoupMultipart *
parse_multipart (OmsV6UploadFraming *framing,
                 const char         *file_bytes,
                 gsize               file_size)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  SoupMessageHeaders *headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
  SoupMultipart *multipart;
  gsize length;

  g_byte_array_append (body, g_bytes_get_data (framing->head, NULL),
                       g_bytes_get_size (framing->head));
  g_byte_array_append (body, (const guint8 *) file_bytes, file_size);
  g_byte_array_append (body, g_bytes_get_data (framing->tail, NULL),
                       g_bytes_get_size (framing->tail));
  /* libsoup's multipart parser runs strstr() over the body: it needs the NUL that
   * soup_message_body_flatten() puts after every body it hands out.
   */
  g_byte_array_append (body, (const guint8 *) "", 1);
  length = body->len - 1;
  bytes = g_bytes_new_take (g_byte_array_free (g_steal_pointer (&body), FALSE), length);

  soup_message_headers_replace (headers, "Content-Type", framing->content_type);
  multipart = soup_multipart_new_from_message (headers, bytes);
  soup_message_headers_unref (headers);

  return multipart;
}

static void
assert_part (SoupMultipart *multipart,
             int            index,
             const char    *name,
             const char    *filename,
             const char    *content_type,
             const char    *bytes,
             gsize          size)
{
  SoupMessageHeaders *headers = NULL;
  GBytes *body = NULL;
  g_autofree char *disposition = NULL;
  g_autoptr(GHashTable) params = NULL;

  g_assert_true (soup_multipart_get_part (multipart, index, &headers, &body));
  g_assert_true (soup_message_headers_get_content_disposition (headers, &disposition, &params));
  g_assert_cmpstr (disposition, ==, "form-data");
  g_assert_cmpstr (g_hash_table_lookup (params, "name"), ==, name);
  g_assert_cmpstr (g_hash_table_lookup (params, "filename"), ==, filename);
  g_assert_cmpstr (soup_message_headers_get_content_type (headers, NULL), ==, content_type);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), bytes, size);
}

/* The two parts of PUT upload_file as a multipart parser reads them back, with the file's bytes
 * (here including a NUL, line breaks and a would-be boundary) untouched.
 */
static void
test_upload_file_framing (void)
{
  static const char file_bytes[] = "line one\r\n--not the boundary\r\n\0binary\xff";
  g_autoptr(OmsSyncApiSettings) settings = postman_settings ();
  g_autoptr(OmsV6UploadFraming) framing = NULL;
  g_autoptr(GBytes) json = oms_v6_build_upload_file_json (settings, "file-1");
  SoupMultipart *multipart;

  framing = oms_v6_build_upload_file_framing (settings, "file-1", "a \"quoted\" \\ name\r\n.txt",
                                              "text/plain", "omsync-test-boundary");
  g_assert_cmpstr (framing->content_type, ==,
                   "multipart/form-data; boundary=omsync-test-boundary");
  g_assert_true (g_str_has_suffix (g_bytes_get_data (framing->tail, NULL),
                                   "--omsync-test-boundary--\r\n"));

  multipart = parse_multipart (framing, file_bytes, sizeof file_bytes - 1);
  g_assert_nonnull (multipart);
  g_assert_cmpint (soup_multipart_get_length (multipart), ==, 2);
  assert_part (multipart, 0, "json_part", NULL, "application/json",
               g_bytes_get_data (json, NULL), g_bytes_get_size (json));
  assert_part (multipart, 1, "file_part", "a \"quoted\" \\ name.txt", "text/plain",
               file_bytes, sizeof file_bytes - 1);
  soup_multipart_free (multipart);
  g_clear_pointer (&framing, oms_v6_upload_framing_free);

  /* An empty file, and no type: bytes of unknown type. */
  framing = oms_v6_build_upload_file_framing (settings, "file-2", "empty", NULL, "b");
  multipart = parse_multipart (framing, "", 0);
  g_assert_nonnull (multipart);
  assert_part (multipart, 1, "file_part", "empty", "application/octet-stream", "", 0);
  soup_multipart_free (multipart);
}

static void
test_download_file_body (void)
{
  g_autoptr(OmsSyncApiSettings) settings = postman_settings ();
  g_autoptr(GBytes) body = oms_v6_build_download_file_body (settings, "asset", "asset-1",
                                                            "file-1");

  assert_bytes_equal (body, "{\"tableName\":\"asset\",\"recordId\":\"asset-1\",\"id\":\"file-1\","
                            OUR_SETTINGS_JSON ",\"syncV6Version\":5}");
}

static void
test_upload_file_response (void)
{
  g_autoptr(GBytes) ok = bytes_from_string ("{\"data\":null}");
  g_autoptr(GBytes) not_null = bytes_from_string ("{\"data\":{}}");
  g_autoptr(GBytes) not_found = bytes_from_string ("{\"error\":{\"syncFileNotFound\":\"f-1\"}}");
  g_autoptr(GBytes) text = bytes_from_string ("Internal Server Error");
  g_autoptr(OmsV6ServerError) server_error = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_v6_parse_upload_file_response (ok, &server_error, &error));
  g_assert_no_error (error);
  g_assert_null (server_error);

  g_assert_false (oms_v6_parse_upload_file_response (not_null, &server_error, &error));
  assert_parse_error (error, "null");
  g_assert_null (server_error);
  g_clear_error (&error);

  g_assert_false (oms_v6_parse_upload_file_response (not_found, &server_error, &error));
  g_assert_error (error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_SYNC_FILE_NOT_FOUND);
  g_assert_nonnull (server_error);
  g_assert_cmpstr (server_error->text, ==, "f-1");
  g_assert_cmpint (oms_v6_server_error_get_variant (server_error), ==,
                   OMS_SYNC_ERROR_VARIANT_UNKNOWN);
  g_clear_error (&error);
  g_clear_pointer (&server_error, oms_v6_server_error_free);

  g_assert_false (oms_v6_parse_upload_file_response (text, &server_error, &error));
  assert_parse_error (error, "Internal Server Error");
  g_assert_null (server_error);
}

/* A failed download's body is the bare SyncParsedErrorV6 (pretty-printed by actix), never the
 * {"error": ...} envelope.
 */
static void
test_download_file_error (void)
{
  static const struct
  {
    const char       *body;
    OmsProtocolError  kind;
    const char       *text;
  } bare[] = {
    { "{\n  \"otherServerError\": \"File not found\"\n}", OMS_PROTOCOL_ERROR_OTHER_SERVER_ERROR,
      "File not found" },
    { "\"notACentralServer\"", OMS_PROTOCOL_ERROR_NOT_A_CENTRAL_SERVER, NULL },
    { "{\"syncVersionMismatch\":[0,5,9]}", OMS_PROTOCOL_ERROR_SYNC_VERSION_MISMATCH, NULL },
  };
  static const char * const not_bare[] = {
    "{\"error\":{\"otherServerError\":\"x\"}}",
    "Json deserialize error: missing field `id`",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bare); i++)
    {
      g_autoptr(GBytes) body = bytes_from_string (bare[i].body);
      g_autoptr(GError) error = NULL;
      g_autoptr(OmsV6ServerError) server_error = oms_v6_parse_download_file_error (body, &error);

      g_assert_nonnull (server_error);
      g_assert_error (error, OMS_PROTOCOL_ERROR, (int) bare[i].kind);
      g_assert_cmpint (server_error->kind, ==, bare[i].kind);
      g_assert_cmpstr (server_error->text, ==, bare[i].text);
    }

  {
    g_autoptr(GBytes) body = bytes_from_string (bare[2].body);
    g_autoptr(GError) error = NULL;
    g_autoptr(OmsV6ServerError) server_error = oms_v6_parse_download_file_error (body, &error);

    g_assert_cmpint (oms_v6_server_error_get_variant (server_error), ==,
                     OMS_SYNC_ERROR_VARIANT_V6_API_VERSION_INCOMPATIBLE);
    g_assert_cmpuint (server_error->received_version, ==, 9);
  }

  for (guint i = 0; i < G_N_ELEMENTS (not_bare); i++)
    {
      g_autoptr(GBytes) body = bytes_from_string (not_bare[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(OmsV6ServerError) server_error = oms_v6_parse_download_file_error (body, &error);

      g_assert_null (server_error);
      assert_parse_error (error, NULL);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/oms/protocol/v6/envelope/f7-data", test_f7_data_lines);
  g_test_add_func ("/oms/protocol/v6/envelope/f7-errors", test_f7_error_lines);
  g_test_add_func ("/oms/protocol/v6/envelope/error-forms", test_server_error_forms);
  g_test_add_func ("/oms/protocol/v6/envelope/bad", test_bad_envelopes);
  g_test_add_func ("/oms/protocol/v6/batch/records", test_batch_records);
  g_test_add_func ("/oms/protocol/v6/batch/bad-shapes", test_batch_bad_shapes);
  g_test_add_func ("/oms/protocol/v6/pull/body", test_pull_body);
  g_test_add_func ("/oms/protocol/v6/pull/f6a", test_pull_body_matches_f6a);
  g_test_add_func ("/oms/protocol/v6/push/body", test_push_body);
  g_test_add_func ("/oms/protocol/v6/push/f6b", test_push_body_matches_f6b);
  g_test_add_func ("/oms/protocol/v6/site-status/body", test_site_status_and_patient_pull_bodies);
  g_test_add_func ("/oms/protocol/v6/upload-file/json", test_upload_file_json);
  g_test_add_func ("/oms/protocol/v6/upload-file/framing", test_upload_file_framing);
  g_test_add_func ("/oms/protocol/v6/upload-file/response", test_upload_file_response);
  g_test_add_func ("/oms/protocol/v6/download-file/body", test_download_file_body);
  g_test_add_func ("/oms/protocol/v6/download-file/error", test_download_file_error);

  return g_test_run ();
}
