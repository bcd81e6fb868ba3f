/* test-v5-client.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-v5-client"

#include "config.h"

#include "oms-v5-client.h"
#include "protocol-test-server.h"

#define PASSWORD_SHA256 "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
/* The base64 token of the F1 Authorization value. */
#define AUTH_TOKEN \
  "dXNlcm5hbWU6NWU4ODQ4OThkYTI4MDQ3MTUxZDBlNTZmOGRjNjI5Mjc3MzYwM2QwZDZhYWJiZGQ2MmExMWVm" \
  "NzIxZDE1NDJkOA=="

static const char * const secrets[] = { PASSWORD_SHA256, AUTH_TOKEN, NULL };

static OmsV5Client *
client_for_url (const char *url)
{
  g_autoptr(OmsSyncApiSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  OmsV5Client *client;

  settings = oms_sync_api_settings_new (url, "username", PASSWORD_SHA256, "machine-1");
  client = oms_v5_client_new (settings, &error);
  g_assert_no_error (error);
  g_assert_true (OMS_IS_V5_CLIENT (client));

  return client;
}

static OmsV5SiteInfo *
get_site_info (OmsV5Client   *client,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  oms_v5_client_get_site_info_async (client, cancellable, store_result_cb, &result);
  return oms_v5_client_get_site_info_finish (client, wait_for_result (&result), error);
}

static gboolean
acknowledge (OmsV5Client         *client,
             const char * const  *ids,
             GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  oms_v5_client_acknowledge_records_async (client, ids, NULL, store_result_cb, &result);
  return oms_v5_client_acknowledge_records_finish (client, wait_for_result (&result), error);
}

static void
assert_v5_headers (RecordedRequest *request)
{
  g_autofree char *expected_auth = load_fixture_text ("F1.txt");
  SoupMessageHeaders *headers = request->headers;

  g_assert_cmpstr (soup_message_headers_get_list (headers, "Authorization"), ==, expected_auth);
  g_assert_cmpstr (soup_message_headers_get_list (headers, "msupply-site-uuid"), ==, "machine-1");
  g_assert_cmpstr (soup_message_headers_get_list (headers, "app-name"), ==,
                   "Open mSupply Desktop");
  g_assert_cmpstr (soup_message_headers_get_list (headers, "app-version"), ==, "2.20.0");
  g_assert_cmpstr (soup_message_headers_get_list (headers, "version"), ==, "14");
  g_assert_cmpstr (soup_message_headers_get_list (headers, "User-Agent"), ==,
                   "omsync/" PACKAGE_VERSION);
  g_assert_cmpstr (soup_message_headers_get_list (headers, "Accept-Encoding"), ==, "gzip");
}

static void
test_site_info (void)
{
  TestServer *server = test_server_new ();
  g_autofree char *url = g_strconcat (server->url, "/foo/bar", NULL);
  g_autoptr(OmsV5Client) client = client_for_url (url);
  g_autoptr(OmsV5SiteInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  RecordedRequest *request;

  test_server_queue_fixture (server, SOUP_STATUS_OK, "F4a.json");
  info = get_site_info (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->id, ==, "abc123");
  g_assert_cmpint (info->site_id, ==, 123);
  g_assert_cmpstr (info->central_server_url, ==, "http://localhost:2000");
  g_assert_cmpint (info->msupply_central_site_id, ==, 1);

  g_assert_cmpuint (server->requests->len, ==, 1);
  request = test_server_get_request (server, 0);
  /* The configured path is dropped (PROTOCOL.md §2.1). */
  g_assert_cmpstr (request->method, ==, "GET");
  g_assert_cmpstr (request->path, ==, "/sync/v5/site");
  g_assert_null (request->query);
  g_assert_cmpuint (g_bytes_get_size (request->body), ==, 0);
  assert_v5_headers (request);
  g_assert_cmpstr (oms_v5_client_get_settings (client)->site_uuid, ==, "machine-1");

  test_server_free (server);
}

static void
test_site_status (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV5Client) client = client_for_url (server->url);
  g_autoptr(OmsV5SiteStatus) status = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  RecordedRequest *request;

  test_server_queue_fixture (server, SOUP_STATUS_OK, "F4b-2.json");
  oms_v5_client_get_site_status_async (client, NULL, store_result_cb, &result);
  status = oms_v5_client_get_site_status_finish (client, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->code, ==, OMS_V5_SITE_STATUS_INTEGRATION_IN_PROGRESS);

  request = test_server_get_request (server, 0);
  g_assert_cmpstr (request->method, ==, "GET");
  g_assert_cmpstr (request->path, ==, "/sync/v5/site_status");
  assert_v5_headers (request);

  test_server_free (server);
}

static void
test_central_records_gzip (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV5Client) client = client_for_url (server->url);
  g_autoptr(OmsV5CentralBatch) batch = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *f2 = load_fixture_text ("F2.json");
  RecordedRequest *request;
  const OmsSyncRecord *record;

  test_server_queue_full (server, SOUP_STATUS_OK, "application/json", f2, TRUE, NULL, NULL);
  oms_v5_client_get_central_records_async (client, 100, 2, NULL, store_result_cb, &result);
  batch = oms_v5_client_get_central_records_finish (client, wait_for_result (&result), &error);
  g_assert_no_error (error);

  /* The gzip body was decoded before parsing. */
  g_assert_cmpint (batch->max_cursor, ==, 200);
  g_assert_cmpuint (batch->records->len, ==, 2);
  record = g_ptr_array_index (batch->records, 1);
  g_assert_cmpint (record->cursor, ==, 3);
  g_assert_cmpstr (record->data, ==, "{\"test_key\":\"test_value\"}");

  request = test_server_get_request (server, 0);
  g_assert_cmpstr (request->method, ==, "GET");
  g_assert_cmpstr (request->path, ==, "/sync/v5/central_records");
  g_assert_cmpstr (request->query, ==, "cursor=100&limit=2");
  g_assert_cmpuint (g_bytes_get_size (request->body), ==, 0);
  assert_v5_headers (request);

  test_server_free (server);
}

