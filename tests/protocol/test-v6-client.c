/* test-v6-client.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-v6-client"

#include "config.h"

#include "oms-v6-client.h"
#include "protocol-test-server.h"

#define PASSWORD_SHA256 "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"

static const char * const secrets[] = { PASSWORD_SHA256, NULL };

static OmsSyncApiSettings *
make_settings (void)
{
  return oms_sync_api_settings_new ("http://legacy:2048", "username", PASSWORD_SHA256,
                                    "machine-1");
}

static OmsV6Client *
client_for_url (const char *url)
{
  g_autoptr(OmsSyncApiSettings) settings = make_settings ();
  g_autoptr(GError) error = NULL;
  OmsV6Client *client;

  client = oms_v6_client_new (url, settings, &error);
  g_assert_no_error (error);
  g_assert_true (OMS_IS_V6_CLIENT (client));

  return client;
}

static OmsV6Batch *
pull (OmsV6Client   *client,
      GCancellable  *cancellable,
      GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  oms_v6_client_pull_async (client, 7, 500, TRUE, cancellable, store_result_cb, &result);
  return oms_v6_client_pull_finish (client, wait_for_result (&result), error);
}

static gboolean
site_status (OmsV6Client  *client,
             gboolean     *is_integrating,
             GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  oms_v6_client_get_site_status_async (client, NULL, store_result_cb, &result);
  return oms_v6_client_get_site_status_finish (client, wait_for_result (&result),
                                               is_integrating, error);
}

static void
assert_v6_headers (RecordedRequest *request)
{
  SoupMessageHeaders *headers = request->headers;

  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (soup_message_headers_get_list (headers, "Content-Type"), ==,
                   "application/json");
  g_assert_cmpstr (soup_message_headers_get_list (headers, "User-Agent"), ==,
                   "omsync/" PACKAGE_VERSION);
  g_assert_cmpstr (soup_message_headers_get_list (headers, "Accept-Encoding"), ==, "gzip");
  /* The credentials travel in the body only. */
  g_assert_null (soup_message_headers_get_one (headers, "Authorization"));
  g_assert_null (soup_message_headers_get_one (headers, "msupply-site-uuid"));
  g_assert_null (request->query);
}

static void
test_pull (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV6Client) client = client_for_url (server->url);
  g_autoptr(OmsSyncApiSettings) settings = make_settings ();
  g_autoptr(OmsV6Batch) batch = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(GError) error = NULL;
  RecordedRequest *request;
  const OmsSyncRecord *record;

  test_server_queue (server, SOUP_STATUS_OK, "application/json",
                     "{\"data\":{\"end_cursor\":9,\"total_records\":1,\"records\":["
                     "{\"cursor\":8,\"record\":{\"tableName\":\"asset_class\",\"recordId\":\"AC1\","
                     "\"action\":\"Update\",\"recordData\":{\"name\":\"Fridge\",\"id\":\"AC1\"}}}],"
                     "\"is_last_batch\":true}}");
  batch = pull (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (batch->end_cursor, ==, 9);
  g_assert_cmpint (batch->total_records, ==, 1);
  g_assert_true (batch->is_last_batch);
  g_assert_cmpuint (batch->records->len, ==, 1);
  record = g_ptr_array_index (batch->records, 0);
  g_assert_cmpint (record->cursor, ==, 8);
  g_assert_cmpstr (record->table_name, ==, "asset_class");

  expected = oms_v6_build_pull_body (settings, 7, 500, TRUE);
  request = test_server_get_request (server, 0);
  g_assert_cmpstr (request->path, ==, "/central/sync/pull");
  g_assert_true (g_bytes_equal (request->body, expected));
  assert_v6_headers (request);

  test_server_free (server);
}

