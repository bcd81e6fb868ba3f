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

static GFile *
temp_file (const char *name,
           const char *data,
           gsize       size)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), name, NULL);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  g_assert_true (g_file_set_contents (path, data, (gssize) size, &error));
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static gboolean
upload (OmsV6Client  *client,
        GFile        *file,
        GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  oms_v6_client_upload_file_async (client, "file-1", file, "photo \"1\".jpg", "image/jpeg", NULL,
                                   store_result_cb, &result);
  return oms_v6_client_upload_file_finish (client, wait_for_result (&result), error);
}

static gboolean
download (OmsV6Client   *client,
          GFile         *destination,
          GCancellable  *cancellable,
          gint64        *n_bytes,
          GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  oms_v6_client_download_file_async (client, "asset", "asset-1", "file-1", destination,
                                     cancellable, store_result_cb, &result);
  return oms_v6_client_download_file_finish (client, wait_for_result (&result), n_bytes, error);
}

/* PUT upload_file on the wire: multipart/form-data with json_part (snake_case outer keys,
 * camelCase settings) and file_part (the file's bytes under its name); no auth header.
 */
static void
test_upload_file (void)
{
  static const char content[] = "JFIF\r\n--omsync-not-a-boundary\r\n\0\xff\xfe end";
  TestServer *server = test_server_new ();
  g_autoptr(OmsV6Client) client = client_for_url (server->url);
  g_autoptr(GFile) file = temp_file ("upload.bin", content, sizeof content - 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *disposition = NULL;
  g_autofree char *json_text = NULL;
  SoupMessageHeaders *part_headers = NULL;
  SoupMultipart *multipart;
  RecordedRequest *request;
  GBytes *part_body = NULL;
  JsonObject *object;
  JsonObject *settings;

  test_server_queue (server, SOUP_STATUS_OK, "application/json", "{\"data\":null}");
  g_assert_true (upload (client, file, &error));
  g_assert_no_error (error);

  request = test_server_get_request (server, 0);
  g_assert_cmpstr (request->method, ==, "PUT");
  g_assert_cmpstr (request->path, ==, "/central/sync/upload_file");
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (request->headers,
                                                                 "Content-Type"),
                                   "multipart/form-data; boundary="));
  g_assert_cmpint (soup_message_headers_get_content_length (request->headers), ==,
                   g_bytes_get_size (request->body));
  g_assert_null (soup_message_headers_get_one (request->headers, "Authorization"));

  multipart = soup_multipart_new_from_message (request->headers, request->body);
  g_assert_nonnull (multipart);
  g_assert_cmpint (soup_multipart_get_length (multipart), ==, 2);

  g_assert_true (soup_multipart_get_part (multipart, 0, &part_headers, &part_body));
  g_assert_true (soup_message_headers_get_content_disposition (part_headers, &disposition,
                                                               &params));
  g_assert_cmpstr (g_hash_table_lookup (params, "name"), ==, "json_part");
  g_assert_cmpstr (soup_message_headers_get_content_type (part_headers, NULL), ==,
                   "application/json");
  json_text = g_strndup (g_bytes_get_data (part_body, NULL), g_bytes_get_size (part_body));
  json = json_from_string (json_text, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json);
  g_assert_cmpuint (json_object_get_size (object), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (object, "file_id"), ==, "file-1");
  g_assert_cmpint (json_object_get_int_member (object, "sync_v6_version"), ==, 5);
  settings = json_object_get_object_member (object, "sync_v5_settings");
  g_assert_nonnull (settings);
  g_assert_cmpstr (json_object_get_string_member (settings, "passwordSha256"), ==,
                   PASSWORD_SHA256);
  g_assert_cmpstr (json_object_get_string_member (settings, "siteUuid"), ==, "machine-1");
  g_assert_cmpstr (json_object_get_string_member (settings, "syncVersion"), ==, "14");
  g_clear_pointer (&disposition, g_free);
  g_clear_pointer (&params, g_hash_table_unref);

  g_assert_true (soup_multipart_get_part (multipart, 1, &part_headers, &part_body));
  g_assert_true (soup_message_headers_get_content_disposition (part_headers, &disposition,
                                                               &params));
  g_assert_cmpstr (g_hash_table_lookup (params, "name"), ==, "file_part");
  g_assert_cmpstr (g_hash_table_lookup (params, "filename"), ==, "photo \"1\".jpg");
  g_assert_cmpstr (soup_message_headers_get_content_type (part_headers, NULL), ==, "image/jpeg");
  g_assert_cmpmem (g_bytes_get_data (part_body, NULL), g_bytes_get_size (part_body),
                   content, sizeof content - 1);
  soup_multipart_free (multipart);

  test_server_free (server);
}