static void
test_queued_records (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV5Client) client = client_for_url (server->url);
  g_autoptr(OmsV5RemoteBatch) batch = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  RecordedRequest *request;

  test_server_queue_fixture (server, SOUP_STATUS_OK, "F3a.json");
  oms_v5_client_get_queued_records_async (client, 2, NULL, store_result_cb, &result);
  batch = oms_v5_client_get_queued_records_finish (client, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (batch->queue_length, ==, 2264);
  ids = oms_v5_remote_batch_dup_sync_ids (batch);
  g_assert_cmpstrv (ids, ((const char * const[]) { "ID1", "ID3", NULL }));

  request = test_server_get_request (server, 0);
  g_assert_cmpstr (request->path, ==, "/sync/v5/queued_records");
  g_assert_cmpstr (request->query, ==, "limit=2");
  assert_v5_headers (request);

  test_server_free (server);
}

static void
test_acknowledge (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV5Client) client = client_for_url (server->url);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = load_fixture_text ("F3c.json");
  g_autofree char *body = NULL;
  RecordedRequest *request;

  /* No response queued: the server answers 204, any 2xx will do. */
  g_assert_true (acknowledge (client, (const char * const[]) { "ONE", "TWO", NULL }, &error));
  g_assert_no_error (error);

  request = test_server_get_request (server, 0);
  body = recorded_body_text (request);
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->path, ==, "/sync/v5/acknowledged_records");
  g_assert_null (request->query);
  g_assert_cmpstr (body, ==, expected);
  /* Like reqwest's `.body(String)`: no Content-Type on v5 POSTs. */
  g_assert_null (soup_message_headers_get_one (request->headers, "Content-Type"));
  g_assert_cmpint (soup_message_headers_get_content_length (request->headers), ==,
                   strlen (expected));
  assert_v5_headers (request);

  test_server_free (server);
}