static void
test_patient_pull (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV6Client) client = client_for_url (server->url);
  g_autoptr(OmsSyncApiSettings) settings = make_settings ();
  g_autoptr(OmsV6Batch) batch = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(GError) error = NULL;
  RecordedRequest *request;

  test_server_queue (server, SOUP_STATUS_OK, "application/json",
                     "{\"data\":{\"end_cursor\":0,\"total_records\":0,\"records\":[],"
                     "\"is_last_batch\":true}}");
  oms_v6_client_patient_pull_async (client, 0, 500, "PATIENT1", NULL, store_result_cb, &result);
  batch = oms_v6_client_patient_pull_finish (client, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->records->len, ==, 0);

  expected = oms_v6_build_patient_pull_body (settings, 0, 500, "PATIENT1");
  request = test_server_get_request (server, 0);
  g_assert_cmpstr (request->path, ==, "/central/sync/patient-pull");
  g_assert_true (g_bytes_equal (request->body, expected));
  assert_v6_headers (request);

  test_server_free (server);
}

static void
test_push (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV6Client) client = client_for_url (server->url);
  g_autoptr(OmsSyncApiSettings) settings = make_settings ();
  g_autoptr(OmsV6Batch) batch = oms_v6_batch_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(GError) error = NULL;
  OmsSyncRecord *record;
  gint64 records_pushed = 0;
  RecordedRequest *request;

  record = oms_sync_record_new ("asset", "A1", OMS_SYNC_ACTION_UPDATE, "{\"id\":\"A1\"}");
  record->cursor = 12;
  g_ptr_array_add (batch->records, record);
  batch->end_cursor = 12;
  batch->total_records = 1;
  batch->is_last_batch = TRUE;

  test_server_queue (server, SOUP_STATUS_OK, "application/json",
                     "{\"data\":{\"records_pushed\":1}}");
  oms_v6_client_push_async (client, batch, NULL, store_result_cb, &result);
  g_assert_true (oms_v6_client_push_finish (client, wait_for_result (&result), &records_pushed,
                                            &error));
  g_assert_no_error (error);
  g_assert_cmpint (records_pushed, ==, 1);

  expected = oms_v6_build_push_body (settings, batch, &error);
  g_assert_no_error (error);
  request = test_server_get_request (server, 0);
  g_assert_cmpstr (request->path, ==, "/central/sync/push");
  g_assert_true (g_bytes_equal (request->body, expected));
  assert_v6_headers (request);

  test_server_free (server);
}

static void
test_site_status_and_reuse (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV6Client) client = client_for_url (server->url);
  g_autoptr(OmsSyncApiSettings) settings = make_settings ();
  g_autoptr(GBytes) expected = oms_v6_build_site_status_body (settings);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 5; i++)
    {
      gboolean is_integrating = i % 2 == 1;

      test_server_queue (server, SOUP_STATUS_OK, "application/json",
                         i < 4 ? "{\"data\":{\"is_integrating\":true}}" :
                                 "{\"data\":{\"is_integrating\":false}}");
      g_assert_true (site_status (client, &is_integrating, &error));
      g_assert_no_error (error);
      g_assert_cmpint (is_integrating, ==, i < 4);
      g_assert_cmpstr (test_server_get_request (server, i)->path, ==, "/central/sync/site_status");
      g_assert_true (g_bytes_equal (test_server_get_request (server, i)->body, expected));
      assert_v6_headers (test_server_get_request (server, i));
    }

  /* Five POSTs on one kept-alive connection. */
  g_assert_cmpuint (g_hash_table_size (server->sockets), ==, 1);

  test_server_free (server);
}

