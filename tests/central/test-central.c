/* test-central.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-central"

#include "config.h"

#include <signal.h>
#include <string.h>

#include <libsoup/soup.h>

#include "oms-central-private.h"
#include "oms-central-server.h"

typedef struct
{
  OmsCentralServer *server;
  SoupSession      *session;
  char             *data_dir;
  char             *store_id;
} Fixture;

typedef struct
{
  guint     status;
  GBytes   *body;
  GError   *error;
  JsonNode *json;
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->json, json_node_unref);
  g_clear_error (&reply->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

/* Loopback only: no proxy lookup, which would also need the desktop's GSettings schemas. */
static SoupSession *
new_session (guint timeout)
{
  return soup_session_new_with_options ("timeout", timeout, "proxy-resolver", NULL, NULL);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->data_dir = g_build_filename (g_get_user_data_dir (), "central", NULL);
  fixture->server = oms_central_server_new (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (oms_central_server_add_site (fixture->server, "site1", "secret", 5, &error));
  g_assert_no_error (error);
  g_assert_true (oms_central_server_listen (fixture->server, NULL, 0, &error));
  g_assert_no_error (error);
  fixture->store_id = oms_central_server_dup_store_id (fixture->server, "site1", &error);
  g_assert_no_error (error);
  fixture->session = new_session (5);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->session);
  g_assert_finalize_object (fixture->server);
  g_free (fixture->store_id);
  g_free (fixture->data_dir);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reply *reply = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  reply->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &reply->error);
  reply->status = soup_message_get_status (msg);
  if (!reply->error && reply->status == 0)
    reply->status = 1;
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *flag = user_data;

  *flag = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static char *
basic_auth (const char *name,
            const char *password)
{
  g_autofree char *hash = _oms_central_sha256_hex (password);
  g_autofree char *text = g_strdup_printf ("%s:%s", name, hash);
  g_autofree char *b64 = g_base64_encode ((const guchar *)text, strlen (text));

  return g_strdup_printf ("Basic %s", b64);
}

/* Sends one request the way the Open mSupply client does and waits for the answer. */
static void
request_full (Fixture    *fixture,
              Reply      *reply,
              const char *method,
              const char *path,
              const char *user,
              const char *password,
              const char *hardware_id,
              const char *version,
              const char *body)
{
  g_autofree char *url = g_strconcat (oms_central_server_get_base_url (fixture->server), path,
                                      NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  gboolean guard = FALSE;
  guint guard_id;

  if (user)
    {
      g_autofree char *auth = basic_auth (user, password);

      soup_message_headers_append (headers, "Authorization", auth);
    }
  if (hardware_id)
    soup_message_headers_append (headers, "msupply-site-uuid", hardware_id);
  if (version)
    soup_message_headers_append (headers, "version", version);
  if (body)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  /* A reply may be used again: let go of what the last request left in it. */
  reply_clear (reply);
  memset (reply, 0, sizeof *reply);
  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL, send_cb,
                                    reply);
  guard_id = g_timeout_add_seconds (20, timeout_cb, &guard);
  while (reply->status == 0 && !reply->error && !guard)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (guard);
  g_source_remove (guard_id);

  if (reply->body && g_bytes_get_size (reply->body) > 0)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (reply->body, NULL),
                                         g_bytes_get_size (reply->body));

      reply->json = json_from_string (text, NULL);
    }
}

static void
v5 (Fixture    *fixture,
    Reply      *reply,
    const char *method,
    const char *path,
    const char *body)
{
  request_full (fixture, reply, method, path, "site1", "secret", "hw-1", "14", body);
}

static JsonObject *
reply_object (Reply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

static void
assert_v5_error (Reply      *reply,
                 guint       status,
                 const char *code)
{
  JsonObject *error;

  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, status);
  error = json_object_get_object_member (reply_object (reply), "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_true (json_object_has_member (error, "message"));
  g_assert_true (json_object_has_member (error, "data"));
}

static void
test_site_info (Fixture       *fixture,
                gconstpointer  data)
{
  g_auto(Reply) reply = { 0 };
  g_autofree char *v6_url = NULL;
  JsonObject *site;

  v5 (fixture, &reply, "GET", "/sync/v5/site", NULL);
  g_assert_cmpuint (reply.status, ==, 200);
  site = reply_object (&reply);
  g_assert_cmpint (json_object_get_int_member (site, "siteId"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (site, "initialisationStatus"), ==, "new");
  g_assert_false (json_object_get_boolean_member (site, "isOmSupplyCentralServer"));
  g_assert_cmpint (json_object_get_int_member (site, "mSupplyCentralSiteId"), ==, 1);
  g_assert_true (strlen (json_object_get_string_member (site, "id")) > 0);
  v6_url = g_strconcat (oms_central_server_get_base_url (fixture->server), "/", NULL);
  g_assert_cmpstr (json_object_get_string_member (site, "omSupplyCentralServerUrl"), ==, v6_url);
}

static void
test_auth_errors (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  {
    g_auto(Reply) reply = { 0 };

    request_full (fixture, &reply, "GET", "/sync/v5/site", "nobody", "secret", "hw-1", "14", NULL);
    assert_v5_error (&reply, 401, "site_name_not_found");
  }
  {
    g_auto(Reply) reply = { 0 };

    request_full (fixture, &reply, "GET", "/sync/v5/site", "site1", "wrong", "hw-1", "14", NULL);
    assert_v5_error (&reply, 401, "site_incorrect_password");
  }
  {
    g_auto(Reply) reply = { 0 };
    JsonObject *error_data;

    request_full (fixture, &reply, "GET", "/sync/v5/site", "site1", "secret", "hw-1", "99", NULL);
    assert_v5_error (&reply, 409, "api_version_incompatible");
    error_data = json_object_get_object_member (json_object_get_object_member (
                                                  reply_object (&reply), "error"), "data");
    g_assert_true (json_object_has_member (error_data, "major"));
    g_assert_true (json_object_has_member (error_data, "minor"));
  }
  {
    g_auto(Reply) reply = { 0 };
    g_autofree char *path = g_build_filename (fixture->data_dir, "central.sqlite", NULL);
    sqlite3 *db = NULL;

    /* A site whose only store was moved away, edited behind the server's back. */
    g_assert_true (oms_central_server_add_site (fixture->server, "storeless", "pw", 7, &error));
    g_assert_no_error (error);
    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "DELETE FROM store WHERE site_id = 7", NULL, NULL, NULL),
                     ==, SQLITE_OK);
    sqlite3_close (db);
    request_full (fixture, &reply, "GET", "/sync/v5/site", "storeless", "pw", "hw-9", "14", NULL);
    assert_v5_error (&reply, 401, "site_has_no_store");
  }
}

static void
test_hardware_id (Fixture       *fixture,
                  gconstpointer  data)
{
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "GET", "/sync/v5/site", NULL);
    g_assert_cmpuint (reply.status, ==, 200);
  }
  {
    g_auto(Reply) reply = { 0 };

    request_full (fixture, &reply, "GET", "/sync/v5/site", "site1", "secret", "hw-2", "14", NULL);
    assert_v5_error (&reply, 401, "site_incorrect_hardware_id");
  }
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "GET", "/sync/v5/site", NULL);
    g_assert_cmpuint (reply.status, ==, 200);
  }
}

static JsonArray *
reply_data (Reply *reply)
{
  return json_object_get_array_member (reply_object (reply), "data");
}

static void
test_central_records (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 max_cursor;
  gint64 cursor = 0;
  guint total = 0;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("ITEM%u", i);
      g_autofree char *json = g_strdup_printf ("{\"ID\":\"%s\",\"item_name\":\"Item %u\"}", id, i);

      g_assert_true (oms_central_server_add_central_record (fixture->server, "item", id, "insert",
                                                            json, &error));
      g_assert_no_error (error);
    }
  g_assert_true (oms_central_server_add_central_record (fixture->server, "item", "ITEM0", "delete",
                                                        NULL, &error));

  /* add_site wrote the site's name and store, so 2 + 6 records. */
  for (;;)
    {
      g_auto(Reply) reply = { 0 };
      g_autofree char *path = g_strdup_printf ("/sync/v5/central_records?cursor=%" G_GINT64_FORMAT
                                               "&limit=3", cursor);
      JsonArray *records;
      guint n;

      v5 (fixture, &reply, "GET", path, NULL);
      g_assert_cmpuint (reply.status, ==, 200);
      max_cursor = json_object_get_int_member (reply_object (&reply), "maxCursor");
      g_assert_cmpint (max_cursor, ==, 8);
      records = reply_data (&reply);
      n = json_array_get_length (records);
      if (n == 0)
        break;
      g_assert_cmpuint (n, <=, 3);
      for (guint i = 0; i < n; i++)
        {
          JsonObject *record = json_array_get_object_element (records, i);
          gint64 id = json_object_get_int_member (record, "ID");

          g_assert_cmpint (id, >, cursor);
          cursor = id;
          if (g_str_equal (json_object_get_string_member (record, "action"), "delete"))
            g_assert_false (json_object_has_member (record, "recordData"));
          else
            g_assert_true (json_object_has_member (record, "recordData"));
        }
      total += n;
    }
  g_assert_cmpuint (total, ==, 8);
  g_assert_cmpint (cursor, ==, max_cursor);
}