static void
test_push_records (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV5Client) client = client_for_url (server->url);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = NULL;
  OmsSyncRecord *record;
  gboolean integration_started = FALSE;
  RecordedRequest *request;

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_sync_record_free);
  record = oms_sync_record_new ("item", "ITEM1", OMS_SYNC_ACTION_UPDATE, "{\"b\":1,\"a\":\"x\"}");
  record->sync_id = g_strdup ("7");
  g_ptr_array_add (records, record);
  record = oms_sync_record_new ("item", "ITEM2", OMS_SYNC_ACTION_DELETE, NULL);
  record->sync_id = g_strdup ("8");
  g_ptr_array_add (records, record);
  expected = oms_v5_build_push_body (2, records, &error);
  g_assert_no_error (error);

  test_server_queue_fixture (server, SOUP_STATUS_OK, "F3b-2.json");
  oms_v5_client_push_records_async (client, 2, records, NULL, store_result_cb, &result);
  g_assert_true (oms_v5_client_push_records_finish (client, wait_for_result (&result),
                                                    &integration_started, &error));
  g_assert_no_error (error);
  g_assert_true (integration_started);

  request = test_server_get_request (server, 0);
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->path, ==, "/sync/v5/queued_records");
  g_assert_true (g_bytes_equal (request->body, expected));
  assert_bytes_equal (request->body,
                      "{\"queueLength\":2,\"data\":["
                      "{\"syncOutId\":\"7\",\"tableName\":\"item\",\"recordId\":\"ITEM1\","
                      "\"action\":\"Update\",\"recordData\":{\"a\":\"x\",\"b\":1}},"
                      "{\"syncOutId\":\"8\",\"tableName\":\"item\",\"recordId\":\"ITEM2\","
                      "\"action\":\"Delete\",\"recordData\":null}]}");
  g_assert_null (soup_message_headers_get_one (request->headers, "Content-Type"));
  assert_v5_headers (request);

  test_server_free (server);
}

static void
test_initialise (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV5Client) client = client_for_url (server->url);
  g_autoptr(OmsV5RemoteBatch) batch = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  RecordedRequest *request;

  test_server_queue_fixture (server, SOUP_STATUS_OK, "F4c.json");
  oms_v5_client_initialise_async (client, NULL, store_result_cb, &result);
  batch = oms_v5_client_initialise_finish (client, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (batch->queue_length, ==, 2264);

  request = test_server_get_request (server, 0);
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->path, ==, "/sync/v5/initialise");
  assert_bytes_equal (request->body, "{}");
  g_assert_null (soup_message_headers_get_one (request->headers, "Content-Type"));
  assert_v5_headers (request);

  test_server_free (server);
}

static void
test_connection_reuse (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV5Client) client = client_for_url (server->url);
  g_autoptr(OmsV5SiteInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  /* Answered 200 with an empty body. libsoup 3.2 does not keep a connection alive after a
   * 204 without Content-Length (soup_message_is_keepalive() reads it as an EOF-terminated
   * body), so each 204 acknowledgement costs the next request a new connection.
   */
  for (guint i = 0; i < 5; i++)
    {
      test_server_queue (server, SOUP_STATUS_OK, "text/plain", "");
      g_assert_true (acknowledge (client, (const char * const[]) { "ONE", NULL }, &error));
      g_assert_no_error (error);
    }

  test_server_queue_fixture (server, SOUP_STATUS_OK, "F4a.json");
  info = get_site_info (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);

  /* Six requests, five of them POSTs, on one kept-alive connection. */
  g_assert_cmpuint (server->requests->len, ==, 6);
  g_assert_cmpuint (g_hash_table_size (server->sockets), ==, 1);

  test_server_free (server);
}

static GError *
site_info_error (TestServer *server,
                 const char *url)
{
  g_autoptr(OmsV5Client) client = client_for_url (url != NULL ? url : server->url);
  g_autoptr(OmsV5SiteInfo) info = NULL;
  GError *error = NULL;

  info = get_site_info (client, NULL, &error);
  g_assert_null (info);
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
test_error_hardware_id (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(GError) error = NULL;

  test_server_queue_fixture (server, SOUP_STATUS_UNAUTHORIZED, "F5c.json");
  error = site_info_error (server, NULL);
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_HARDWARE_ID_MISMATCH, secrets);
  assert_protocol_class (error, OMS_PROTOCOL_ERROR_HTTP_STATUS_PARSED);
  g_assert_cmpuint (oms_sync_error_get_http_status (error), ==, 401);
  g_assert_cmpstr (oms_sync_error_get_v5_code (error), ==, "site_incorrect_hardware_id");
  g_assert_nonnull (strstr (error->message, "/sync/v5/site"));
  g_assert_nonnull (strstr (error->message, "Site hardware ID does not match"));
  g_assert_cmpuint (server->requests->len, ==, 1);

  test_server_free (server);
}

