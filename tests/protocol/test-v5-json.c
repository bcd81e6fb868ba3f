/* test-v5-json.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-v5-json"

#include "config.h"

#include <glib.h>

#include "oms-json-util.h"
#include "oms-protocol-error.h"
#include "oms-v5-json.h"
#include "protocol-test-util.h"

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

static GPtrArray *
new_record_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) oms_sync_record_free);
}

static OmsSyncRecord *
record_at (GPtrArray *records,
           guint      index)
{
  g_assert_cmpuint (index, <, records->len);
  return g_ptr_array_index (records, index);
}

static void
test_site_info_fixture (void)
{
  g_autoptr(GBytes) body = load_fixture ("F4a.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV5SiteInfo) info = oms_v5_parse_site_info (body, &error);

  g_assert_no_error (error);
  g_assert_nonnull (info);
  g_assert_cmpstr (info->id, ==, "abc123");
  g_assert_cmpint (info->site_id, ==, 123);
  g_assert_cmpint (info->initialisation_status, ==, OMS_V5_INITIALISATION_STATUS_NEW);
  g_assert_cmpstr (oms_v5_initialisation_status_to_string (info->initialisation_status), ==,
                   "new");
  g_assert_cmpstr (info->central_server_url, ==, "http://localhost:2000");
  g_assert_false (info->is_central_server);
  g_assert_cmpint (info->msupply_central_site_id, ==, 1);
}

static void
test_site_info_statuses (void)
{
  static const struct
  {
    const char                *json;
    OmsV5InitialisationStatus  status;
  } cases[] = {
    { "\"new\"", OMS_V5_INITIALISATION_STATUS_NEW },
    { "\"started\"", OMS_V5_INITIALISATION_STATUS_STARTED },
    { "\"completed\"", OMS_V5_INITIALISATION_STATUS_COMPLETED },
    { "\"error\"", OMS_V5_INITIALISATION_STATUS_ERROR },
  };
  g_autoptr(GBytes) fixture = load_fixture ("F4a.json");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = edit_fixture_member (fixture, NULL, "initialisationStatus",
                                                    cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(OmsV5SiteInfo) info = oms_v5_parse_site_info (body, &error);

      g_assert_no_error (error);
      g_assert_cmpint (info->initialisation_status, ==, cases[i].status);
    }
}

static void
test_site_info_bad_shapes (void)
{
  static const char * const required[] = {
    "id", "siteId", "initialisationStatus", "omSupplyCentralServerUrl",
    "isOmSupplyCentralServer", "mSupplyCentralSiteId",
  };
  static const struct
  {
    const char *member;
    const char *value;
  } wrong_types[] = {
    { "id", "123" },
    { "siteId", "\"123\"" },
    { "siteId", "1.5" },
    { "siteId", "4294967296" },
    { "initialisationStatus", "\"Started\"" },
    { "initialisationStatus", "null" },
    { "omSupplyCentralServerUrl", "null" },
    { "isOmSupplyCentralServer", "\"false\"" },
    { "isOmSupplyCentralServer", "0" },
    { "mSupplyCentralSiteId", "[]" },
  };
  static const char * const not_objects[] = {
    "", "   ", "not json", "[]", "[{\"id\":\"abc123\"}]", "\"abc123\"", "null", "{\"id\":",
    "<html><body>502 Bad Gateway</body></html>",
  };
  g_autoptr(GBytes) fixture = load_fixture ("F4a.json");

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      g_autoptr(GBytes) body = edit_fixture_member (fixture, NULL, required[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(OmsV5SiteInfo) info = oms_v5_parse_site_info (body, &error);

      g_assert_null (info);
      assert_parse_error (error, required[i]);
      g_assert_nonnull (strstr (error->message, "missing field"));
      g_assert_nonnull (strstr (error->message, "/sync/v5/site"));
    }

  for (guint i = 0; i < G_N_ELEMENTS (wrong_types); i++)
    {
      g_autoptr(GBytes) body = edit_fixture_member (fixture, NULL, wrong_types[i].member,
                                                    wrong_types[i].value);
      g_autoptr(GError) error = NULL;
      g_autoptr(OmsV5SiteInfo) info = oms_v5_parse_site_info (body, &error);

      g_assert_null (info);
      assert_parse_error (error, wrong_types[i].member);
    }

  for (guint i = 0; i < G_N_ELEMENTS (not_objects); i++)
    {
      g_autoptr(GBytes) body = bytes_from_string (not_objects[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(OmsV5SiteInfo) info = oms_v5_parse_site_info (body, &error);

      g_assert_null (info);
      assert_parse_error (error, "/sync/v5/site");
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(OmsV5SiteInfo) info = oms_v5_parse_site_info (NULL, &error);

    g_assert_null (info);
    assert_parse_error (error, "empty");
  }

  {
    /* Not UTF-8: refused, and the detail stays valid UTF-8. */
    g_autoptr(GBytes) body = g_bytes_new ("{\"id\":\"\xff\xfe\"}", 11);
    g_autoptr(GError) error = NULL;
    g_autoptr(OmsV5SiteInfo) info = oms_v5_parse_site_info (body, &error);

    g_assert_null (info);
    assert_parse_error (error, NULL);
    g_assert_true (g_utf8_validate (error->message, -1, NULL));
  }
}