static void
add_remote_logs (Fixture *fixture,
                 guint    n)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("LOG%u", i);
      g_autofree char *json = g_strdup_printf ("{\"ID\":\"%s\",\"store_ID\":\"%s\","
                                               "\"temperature\":4.5}", id, fixture->store_id);

      g_assert_true (oms_central_server_add_remote_record (fixture->server, "temperature_log", id,
                                                           fixture->store_id, json, &error));
      g_assert_no_error (error);
    }
  /* Another store's record never reaches this site. */
  g_assert_true (oms_central_server_add_remote_record (fixture->server, "temperature_log", "X",
                                                       "OTHER", "{\"ID\":\"X\"}", &error));
}

static void
test_initialise_queue (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GString) ack = g_string_new ("{\"syncIDs\":[");
  JsonArray *records;

  add_remote_logs (fixture, 5);
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "POST", "/sync/v5/initialise", "{}");
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (reply_object (&reply), "queueLength"), ==, 5);
  }
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "GET", "/sync/v5/site", NULL);
    g_assert_cmpstr (json_object_get_string_member (reply_object (&reply),
                                                    "initialisationStatus"), ==, "completed");
  }
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "GET", "/sync/v5/queued_records?limit=2", NULL);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (reply_object (&reply), "queueLength"), ==, 5);
    records = reply_data (&reply);
    g_assert_cmpuint (json_array_get_length (records), ==, 2);
    for (guint i = 0; i < 2; i++)
      g_string_append_printf (ack, "%s\"%s\"", i ? "," : "",
                              json_object_get_string_member (
                                json_array_get_object_element (records, i), "syncOutId"));
    g_string_append (ack, "]}");
  }
  {
    g_auto(Reply) reply = { 0 };

    /* Not acknowledged yet: served again. */
    v5 (fixture, &reply, "GET", "/sync/v5/queued_records?limit=2", NULL);
    g_assert_cmpint (json_object_get_int_member (reply_object (&reply), "queueLength"), ==, 5);
  }
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "POST", "/sync/v5/acknowledged_records", ack->str);
    g_assert_cmpuint (reply.status, ==, 200);
  }
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "GET", "/sync/v5/queued_records?limit=500", NULL);
    g_assert_cmpint (json_object_get_int_member (reply_object (&reply), "queueLength"), ==, 3);
    g_assert_cmpuint (json_array_get_length (reply_data (&reply)), ==, 3);
  }
}

static const char *
site_status_code (Fixture *fixture)
{
  static char code[64];
  g_auto(Reply) reply = { 0 };

  v5 (fixture, &reply, "GET", "/sync/v5/site_status", NULL);
  g_assert_cmpuint (reply.status, ==, 200);
  g_strlcpy (code, json_object_get_string_member (reply_object (&reply), "code"), sizeof code);
  return code;
}

static void
test_v5_push (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) received = NULL;
  g_autofree char *first = g_strdup_printf (
    "{\"queueLength\":2,\"data\":[{\"syncOutId\":\"1\",\"tableName\":\"temperature_log\","
    "\"recordId\":\"P1\",\"action\":\"Update\",\"recordData\":{\"ID\":\"P1\",\"store_ID\":\"%s\"}},"
    "{\"syncOutId\":\"2\",\"tableName\":\"sensor\",\"recordId\":\"S1\",\"action\":\"Update\","
    "\"recordData\":{\"ID\":\"S1\",\"storeID\":\"%s\"}}]}", fixture->store_id, fixture->store_id);
  JsonObject *v5_tables;

  oms_central_server_set_integration_delay (fixture->server, 400);
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "POST", "/sync/v5/queued_records", first);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_false (json_object_get_boolean_member (reply_object (&reply), "integrationStarted"));
  }
  g_assert_cmpstr (site_status_code (fixture), ==, "idle");
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "POST", "/sync/v5/queued_records", "{\"queueLength\":0,\"data\":[]}");
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_true (json_object_get_boolean_member (reply_object (&reply), "integrationStarted"));
  }
  g_assert_cmpstr (site_status_code (fixture), ==, "integration_in_progress");
  {
    g_auto(Reply) reply = { 0 };

    /* Pushing again while integrating is a second sync. */
    v5 (fixture, &reply, "POST", "/sync/v5/queued_records", "{\"queueLength\":0,\"data\":[]}");
    assert_v5_error (&reply, 503, "sync_is_running");
  }
  spin_ms (600);
  g_assert_cmpstr (site_status_code (fixture), ==, "idle");

  received = oms_central_server_dup_received (fixture->server, "site1", &error);
  g_assert_no_error (error);
  v5_tables = json_object_get_object_member (json_node_get_object (received), "v5");
  g_assert_cmpint (json_object_get_int_member (
                     json_object_get_object_member (v5_tables, "temperature_log"), "received"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (
                     json_object_get_object_member (v5_tables, "sensor"), "integrated"), ==, 1);

  /* Integrated records belong to the store now, so a re-initialisation returns them. */
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "POST", "/sync/v5/initialise", "{}");
    g_assert_cmpint (json_object_get_int_member (reply_object (&reply), "queueLength"), ==, 2);
  }
}

static char *
v6_body (const char *user,
         const char *password,
         const char *hardware_id,
         int         version,
         const char *extra)
{
  g_autofree char *hash = _oms_central_sha256_hex (password);

  return g_strdup_printf ("{%s%s\"syncV5Settings\":{\"serverUrl\":\"http://x\",\"username\":\"%s\","
                          "\"passwordSha256\":\"%s\",\"siteUuid\":\"%s\",\"appVersion\":\"2.20.0\","
                          "\"appName\":\"Open mSupply Desktop\",\"syncVersion\":\"14\"},"
                          "\"syncV6Version\":%d}",
                          extra ? extra : "", extra ? "," : "", user, hash, hardware_id, version);
}

static void
v6 (Fixture    *fixture,
    Reply      *reply,
    const char *route,
    const char *extra)
{
  g_autofree char *body = v6_body ("site1", "secret", "hw-1", 5, extra);
  g_autofree char *path = g_strconcat ("/central/sync/", route, NULL);

  request_full (fixture, reply, "POST", path, NULL, NULL, NULL, NULL, body);
  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, 200);
}

static JsonObject *
v6_data (Reply *reply)
{
  JsonObject *root = reply_object (reply);

  g_assert_true (json_object_has_member (root, "data"));
  return json_object_get_object_member (root, "data");
}

static void
test_v6_pull (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 cursor = 0;
  guint seen = 0;

  /* Five central rows, one of this site's store, one it pushed itself, one of another store. */
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("class-%u", i);
      g_autofree char *json = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"Class %u\"}", id, i);

      g_assert_true (oms_central_server_add_v6_record (fixture->server, "asset_class", id,
                                                       "Update", NULL, 0, json, &error));
    }
  g_assert_true (oms_central_server_add_v6_record (fixture->server, "asset", "a1", "Update",
                                                   fixture->store_id, 0, "{\"id\":\"a1\"}", &error));
  g_assert_true (oms_central_server_add_v6_record (fixture->server, "asset", "a2", "Update",
                                                   fixture->store_id, 5, "{\"id\":\"a2\"}", &error));
  g_assert_true (oms_central_server_add_v6_record (fixture->server, "asset", "a3", "Update",
                                                   "OTHER", 0, "{\"id\":\"a3\"}", &error));
  g_assert_no_error (error);

  for (;;)
    {
      g_auto(Reply) reply = { 0 };
      g_autofree char *extra = g_strdup_printf ("\"cursor\":%" G_GINT64_FORMAT ",\"batchSize\":3,"
                                                "\"isInitialised\":false", cursor);
      JsonObject *batch;
      JsonArray *records;

      v6 (fixture, &reply, "pull", extra);
      batch = v6_data (&reply);
      records = json_object_get_array_member (batch, "records");
      seen += json_array_get_length (records);
      g_assert_cmpint (json_object_get_int_member (batch, "total_records"), ==, 7 - (seen - json_array_get_length (records)));
      if (json_array_get_length (records) > 0)
        g_assert_cmpint (json_object_get_int_member (batch, "end_cursor"), ==,
                         json_object_get_int_member (json_array_get_object_element (
                                                       records, json_array_get_length (records) - 1),
                                                     "cursor"));
      cursor = json_object_get_int_member (batch, "end_cursor") + 1;
      if (json_object_get_boolean_member (batch, "is_last_batch"))
        break;
      g_assert_cmpuint (json_array_get_length (records), ==, 3);
    }
  g_assert_cmpuint (seen, ==, 7);

  /* Operational pulls leave out what the site pushed itself. */
  {
    g_auto(Reply) reply = { 0 };
    JsonObject *batch;

    v6 (fixture, &reply, "pull", "\"cursor\":0,\"batchSize\":100,\"isInitialised\":true");
    batch = v6_data (&reply);
    g_assert_cmpint (json_object_get_int_member (batch, "total_records"), ==, 6);
    g_assert_true (json_object_get_boolean_member (batch, "is_last_batch"));
  }
  /* Past the end: empty, with the newest cursor. */
  {
    g_auto(Reply) reply = { 0 };
    JsonObject *batch;

    v6 (fixture, &reply, "pull", "\"cursor\":1000,\"batchSize\":100,\"isInitialised\":true");
    batch = v6_data (&reply);
    g_assert_cmpint (json_object_get_int_member (batch, "total_records"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (batch, "end_cursor"), ==, 8);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (batch, "records")), ==, 0);
  }
}

static gboolean
v6_is_integrating (Fixture *fixture)
{
  g_auto(Reply) reply = { 0 };

  v6 (fixture, &reply, "site_status", NULL);
  return json_object_get_boolean_member (v6_data (&reply), "is_integrating");
}