static void
test_error_api_version (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(GError) error = NULL;

  test_server_queue_fixture (server, SOUP_STATUS_CONFLICT, "F5d.json");
  error = site_info_error (server, NULL);
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_API_VERSION_INCOMPATIBLE, secrets);
  g_assert_cmpuint (oms_sync_error_get_http_status (error), ==, 409);
  g_assert_cmpstr (oms_sync_error_get_v5_code (error), ==, "api_version_incompatible");

  test_server_free (server);
}

static void
test_error_unknown_code (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(GError) error = NULL;

  test_server_queue_fixture (server, SOUP_STATUS_SERVICE_UNAVAILABLE, "F5a.json");
  error = site_info_error (server, NULL);
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_UNKNOWN, secrets);
  assert_protocol_class (error, OMS_PROTOCOL_ERROR_HTTP_STATUS_PARSED);
  g_assert_cmpstr (oms_sync_error_get_v5_code (error), ==, "sync_is_running");
  g_assert_cmpuint (server->requests->len, ==, 1);

  test_server_free (server);
}

static void
test_error_text (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(GError) error = NULL;

  test_server_queue (server, SOUP_STATUS_SERVICE_UNAVAILABLE, "text/plain",
                     "some plain text error");
  error = site_info_error (server, NULL);
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_UNKNOWN, secrets);
  assert_protocol_class (error, OMS_PROTOCOL_ERROR_HTTP_STATUS_TEXT);
  g_assert_cmpuint (oms_sync_error_get_http_status (error), ==, 503);
  g_assert_null (oms_sync_error_get_v5_code (error));
  g_assert_nonnull (strstr (error->message, "some plain text error"));
  /* 503 is not retried. */
  g_assert_cmpuint (server->requests->len, ==, 1);

  test_server_free (server);
}

static void
test_error_garbage (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(GError) error = NULL;

  test_server_queue (server, SOUP_STATUS_OK, "application/json", "<html>not json</html>");
  error = site_info_error (server, NULL);
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_UNKNOWN, secrets);
  assert_protocol_class (error, OMS_PROTOCOL_ERROR_RESPONSE_PARSING);
  g_assert_cmpuint (oms_sync_error_get_http_status (error), ==, 200);

  test_server_free (server);
}

static void
test_error_500_not_retried (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(GError) error = NULL;
  guint attempts = _oms_http_get_n_attempts ();

  test_server_queue (server, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/plain", "boom");
  test_server_queue_fixture (server, SOUP_STATUS_OK, "F4a.json");
  error = site_info_error (server, NULL);
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_UNKNOWN, secrets);
  g_assert_cmpuint (oms_sync_error_get_http_status (error), ==, 500);
  g_assert_cmpuint (server->requests->len, ==, 1);
  g_assert_cmpuint (_oms_http_get_n_attempts () - attempts, ==, 1);

  test_server_free (server);
}

static void
test_retry_408 (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV5Client) client = client_for_url (server->url);
  g_autoptr(OmsV5SiteInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  guint attempts = _oms_http_get_n_attempts ();

  test_server_queue (server, SOUP_STATUS_REQUEST_TIMEOUT, "text/plain", "slow down");
  test_server_queue_fixture (server, SOUP_STATUS_OK, "F4a.json");
  info = get_site_info (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->id, ==, "abc123");
  g_assert_cmpuint (server->requests->len, ==, 2);
  g_assert_cmpuint (_oms_http_get_n_attempts () - attempts, ==, 2);
  assert_v5_headers (test_server_get_request (server, 1));

  test_server_free (server);
}