static void
test_upload_file_errors (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV6Client) client = client_for_url (server->url);
  g_autoptr(GFile) file = temp_file ("small.txt", "x", 1);
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/omsync/file");
  g_autoptr(GError) error = NULL;
  OmsProtocolError code = OMS_PROTOCOL_ERROR_CONNECTION;

  /* The central does not hold the reference yet: the uploader retries in a minute. */
  test_server_queue (server, SOUP_STATUS_OK, "application/json",
                     "{\"error\":{\"syncFileNotFound\":\"file-1\"}}");
  g_assert_false (upload (client, file, &error));
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_UNKNOWN, secrets);
  g_assert_true (oms_sync_error_get_protocol_error (error, &code));
  g_assert_cmpint (code, ==, OMS_PROTOCOL_ERROR_SYNC_FILE_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "PUT"));
  g_clear_error (&error);

  /* Not the envelope: a server error page. */
  test_server_queue (server, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/plain", "Boom");
  g_assert_false (upload (client, file, &error));
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_UNKNOWN, secrets);
  g_assert_true (oms_sync_error_get_protocol_error (error, &code));
  g_assert_cmpint (code, ==, OMS_PROTOCOL_ERROR_RESPONSE_PARSING);
  g_assert_cmpuint (oms_sync_error_get_http_status (error), ==, 500);
  g_assert_nonnull (strstr (error->message, "Boom"));
  g_clear_error (&error);

  /* A file that cannot be read is never sent. */
  g_assert_false (upload (client, missing, &error));
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_UNKNOWN, secrets);
  g_assert_cmpuint (server->requests->len, ==, 2);

  test_server_free (server);
}

static void
test_download_file (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV6Client) client = client_for_url (server->url);
  g_autoptr(OmsSyncApiSettings) settings = make_settings ();
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "files", "asset", NULL);
  g_autofree char *path = g_build_filename (dir, "file-1_certificate.txt", NULL);
  g_autoptr(GFile) destination = g_file_new_for_path (path);
  g_autofree char *data = NULL;
  RecordedRequest *request;
  gint64 n_bytes = 0;
  gsize size = 0;

  test_server_queue_full (server, SOUP_STATUS_OK, "text/plain", "the certificate\n", FALSE,
                          "Content-Disposition", "inline; filename=\"certificate.txt\"");
  g_assert_true (download (client, destination, NULL, &n_bytes, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n_bytes, ==, 16);
  g_assert_true (g_file_get_contents (path, &data, &size, NULL));
  g_assert_cmpstr (data, ==, "the certificate\n");

  expected = oms_v6_build_download_file_body (settings, "asset", "asset-1", "file-1");
  request = test_server_get_request (server, 0);
  g_assert_cmpstr (request->path, ==, "/central/sync/download_file");
  g_assert_true (g_bytes_equal (request->body, expected));
  assert_v6_headers (request);

  test_server_free (server);
}

/* A failed download: the bare error, mapped as the other calls map theirs; the copy already
 * there is left alone, and no partial file stays behind.
 */