static void
test_v6_push (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *batch = g_strdup_printf (
    "\"batch\":{\"end_cursor\":2,\"total_records\":2,\"is_last_batch\":true,\"records\":["
    "{\"cursor\":1,\"record\":{\"tableName\":\"asset\",\"recordId\":\"new-asset\",\"action\":\"Update\","
    "\"recordData\":{\"id\":\"new-asset\",\"store_id\":\"%s\"}}},"
    "{\"cursor\":2,\"record\":{\"tableName\":\"asset_log\",\"recordId\":\"new-log\",\"action\":\"Update\","
    "\"recordData\":{\"id\":\"new-log\",\"asset_id\":\"new-asset\"}}}]}", fixture->store_id);

  oms_central_server_set_integration_delay (fixture->server, 400);
  g_assert_false (v6_is_integrating (fixture));
  {
    g_auto(Reply) reply = { 0 };

    v6 (fixture, &reply, "push", batch);
    g_assert_cmpint (json_object_get_int_member (v6_data (&reply), "records_pushed"), ==, 2);
  }
  g_assert_true (v6_is_integrating (fixture));
  {
    g_auto(Reply) reply = { 0 };

    v6 (fixture, &reply, "pull", "\"cursor\":0,\"batchSize\":10,\"isInitialised\":true");
    g_assert_cmpstr (json_object_get_string_member (reply_object (&reply), "error"), ==,
                     "integrationInProgress");
  }
  spin_ms (600);
  g_assert_false (v6_is_integrating (fixture));

  /* Integrated into the changelog: the pusher only sees it when initialising. */
  {
    g_auto(Reply) reply = { 0 };

    v6 (fixture, &reply, "pull", "\"cursor\":0,\"batchSize\":10,\"isInitialised\":true");
    g_assert_cmpint (json_object_get_int_member (v6_data (&reply), "total_records"), ==, 0);
  }
  {
    g_auto(Reply) reply = { 0 };

    v6 (fixture, &reply, "pull", "\"cursor\":0,\"batchSize\":10,\"isInitialised\":false");
    g_assert_cmpint (json_object_get_int_member (v6_data (&reply), "total_records"), ==, 2);
  }
  /* The log names no store; it was filed under its asset's store, so a second site of
   * another store does not see either record.
   */
  g_assert_true (oms_central_server_add_site (fixture->server, "site2", "pw2", 6, &error));
  g_assert_no_error (error);
  {
    g_auto(Reply) reply = { 0 };
    g_autofree char *body = v6_body ("site2", "pw2", "hw-2", 5,
                                     "\"cursor\":0,\"batchSize\":10,\"isInitialised\":true");

    request_full (fixture, &reply, "POST", "/central/sync/pull", NULL, NULL, NULL, NULL, body);
    g_assert_cmpint (json_object_get_int_member (v6_data (&reply), "total_records"), ==, 0);
  }
}

static void
test_v6_errors (Fixture       *fixture,
                gconstpointer  data)
{
  {
    g_auto(Reply) reply = { 0 };
    g_autofree char *body = v6_body ("site1", "secret", "hw-1", 10000, NULL);
    JsonArray *mismatch;

    request_full (fixture, &reply, "POST", "/central/sync/site_status", NULL, NULL, NULL, NULL,
                  body);
    g_assert_cmpuint (reply.status, ==, 200);
    mismatch = json_object_get_array_member (json_object_get_object_member (
                                               reply_object (&reply), "error"),
                                             "syncVersionMismatch");
    g_assert_cmpint (json_array_get_int_element (mismatch, 0), ==, 0);
    g_assert_cmpint (json_array_get_int_element (mismatch, 1), ==, 5);
    g_assert_cmpint (json_array_get_int_element (mismatch, 2), ==, 10000);
  }
  {
    g_auto(Reply) reply = { 0 };
    g_autofree char *body = v6_body ("site1", "bad", "hw-1", 5, NULL);

    request_full (fixture, &reply, "POST", "/central/sync/site_status", NULL, NULL, NULL, NULL,
                  body);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_true (json_object_has_member (json_object_get_object_member (reply_object (&reply),
                                                                          "error"),
                                           "otherServerError"));
  }
  {
    g_auto(Reply) reply = { 0 };

    request_full (fixture, &reply, "GET", "/central/sync/pull", NULL, NULL, NULL, NULL, NULL);
    g_assert_cmpuint (reply.status, ==, 405);
  }
  {
    g_auto(Reply) reply = { 0 };

    request_full (fixture, &reply, "POST", "/central/sync/nothing", NULL, NULL, NULL, NULL, "{}");
    g_assert_cmpuint (reply.status, ==, 404);
  }
}

/* Record data that a re-generating server could get wrong: non-ASCII text, escapes,
 * controls, nesting, and numbers whose spelling carries their type (1.0 is a double).
 */
static const char tricky_data[] =
  "{\"ID\":\"TRICKY\",\"name\":\"Ünïcødé ✓ 日本 😀\","
  "\"escaped\":\"\\u00e9\\u2028\\ud83d\\ude00\\/\",\"quotes\":\"say \\\"hi\\\" \\\\ back\","
  "\"controls\":\"tab\\there\\nline\\u0001\\u001f\","
  "\"nested\":{\"a\":[1,{\"b\":null},[]],\"c\":{}},\"one\":1.0,\"big\":1e5,\"small\":-2.5E-3,"
  "\"int\":9007199254740993,\"none\":null,\"yes\":true,\"no\":false}";

/* A table name and record id that need escaping in the answer itself. */
static const char odd_id[] = "odd \"id\" \\ \t é";

/* Strict RFC 8259, as SQLite 3.40's JSON1 reads it; json-glib's parser is more lenient. */
static void
assert_strict_json (Reply *reply)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_nonnull (reply->body);
  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT json_valid (?)", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  sqlite3_bind_text (stmt, 1, g_bytes_get_data (reply->body, NULL),
                     (int)g_bytes_get_size (reply->body), SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* The answer carries the stored text itself, not a re-generation of it. */
static void
assert_body_contains (Reply      *reply,
                      const char *text)
{
  g_autofree char *body = g_strndup (g_bytes_get_data (reply->body, NULL),
                                     g_bytes_get_size (reply->body));

  g_assert_nonnull (strstr (body, text));
}

static void
assert_same_json (JsonNode   *node,
                  const char *expected)
{
  g_autoptr(JsonNode) want = json_from_string (expected, NULL);

  g_assert_nonnull (want);
  g_assert_nonnull (node);
  g_assert_true (json_node_equal (node, want));
}

static void
assert_tricky_types (JsonObject *data)
{
  g_assert_cmpstr (json_object_get_string_member (data, "name"), ==, "Ünïcødé ✓ 日本 😀");
  g_assert_cmpstr (json_object_get_string_member (data, "escaped"), ==, "é\u2028😀/");
  g_assert_cmpstr (json_object_get_string_member (data, "quotes"), ==, "say \"hi\" \\ back");
  g_assert_cmpstr (json_object_get_string_member (data, "controls"), ==,
                   "tab\there\nline\001\037");
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (data, "one")), ==,
                   G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_object_get_double_member (data, "one"), ==, 1.0);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (data, "big")), ==,
                   G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_object_get_double_member (data, "big"), ==, 100000.0);
  g_assert_cmpint (json_object_get_int_member (data, "int"), ==,
                   G_GINT64_CONSTANT (9007199254740993));
  g_assert_true (json_object_get_null_member (data, "none"));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (data, "nested")));
}

static JsonObject *
find_record (JsonArray  *records,
             const char *outer,
             const char *record_id)
{
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);

      if (outer)
        record = json_object_get_object_member (record, outer);
      if (g_strcmp0 (json_object_get_string_member (record, "recordId"), record_id) == 0)
        return record;
    }
  g_assert_not_reached ();
  return NULL;
}