static void
test_site_status_fixtures (void)
{
  static const struct
  {
    const char          *fixture;
    OmsV5SiteStatusCode  code;
    const char          *message;
  } cases[] = {
    { "F4b-1.json", OMS_V5_SITE_STATUS_IDLE, "idle" },
    { "F4b-2.json", OMS_V5_SITE_STATUS_INTEGRATION_IN_PROGRESS, "Integration in progress" },
    { "F4b-3.json", OMS_V5_SITE_STATUS_INITIALISATION_IN_PROGRESS, "Initialisation in progress" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = load_fixture (cases[i].fixture);
      g_autoptr(GError) error = NULL;
      g_autoptr(OmsV5SiteStatus) status = oms_v5_parse_site_status (body, &error);

      g_assert_no_error (error);
      g_assert_cmpint (status->code, ==, cases[i].code);
      g_assert_cmpstr (status->message, ==, cases[i].message);
      g_assert_null (status->data);
    }

  {
    g_autoptr(GBytes) body = bytes_from_string ("{\"code\":\"sync_is_running\",\"message\":\"m\","
                                                "\"data\":\"details\"}");
    g_autoptr(GError) error = NULL;
    g_autoptr(OmsV5SiteStatus) status = oms_v5_parse_site_status (body, &error);

    g_assert_no_error (error);
    g_assert_cmpint (status->code, ==, OMS_V5_SITE_STATUS_SYNC_IS_RUNNING);
    g_assert_cmpstr (oms_v5_site_status_code_to_string (status->code), ==, "sync_is_running");
    g_assert_cmpstr (status->data, ==, "details");
  }

  {
    /* `data` is Option<String>: it may be missing. */
    g_autoptr(GBytes) body = bytes_from_string ("{\"code\":\"idle\",\"message\":\"idle\"}");
    g_autoptr(GError) error = NULL;
    g_autoptr(OmsV5SiteStatus) status = oms_v5_parse_site_status (body, &error);

    g_assert_no_error (error);
    g_assert_cmpint (status->code, ==, OMS_V5_SITE_STATUS_IDLE);
  }
}

static void
test_site_status_bad_shapes (void)
{
  static const struct
  {
    const char *json;
    const char *needle;
  } cases[] = {
    { "{\"code\":\"busy\",\"message\":\"m\",\"data\":null}", "busy" },
    { "{\"code\":\"IDLE\",\"message\":\"m\",\"data\":null}", "IDLE" },
    { "{\"message\":\"m\",\"data\":null}", "code" },
    { "{\"code\":\"idle\",\"data\":null}", "message" },
    { "{\"code\":\"idle\",\"message\":\"m\",\"data\":3}", "data" },
    { "{\"code\":1,\"message\":\"m\"}", "code" },
    { "[\"idle\"]", "object" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = bytes_from_string (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(OmsV5SiteStatus) status = oms_v5_parse_site_status (body, &error);

      g_assert_null (status);
      assert_parse_error (error, cases[i].needle);
    }
}

static void
test_initialise (void)
{
  g_autoptr(GBytes) body = load_fixture ("F4c.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV5RemoteBatch) batch = oms_v5_parse_initialise_response (body, &error);
  g_autoptr(GBytes) request = oms_v5_build_initialise_body ();

  g_assert_no_error (error);
  g_assert_cmpint (batch->queue_length, ==, 2264);
  g_assert_cmpuint (batch->records->len, ==, 0);

  assert_bytes_equal (request, "{}");

  {
    g_autoptr(GBytes) bad = bytes_from_string ("{\"queueLength\":-1}");
    g_autoptr(GError) bad_error = NULL;
    g_autoptr(OmsV5RemoteBatch) bad_batch = oms_v5_parse_initialise_response (bad, &bad_error);

    g_assert_null (bad_batch);
    assert_parse_error (bad_error, "queueLength");
  }
}

static void
test_central_records_fixture (void)
{
  g_autoptr(GBytes) body = load_fixture ("F2.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV5CentralBatch) batch = oms_v5_parse_central_records (body, &error);
  OmsSyncRecord *record;

  g_assert_no_error (error);
  g_assert_cmpint (batch->max_cursor, ==, 200);
  g_assert_cmpuint (batch->records->len, ==, 2);

  record = record_at (batch->records, 0);
  g_assert_cmpint (record->cursor, ==, 2);
  g_assert_null (record->sync_id);
  g_assert_cmpstr (record->table_name, ==, "test_table_1");
  g_assert_cmpstr (record->record_id, ==, "ID2");
  g_assert_cmpint (record->action, ==, OMS_SYNC_ACTION_DELETE);
  g_assert_cmpint (oms_sync_action_to_buffer_action (record->action), ==,
                   OMS_BUFFER_ACTION_DELETE);
  g_assert_cmpstr (record->data, ==, "{}");

  record = record_at (batch->records, 1);
  g_assert_cmpint (record->cursor, ==, 3);
  g_assert_cmpstr (record->table_name, ==, "test_table_2");
  g_assert_cmpstr (record->record_id, ==, "ID4");
  g_assert_cmpint (record->action, ==, OMS_SYNC_ACTION_INSERT);
  g_assert_cmpint (oms_sync_action_to_buffer_action (record->action), ==,
                   OMS_BUFFER_ACTION_UPSERT);
  g_assert_cmpstr (oms_buffer_action_to_string (oms_sync_action_to_buffer_action (record->action)),
                   ==, "UPSERT");
  g_assert_cmpstr (record->data, ==, "{\"test_key\":\"test_value\"}");
}

static void
test_central_records_variants (void)
{
  static const struct
  {
    const char      *action;
    OmsBufferAction  buffer_action;
  } actions[] = {
    { "insert", OMS_BUFFER_ACTION_UPSERT },
    { "Insert", OMS_BUFFER_ACTION_UPSERT },
    { "update", OMS_BUFFER_ACTION_UPSERT },
    { "Update", OMS_BUFFER_ACTION_UPSERT },
    { "delete", OMS_BUFFER_ACTION_DELETE },
    { "Delete", OMS_BUFFER_ACTION_DELETE },
    { "merge", OMS_BUFFER_ACTION_MERGE },
    { "Merge", OMS_BUFFER_ACTION_MERGE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"maxCursor\":5,\"data\":[{\"ID\":5,"
                                               "\"tableName\":\"item\",\"recordId\":\"A\","
                                               "\"action\":\"%s\",\"recordData\":{\"b\":1,"
                                               "\"a\":2}}]}",
                                               actions[i].action);
      g_autoptr(GBytes) body = bytes_from_string (json);
      g_autoptr(GError) error = NULL;
      g_autoptr(OmsV5CentralBatch) batch = oms_v5_parse_central_records (body, &error);
      OmsSyncRecord *record;

      g_assert_no_error (error);
      record = record_at (batch->records, 0);
      g_assert_cmpint (oms_sync_action_to_buffer_action (record->action), ==,
                       actions[i].buffer_action);
      /* Stored as Open mSupply stores a serde_json::Value: keys sorted. */
      g_assert_cmpstr (record->data, ==, "{\"a\":2,\"b\":1}");
    }

  {
    /* `data` is optional: the end of the log. */
    g_autoptr(GBytes) body = bytes_from_string ("{\"maxCursor\":200}");
    g_autoptr(GError) error = NULL;
    g_autoptr(OmsV5CentralBatch) batch = oms_v5_parse_central_records (body, &error);

    g_assert_no_error (error);
    g_assert_cmpint (batch->max_cursor, ==, 200);
    g_assert_cmpuint (batch->records->len, ==, 0);
  }

  {
    /* A real legacy payload (F6c-2) is kept whole, keys byte-sorted (upper case first). */
    g_autoptr(GBytes) data = load_fixture ("F6c-2.json");
    g_autofree char *json = g_strdup_printf ("{\"maxCursor\":9,\"data\":[{\"ID\":9,"
                                             "\"tableName\":\"Location\",\"recordId\":"
                                             "\"cf5812e0c33911eb9757779d39ae2bdb\","
                                             "\"action\":\"update\",\"recordData\":%.*s}]}",
                                             (int) g_bytes_get_size (data),
                                             (const char *) g_bytes_get_data (data, NULL));
    g_autoptr(GBytes) body = bytes_from_string (json);
    g_autoptr(GError) error = NULL;
    g_autoptr(OmsV5CentralBatch) batch = oms_v5_parse_central_records (body, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (record_at (batch->records, 0)->table_name, ==, "Location");
    g_assert_cmpstr (record_at (batch->records, 0)->data, ==,
                     "{\"Colour\":\"\",\"Comment\":\"\",\"Description\":\"NameRed.02\","
                     "\"ID\":\"cf5812e0c33911eb9757779d39ae2bdb\",\"Volume\":0,"
                     "\"asset_ID\":\"\",\"bottom_y_coordinate\":0,\"code\":\"Red.02\","
                     "\"hold\":false,\"object_type\":\"\",\"parent_id\":\"\",\"priority\":0,"
                     "\"replenishment_type\":\"\",\"store_ID\":\"store_a\","
                     "\"summary_only\":false,\"type_ID\":\"\"}");
  }
}

static void
test_central_records_bad_shapes (void)
{
  static const struct
  {
    const char *json;
    const char *needle;
  } cases[] = {
    { "{\"data\":[]}", "maxCursor" },
    { "{\"maxCursor\":\"200\"}", "maxCursor" },
    { "{\"maxCursor\":200,\"data\":null}", "data" },
    { "{\"maxCursor\":200,\"data\":{}}", "data" },
    { "{\"maxCursor\":200,\"data\":[1]}", "data[0]" },
    { "{\"maxCursor\":200,\"data\":[{\"tableName\":\"t\",\"recordId\":\"r\","
      "\"action\":\"insert\"}]}", "ID" },
    { "{\"maxCursor\":200,\"data\":[{\"ID\":\"1\",\"tableName\":\"t\",\"recordId\":\"r\","
      "\"action\":\"insert\"}]}", "ID" },
    { "{\"maxCursor\":200,\"data\":[{\"ID\":-1,\"tableName\":\"t\",\"recordId\":\"r\","
      "\"action\":\"insert\"}]}", "ID" },
    { "{\"maxCursor\":200,\"data\":[{\"ID\":1,\"recordId\":\"r\",\"action\":\"insert\"}]}",
      "tableName" },
    { "{\"maxCursor\":200,\"data\":[{\"ID\":1,\"tableName\":\"t\",\"action\":\"insert\"}]}",
      "recordId" },
    { "{\"maxCursor\":200,\"data\":[{\"ID\":1,\"tableName\":\"t\",\"recordId\":\"r\"}]}",
      "action" },
    { "{\"maxCursor\":200,\"data\":[{\"ID\":1,\"tableName\":\"t\",\"recordId\":\"r\","
      "\"action\":\"upsert\"}]}", "upsert" },
    { "{\"maxCursor\":200,\"data\":[{\"ID\":1,\"tableName\":\"t\",\"recordId\":\"r\","
      "\"action\":\"insert\"},{\"ID\":2,\"tableName\":\"t\",\"recordId\":7,"
      "\"action\":\"insert\"}]}", "data[1]" },
    { "[{\"maxCursor\":200}]", "object" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = bytes_from_string (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(OmsV5CentralBatch) batch = oms_v5_parse_central_records (body, &error);

      g_assert_null (batch);
      assert_parse_error (error, cases[i].needle);
    }
}

static void
test_queued_records_fixture (void)
{
  g_autoptr(GBytes) body = load_fixture ("F3a.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV5RemoteBatch) batch = oms_v5_parse_queued_records (body, &error);
  g_auto(GStrv) ids = NULL;
  OmsSyncRecord *record;

  g_assert_no_error (error);
  g_assert_cmpint (batch->queue_length, ==, 2264);
  g_assert_cmpuint (batch->records->len, ==, 2);

  record = record_at (batch->records, 0);
  g_assert_cmpstr (record->sync_id, ==, "ID1");
  g_assert_cmpstr (record->table_name, ==, "test_table_1");
  g_assert_cmpstr (record->record_id, ==, "ID2");
  g_assert_cmpint (record->action, ==, OMS_SYNC_ACTION_UPDATE);
  g_assert_cmpstr (record->data, ==, "{\"test_key\":\"test_value\"}");

  record = record_at (batch->records, 1);
  g_assert_cmpstr (record->sync_id, ==, "ID3");
  g_assert_cmpstr (record->record_id, ==, "ID4");
  g_assert_cmpint (oms_sync_action_to_buffer_action (record->action), ==,
                   OMS_BUFFER_ACTION_DELETE);
  g_assert_cmpstr (record->data, ==, "{}");

  ids = oms_v5_remote_batch_dup_sync_ids (batch);
  g_assert_cmpuint (g_strv_length (ids), ==, 2);
  g_assert_cmpstr (ids[0], ==, "ID1");
  g_assert_cmpstr (ids[1], ==, "ID3");
}

static void
test_queued_records_bad_shapes (void)
{
  static const struct
  {
    const char *json;
    const char *needle;
  } cases[] = {
    { "{\"data\":[]}", "queueLength" },
    { "{\"queueLength\":true,\"data\":[]}", "queueLength" },
    { "{\"queueLength\":1,\"data\":[{\"tableName\":\"t\",\"recordId\":\"r\","
      "\"action\":\"update\"}]}", "syncOutId" },
    { "{\"queueLength\":1,\"data\":[{\"syncOutId\":1,\"tableName\":\"t\",\"recordId\":\"r\","
      "\"action\":\"update\"}]}", "syncOutId" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = bytes_from_string (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(OmsV5RemoteBatch) batch = oms_v5_parse_queued_records (body, &error);

      g_assert_null (batch);
      assert_parse_error (error, cases[i].needle);
    }
}

static void
test_push_body_fixture (void)
{
  g_autofree char *expected = load_fixture_text ("F3b-1.json");
  g_autoptr(GPtrArray) records = new_record_array ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  OmsSyncRecord *record;

  record = oms_sync_record_new ("test_table_name", "ID2", OMS_SYNC_ACTION_INSERT,
                                "{ \"test_key\" : \"test_value\" }");
  record->sync_id = g_strdup ("ID1");
  g_ptr_array_add (records, record);

  body = oms_v5_build_push_body (0, records, &error);
  g_assert_no_error (error);
  assert_bytes_equal (body, expected);
}

static void
test_push_body_forms (void)
{
  g_autoptr(GPtrArray) records = new_record_array ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) final = NULL;
  OmsSyncRecord *record;

  /* An upsert goes as "Update", recordData sorted at every depth. */
  record = oms_sync_record_new ("trans_line", "L1", OMS_SYNC_ACTION_UPDATE,
                                "{\"quantity\":2.0,\"ID\":\"L1\",\"nested\":{\"z\":[{\"b\":1,"
                                "\"a\":0.5}],\"a\":null},\"note\":\"tab\\tquote\\\"\"}");
  record->cursor = 41;
  g_ptr_array_add (records, record);

  /* A delete goes with recordData null, whatever data it holds. */
  record = oms_sync_record_new ("transact", "T1", OMS_SYNC_ACTION_DELETE, "{\"ID\":\"T1\"}");
  record->sync_id = g_strdup ("42");
  g_ptr_array_add (records, record);

  record = oms_sync_record_new ("Location", "X", OMS_SYNC_ACTION_DELETE, NULL);
  record->cursor = 43;
  g_ptr_array_add (records, record);

  body = oms_v5_build_push_body (1030, records, &error);
  g_assert_no_error (error);
  assert_bytes_equal (body,
                      "{\"queueLength\":1030,\"data\":["
                      "{\"syncOutId\":\"41\",\"tableName\":\"trans_line\",\"recordId\":\"L1\","
                      "\"action\":\"Update\",\"recordData\":{\"ID\":\"L1\",\"nested\":{\"a\":null,"
                      "\"z\":[{\"a\":0.5,\"b\":1}]},\"note\":\"tab\\tquote\\\"\","
                      "\"quantity\":2.0}},"
                      "{\"syncOutId\":\"42\",\"tableName\":\"transact\",\"recordId\":\"T1\","
                      "\"action\":\"Delete\",\"recordData\":null},"
                      "{\"syncOutId\":\"43\",\"tableName\":\"Location\",\"recordId\":\"X\","
                      "\"action\":\"Delete\",\"recordData\":null}]}");

  /* Every push ends with an empty batch saying nothing remains. */
  final = oms_v5_build_push_body (0, NULL, &error);
  g_assert_no_error (error);
  assert_bytes_equal (final, "{\"queueLength\":0,\"data\":[]}");

  {
    g_autoptr(GPtrArray) bad = new_record_array ();
    g_autoptr(GError) bad_error = NULL;
    g_autoptr(GBytes) bad_body = NULL;

    g_ptr_array_add (bad, oms_sync_record_new ("item", "I", OMS_SYNC_ACTION_UPDATE, "{\"a\":"));
    bad_body = oms_v5_build_push_body (1, bad, &bad_error);
    g_assert_null (bad_body);
    g_assert_error (bad_error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA);
    g_assert_nonnull (strstr (bad_error->message, "item"));
  }
}

static void
test_push_response (void)
{
  g_autoptr(GBytes) body = load_fixture ("F3b-2.json");
  g_autoptr(GError) error = NULL;
  gboolean started = FALSE;

  g_assert_true (oms_v5_parse_push_response (body, &started, &error));
  g_assert_no_error (error);
  g_assert_true (started);

  {
    g_autoptr(GBytes) not_started = bytes_from_string ("{\"integrationStarted\":false}");

    started = TRUE;
    g_assert_true (oms_v5_parse_push_response (not_started, &started, &error));
    g_assert_no_error (error);
    g_assert_false (started);
  }

  {
    static const char * const bad[] = {
      "{\"integrationStarted\":\"true\"}", "{}", "true", "",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GBytes) bad_body = bytes_from_string (bad[i]);
        g_autoptr(GError) bad_error = NULL;

        started = TRUE;
        g_assert_false (oms_v5_parse_push_response (bad_body, &started, &bad_error));
        assert_parse_error (bad_error, NULL);
        g_assert_true (started);
      }
  }
}

static void
test_acknowledge_body (void)
{
  static const char * const ids[] = { "ONE", "TWO", NULL };
  static const char * const none[] = { NULL };
  g_autofree char *expected = load_fixture_text ("F3c.json");
  g_autoptr(GBytes) body = oms_v5_build_acknowledge_body (ids);
  g_autoptr(GBytes) empty = oms_v5_build_acknowledge_body (none);

  assert_bytes_equal (body, expected);
  assert_bytes_equal (empty, "{\"syncIDs\":[]}");
}

static void
test_error_bodies (void)
{
  static const struct
  {
    const char          *fixture;
    guint                status;
    const char          *code;
    const char          *message;
    const char          *data;
    OmsSyncErrorVariant  variant;
  } parsed[] = {
    { "F5a.json", 503, "sync_is_running", "Sync is already running - try again later", NULL,
      OMS_SYNC_ERROR_VARIANT_UNKNOWN },
    { "F5c.json", 401, "site_incorrect_hardware_id", "Site hardware ID does not match", NULL,
      OMS_SYNC_ERROR_VARIANT_HARDWARE_ID_MISMATCH },
    { "F5d.json", 409, "api_version_incompatible", "Api version is not compatible",
      "{\"major\":1,\"minor\":1}", OMS_SYNC_ERROR_VARIANT_API_VERSION_INCOMPATIBLE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (parsed); i++)
    {
      g_autoptr(GBytes) body = load_fixture (parsed[i].fixture);
      g_autoptr(OmsV5Error) error_body = NULL;
      g_autoptr(OmsV5Error) direct = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) parse_error = NULL;

      error = oms_v5_error_new_for_status (parsed[i].status, body, &error_body);
      g_assert_error (error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_HTTP_STATUS_PARSED);
      g_assert_nonnull (error_body);
      g_assert_cmpstr (error_body->code, ==, parsed[i].code);
      g_assert_cmpstr (error_body->message, ==, parsed[i].message);
      g_assert_cmpstr (error_body->data, ==, parsed[i].data);
      g_assert_nonnull (strstr (error->message, parsed[i].code));
      g_assert_cmpint (oms_sync_error_variant_from_v5_code (error_body->code), ==,
                       parsed[i].variant);
      g_assert_cmpint (oms_sync_error_variant_from_protocol_error (error, error_body->code), ==,
                       parsed[i].variant);

      direct = oms_v5_parse_error_body (body, &parse_error);
      g_assert_no_error (parse_error);
      g_assert_cmpstr (direct->code, ==, parsed[i].code);
    }

  {
    g_autoptr(GBytes) body = load_fixture ("F5b.txt");
    g_autoptr(OmsV5Error) error_body = NULL;
    g_autoptr(GError) error = oms_v5_error_new_for_status (503, body, &error_body);

    g_assert_error (error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_HTTP_STATUS_TEXT);
    g_assert_null (error_body);
    g_assert_nonnull (strstr (error->message, "503"));
    g_assert_nonnull (strstr (error->message, "'some plain text error'"));
    g_assert_cmpint (oms_sync_error_variant_from_protocol_error (error, NULL), ==,
                     OMS_SYNC_ERROR_VARIANT_UNKNOWN);
  }

  {
    static const char * const texts[] = {
      "", "{\"error\":\"site_name_not_found\"}", "{\"error\":{\"code\":1,\"message\":\"m\"}}",
      "{\"error\":{\"code\":\"site_name_not_found\"}}", "[]", "{\"code\":\"x\"}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
      {
        g_autoptr(GBytes) body = bytes_from_string (texts[i]);
        g_autoptr(OmsV5Error) error_body = NULL;
        g_autoptr(GError) error = oms_v5_error_new_for_status (500, body, &error_body);

        g_assert_error (error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_HTTP_STATUS_TEXT);
        g_assert_null (error_body);
      }
  }

  {
    /* The mapping is by code, never by status; `data` may be absent. */
    g_autoptr(GBytes) body = bytes_from_string ("{\"error\":{\"code\":\"site_name_not_found\","
                                                "\"message\":\"No site\"}}");
    g_autoptr(OmsV5Error) error_body = NULL;
    g_autoptr(GError) error = oms_v5_error_new_for_status (500, body, &error_body);

    g_assert_error (error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_HTTP_STATUS_PARSED);
    g_assert_null (error_body->data);
    g_assert_cmpint (oms_sync_error_variant_from_protocol_error (error, error_body->code), ==,
                     OMS_SYNC_ERROR_VARIANT_SITE_NAME_NOT_FOUND);
  }
}

static void
test_variant_mapping (void)
{
  static const struct
  {
    const char          *v5_code;
    OmsSyncErrorVariant  variant;
    const char          *stored;
  } codes[] = {
    { "site_name_not_found", OMS_SYNC_ERROR_VARIANT_SITE_NAME_NOT_FOUND, "SITE_NAME_NOT_FOUND" },
    { "site_incorrect_password", OMS_SYNC_ERROR_VARIANT_INCORRECT_PASSWORD,
      "INCORRECT_PASSWORD" },
    { "site_incorrect_hardware_id", OMS_SYNC_ERROR_VARIANT_HARDWARE_ID_MISMATCH,
      "HARDWARE_ID_MISMATCH" },
    { "site_has_no_store", OMS_SYNC_ERROR_VARIANT_SITE_HAS_NO_STORE, "SITE_HAS_NO_STORE" },
    { "site_auth_timeout", OMS_SYNC_ERROR_VARIANT_SITE_AUTH_TIMEOUT, "SITE_AUTH_TIMEOUT" },
    { "api_version_incompatible", OMS_SYNC_ERROR_VARIANT_API_VERSION_INCOMPATIBLE,
      "API_VERSION_INCOMPATIBLE" },
    { "sync_is_running", OMS_SYNC_ERROR_VARIANT_UNKNOWN, NULL },
    { "SITE_NAME_NOT_FOUND", OMS_SYNC_ERROR_VARIANT_UNKNOWN, NULL },
    { "", OMS_SYNC_ERROR_VARIANT_UNKNOWN, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      OmsSyncErrorVariant variant = oms_sync_error_variant_from_v5_code (codes[i].v5_code);

      g_assert_cmpint (variant, ==, codes[i].variant);
      g_assert_cmpstr (oms_sync_error_variant_to_error_code (variant), ==, codes[i].stored);
    }

  g_assert_cmpint (oms_sync_error_variant_from_v5_code (NULL), ==,
                   OMS_SYNC_ERROR_VARIANT_UNKNOWN);
}

static void
test_canonical_numbers (void)
{
  static const struct
  {
    const char *input;
    const char *expected;
  } cases[] = {
    { "1", "1" },
    { "-7", "-7" },
    { "0", "0" },
    { "1.0", "1.0" },
    { "0.1", "0.1" },
    { "10.6", "10.6" },
    { "-273.0", "-273.0" },
    { "36.6", "36.6" },
    { "0.30000000000000004", "0.30000000000000004" },
    { "100000.0", "100000.0" },
    { "1e15", "1000000000000000.0" },
    { "1e16", "1e16" },
    { "1.5e17", "1.5e17" },
    { "1e21", "1e21" },
    { "0.0001", "0.0001" },
    { "0.00001", "0.00001" },
    { "0.000001", "1e-6" },
    { "0.0000012345", "1.2345e-6" },
    { "1.5e-7", "1.5e-7" },
    { "123456.789", "123456.789" },
    { "-0.5", "-0.5" },
    { "5e-324", "5e-324" },
    { "1.7976931348623157e308", "1.7976931348623157e308" },
    { "9007199254740993", "9007199254740993" },
    { "true", "true" },
    { "null", "null" },
    { "\"\\u0001\\u001f\\b\\f\\n\\r\\t\\\"\\\\/\\u007f é ✓\"",
      "\"\\u0001\\u001f\\b\\f\\n\\r\\t\\\"\\\\/\x7f é ✓\"" },
    { " { \"b\" : [ 1 , { \"d\" : 1 , \"c\" : 2 } ] , \"a\" : { } , \"B\" : [ ] } ",
      "{\"B\":[],\"a\":{},\"b\":[1,{\"c\":2,\"d\":1}]}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *canonical = oms_json_canonicalise (cases[i].input, -1, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (canonical, ==, cases[i].expected);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *canonical = oms_json_canonicalise ("{\"a\":", -1, &error);

    g_assert_null (canonical);
    g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE);
  }
}

static gboolean
keys_sorted (JsonNode *node)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (!keys_sorted (json_array_get_element (array, i)))
            return FALSE;
        }
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      GList *members = json_object_get_members (object);
      gboolean sorted = TRUE;

      for (GList *l = members; l != NULL && sorted; l = l->next)
        {
          if (l->next != NULL && strcmp (l->data, l->next->data) >= 0)
            sorted = FALSE;
          else if (!keys_sorted (json_object_get_member (object, l->data)))
            sorted = FALSE;
        }
      g_list_free (members);
      return sorted;
    }

  return TRUE;
}

/* Every realistic payload of records.json survives canonicalisation unchanged in meaning, with
 * keys sorted at every depth; two are checked byte for byte against serde_json's output.
 */
static void
test_canonical_records (void)
{
  g_autoptr(GBytes) bytes = load_fixture ("records.json");
  g_autoptr(JsonNode) root = parse_json_bytes (bytes);
  JsonObject *tables = json_object_get_object_member (json_node_get_object (root), "tables");
  GList *names = json_object_get_members (tables);
  guint n_checked = 0;

  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonArray *entries = json_object_get_array_member (tables, l->data);

      for (guint i = 0; i < json_array_get_length (entries); i++)
        {
          JsonObject *entry = json_array_get_object_element (entries, i);
          JsonNode *data = json_object_get_member (entry, "recordData");
          g_autofree char *canonical = oms_json_to_canonical (data);
          g_autoptr(GBytes) canonical_bytes = bytes_from_string (canonical);
          g_autoptr(JsonNode) reparsed = parse_json_bytes (canonical_bytes);

          g_assert_true (json_node_equal (data, reparsed));
          g_assert_true (keys_sorted (reparsed));
          g_assert_null (strstr (canonical, "\": "));
          g_assert_null (strstr (canonical, "\n"));

          if (g_str_equal (l->data, "temperature_log"))
            g_assert_cmpstr (canonical, ==,
                             "{\"ID\":\"995812e0c33911eb9757779d39ae2dbd\",\"date\":\"2023-07-01\","
                             "\"location_ID\":\"\",\"om_datetime\":\"\",\"sensor_ID\":"
                             "\"cf5812e0c33911eb9757779d39ae2dbd\",\"store_ID\":\"store_a\","
                             "\"temperature\":10.6,\"temperature_breach_ID\":\"\",\"time\":47046}");
          if (g_str_equal (l->data, "temperature_breach"))
            g_assert_cmpstr (canonical, ==,
                             "{\"ID\":\"996812e0c33911eb9757779d39ae2dbd\",\"acknowledged\":false,"
                             "\"duration\":86400,\"end_date\":\"2023-07-02\",\"end_time\":47046,"
                             "\"location_ID\":\"\",\"om_comment\":\"\",\"om_end_datetime\":\"\","
                             "\"om_start_datetime\":\"\",\"sensor_ID\":"
                             "\"cf5812e0c33911eb9757779d39ae2dbd\",\"start_date\":\"2023-07-01\","
                             "\"start_time\":47046,\"store_ID\":\"store_a\","
                             "\"threshold_duration\":3600,\"threshold_maximum_temperature\":2.0,"
                             "\"threshold_minimum_temperature\":-273.0,"
                             "\"type\":\"COLD_CONSECUTIVE\"}");
          n_checked++;
        }
    }

  g_list_free (names);
  g_assert_cmpuint (n_checked, >=, 16);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/oms/protocol/v5/site-info/fixture", test_site_info_fixture);
  g_test_add_func ("/oms/protocol/v5/site-info/statuses", test_site_info_statuses);
  g_test_add_func ("/oms/protocol/v5/site-info/bad-shapes", test_site_info_bad_shapes);
  g_test_add_func ("/oms/protocol/v5/site-status/fixtures", test_site_status_fixtures);
  g_test_add_func ("/oms/protocol/v5/site-status/bad-shapes", test_site_status_bad_shapes);
  g_test_add_func ("/oms/protocol/v5/initialise", test_initialise);
  g_test_add_func ("/oms/protocol/v5/central-records/fixture", test_central_records_fixture);
  g_test_add_func ("/oms/protocol/v5/central-records/variants", test_central_records_variants);
  g_test_add_func ("/oms/protocol/v5/central-records/bad-shapes",
                   test_central_records_bad_shapes);
  g_test_add_func ("/oms/protocol/v5/queued-records/fixture", test_queued_records_fixture);
  g_test_add_func ("/oms/protocol/v5/queued-records/bad-shapes", test_queued_records_bad_shapes);
  g_test_add_func ("/oms/protocol/v5/push/body-fixture", test_push_body_fixture);
  g_test_add_func ("/oms/protocol/v5/push/body-forms", test_push_body_forms);
  g_test_add_func ("/oms/protocol/v5/push/response", test_push_response);
  g_test_add_func ("/oms/protocol/v5/acknowledge/body", test_acknowledge_body);
  g_test_add_func ("/oms/protocol/v5/errors/bodies", test_error_bodies);
  g_test_add_func ("/oms/protocol/v5/errors/variant-mapping", test_variant_mapping);
  g_test_add_func ("/oms/protocol/json/canonical-numbers", test_canonical_numbers);
  g_test_add_func ("/oms/protocol/json/canonical-records", test_canonical_records);

  return g_test_run ();
}