static void
test_download_file_errors (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV6Client) client = client_for_url (server->url);
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "kept", NULL);
  g_autofree char *path = g_build_filename (dir, "file-1_kept.txt", NULL);
  g_autoptr(GFile) destination = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autofree char *data = NULL;
  OmsProtocolError code = OMS_PROTOCOL_ERROR_CONNECTION;
  const char *name;
  guint n_files = 0;

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (path, "old copy", -1, NULL));

  test_server_queue (server, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8",
                     "{\n  \"syncVersionMismatch\": [\n    0,\n    5,\n    5\n  ]\n}");
  g_assert_false (download (client, destination, NULL, NULL, &error));
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_V6_API_VERSION_INCOMPATIBLE, secrets);
  g_assert_cmpuint (oms_sync_error_get_http_status (error), ==, 500);
  g_clear_error (&error);

  test_server_queue (server, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/plain",
                     "{\"otherServerError\":\"File not found\"}");
  g_assert_false (download (client, destination, NULL, NULL, &error));
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_UNKNOWN, secrets);
  g_assert_true (oms_sync_error_get_protocol_error (error, &code));
  g_assert_cmpint (code, ==, OMS_PROTOCOL_ERROR_OTHER_SERVER_ERROR);
  g_assert_nonnull (strstr (error->message, "File not found"));
  g_clear_error (&error);

  /* The envelope is not what a failed download sends. */
  test_server_queue (server, SOUP_STATUS_NOT_FOUND, "application/json",
                     "{\"error\":\"notACentralServer\"}");
  g_assert_false (download (client, destination, NULL, NULL, &error));
  g_assert_true (oms_sync_error_get_protocol_error (error, &code));
  g_assert_cmpint (code, ==, OMS_PROTOCOL_ERROR_RESPONSE_PARSING);
  g_clear_error (&error);

  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  g_assert_cmpstr (data, ==, "old copy");
  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    n_files++;
  g_assert_cmpuint (n_files, ==, 1);

  test_server_free (server);
}

/* Calls route @index of the central API and returns how it failed; @route is its path. */
static GError *
call_v6_route (gpointer      client_pointer,
               guint         index,
               const char  **route)
{
  OmsV6Client *client = client_pointer;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "hostile", "f.txt", NULL);
  g_autoptr(GFile) destination = g_file_new_for_path (path);
  g_autoptr(GFile) file = temp_file ("hostile-upload.txt", "x", 1);
  g_autoptr(OmsV6Batch) batch = oms_v6_batch_new ();
  g_autoptr(OmsV6Batch) pulled = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  guint status = 0;

  switch (index)
    {
    case 0:
      *route = "/central/sync/pull";
      pulled = pull (client, NULL, &error);
      break;
    case 1:
      /* The road of the pulled-body scanner: the body comes back unparsed. */
      *route = "/central/sync/pull";
      oms_v6_client_pull_body_async (client, 0, 500, TRUE, NULL, store_result_cb, &result);
      body = oms_v6_client_pull_body_finish (client, wait_for_result (&result), &status,
                                             &error);
      g_assert_null (body);
      break;
    case 2:
      *route = "/central/sync/patient-pull";
      oms_v6_client_patient_pull_async (client, 0, 500, "PATIENT1", NULL, store_result_cb,
                                        &result);
      pulled = oms_v6_client_patient_pull_finish (client, wait_for_result (&result), &error);
      break;
    case 3:
      *route = "/central/sync/push";
      batch->is_last_batch = TRUE;
      oms_v6_client_push_async (client, batch, NULL, store_result_cb, &result);
      g_assert_false (oms_v6_client_push_finish (client, wait_for_result (&result), NULL,
                                                 &error));
      break;
    case 4:
      *route = "/central/sync/site_status";
      g_assert_false (site_status (client, NULL, &error));
      break;
    case 5:
      *route = "/central/sync/upload_file";
      g_assert_false (upload (client, file, &error));
      break;
    case 6:
      *route = "/central/sync/download_file";
      g_assert_false (download (client, destination, NULL, NULL, &error));
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
      break;
    default:
      g_assert_not_reached ();
    }

  g_assert_null (pulled);
  return error;
}