static void
test_record_data (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  JsonObject *record;
  JsonArray *records;

  g_assert_true (oms_central_server_add_central_record (fixture->server, "item", "TRICKY",
                                                        "insert", tricky_data, &error));
  g_assert_no_error (error);
  g_assert_true (oms_central_server_add_central_record (fixture->server, odd_id, odd_id, "update",
                                                        "{\"ID\":\"odd\"}", &error));
  /* What json-glib accepts but JSON does not is stored as JSON. */
  g_assert_true (oms_central_server_add_central_record (fixture->server, "item", "LENIENT",
                                                        "insert",
                                                        "{'ID': 'LENIENT', /* c */ \"n\": .5}",
                                                        &error));
  g_assert_true (oms_central_server_add_central_record (fixture->server, "item", "TRICKY",
                                                        "delete", NULL, &error));
  g_assert_no_error (error);

  {
    g_auto(Reply) reply = { 0 };

    /* After the site's name and store. */
    v5 (fixture, &reply, "GET", "/sync/v5/central_records?cursor=2&limit=10", NULL);
    g_assert_cmpuint (reply.status, ==, 200);
    assert_strict_json (&reply);
    assert_body_contains (&reply, tricky_data);
    g_assert_cmpint (json_object_get_int_member (reply_object (&reply), "maxCursor"), ==, 6);
    records = reply_data (&reply);
    g_assert_cmpuint (json_array_get_length (records), ==, 4);

    record = json_array_get_object_element (records, 0);
    g_assert_cmpint (json_object_get_int_member (record, "ID"), ==, 3);
    g_assert_cmpstr (json_object_get_string_member (record, "tableName"), ==, "item");
    g_assert_cmpstr (json_object_get_string_member (record, "recordId"), ==, "TRICKY");
    g_assert_cmpstr (json_object_get_string_member (record, "action"), ==, "insert");
    assert_same_json (json_object_get_member (record, "recordData"), tricky_data);
    assert_tricky_types (json_object_get_object_member (record, "recordData"));

    record = json_array_get_object_element (records, 1);
    g_assert_cmpstr (json_object_get_string_member (record, "tableName"), ==, odd_id);
    g_assert_cmpstr (json_object_get_string_member (record, "recordId"), ==, odd_id);
    g_assert_cmpstr (json_object_get_string_member (record, "action"), ==, "update");

    record = json_array_get_object_element (records, 2);
    assert_same_json (json_object_get_member (record, "recordData"),
                      "{\"ID\":\"LENIENT\",\"n\":0.5}");

    /* Deletes carry no recordData at all. */
    record = json_array_get_object_element (records, 3);
    g_assert_cmpstr (json_object_get_string_member (record, "action"), ==, "delete");
    g_assert_cmpuint (json_object_get_size (record), ==, 4);
    g_assert_false (json_object_has_member (record, "recordData"));
  }

  /* The same data through the site's queue. */
  g_assert_true (oms_central_server_add_remote_record (fixture->server, "temperature_log", "TRICKY",
                                                       fixture->store_id, tricky_data, &error));
  g_assert_no_error (error);
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "POST", "/sync/v5/initialise", "{}");
    g_assert_cmpuint (reply.status, ==, 200);
  }
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "GET", "/sync/v5/queued_records?limit=10", NULL);
    g_assert_cmpuint (reply.status, ==, 200);
    assert_strict_json (&reply);
    assert_body_contains (&reply, tricky_data);
    g_assert_cmpint (json_object_get_int_member (reply_object (&reply), "queueLength"), ==, 1);
    record = json_array_get_object_element (reply_data (&reply), 0);
    g_assert_true (g_ascii_string_to_unsigned (json_object_get_string_member (record, "syncOutId"),
                                               10, 1, G_MAXINT64, NULL, NULL));
    g_assert_cmpstr (json_object_get_string_member (record, "tableName"), ==, "temperature_log");
    g_assert_cmpstr (json_object_get_string_member (record, "recordId"), ==, "TRICKY");
    g_assert_cmpstr (json_object_get_string_member (record, "action"), ==, "insert");
    assert_same_json (json_object_get_member (record, "recordData"), tricky_data);
    assert_tricky_types (json_object_get_object_member (record, "recordData"));
  }

  /* And through the Open mSupply changelog, whose deletes carry a null recordData. */
  g_assert_true (oms_central_server_add_v6_record (fixture->server, "asset_class", "tricky",
                                                   "Update", NULL, 0, tricky_data, &error));
  g_assert_true (oms_central_server_add_v6_record (fixture->server, odd_id, odd_id, "Update",
                                                   fixture->store_id, 0, "{\"id\":\"odd\"}",
                                                   &error));
  g_assert_true (oms_central_server_add_v6_record (fixture->server, "asset", "gone", "Delete",
                                                   fixture->store_id, 0, "{\"id\":\"gone\"}",
                                                   &error));
  g_assert_no_error (error);
  {
    g_auto(Reply) reply = { 0 };
    JsonObject *batch;
    JsonObject *outer;

    v6 (fixture, &reply, "pull", "\"cursor\":0,\"batchSize\":10,\"isInitialised\":false");
    assert_strict_json (&reply);
    assert_body_contains (&reply, tricky_data);
    batch = v6_data (&reply);
    g_assert_cmpint (json_object_get_int_member (batch, "total_records"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (batch, "end_cursor"), ==, 3);
    g_assert_true (json_object_get_boolean_member (batch, "is_last_batch"));
    records = json_object_get_array_member (batch, "records");
    g_assert_cmpuint (json_array_get_length (records), ==, 3);

    outer = json_array_get_object_element (records, 0);
    g_assert_cmpint (json_object_get_int_member (outer, "cursor"), ==, 1);
    record = json_object_get_object_member (outer, "record");
    g_assert_cmpstr (json_object_get_string_member (record, "tableName"), ==, "asset_class");
    g_assert_cmpstr (json_object_get_string_member (record, "action"), ==, "Update");
    assert_same_json (json_object_get_member (record, "recordData"), tricky_data);
    assert_tricky_types (json_object_get_object_member (record, "recordData"));

    record = find_record (records, "record", odd_id);
    g_assert_cmpstr (json_object_get_string_member (record, "tableName"), ==, odd_id);

    record = find_record (records, "record", "gone");
    g_assert_cmpstr (json_object_get_string_member (record, "action"), ==, "Delete");
    g_assert_true (json_object_has_member (record, "recordData"));
    g_assert_true (json_object_get_null_member (record, "recordData"));
  }
}

/* A data directory from before record data had to be valid JSON is brought into shape. */
static void
test_record_data_upgrade (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->data_dir, "central.sqlite", NULL);
  sqlite3 *db = NULL;
  JsonArray *records;

  g_assert_true (oms_central_server_add_central_record (fixture->server, "item", "A", "insert",
                                                        "{\"ID\":\"A\"}", &error));
  g_assert_true (oms_central_server_add_v6_record (fixture->server, "asset_class", "b", "Update",
                                                   NULL, 0, "{\"id\":\"b\"}", &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->session);
  g_assert_finalize_object (fixture->server);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "UPDATE central_record SET data = '{''ID'': ''A''}' "
                                 "WHERE record_id = 'A';"
                                 "INSERT INTO central_record (table_name, record_id, action, data) "
                                 "VALUES ('item', 'G', 'insert', 'not JSON');"
                                 "UPDATE changelog_v6 SET data = '{ \"id\" : ''b'' }';"
                                 "PRAGMA user_version = 1;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  fixture->server = oms_central_server_new (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (oms_central_server_listen (fixture->server, NULL, 0, &error));
  g_assert_no_error (error);
  fixture->session = new_session (5);
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "GET", "/sync/v5/central_records?cursor=2&limit=10", NULL);
    g_assert_cmpuint (reply.status, ==, 200);
    assert_strict_json (&reply);
    records = reply_data (&reply);
    g_assert_cmpuint (json_array_get_length (records), ==, 2);
    assert_same_json (json_object_get_member (find_record (records, NULL, "A"), "recordData"),
                      "{\"ID\":\"A\"}");
    /* Not JSON at all: served without data, as the re-generating server did. */
    g_assert_false (json_object_has_member (find_record (records, NULL, "G"), "recordData"));
  }
  {
    g_auto(Reply) reply = { 0 };

    v6 (fixture, &reply, "pull", "\"cursor\":0,\"batchSize\":10,\"isInitialised\":false");
    assert_strict_json (&reply);
    records = json_object_get_array_member (v6_data (&reply), "records");
    assert_same_json (json_object_get_member (find_record (records, "record", "b"), "recordData"),
                      "{\"id\":\"b\"}");
  }
}

/* A change through another connection, as an operator's sqlite3 shell would make it. */
static void
edit_database (Fixture    *fixture,
               const char *sql)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, "central.sqlite", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* The site's queueLength; @ids, if given, receives the syncOutIds served, quoted. */
static gint64
queue_length_of (Fixture    *fixture,
                 const char *user,
                 const char *password,
                 const char *hardware_id,
                 guint       limit,
                 GString    *ids)
{
  g_auto(Reply) reply = { 0 };
  g_autofree char *path = g_strdup_printf ("/sync/v5/queued_records?limit=%u", limit);
  JsonArray *records;

  request_full (fixture, &reply, "GET", path, user, password, hardware_id, "14", NULL);
  g_assert_cmpuint (reply.status, ==, 200);
  records = reply_data (&reply);
  if (ids)
    {
      g_string_truncate (ids, 0);
      for (guint i = 0; i < json_array_get_length (records); i++)
        g_string_append_printf (ids, "%s\"%s\"", i ? "," : "",
                                json_object_get_string_member (
                                  json_array_get_object_element (records, i), "syncOutId"));
    }
  return json_object_get_int_member (reply_object (&reply), "queueLength");
}

static void
acknowledge (Fixture    *fixture,
             const char *user,
             const char *password,
             const char *hardware_id,
             const char *ids)
{
  g_auto(Reply) reply = { 0 };
  g_autofree char *body = g_strdup_printf ("{\"syncIDs\":[%s]}", ids);

  request_full (fixture, &reply, "POST", "/sync/v5/acknowledged_records", user, password,
                hardware_id, "14", body);
  g_assert_cmpuint (reply.status, ==, 200);
}