static void
test_retry_408_gives_up (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 4; i++)
    test_server_queue (server, SOUP_STATUS_REQUEST_TIMEOUT, "text/plain", "slow down");

  /* Three attempts, then the last 408 is the answer. */
  error = site_info_error (server, NULL);
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_UNKNOWN, secrets);
  g_assert_cmpuint (oms_sync_error_get_http_status (error), ==, 408);
  g_assert_cmpuint (server->requests->len, ==, 3);

  test_server_free (server);
}

static void
test_error_connection_refused (void)
{
  g_autofree char *url = closed_port_url ();
  g_autoptr(GError) error = NULL;
  guint attempts = _oms_http_get_n_attempts ();

  error = site_info_error (NULL, url);
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR, secrets);
  assert_protocol_class (error, OMS_PROTOCOL_ERROR_CONNECTION);
  g_assert_cmpuint (oms_sync_error_get_http_status (error), ==, 0);
  g_assert_cmpuint (_oms_http_get_n_attempts () - attempts, ==, 3);
}

static void
test_error_connect_timeout (void)
{
  /* TLS to a server that accepts and never answers: the handshake never finishes, so the
   * connection phase does not end and the 2/5/10 s (here 20/50/100 ms) timers fire.
   */
  HangServer *hang = hang_server_new ("https");
  g_autoptr(GError) error = NULL;
  guint attempts = _oms_http_get_n_attempts ();
  gint64 start;

  _oms_http_set_timeout_scale (0.01, 1.0);
  start = g_get_monotonic_time ();
  error = site_info_error (NULL, hang->url);
  _oms_http_set_timeout_scale (1.0, 1.0);

  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR, secrets);
  assert_protocol_class (error, OMS_PROTOCOL_ERROR_CONNECTION);
  g_assert_cmpuint (_oms_http_get_n_attempts () - attempts, ==, 3);
  g_assert_cmpuint (hang->connections->len, ==, 3);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 170 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_TIME_SPAN_SECOND);

  hang_server_free (hang);
}

static void
test_error_stall (void)
{
  /* Connected, request sent, no answer: after the idle timeout (1 s here) the server has
   * stopped answering, a connection error; a stall is tried again once, not twice.
   */
  HangServer *hang = hang_server_new ("http");
  g_autoptr(GError) error = NULL;
  guint attempts = _oms_http_get_n_attempts ();

  _oms_http_set_timeout_scale (1.0, 1.0 / OMS_HTTP_DEFAULT_IDLE_TIMEOUT_SECONDS);
  error = site_info_error (NULL, hang->url);
  _oms_http_set_timeout_scale (1.0, 1.0);

  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR, secrets);
  assert_protocol_class (error, OMS_PROTOCOL_ERROR_CONNECTION);
  g_assert_nonnull (strstr (error->message, "The server stopped answering"));
  g_assert_nonnull (strstr (error->message, "/sync/v5/site"));
  g_assert_cmpuint (_oms_http_get_n_attempts () - attempts, ==, 2);
  g_assert_cmpuint (hang->connections->len, ==, 2);

  hang_server_free (hang);
}