static void
test_url_join (void)
{
  TestServer *server = test_server_new ();
  g_autofree char *with_slash = g_strconcat (server->url, "/x/", NULL);
  g_autofree char *without_slash = g_strconcat (server->url, "/x", NULL);
  g_autoptr(OmsV6Client) client_slash = client_for_url (with_slash);
  g_autoptr(OmsV6Client) client_plain = client_for_url (without_slash);
  g_autoptr(GError) error = NULL;
  gboolean is_integrating;

  /* Url::join keeps the base path only when it ends with a slash. */
  test_server_queue (server, SOUP_STATUS_OK, "application/json",
                     "{\"data\":{\"is_integrating\":false}}");
  test_server_queue (server, SOUP_STATUS_OK, "application/json",
                     "{\"data\":{\"is_integrating\":false}}");
  g_assert_true (site_status (client_slash, &is_integrating, &error));
  g_assert_no_error (error);
  g_assert_true (site_status (client_plain, &is_integrating, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (test_server_get_request (server, 0)->path, ==, "/x/central/sync/site_status");
  g_assert_cmpstr (test_server_get_request (server, 1)->path, ==, "/central/sync/site_status");

  test_server_free (server);
}

static void
test_status_ignored (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV6Client) client = client_for_url (server->url);
  g_autoptr(GError) error = NULL;
  gboolean is_integrating = TRUE;

  /* Only the envelope counts: a 500 carrying data is a success. */
  test_server_queue (server, SOUP_STATUS_INTERNAL_SERVER_ERROR, "application/json",
                     "{\"data\":{\"is_integrating\":false}}");
  g_assert_true (site_status (client, &is_integrating, &error));
  g_assert_no_error (error);
  g_assert_false (is_integrating);
  g_assert_cmpuint (server->requests->len, ==, 1);

  test_server_free (server);
}

static GError *
pull_error (TestServer *server,
            guint       status,
            const char *content_type,
            const char *body)
{
  g_autoptr(OmsV6Client) client = client_for_url (server->url);
  g_autoptr(OmsV6Batch) batch = NULL;
  GError *error = NULL;

  test_server_queue (server, status, content_type, body);
  batch = pull (client, NULL, &error);
  g_assert_null (batch);
  g_assert_nonnull (error);

  return error;
}

static void
assert_protocol_class (const GError     *error,
                       OmsProtocolError  expected)
{
  OmsProtocolError code = OMS_PROTOCOL_ERROR_CONNECTION;

  g_assert_true (oms_sync_error_get_protocol_error (error, &code));
  g_assert_cmpint (code, ==, expected);
}

static void
test_error_not_central (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(GError) error = NULL;

  error = pull_error (server, SOUP_STATUS_METHOD_NOT_ALLOWED, "text/plain",
                      "Method only allowed on central server.");
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_UNKNOWN, secrets);
  assert_protocol_class (error, OMS_PROTOCOL_ERROR_RESPONSE_PARSING);
  g_assert_cmpuint (oms_sync_error_get_http_status (error), ==, 405);
  g_assert_nonnull (strstr (error->message, "405"));
  g_assert_nonnull (strstr (error->message, "Method only allowed on central server."));
  g_assert_cmpuint (server->requests->len, ==, 1);

  test_server_free (server);
}

static void
test_error_version_mismatch (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(GError) error = NULL;

  error = pull_error (server, SOUP_STATUS_OK, "application/json",
                      "{\"error\":{\"syncVersionMismatch\":[0,5,10000]}}");
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_V6_API_VERSION_INCOMPATIBLE, secrets);
  assert_protocol_class (error, OMS_PROTOCOL_ERROR_SYNC_VERSION_MISMATCH);

  test_server_free (server);
}

static void
test_error_legacy_server_error (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(GError) error = NULL;

  error = pull_error (server, SOUP_STATUS_OK, "application/json",
                      "{\"error\":{\"legacyServerError\":{\"code\":\"site_incorrect_password\","
                      "\"message\":\"Wrong password\",\"data\":null}}}");
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_INCORRECT_PASSWORD, secrets);
  assert_protocol_class (error, OMS_PROTOCOL_ERROR_LEGACY_SERVER_ERROR);
  g_assert_cmpstr (oms_sync_error_get_v5_code (error), ==, "site_incorrect_password");

  test_server_free (server);
}

static void
test_error_other_server_error (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;

  /* OMS central reports legacy auth failures as text; any echoed hash is hidden. */
  body = g_strdup_printf ("{\"error\":{\"otherServerError\":\"auth failed for hash %s\"}}",
                          PASSWORD_SHA256);
  error = pull_error (server, SOUP_STATUS_OK, "application/json", body);
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_UNKNOWN, secrets);
  assert_protocol_class (error, OMS_PROTOCOL_ERROR_OTHER_SERVER_ERROR);

  test_server_free (server);
}