/* queueLength is not counted again for every batch; it must still follow every change. */
static void
test_queue_length (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autofree char *other_store = NULL;

  g_assert_true (oms_central_server_add_site (fixture->server, "site2", "pw2", 6, &error));
  g_assert_no_error (error);
  other_store = oms_central_server_dup_store_id (fixture->server, "site2", &error);
  g_assert_no_error (error);
  add_remote_logs (fixture, 5);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("OTHER%u", i);

      g_assert_true (oms_central_server_add_remote_record (fixture->server, "temperature_log", id,
                                                           other_store, "{\"ID\":\"x\"}", &error));
      g_assert_no_error (error);
    }
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "POST", "/sync/v5/initialise", "{}");
    g_assert_cmpint (json_object_get_int_member (reply_object (&reply), "queueLength"), ==, 5);
  }
  {
    g_auto(Reply) reply = { 0 };

    request_full (fixture, &reply, "POST", "/sync/v5/initialise", "site2", "pw2", "hw-2", "14",
                  "{}");
    g_assert_cmpint (json_object_get_int_member (reply_object (&reply), "queueLength"), ==, 3);
  }

  /* The same id twice, and ids never handed out, delete one row. */
  g_assert_cmpint (queue_length_of (fixture, "site1", "secret", "hw-1", 1, ids), ==, 5);
  {
    g_autofree char *odd = g_strdup_printf ("%s,%s,\"999999\",\"x\",\"-1\"", ids->str, ids->str);

    acknowledge (fixture, "site1", "secret", "hw-1", odd);
  }
  g_assert_cmpint (queue_length_of (fixture, "site1", "secret", "hw-1", 2, ids), ==, 4);
  g_assert_cmpint (queue_length_of (fixture, "site2", "pw2", "hw-2", 2, NULL), ==, 3);
  g_assert_cmpint (queue_length_of (fixture, "site1", "secret", "hw-1", 2, ids), ==, 4);
  acknowledge (fixture, "site1", "secret", "hw-1", ids->str);
  g_assert_cmpint (queue_length_of (fixture, "site1", "secret", "hw-1", 500, NULL), ==, 2);

  /* Another site's acknowledgement, then new data behind the routes' back. */
  g_assert_cmpint (queue_length_of (fixture, "site2", "pw2", "hw-2", 1, ids), ==, 3);
  acknowledge (fixture, "site2", "pw2", "hw-2", ids->str);
  g_assert_cmpint (queue_length_of (fixture, "site1", "secret", "hw-1", 500, NULL), ==, 2);
  g_assert_cmpint (queue_length_of (fixture, "site2", "pw2", "hw-2", 500, NULL), ==, 2);
  g_assert_true (oms_central_server_add_remote_record (fixture->server, "temperature_log", "NEW",
                                                       fixture->store_id, "{\"ID\":\"NEW\"}",
                                                       &error));
  g_assert_no_error (error);
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "POST", "/sync/v5/initialise", "{}");
    g_assert_cmpint (json_object_get_int_member (reply_object (&reply), "queueLength"), ==, 6);
  }
  /* Another connection's changes, between batches and before an acknowledgement. */
  g_assert_cmpint (queue_length_of (fixture, "site1", "secret", "hw-1", 1, NULL), ==, 6);
  edit_database (fixture, "DELETE FROM sync_queue WHERE id = "
                          "(SELECT max(id) FROM sync_queue WHERE site_id = 5)");
  g_assert_cmpint (queue_length_of (fixture, "site1", "secret", "hw-1", 1, ids), ==, 5);
  edit_database (fixture, "DELETE FROM sync_queue WHERE id = "
                          "(SELECT max(id) FROM sync_queue WHERE site_id = 5)");
  acknowledge (fixture, "site1", "secret", "hw-1", ids->str);
  g_assert_cmpint (queue_length_of (fixture, "site1", "secret", "hw-1", 500, ids), ==, 3);

  acknowledge (fixture, "site1", "secret", "hw-1", ids->str);
  g_assert_cmpint (queue_length_of (fixture, "site1", "secret", "hw-1", 500, NULL), ==, 0);
  g_assert_cmpint (queue_length_of (fixture, "site2", "pw2", "hw-2", 500, NULL), ==, 2);
}

/* total_records is not counted again for every batch either. */
static void
test_v6_pull_total (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 cursor = 0;
  gint64 left = 6;

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *id = g_strdup_printf ("class-%u", i);

      g_assert_true (oms_central_server_add_v6_record (fixture->server, "asset_class", id,
                                                       "Update", NULL, 0, "{}", &error));
      g_assert_no_error (error);
    }

  for (guint batch = 0;; batch++)
    {
      g_auto(Reply) reply = { 0 };
      g_autofree char *extra = g_strdup_printf ("\"cursor\":%" G_GINT64_FORMAT ",\"batchSize\":2,"
                                                "\"isInitialised\":false", cursor);
      JsonObject *page;
      guint n;

      v6 (fixture, &reply, "pull", extra);
      page = v6_data (&reply);
      n = json_array_get_length (json_object_get_array_member (page, "records"));
      g_assert_cmpint (json_object_get_int_member (page, "total_records"), ==, left);
      g_assert_cmpint (json_object_get_boolean_member (page, "is_last_batch"), ==, left <= 2);
      if (json_object_get_boolean_member (page, "is_last_batch"))
        {
          g_assert_cmpuint (n, ==, left);
          break;
        }
      g_assert_cmpuint (n, ==, 2);
      left -= n;
      cursor = json_object_get_int_member (page, "end_cursor") + 1;

      /* Rows added between batches, once through the server, once behind its back. */
      if (batch == 0)
        {
          g_assert_true (oms_central_server_add_v6_record (fixture->server, "asset_class", "late",
                                                           "Update", NULL, 0, "{}", &error));
          g_assert_no_error (error);
          left++;
        }
      else if (batch == 1)
        {
          edit_database (fixture, "INSERT INTO changelog_v6 (table_name, record_id, action, data) "
                                  "VALUES ('asset_class', 'shell', 'Update', '{}')");
          left++;
        }
    }
}

static void
add_fault (Fixture    *fixture,
           const char *spec)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_central_server_add_fault (fixture->server, spec, &error));
  g_assert_no_error (error);
}

static void
test_faults (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (oms_central_server_add_fault (fixture->server, "/sync/v5/site:explode", &error));
  g_assert_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_INVALID);

  add_fault (fixture, "/sync/v5/site:status=503,times=1,body=down, for now");
  {
    g_auto(Reply) reply = { 0 };
    g_autofree char *text = NULL;

    v5 (fixture, &reply, "GET", "/sync/v5/site", NULL);
    g_assert_cmpuint (reply.status, ==, 503);
    text = g_strndup (g_bytes_get_data (reply.body, NULL), g_bytes_get_size (reply.body));
    g_assert_cmpstr (text, ==, "down, for now");
  }
  {
    g_auto(Reply) reply = { 0 };

    /* times=1 is used up. */
    v5 (fixture, &reply, "GET", "/sync/v5/site", NULL);
    g_assert_cmpuint (reply.status, ==, 200);
  }

  /* No times=: libsoup retries an idempotent request once when a kept-alive connection
   * closes, so a one-shot refusal would be invisible.
   */
  add_fault (fixture, "/sync/v5/site:refuse");
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "GET", "/sync/v5/site", NULL);
    g_assert_nonnull (reply.error);
  }
  oms_central_server_clear_faults (fixture->server, "/sync/v5/site");

  /* A reset instead of an answer (the Retry-After header is read in test-sync-errors). */
  add_fault (fixture, "/sync/v5/site:reset");
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "GET", "/sync/v5/site", NULL);
    g_assert_nonnull (reply.error);
  }
  oms_central_server_clear_faults (fixture->server, "/sync/v5/site");
  g_clear_error (&error);
  g_assert_false (oms_central_server_add_fault (fixture->server, "/sync/v5/site:retry-after=60",
                                                &error));
  g_assert_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_INVALID);

  add_fault (fixture, "/sync/v5/site:truncate,times=1");
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "GET", "/sync/v5/site", NULL);
    g_assert_true (reply.error != NULL || reply.json == NULL);
  }

  add_fault (fixture, "/sync/v5/site:corrupt,times=1");
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "GET", "/sync/v5/site", NULL);
    g_assert_no_error (reply.error);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_null (reply.json);
  }

  add_fault (fixture, "/sync/v5/site:latency=300,times=1");
  {
    g_auto(Reply) reply = { 0 };
    gint64 start = g_get_monotonic_time ();

    v5 (fixture, &reply, "GET", "/sync/v5/site", NULL);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_cmpint (g_get_monotonic_time () - start, >=, 290 * 1000);
  }

  add_fault (fixture, "/sync/v5/site:bandwidth=2000,times=1");
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "GET", "/sync/v5/site", NULL);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_nonnull (reply.json);
  }

  add_fault (fixture, "/sync/v5/site:hang,times=1");
  {
    g_auto(Reply) reply = { 0 };
    g_autoptr(SoupSession) impatient = new_session (1);
    SoupSession *patient = fixture->session;

    fixture->session = impatient;
    v5 (fixture, &reply, "GET", "/sync/v5/site", NULL);
    fixture->session = patient;
    g_assert_error (reply.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  }

  add_fault (fixture, "/sync/v5/queued_records:integrate-seconds=1");
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "POST", "/sync/v5/queued_records", "{\"queueLength\":0,\"data\":[]}");
    g_assert_true (json_object_get_boolean_member (reply_object (&reply), "integrationStarted"));
  }
  spin_ms (500);
  g_assert_cmpstr (site_status_code (fixture), ==, "integration_in_progress");
  spin_ms (700);
  g_assert_cmpstr (site_status_code (fixture), ==, "idle");

  oms_central_server_clear_faults (fixture->server, NULL);
}

static void
test_sync_is_running (Fixture       *fixture,
                      gconstpointer  data)
{
  g_auto(Reply) slow = { 0 };
  g_auto(Reply) second = { 0 };
  g_autofree char *url = g_strconcat (oms_central_server_get_base_url (fixture->server),
                                      "/sync/v5/central_records?cursor=0&limit=10", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *auth = basic_auth ("site1", "secret");

  add_fault (fixture, "/sync/v5/central_records:latency=500,times=1");
  soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_headers_append (soup_message_get_request_headers (msg), "msupply-site-uuid", "hw-1");
  soup_message_headers_append (soup_message_get_request_headers (msg), "version", "14");
  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL, send_cb, &slow);
  spin_ms (100);

  v5 (fixture, &second, "POST", "/sync/v5/initialise", "{}");
  assert_v5_error (&second, 503, "sync_is_running");
  while (slow.status == 0 && !slow.error)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (slow.status, ==, 200);
}