/* Calls route @index of the legacy API and returns how it failed; @route is its path. */
static GError *
call_v5_route (gpointer      client_pointer,
               guint         index,
               const char  **route)
{
  OmsV5Client *client = client_pointer;
  static const char * const ids[] = { "1", NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new ();
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  gpointer parsed = NULL;
  guint status = 0;

  switch (index)
    {
    case 0:
      *route = "/sync/v5/site";
      parsed = get_site_info (client, NULL, &error);
      break;
    case 1:
      *route = "/sync/v5/site_status";
      oms_v5_client_get_site_status_async (client, NULL, store_result_cb, &result);
      parsed = oms_v5_client_get_site_status_finish (client, wait_for_result (&result), &error);
      break;
    case 2:
      *route = "/sync/v5/initialise";
      oms_v5_client_initialise_async (client, NULL, store_result_cb, &result);
      parsed = oms_v5_client_initialise_finish (client, wait_for_result (&result), &error);
      break;
    case 3:
      *route = "/sync/v5/central_records";
      oms_v5_client_get_central_records_async (client, 0, 500, NULL, store_result_cb, &result);
      parsed = oms_v5_client_get_central_records_finish (client, wait_for_result (&result),
                                                         &error);
      break;
    case 4:
      /* The road of the pulled-body scanner: the body comes back unparsed. */
      *route = "/sync/v5/central_records";
      oms_v5_client_get_central_records_body_async (client, 0, 500, NULL, store_result_cb,
                                                    &result);
      body = oms_v5_client_get_central_records_body_finish (client, wait_for_result (&result),
                                                            &status, &error);
      g_assert_null (body);
      break;
    case 5:
      *route = "/sync/v5/queued_records";
      oms_v5_client_get_queued_records_async (client, 500, NULL, store_result_cb, &result);
      parsed = oms_v5_client_get_queued_records_finish (client, wait_for_result (&result),
                                                        &error);
      break;
    case 6:
      *route = "/sync/v5/acknowledged_records";
      g_assert_false (acknowledge (client, ids, &error));
      break;
    case 7:
      *route = "/sync/v5/queued_records";
      oms_v5_client_push_records_async (client, 0, records, NULL, store_result_cb, &result);
      g_assert_false (oms_v5_client_push_records_finish (client, wait_for_result (&result),
                                                         NULL, &error));
      break;
    default:
      g_assert_not_reached ();
    }

  g_assert_null (parsed);
  return error;
}

#define N_V5_ROUTES 8

/* 150 KB of nested brackets on every route, as an answer or as an error body: refused before
 * any parser sees it, where json-glib would have overflowed the stack.
 */
static void
test_hostile_nesting (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV5Client) client = client_for_url (server->url);
  g_autofree char *body = nested_brackets (75000);

  assert_routes_refuse_body (server, client, call_v5_route, N_V5_ROUTES,
                             SOUP_STATUS_OK, body, secrets);
  assert_routes_refuse_body (server, client, call_v5_route, N_V5_ROUTES,
                             SOUP_STATUS_UNAUTHORIZED, body, secrets);

  test_server_free (server);
}

/* A server that never stops sending the body of its answer, up to a limit far past the cap. */
typedef struct
{
  SoupServer *server;
  char       *url;
  GBytes     *chunk;
  gsize       sent;
  gsize       limit;
} EndlessServer;

static void
endless_wrote_chunk_cb (SoupServerMessage *message,
                        EndlessServer     *self)
{
  SoupMessageBody *body = soup_server_message_get_response_body (message);

  if (self->sent >= self->limit)
    {
      soup_message_body_complete (body);
      return;
    }

  soup_message_body_append_bytes (body, self->chunk);
  self->sent += g_bytes_get_size (self->chunk);
}

static void
endless_handler (SoupServer        *server,
                 SoupServerMessage *message,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  EndlessServer *self = user_data;

  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (message),
                                     SOUP_ENCODING_CHUNKED);
  g_signal_connect (message, "wrote-chunk", G_CALLBACK (endless_wrote_chunk_cb), self);
  endless_wrote_chunk_cb (message, self);
}

static EndlessServer *
endless_server_new (gsize limit)
{
  EndlessServer *self = g_new0 (EndlessServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  self->chunk = g_bytes_new_take (g_strnfill (64 * 1024, 'x'), 64 * 1024);
  self->limit = limit;
  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, endless_handler, self, NULL);
  soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (self->server);
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return self;
}

static void
endless_server_free (EndlessServer *self)
{
  soup_server_disconnect (self->server);
  g_object_unref (self->server);
  g_bytes_unref (self->chunk);
  g_free (self->url);
  g_free (self);
}

/* A body that goes on and on is refused once it passes the cap: the client stops reading
 * there, long before the server is done, and never holds the whole body.
 */
static void
test_body_over_cap (void)
{
  EndlessServer *endless = endless_server_new (256 * 1024 * 1024);
  g_autoptr(GError) error = NULL;
  guint attempts = _oms_http_get_n_attempts ();

  _oms_http_set_max_body_bytes (256 * 1024);
  error = site_info_error (NULL, endless->url);
  _oms_http_set_max_body_bytes (0);

  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_UNKNOWN, secrets);
  assert_unreadable_response (error, "/sync/v5/site");
  g_assert_nonnull (strstr (error->message, "larger than"));
  g_assert_cmpuint (_oms_http_get_n_attempts () - attempts, ==, 1);
  /* What the socket buffers took before the client hung up, not the body. */
  g_test_message ("the server had sent %" G_GSIZE_FORMAT " bytes", endless->sent);
  g_assert_cmpuint (endless->sent, <, 64 * 1024 * 1024);

  endless_server_free (endless);
}