static void
test_error_integration_in_progress (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(GError) error = NULL;

  error = pull_error (server, SOUP_STATUS_OK, "application/json",
                      "{\"error\":\"integrationInProgress\"}");
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_UNKNOWN, secrets);
  assert_protocol_class (error, OMS_PROTOCOL_ERROR_INTEGRATION_IN_PROGRESS);

  test_server_free (server);
}

static void
test_error_connection_refused (void)
{
  g_autofree char *url = closed_port_url ();
  g_autoptr(OmsV6Client) client = client_for_url (url);
  g_autoptr(OmsV6Batch) batch = NULL;
  g_autoptr(GError) error = NULL;
  guint attempts = _oms_http_get_n_attempts ();

  batch = pull (client, NULL, &error);
  g_assert_null (batch);
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR, secrets);
  assert_protocol_class (error, OMS_PROTOCOL_ERROR_CONNECTION);
  g_assert_cmpuint (_oms_http_get_n_attempts () - attempts, ==, 3);
}

static void
test_retry_408 (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV6Client) client = client_for_url (server->url);
  g_autoptr(GError) error = NULL;
  gboolean is_integrating = TRUE;

  test_server_queue (server, SOUP_STATUS_REQUEST_TIMEOUT, "text/plain", "slow down");
  test_server_queue (server, SOUP_STATUS_OK, "application/json",
                     "{\"data\":{\"is_integrating\":false}}");
  g_assert_true (site_status (client, &is_integrating, &error));
  g_assert_no_error (error);
  g_assert_false (is_integrating);
  g_assert_cmpuint (server->requests->len, ==, 2);

  test_server_free (server);
}

static void
test_not_configured (void)
{
  static const char * const urls[] = { "", "not a url", "mailto:central@example.org" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(OmsSyncApiSettings) settings = make_settings ();
      g_autoptr(OmsV6Client) client = NULL;
      g_autoptr(GError) error = NULL;

      client = oms_v6_client_new (urls[i], settings, &error);
      g_assert_null (client);
      assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_CENTRAL_V6_NOT_CONFIGURED, secrets);
      assert_protocol_class (error, OMS_PROTOCOL_ERROR_INVALID_URL);
    }
}

static void
test_cancel (void)
{
  HangServer *hang = hang_server_new ("http");
  g_autoptr(OmsV6Client) client = client_for_url (hang->url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(OmsV6Batch) batch = NULL;
  g_autoptr(GError) error = NULL;

  g_timeout_add (100, cancel_cb, cancellable);
  batch = pull (client, cancellable, &error);
  g_assert_null (batch);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  hang_server_free (hang);
}

int
main (int   argc,
      char *argv[])
{
  protocol_test_init (&argc, &argv);

  g_test_add_func ("/oms/protocol/v6-client/pull", test_pull);
  g_test_add_func ("/oms/protocol/v6-client/patient-pull", test_patient_pull);
  g_test_add_func ("/oms/protocol/v6-client/push", test_push);
  g_test_add_func ("/oms/protocol/v6-client/site-status-reuse", test_site_status_and_reuse);
  g_test_add_func ("/oms/protocol/v6-client/url-join", test_url_join);
  g_test_add_func ("/oms/protocol/v6-client/status-ignored", test_status_ignored);
  g_test_add_func ("/oms/protocol/v6-client/error/not-central", test_error_not_central);
  g_test_add_func ("/oms/protocol/v6-client/error/version-mismatch",
                   test_error_version_mismatch);
  g_test_add_func ("/oms/protocol/v6-client/error/legacy-server-error",
                   test_error_legacy_server_error);
  g_test_add_func ("/oms/protocol/v6-client/error/other-server-error",
                   test_error_other_server_error);
  g_test_add_func ("/oms/protocol/v6-client/error/integration-in-progress",
                   test_error_integration_in_progress);
  g_test_add_func ("/oms/protocol/v6-client/error/connection-refused",
                   test_error_connection_refused);
  g_test_add_func ("/oms/protocol/v6-client/retry/408", test_retry_408);
  g_test_add_func ("/oms/protocol/v6-client/not-configured", test_not_configured);
  g_test_add_func ("/oms/protocol/v6-client/cancel", test_cancel);

  return g_test_run ();
}