static void
test_admin (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GInetAddress) lan = g_inet_address_new_from_string ("192.168.1.20");
  g_autoptr(GSocketAddress) lan_socket = g_inet_socket_address_new (lan, 5555);
  g_autoptr(GInetAddress) loop6 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) loop6_socket = g_inet_socket_address_new (loop6, 5555);

  g_assert_false (_oms_central_address_is_loopback (lan_socket));
  g_assert_true (_oms_central_address_is_loopback (loop6_socket));

  {
    g_auto(Reply) reply = { 0 };

    request_full (fixture, &reply, "POST", "/admin/fault", NULL, NULL, NULL, NULL,
                  "/sync/v5/site:status=502,times=1");
    g_assert_cmpuint (reply.status, ==, 204);
  }
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "GET", "/sync/v5/site", NULL);
    g_assert_cmpuint (reply.status, ==, 502);
  }
  {
    g_auto(Reply) reply = { 0 };

    request_full (fixture, &reply, "POST", "/admin/fault", NULL, NULL, NULL, NULL, "nonsense");
    g_assert_cmpuint (reply.status, ==, 400);
  }
  {
    g_auto(Reply) reply = { 0 };

    request_full (fixture, &reply, "POST", "/admin/fault", NULL, NULL, NULL, NULL,
                  "/sync/v5/site:status=500");
    request_full (fixture, &reply, "DELETE", "/admin/fault?route=/sync/v5/site", NULL, NULL, NULL,
                  NULL, NULL);
    g_assert_cmpuint (reply.status, ==, 204);
  }
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "GET", "/sync/v5/site", NULL);
    g_assert_cmpuint (reply.status, ==, 200);
  }
  {
    g_auto(Reply) reply = { 0 };

    request_full (fixture, &reply, "POST", "/admin/central-records", NULL, NULL, NULL, NULL,
                  "{\"records\":[{\"tableName\":\"item\",\"recordId\":\"A\","
                  "\"recordData\":{\"ID\":\"A\"}}]}");
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (reply_object (&reply), "maxCursor"), ==, 3);
  }
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "GET", "/sync/v5/central_records?cursor=2&limit=10", NULL);
    g_assert_cmpuint (json_array_get_length (reply_data (&reply)), ==, 1);
  }
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "POST", "/sync/v5/queued_records",
        "{\"queueLength\":1,\"data\":[{\"syncOutId\":\"9\",\"tableName\":\"Location\","
        "\"recordId\":\"L\",\"action\":\"Update\",\"recordData\":{\"ID\":\"L\"}}]}");
    request_full (fixture, &reply, "GET", "/admin/received?site=site1", NULL, NULL, NULL, NULL,
                  NULL);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (
                       json_object_get_object_member (
                         json_object_get_object_member (reply_object (&reply), "v5"), "Location"),
                       "received"), ==, 1);
  }
}

/* Tests queue a merge through the admin endpoint, and central_records serves it as the
 * legacy central does: action "merge", its ids in recordData.
 */
static void
test_admin_merge (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *merge = "{\"mergeIdToKeep\":\"KEEP\",\"mergeIdToDelete\":\"GONE\"}";
  JsonObject *record;

  {
    g_auto(Reply) reply = { 0 };
    g_autofree char *body =
      g_strdup_printf ("{\"records\":[{\"tableName\":\"name\",\"recordId\":\"KEEP\","
                       "\"action\":\"merge\",\"recordData\":%s}]}", merge);

    request_full (fixture, &reply, "POST", "/admin/central-records", NULL, NULL, NULL, NULL,
                  body);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (reply_object (&reply), "maxCursor"), ==, 3);
  }
  {
    g_auto(Reply) reply = { 0 };

    /* After the site's name and store. */
    v5 (fixture, &reply, "GET", "/sync/v5/central_records?cursor=2&limit=10", NULL);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_cmpuint (json_array_get_length (reply_data (&reply)), ==, 1);
    record = json_array_get_object_element (reply_data (&reply), 0);
    g_assert_cmpint (json_object_get_int_member (record, "ID"), ==, 3);
    g_assert_cmpstr (json_object_get_string_member (record, "tableName"), ==, "name");
    g_assert_cmpstr (json_object_get_string_member (record, "recordId"), ==, "KEEP");
    g_assert_cmpstr (json_object_get_string_member (record, "action"), ==, "merge");
    assert_same_json (json_object_get_member (record, "recordData"), merge);
  }
}

/* PUT upload_file as any HTTP client builds it: libsoup's own multipart/form-data. */
static void
upload_file (Fixture    *fixture,
             Reply      *reply,
             const char *method,
             const char *json_part,
             const char *file_name,
             GBytes     *file_bytes)
{
  g_autofree char *url = g_strconcat (oms_central_server_get_base_url (fixture->server),
                                      "/central/sync/upload_file", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  SoupMultipart *multipart = soup_multipart_new ("multipart/form-data");
  g_autoptr(GBytes) json = g_bytes_new (json_part, strlen (json_part));
  SoupMessageHeaders *part_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
  g_autoptr(GBytes) body = NULL;
  gboolean guard = FALSE;
  guint guard_id;

  soup_message_headers_replace (part_headers, "Content-Disposition",
                                "form-data; name=\"json_part\"");
  soup_message_headers_replace (part_headers, "Content-Type", "application/json");
  soup_multipart_append_part (multipart, part_headers, json);
  soup_message_headers_unref (part_headers);
  if (file_bytes)
    soup_multipart_append_form_file (multipart, "file_part", file_name,
                                     "application/octet-stream", file_bytes);
  soup_multipart_to_message (multipart, soup_message_get_request_headers (msg), &body);
  soup_multipart_free (multipart);
  soup_message_set_request_body_from_bytes (msg, NULL, body);

  /* A reply may be used again: let go of what the last request left in it. */
  reply_clear (reply);
  memset (reply, 0, sizeof *reply);
  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL, send_cb,
                                    reply);
  guard_id = g_timeout_add_seconds (20, timeout_cb, &guard);
  while (reply->status == 0 && !reply->error && !guard)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (guard);
  g_source_remove (guard_id);
  if (reply->body && g_bytes_get_size (reply->body) > 0)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (reply->body, NULL),
                                         g_bytes_get_size (reply->body));

      reply->json = json_from_string (text, NULL);
    }
}

static char *
upload_json (const char *file_id,
             const char *password,
             int         version)
{
  g_autofree char *hash = _oms_central_sha256_hex (password);

  return g_strdup_printf ("{\"file_id\":\"%s\",\"sync_v5_settings\":{\"serverUrl\":\"http://x\","
                          "\"username\":\"site1\",\"passwordSha256\":\"%s\",\"siteUuid\":\"hw-1\","
                          "\"appVersion\":\"2.20.0\",\"appName\":\"Open mSupply Desktop\","
                          "\"syncVersion\":\"14\"},\"sync_v6_version\":%d}",
                          file_id, hash, version);
}

static void
assert_v6_error (Reply      *reply,
                 const char *variant)
{
  JsonObject *root = reply_object (reply);
  JsonNode *error = json_object_get_member (root, "error");

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_nonnull (error);
  if (JSON_NODE_HOLDS_VALUE (error))
    g_assert_cmpstr (json_node_get_string (error), ==, variant);
  else
    g_assert_true (json_object_has_member (json_node_get_object (error), variant));
}

/* upload_file and download_file: the reference first, then the file; errors as the real
 * central gives them (in the envelope for upload_file, bare with a 500 for download_file).
 */