#define N_V6_ROUTES 7

/* 150 KB of nested brackets on every route, as an answer or as an error body (download_file's
 * is read only up to 64 KiB, which nests deep enough too): refused before any parser sees it.
 */
static void
test_hostile_nesting (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(OmsV6Client) client = client_for_url (server->url);
  g_autofree char *body = nested_brackets (75000);

  /* A download that succeeds is a file, not JSON: only its error body is read, so the last
   * route is not called with a 200.
   */
  assert_routes_refuse_body (server, client, call_v6_route, N_V6_ROUTES - 1,
                             SOUP_STATUS_OK, body, secrets);
  assert_routes_refuse_body (server, client, call_v6_route, N_V6_ROUTES,
                             SOUP_STATUS_NOT_FOUND, body, secrets);

  test_server_free (server);
}

/* A central that takes the request and never answers: after the idle timeout (1 s here) it has
 * stopped answering, a connection error, and the stalled request is tried again once.
 */
static void
test_error_stall (void)
{
  HangServer *hang = hang_server_new ("http");
  g_autoptr(OmsV6Client) client = NULL;
  g_autoptr(OmsV6Batch) batch = NULL;
  g_autoptr(GError) error = NULL;
  guint attempts = _oms_http_get_n_attempts ();

  _oms_http_set_timeout_scale (1.0, 1.0 / OMS_HTTP_DEFAULT_IDLE_TIMEOUT_SECONDS);
  client = client_for_url (hang->url);
  batch = pull (client, NULL, &error);
  _oms_http_set_timeout_scale (1.0, 1.0);

  g_assert_null (batch);
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR, secrets);
  assert_protocol_class (error, OMS_PROTOCOL_ERROR_CONNECTION);
  g_assert_nonnull (strstr (error->message, "The server stopped answering"));
  g_assert_nonnull (strstr (error->message, "/central/sync/pull"));
  g_assert_cmpuint (_oms_http_get_n_attempts () - attempts, ==, 2);
  g_assert_cmpuint (hang->connections->len, ==, 2);

  hang_server_free (hang);
}

static void
test_download_file_cancel (void)
{
  HangServer *hang = hang_server_new ("http");
  g_autoptr(OmsV6Client) client = client_for_url (hang->url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "never", "f.txt", NULL);
  g_autoptr(GFile) destination = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *refused_url = closed_port_url ();
  g_autoptr(OmsV6Client) refused = client_for_url (refused_url);

  g_timeout_add (100, cancel_cb, cancellable);
  g_assert_false (download (client, destination, cancellable, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_assert_false (download (refused, destination, NULL, NULL, &error));
  assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR, secrets);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  hang_server_free (hang);
}

int
main (int   argc,
      char *argv[])
{
  protocol_test_init (&argc, &argv);

  g_test_add_func ("/oms/protocol/v6-client/pull", test_pull);
  g_test_add_func ("/oms/protocol/v6-client/error/hostile-nesting", test_hostile_nesting);
  g_test_add_func ("/oms/protocol/v6-client/error/stall", test_error_stall);
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
  g_test_add_func ("/oms/protocol/v6-client/upload-file", test_upload_file);
  g_test_add_func ("/oms/protocol/v6-client/upload-file/errors", test_upload_file_errors);
  g_test_add_func ("/oms/protocol/v6-client/download-file", test_download_file);
  g_test_add_func ("/oms/protocol/v6-client/download-file/errors", test_download_file_errors);
  g_test_add_func ("/oms/protocol/v6-client/download-file/cancel", test_download_file_cancel);

  return g_test_run ();
}