/* The cap holds for the decoded body: a small gzip answer that grows past it is refused, here
 * a valid site info padded with 4 MB of spaces.
 */
static void
test_gzip_over_cap (void)
{
  TestServer *server = test_server_new ();
  g_autofree char *site_info = load_fixture_text ("F4a.json");
  g_autofree char *padding = g_strnfill (4 * 1024 * 1024, ' ');
  g_autofree char *body = g_strconcat (site_info, padding, NULL);
  g_autoptr(GError) error = NULL;

  test_server_queue_full (server, SOUP_STATUS_OK, "application/json", body, TRUE, NULL, NULL);
  _oms_http_set_max_body_bytes (1024 * 1024);
  error = site_info_error (server, NULL);
  _oms_http_set_max_body_bytes (0);

  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_UNKNOWN, secrets);
  assert_unreadable_response (error, "/sync/v5/site");
  g_assert_nonnull (strstr (error->message, "larger than"));
  g_clear_error (&error);

  /* At the normal cap the same answer is read. */
  {
    g_autoptr(OmsV5Client) client = client_for_url (server->url);
    g_autoptr(OmsV5SiteInfo) info = NULL;

    test_server_queue_full (server, SOUP_STATUS_OK, "application/json", body, TRUE, NULL,
                            NULL);
    info = get_site_info (client, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (info->id, ==, "abc123");
  }

  test_server_free (server);
}

static void
test_error_hides_secrets (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *auth = load_fixture_text ("F1.txt");
  g_autofree char *body = NULL;

  /* A server that echoes what it got: the header, the token alone and the hash. */
  body = g_strdup_printf ("denied: got %s; token=%s %s password " PASSWORD_SHA256,
                          auth, AUTH_TOKEN, PASSWORD_SHA256);
  test_server_queue (server, SOUP_STATUS_UNAUTHORIZED, "text/plain", body);
  error = site_info_error (server, NULL);
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_UNKNOWN, secrets);
  g_assert_nonnull (strstr (error->message, "denied: got"));
  g_assert_nonnull (strstr (error->message, "[redacted]"));

  test_server_free (server);
}