static void
test_v6_files (Fixture       *fixture,
               gconstpointer  data)
{
  static const char content[] = "bytes\r\n--with a \0 NUL and a fake boundary\r\n";
  g_autoptr(GBytes) file_bytes = g_bytes_new (content, sizeof content - 1);
  g_autofree char *ok_json = upload_json ("file-1", "secret", 5);
  g_autofree char *bad_password = upload_json ("file-1", "wrong", 5);
  g_autofree char *bad_version = upload_json ("file-1", "secret", 9);
  g_autofree char *stored = NULL;
  g_autofree char *stored_data = NULL;
  g_autoptr(GError) error = NULL;
  gsize stored_size = 0;

  {
    g_auto(Reply) reply = { 0 };

    /* Not known yet: the site has not pushed the reference. */
    upload_file (fixture, &reply, "PUT", ok_json, "photo.jpg", file_bytes);
    assert_v6_error (&reply, "syncFileNotFound");
    g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (reply_object (&reply), "error"),
                       "syncFileNotFound"), ==, "file-1");
  }
  g_assert_null (oms_central_server_find_file (fixture->server, "asset", "a1", "file-1"));

  g_assert_true (oms_central_server_add_v6_record (fixture->server, "sync_file_reference",
                                                   "file-1", "Update", NULL, 5,
                                                   "{\"id\":\"file-1\",\"table_name\":\"asset\","
                                                   "\"record_id\":\"a1\","
                                                   "\"file_name\":\"photo.jpg\","
                                                   "\"mime_type\":\"image/jpeg\","
                                                   "\"total_bytes\":44,"
                                                   "\"created_datetime\":\"2024-01-01T00:00:00\","
                                                   "\"deleted_datetime\":null}", &error));
  g_assert_no_error (error);

  {
    g_auto(Reply) reply = { 0 };

    upload_file (fixture, &reply, "PUT", bad_password, "photo.jpg", file_bytes);
    assert_v6_error (&reply, "otherServerError");
  }
  {
    g_auto(Reply) reply = { 0 };

    upload_file (fixture, &reply, "PUT", bad_version, "photo.jpg", file_bytes);
    assert_v6_error (&reply, "syncVersionMismatch");
  }
  {
    g_auto(Reply) reply = { 0 };

    upload_file (fixture, &reply, "POST", ok_json, "photo.jpg", file_bytes);
    g_assert_cmpuint (reply.status, ==, 405);
  }
  {
    g_auto(Reply) reply = { 0 };

    upload_file (fixture, &reply, "PUT", ok_json, NULL, NULL);
    g_assert_cmpuint (reply.status, ==, 400);
  }
  g_assert_null (oms_central_server_find_file (fixture->server, "asset", "a1", "file-1"));

  /* Stored without any path the name carries, and served to every site again. */
  {
    g_auto(Reply) reply = { 0 };

    upload_file (fixture, &reply, "PUT", ok_json, "../photo.jpg", file_bytes);
    g_assert_no_error (reply.error);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_true (json_object_has_member (reply_object (&reply), "data"));
    g_assert_true (json_object_get_null_member (reply_object (&reply), "data"));
  }
  stored = oms_central_server_find_file (fixture->server, "asset", "a1", "file-1");
  g_assert_nonnull (stored);
  g_assert_true (g_str_has_suffix (stored, "/files/asset/a1/file-1_photo.jpg"));
  g_assert_true (g_file_get_contents (stored, &stored_data, &stored_size, NULL));
  g_assert_cmpmem (stored_data, stored_size, content, sizeof content - 1);
  {
    g_auto(Reply) reply = { 0 };
    JsonArray *records;

    v6 (fixture, &reply, "pull", "\"cursor\":0,\"batchSize\":100,\"isInitialised\":true");
    records = json_object_get_array_member (v6_data (&reply), "records");
    g_assert_cmpuint (json_array_get_length (records), ==, 1);
  }

  /* download_file gives the bytes back, named. */
  {
    g_auto(Reply) reply = { 0 };
    g_autofree char *body = v6_body ("site1", "secret", "hw-1", 5,
                                     "\"tableName\":\"asset\",\"recordId\":\"a1\","
                                     "\"id\":\"file-1\"");

    request_full (fixture, &reply, "POST", "/central/sync/download_file", NULL, NULL, NULL, NULL,
                  body);
    g_assert_no_error (reply.error);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_cmpmem (g_bytes_get_data (reply.body, NULL), g_bytes_get_size (reply.body),
                     content, sizeof content - 1);
  }

  /* Its errors are bare SyncParsedErrorV6 values with a 500, not envelopes. */
  {
    g_auto(Reply) reply = { 0 };
    g_autofree char *body = v6_body ("site1", "secret", "hw-1", 5,
                                     "\"tableName\":\"asset\",\"recordId\":\"a1\","
                                     "\"id\":\"file-2\"");

    request_full (fixture, &reply, "POST", "/central/sync/download_file", NULL, NULL, NULL, NULL,
                  body);
    g_assert_cmpuint (reply.status, ==, 500);
    g_assert_cmpstr (json_object_get_string_member (reply_object (&reply), "otherServerError"),
                     ==, "File not found");
  }
  {
    g_auto(Reply) reply = { 0 };
    g_autofree char *body = v6_body ("site1", "secret", "hw-1", 9,
                                     "\"tableName\":\"asset\",\"recordId\":\"a1\","
                                     "\"id\":\"file-1\"");

    request_full (fixture, &reply, "POST", "/central/sync/download_file", NULL, NULL, NULL, NULL,
                  body);
    g_assert_cmpuint (reply.status, ==, 500);
    g_assert_true (json_object_has_member (reply_object (&reply), "syncVersionMismatch"));
  }
  {
    g_auto(Reply) reply = { 0 };
    g_autofree char *body = v6_body ("site1", "wrong", "hw-1", 5,
                                     "\"tableName\":\"asset\",\"recordId\":\"a1\","
                                     "\"id\":\"file-1\"");

    request_full (fixture, &reply, "POST", "/central/sync/download_file", NULL, NULL, NULL, NULL,
                  body);
    g_assert_cmpuint (reply.status, ==, 500);
    g_assert_true (json_object_has_member (reply_object (&reply), "otherServerError"));
  }

  /* Faults apply to these routes too. */
  add_fault (fixture, "/central/sync/upload_file:status=503,times=1");
  {
    g_auto(Reply) reply = { 0 };

    upload_file (fixture, &reply, "PUT", ok_json, "photo.jpg", file_bytes);
    g_assert_cmpuint (reply.status, ==, 503);
  }
}

/* A file of tests/fixtures/upstream (the real servers' and clients' bodies). */
static char *
load_fixture_text (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("OMSYNC_FIXTURES_DIR"), name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return g_strchomp (text);
}

static void
assert_reply_text (Reply      *reply,
                   const char *expected)
{
  g_assert_no_error (reply->error);
  g_assert_nonnull (reply->body);
  g_assert_cmpmem (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body),
                   expected, strlen (expected));
}

/* Request bodies as Open mSupply's own client and its Postman collection send them are read
 * as the real servers read them.
 */
static void
test_fixture_requests (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) received = NULL;
  g_autofree char *f3b = load_fixture_text ("F3b-1.json");
  g_autofree char *f3c = load_fixture_text ("F3c.json");
  g_autofree char *f6a = load_fixture_text ("F6a.json");
  g_autofree char *f6b = load_fixture_text ("F6b.json");
  g_autoptr(GString) fixed = NULL;
  JsonObject *tables;

  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "POST", "/sync/v5/queued_records", f3b);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_true (json_object_get_boolean_member (reply_object (&reply), "integrationStarted"));
  }
  received = oms_central_server_dup_received (fixture->server, "site1", &error);
  g_assert_no_error (error);
  tables = json_object_get_object_member (json_node_get_object (received), "v5");
  g_assert_cmpint (json_object_get_int_member (
                     json_object_get_object_member (tables, "test_table_name"), "received"), ==, 1);
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "POST", "/sync/v5/acknowledged_records", f3c);
    g_assert_cmpuint (reply.status, ==, 200);
  }

  /* The Postman bodies are for site "test", password "pass", hardware id "hardwareid"; F6a
   * has no syncV6Version (0, accepted) and F6b, stale, lacks is_last_batch (refused as OMS
   * central refuses it, until it is added).
   */
  g_assert_true (oms_central_server_add_site (fixture->server, "test", "pass", 7, &error));
  g_assert_no_error (error);
  {
    g_auto(Reply) reply = { 0 };

    request_full (fixture, &reply, "POST", "/central/sync/pull", NULL, NULL, NULL, NULL, f6a);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_true (json_object_get_boolean_member (v6_data (&reply), "is_last_batch"));
  }
  {
    g_auto(Reply) reply = { 0 };

    request_full (fixture, &reply, "POST", "/central/sync/push", NULL, NULL, NULL, NULL, f6b);
    g_assert_cmpuint (reply.status, ==, 400);
  }
  fixed = g_string_new (f6b);
  g_assert_cmpuint (g_string_replace (fixed, "\"records\": [",
                                      "\"is_last_batch\": false, \"records\": [", 1), ==, 1);
  {
    g_auto(Reply) reply = { 0 };

    request_full (fixture, &reply, "POST", "/central/sync/push", NULL, NULL, NULL, NULL,
                  fixed->str);
    assert_reply_text (&reply, "{\"data\":{\"records_pushed\":1}}");
  }
}

/* The answers are the real servers' bytes: F7's envelopes, and download_file's bare error as
 * serde_json's to_string_pretty() lays it out.
 */
static void
test_v6_answer_bytes (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *f7 = load_fixture_text ("F7.jsonl");
  g_auto(GStrv) lines = g_strsplit (f7, "\n", -1);

  {
    g_auto(Reply) reply = { 0 };

    v6 (fixture, &reply, "site_status", NULL);
    assert_reply_text (&reply, lines[2]);
  }
  {
    g_auto(Reply) reply = { 0 };
    g_autofree char *body = v6_body ("site1", "secret", "hw-1", 10000, NULL);

    request_full (fixture, &reply, "POST", "/central/sync/site_status", NULL, NULL, NULL, NULL,
                  body);
    assert_reply_text (&reply, lines[5]);
  }
  {
    g_auto(Reply) reply = { 0 };

    v6 (fixture, &reply, "push",
        "\"batch\":{\"end_cursor\":0,\"total_records\":0,\"records\":[],\"is_last_batch\":false}");
    assert_reply_text (&reply, lines[1]);
  }
  {
    g_auto(Reply) reply = { 0 };
    g_autofree char *body = v6_body ("site1", "secret", "hw-1", 5,
                                     "\"tableName\":\"asset\",\"recordId\":\"a1\","
                                     "\"id\":\"no-such-file\"");

    request_full (fixture, &reply, "POST", "/central/sync/download_file", NULL, NULL, NULL, NULL,
                  body);
    g_assert_cmpuint (reply.status, ==, 500);
    assert_reply_text (&reply, "{\n  \"otherServerError\": \"File not found\"\n}");
  }
  {
    g_auto(Reply) reply = { 0 };
    g_autofree char *body = v6_body ("site1", "secret", "hw-1", 9,
                                     "\"tableName\":\"asset\",\"recordId\":\"a1\","
                                     "\"id\":\"no-such-file\"");

    request_full (fixture, &reply, "POST", "/central/sync/download_file", NULL, NULL, NULL, NULL,
                  body);
    g_assert_cmpuint (reply.status, ==, 500);
    assert_reply_text (&reply,
                       "{\n  \"syncVersionMismatch\": [\n    0,\n    5,\n    9\n  ]\n}");
  }
}

/* A body that overflowed json-glib's stack before the gate: 150 KB of nesting. */
static char *
nested_body (const char *prefix,
             const char *suffix)
{
  GString *body = g_string_new (prefix);

  for (guint i = 0; i < 75000; i++)
    g_string_append_c (body, '[');
  for (guint i = 0; i < 75000; i++)
    g_string_append_c (body, ']');
  g_string_append (body, suffix);
  return g_string_free (body, FALSE);
}

static void
assert_refused_body (Reply *reply)
{
  g_autofree char *text = NULL;

  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, 400);
  g_assert_nonnull (reply->body);
  text = g_strndup (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body));
  g_assert_nonnull (strstr (text, "levels deep"));
}

/* Every route that reads a JSON body answers 400 to one nested beyond the gate, and stays up
 * (the server runs in this process: a stack overflow would end the test).
 */
static void
test_hostile_bodies (Fixture       *fixture,
                     gconstpointer  data)
{
  static const char *v5_routes[] = { "/sync/v5/queued_records", "/sync/v5/acknowledged_records" };
  static const char *v6_routes[] = { "/central/sync/pull", "/central/sync/push",
                                     "/central/sync/site_status", "/central/sync/patient-pull" };
  g_autofree char *v5_nested = nested_body ("{\"syncIDs\":", "}");
  g_autofree char *v6_nested = nested_body ("{\"batch\":", "}");
  g_autoptr(GBytes) file = g_bytes_new_static ("x", 1);
  gint64 queue_before = queue_length_of (fixture, "site1", "secret", "hw-1", 1000, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (v5_routes); i++)
    {
      g_auto(Reply) reply = { 0 };

      v5 (fixture, &reply, "POST", v5_routes[i], v5_nested);
      assert_refused_body (&reply);
    }
  for (guint i = 0; i < G_N_ELEMENTS (v6_routes); i++)
    {
      g_auto(Reply) reply = { 0 };

      request_full (fixture, &reply, "POST", v6_routes[i], NULL, NULL, NULL, NULL, v6_nested);
      assert_refused_body (&reply);
    }
  {
    g_auto(Reply) reply = { 0 };

    upload_file (fixture, &reply, "PUT", v6_nested, "a.txt", file);
    assert_refused_body (&reply);
  }
  {
    g_auto(Reply) reply = { 0 };

    request_full (fixture, &reply, "POST", "/admin/central-records", NULL, NULL, NULL, NULL,
                  v6_nested);
    assert_refused_body (&reply);
  }

  /* Nothing changed, and the server still answers. */
  g_assert_cmpint (queue_length_of (fixture, "site1", "secret", "hw-1", 1000, NULL), ==, queue_before);
  {
    g_auto(Reply) reply = { 0 };

    v5 (fixture, &reply, "GET", "/sync/v5/site", NULL);
    g_assert_cmpuint (reply.status, ==, 200);
  }
}

/* A body announced larger than the gate takes is refused from its headers alone: the
 * request here sends none of it.
 */
static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **line = user_data;
  g_autoptr(GError) error = NULL;

  *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL,
                                                &error);
  g_assert_no_error (error);
  if (*line == NULL)
    *line = g_strdup ("");
}

static void
test_oversized_body_refused_early (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GUri) base = g_uri_parse (oms_central_server_get_base_url (fixture->server),
                                      G_URI_FLAGS_NONE, NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  g_autofree char *auth = basic_auth ("site1", "secret");
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *status_line = NULL;

  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, g_uri_get_host (base),
                                                (guint16) g_uri_get_port (base), NULL, &error);
  g_assert_no_error (error);
  request = g_strdup_printf ("POST /sync/v5/queued_records HTTP/1.1\r\nHost: %s\r\n"
                             "Authorization: %s\r\nmsupply-site-uuid: hw-1\r\nversion: 14\r\n"
                             "Content-Type: application/json\r\nContent-Length: %u\r\n\r\n",
                             g_uri_get_host (base), auth,
                             OMS_JSON_GATE_MAX_CENTRAL_REQUEST_BYTES + 1);
  /* The server runs in this thread: write, then let the main loop serve while reading. */
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request,
                             strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_read_line_async (in, G_PRIORITY_DEFAULT, NULL, read_line_cb, &status_line);
  while (status_line == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_str_has_prefix (status_line, "HTTP/1.1 413"));
}

/* Starts a v5 request that the server holds, and gives up on it after @patience_ms. */
static void
abandon_request (Fixture    *fixture,
                 const char *path,
                 guint       patience_ms)
{
  g_autofree char *url = g_strconcat (oms_central_server_get_base_url (fixture->server), path,
                                      NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *auth = basic_auth ("site1", "secret");
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  Reply reply = { 0 };

  soup_message_headers_append (headers, "Authorization", auth);
  soup_message_headers_append (headers, "msupply-site-uuid", "hw-1");
  soup_message_headers_append (headers, "version", "14");
  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    send_cb, &reply);
  spin_ms (patience_ms);
  g_assert_cmpuint (reply.status, ==, 0);
  /* Cancelling closes the connection, as a client whose timeout fired does. */
  g_cancellable_cancel (cancellable);
  while (reply.status == 0 && !reply.error)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (reply.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  reply_clear (&reply);
}

/* A client that gives up on a hung or slow request frees its site at once: the next request
 * is not told that a sync is running.
 */
static void
test_abandoned_request_releases_site (Fixture       *fixture,
                                      gconstpointer  data)
{
  static const char *faults[] = { "/sync/v5/central_records:hang,times=1",
                                  "/sync/v5/central_records:latency=30000,times=1" };

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_auto(Reply) reply = { 0 };

      add_fault (fixture, faults[i]);
      abandon_request (fixture, "/sync/v5/central_records?cursor=0&limit=10", 300);
      spin_ms (200);
      v5 (fixture, &reply, "GET", "/sync/v5/central_records?cursor=0&limit=10", NULL);
      g_assert_cmpuint (reply.status, ==, 200);
    }
}

static void
test_demo_seed (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "demo-seed", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsCentralServer) server = oms_central_server_new (dir, &error);
  g_autofree char *store_id = NULL;

  g_assert_no_error (error);
  g_assert_true (oms_central_server_seed_demo (server, 1000, &error));
  g_assert_no_error (error);
  /* Seeding again adds nothing twice. */
  g_assert_true (oms_central_server_seed_demo (server, 1000, &error));
  g_assert_no_error (error);
  store_id = oms_central_server_dup_store_id (server, "demo", &error);
  g_assert_no_error (error);
  g_assert_nonnull (store_id);
}

static void
test_binary (void)
{
  const char *exe = g_getenv ("OMSYNC_CENTRAL_EXE");
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "binary", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  g_autoptr(SoupSession) session = new_session (10);
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *auth = basic_auth ("demo", "pass");
  g_auto(Reply) reply = { 0 };

  if (!exe)
    {
      g_test_skip ("OMSYNC_CENTRAL_EXE is not set");
      return;
    }

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, exe, "--data-dir", dir,
                              "--port", "0", "--demo", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "http://127.0.0.1:"));

  url = g_strconcat (line, "/sync/v5/site", NULL);
  msg = soup_message_new ("GET", url);
  soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_headers_append (soup_message_get_request_headers (msg), "msupply-site-uuid", "bin");
  soup_message_headers_append (soup_message_get_request_headers (msg), "version", "14");
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, send_cb, &reply);
  while (reply.status == 0 && !reply.error)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (reply.error);
  g_assert_cmpuint (reply.status, ==, 200);

  g_subprocess_send_signal (process, SIGTERM);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/oms/central/v5/site-info", test_site_info);
  ADD ("/oms/central/v5/auth-errors", test_auth_errors);
  ADD ("/oms/central/v5/hardware-id", test_hardware_id);
  ADD ("/oms/central/v5/central-records", test_central_records);
  ADD ("/oms/central/v5/initialise-queue", test_initialise_queue);
  ADD ("/oms/central/v5/push", test_v5_push);
  ADD ("/oms/central/v5/sync-is-running", test_sync_is_running);
  ADD ("/oms/central/v6/pull", test_v6_pull);
  ADD ("/oms/central/v6/push", test_v6_push);
  ADD ("/oms/central/v6/errors", test_v6_errors);
  ADD ("/oms/central/v6/files", test_v6_files);
  ADD ("/oms/central/record-data", test_record_data);
  ADD ("/oms/central/record-data-upgrade", test_record_data_upgrade);
  ADD ("/oms/central/v5/queue-length", test_queue_length);
  ADD ("/oms/central/v6/pull-total", test_v6_pull_total);
  ADD ("/oms/central/faults", test_faults);
  ADD ("/oms/central/hostile-bodies", test_hostile_bodies);
  ADD ("/oms/central/oversized-body-refused-early", test_oversized_body_refused_early);
  ADD ("/oms/central/v5/abandoned-request-releases-site", test_abandoned_request_releases_site);
  ADD ("/oms/central/admin", test_admin);
  ADD ("/oms/central/admin/merge", test_admin_merge);
  ADD ("/oms/central/fixture-requests", test_fixture_requests);
  ADD ("/oms/central/v6/answer-bytes", test_v6_answer_bytes);
#undef ADD
  g_test_add_func ("/oms/central/demo-seed", test_demo_seed);
  g_test_add_func ("/oms/central/binary", test_binary);

  return g_test_run ();
}