static void
test_cancel_before (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV5Client) client = client_for_url (server->url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(OmsV5SiteInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  info = get_site_info (client, cancellable, &error);
  g_assert_null (info);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (server->requests->len, ==, 0);

  test_server_free (server);
}

static void
test_cancel_during (void)
{
  HangServer *hang = hang_server_new ("http");
  g_autoptr(OmsV5Client) client = client_for_url (hang->url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(OmsV5SiteInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  guint attempts = _oms_http_get_n_attempts ();

  g_timeout_add (100, cancel_cb, cancellable);
  info = get_site_info (client, cancellable, &error);
  g_assert_null (info);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Cancelling is not a failure to retry. */
  g_assert_cmpuint (_oms_http_get_n_attempts () - attempts, ==, 1);

  hang_server_free (hang);
}

static void
test_invalid_url (void)
{
  static const char * const urls[] = { "", "   ", "not a url", "ftp://central:2048", "http://" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(OmsSyncApiSettings) settings = NULL;
      g_autoptr(OmsV5Client) client = NULL;
      g_autoptr(GError) error = NULL;

      settings = oms_sync_api_settings_new (urls[i], "username", PASSWORD_SHA256, "machine-1");
      client = oms_v5_client_new (settings, &error);
      g_assert_null (client);
      assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_INVALID_URL, secrets);
      assert_protocol_class (error, OMS_PROTOCOL_ERROR_INVALID_URL);
    }
}

static void
test_log_redaction (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV5Client) client = client_for_url (server->url);
  g_autoptr(OmsV5SiteInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *log = NULL;

  line = _oms_http_redact_log_line ("authorization: Basic " AUTH_TOKEN);
  g_assert_cmpstr (line, ==, "Authorization: [redacted]");
  g_clear_pointer (&line, g_free);
  line = _oms_http_redact_log_line ("app-name: Open mSupply Desktop");
  g_assert_cmpstr (line, ==, "app-name: Open mSupply Desktop");

  test_server_queue_fixture (server, SOUP_STATUS_OK, "F4a.json");
  captured_debug = g_string_new (NULL);
  g_log_set_debug_enabled (TRUE);
  info = get_site_info (client, NULL, &error);
  g_log_set_debug_enabled (FALSE);
  log = g_string_free (g_steal_pointer (&captured_debug), FALSE);
  g_assert_no_error (error);

  /* The SoupLogger printed the headers, without the credentials. */
  g_assert_nonnull (strstr (log, "> GET /sync/v5/site HTTP/1.1"));
  g_assert_nonnull (strstr (log, "> msupply-site-uuid: machine-1"));
  g_assert_nonnull (strstr (log, "> Authorization: [redacted]"));
  g_assert_nonnull (strstr (log, "< HTTP/1.1 200 OK"));
  g_assert_null (strstr (log, AUTH_TOKEN));
  g_assert_null (strstr (log, PASSWORD_SHA256));
  g_assert_null (strstr (log, "username:"));

  test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  protocol_test_init (&argc, &argv);

  g_test_add_func ("/oms/protocol/v5-client/site-info", test_site_info);
  g_test_add_func ("/oms/protocol/v5-client/site-status", test_site_status);
  g_test_add_func ("/oms/protocol/v5-client/central-records-gzip", test_central_records_gzip);
  g_test_add_func ("/oms/protocol/v5-client/queued-records", test_queued_records);
  g_test_add_func ("/oms/protocol/v5-client/acknowledge", test_acknowledge);
  g_test_add_func ("/oms/protocol/v5-client/push-records", test_push_records);
  g_test_add_func ("/oms/protocol/v5-client/initialise", test_initialise);
  g_test_add_func ("/oms/protocol/v5-client/connection-reuse", test_connection_reuse);
  g_test_add_func ("/oms/protocol/v5-client/error/hardware-id", test_error_hardware_id);
  g_test_add_func ("/oms/protocol/v5-client/error/api-version", test_error_api_version);
  g_test_add_func ("/oms/protocol/v5-client/error/unknown-code", test_error_unknown_code);
  g_test_add_func ("/oms/protocol/v5-client/error/text", test_error_text);
  g_test_add_func ("/oms/protocol/v5-client/error/garbage", test_error_garbage);
  g_test_add_func ("/oms/protocol/v5-client/error/500-not-retried", test_error_500_not_retried);
  g_test_add_func ("/oms/protocol/v5-client/error/connection-refused",
                   test_error_connection_refused);
  g_test_add_func ("/oms/protocol/v5-client/error/connect-timeout", test_error_connect_timeout);
  g_test_add_func ("/oms/protocol/v5-client/error/stall", test_error_stall);
  g_test_add_func ("/oms/protocol/v5-client/error/hostile-nesting", test_hostile_nesting);
  g_test_add_func ("/oms/protocol/v5-client/error/body-over-cap", test_body_over_cap);
  g_test_add_func ("/oms/protocol/v5-client/error/gzip-over-cap", test_gzip_over_cap);
  g_test_add_func ("/oms/protocol/v5-client/error/hides-secrets", test_error_hides_secrets);
  g_test_add_func ("/oms/protocol/v5-client/retry/408", test_retry_408);
  g_test_add_func ("/oms/protocol/v5-client/retry/408-gives-up", test_retry_408_gives_up);
  g_test_add_func ("/oms/protocol/v5-client/cancel/before", test_cancel_before);
  g_test_add_func ("/oms/protocol/v5-client/cancel/during", test_cancel_during);
  g_test_add_func ("/oms/protocol/v5-client/invalid-url", test_invalid_url);
  g_test_add_func ("/oms/protocol/v5-client/log-redaction", test_log_redaction);

  return g_test_run ();
}
