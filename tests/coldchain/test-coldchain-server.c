/* test-coldchain-server.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "oms-central-server.h"
#include "oms-coldchain-accounts.h"
#include "oms-coldchain-certificate.h"
#include "oms-coldchain-request.h"
#include "oms-coldchain-server-private.h"
#include "oms-json-gate.h"
#include "oms-push-queue.h"
#include "oms-store-private.h"
#include "oms-sync-engine-private.h"
#include "oms-sync-settings.h"
#include "oms-test-central.h"
#include "oms-test-util.h"

#define PHONE_USER     "fridge-phone"
#define PHONE_PASSWORD "cold chain secret"
#define FAILURE_DELAY_MS 300

typedef struct
{
  char               *data_dir;
  OmsStore           *store;
  OmsColdchainServer *server;
  SoupSession        *session;
  char               *base_url;
  char               *cookie;     /* "coldchain=…" after log_in () */
  char               *central_dir;
  OmsCentralServer   *central;
  char               *store_id;
  guint               n_connected;
  guint               n_accepted;
  gint64              clock;      /* the throttle's, once use_fake_clock () */
} Fixture;

typedef struct
{
  guint  status;
  char  *body;
  char  *set_cookie;
  char  *retry_after;
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, g_free);
  g_clear_pointer (&reply->set_cookie, g_free);
  g_clear_pointer (&reply->retry_after, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

static void
device_connected_cb (OmsColdchainServer *server,
                     const char         *username,
                     GDateTime          *time,
                     Fixture            *fixture)
{
  g_assert_cmpstr (username, ==, PHONE_USER);
  g_assert_nonnull (time);
  fixture->n_connected++;
}

static void
records_accepted_cb (OmsColdchainServer *server,
                     const char         *table,
                     guint               count,
                     Fixture            *fixture)
{
  fixture->n_accepted += count;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autofree char *cert_path = NULL;
  gboolean use_http = GPOINTER_TO_INT (user_data);

  g_setenv ("OMSYNC_HARDWARE_ID", "test-machine-1", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  fixture->data_dir = oms_test_make_tmp_dir ("oms-coldchain-XXXXXX");
  fixture->store = oms_store_open (fixture->data_dir, &error);
  g_assert_no_error (error);

  g_assert_true (oms_coldchain_accounts_add (fixture->store, PHONE_USER, PHONE_PASSWORD,
                                             &error));
  g_assert_no_error (error);

  fixture->server = oms_coldchain_server_new (fixture->store);
  oms_coldchain_server_set_listen_address (fixture->server, "127.0.0.1");
  oms_coldchain_server_set_port (fixture->server, 0);
  oms_coldchain_server_set_use_https (fixture->server, !use_http);
  _oms_coldchain_server_set_login_failure_delay (fixture->server, FAILURE_DELAY_MS);
  g_signal_connect (fixture->server, "device-connected", G_CALLBACK (device_connected_cb),
                    fixture);
  g_signal_connect (fixture->server, "records-accepted", G_CALLBACK (records_accepted_cb),
                    fixture);
  g_assert_true (oms_coldchain_server_start (fixture->server, &error));
  g_assert_no_error (error);
  g_assert_true (oms_coldchain_server_get_running (fixture->server));
  g_assert_cmpuint (oms_coldchain_server_get_bound_port (fixture->server), >, 0);

  fixture->base_url = oms_coldchain_server_dup_loopback_url (fixture->server);
  g_assert_true (g_str_has_prefix (fixture->base_url, use_http ? "http://127.0.0.1:"
                                                               : "https://127.0.0.1:"));

  /* The phone trusts the generated certificate, as a paired phone does, and nothing else. */
  cert_path = oms_coldchain_server_dup_certificate_path (fixture->server);
  g_assert_true (g_path_is_absolute (cert_path));
  if (!use_http)
    {
      database = g_tls_file_database_new (cert_path, &error);
      g_assert_no_error (error);
    }
  fixture->session = soup_session_new_with_options ("tls-database", database,
                                                    "timeout", 60, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->session);
  oms_coldchain_server_stop (fixture->server);

  g_assert_finalize_object (fixture->server);

  /* A password check's worker thread drops its task, and with it the store, a moment after
   * the answer has gone out.
   */
  for (guint i = 0; i < 2000 && G_OBJECT (fixture->store)->ref_count > 1; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_finalize_object (fixture->store);
  if (fixture->central != NULL)
    g_assert_finalize_object (fixture->central);
  oms_test_remove_dir (fixture->data_dir);
  if (fixture->central_dir != NULL)
    oms_test_remove_dir (fixture->central_dir);
  g_free (fixture->base_url);
  g_free (fixture->cookie);
  g_free (fixture->store_id);
  oms_test_remove_dir (fixture->central_dir);
  oms_test_remove_dir (fixture->data_dir);
  g_free (fixture->central_dir);
  g_free (fixture->data_dir);
}

/* Every answer of the suite: JSON that a strict reader takes (no `inf.0`), or Open mSupply's
 * plain text errors, or nothing.
 */
static void
assert_well_formed (const char *content_type,
                    GBytes     *body)
{
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  if (g_strcmp0 (content_type, "application/json") == 0)
    {
      if (!oms_coldchain_request_check_json (data, length, &error))
        g_test_message ("not strict JSON: %.*s", (int) MIN (length, 2000), data);
      g_assert_no_error (error);
    }
  else if (length > 0)
    {
      g_assert_cmpstr (content_type, ==, "text/plain");
      g_assert_true (g_utf8_validate_len (data, length, NULL));
    }
}

typedef struct
{
  gboolean  done;
  GBytes   *bytes;
  GError   *error;
} SendResult;

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SendResult *r = user_data;

  r->bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &r->error);
  r->done = TRUE;
}

static SoupMessage *
new_message (Fixture    *fixture,
             const char *method,
             const char *path,
             const char *body,
             gssize      body_length,
             const char *cookie)
{
  g_autofree char *url = g_strconcat (fixture->base_url, path, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, body_length < 0 ? strlen (body)
                                                                   : (gsize) body_length);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  if (cookie != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Cookie", cookie);

  return msg;
}

static void
reply_take (Reply       *reply,
            SoupMessage *msg,
            GBytes      *bytes)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);

  reply->status = soup_message_get_status (msg);
  reply->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  reply->set_cookie = g_strdup (soup_message_headers_get_one (headers, "Set-Cookie"));
  reply->retry_after = g_strdup (soup_message_headers_get_one (headers, "Retry-After"));
  assert_well_formed (soup_message_headers_get_content_type (headers, NULL), bytes);
}

/* One request as the phone sends it, through @session; the cookie only when @cookie is
 * given.
 */
static void
request_through (Fixture     *fixture,
                 SoupSession *session,
                 const char  *method,
                 const char  *path,
                 const char  *body,
                 gssize       body_length,
                 const char  *cookie,
                 Reply       *reply)
{
  g_autoptr(SoupMessage) msg = new_message (fixture, method, path, body, body_length, cookie);
  SendResult r = { 0 };

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, send_cb, &r);
  g_assert_true (oms_test_spin_until (&r.done, 120));
  g_assert_no_error (r.error);

  reply_take (reply, msg, r.bytes);
  g_bytes_unref (r.bytes);
}

static void
request (Fixture    *fixture,
         const char *method,
         const char *path,
         const char *body,
         gssize      body_length,
         const char *cookie,
         Reply      *reply)
{
  request_through (fixture, fixture->session, method, path, body, body_length, cookie, reply);
}

static void
put (Fixture    *fixture,
     const char *what,
     const char *body,
     Reply      *reply)
{
  g_autofree char *path = g_strconcat ("/coldchain/v1/", what, NULL);

  request (fixture, "PUT", path, body, -1, fixture->cookie, reply);
}

static void
log_in (Fixture *fixture)
{
  g_auto(Reply) reply = { 0 };
  const char *end;

  request (fixture, "POST", "/coldchain/v1/login",
           "{\"username\":\"" PHONE_USER "\",\"password\":\"" PHONE_PASSWORD "\"}", -1, NULL,
           &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_cmpstr (reply.body, ==, "{ \"success\": true }");
  g_assert_nonnull (reply.set_cookie);
  g_assert_true (g_str_has_prefix (reply.set_cookie, "coldchain="));
  g_assert_nonnull (strstr (reply.set_cookie, "; Path=/coldchain/v1"));
  g_assert_nonnull (strstr (reply.set_cookie, "; HttpOnly"));
  /* Secure exactly when the server speaks HTTPS. */
  g_assert_true ((strstr (reply.set_cookie, "; Secure") != NULL) ==
                 g_str_has_prefix (fixture->base_url, "https://"));

  end = strchr (reply.set_cookie, ';');
  g_free (fixture->cookie);
  fixture->cookie = g_strndup (reply.set_cookie, end - reply.set_cookie);
  /* A 256-bit token, hex-encoded. */
  g_assert_cmpuint (strlen (fixture->cookie), ==, strlen ("coldchain=") + 64);
}

static gint64
push_queue_total (OmsStore *store)
{
  g_autoptr(GError) error = NULL;
  OmsPushQueueCounts counts = { 0 };

  g_assert_true (oms_push_queue_count (store, &counts, &error));
  g_assert_no_error (error);
  return counts.v5;
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/* A site with a store, without a sync: what the upload handlers need to file records. */
static void
fake_site (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse ("{\"id\":\"store-1\",\"name_link_id\":\"name-1\","
                                    "\"code\":\"S1\",\"site_id\":42,\"store_mode\":\"STORE\"}");

  g_assert_true (oms_store_kv_set_int (fixture->store, OMS_KV_SYNC_SITE_ID, 42, &error));
  g_assert_true (oms_store_upsert_record (fixture->store, "store", json_node_get_object (node),
                                          OMS_ORIGIN_LOCAL, &error));
  g_assert_no_error (error);
  fixture->store_id = g_strdup ("store-1");
}

/*
 * Accounts
 */

static void
test_pbkdf2_vectors (void)
{
  /* RFC 7914 §11, PBKDF2-HMAC-SHA256. */
  static const guint8 expected_1[64] = {
    0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f, 0xec, 0x16, 0x91, 0xc2, 0x25, 0x44, 0xb6,
    0x05, 0xf9, 0x41, 0x85, 0x21, 0x6d, 0xde, 0x04, 0x65, 0xe6, 0x8b, 0x9d, 0x57, 0xc2, 0x0d,
    0xac, 0xbc, 0x49, 0xca, 0x9c, 0xcc, 0xf1, 0x79, 0xb6, 0x45, 0x99, 0x16, 0x64, 0xb3, 0x9d,
    0x77, 0xef, 0x31, 0x7c, 0x71, 0xb8, 0x45, 0xb1, 0xe3, 0x0b, 0xd5, 0x09, 0x11, 0x20, 0x41,
    0xd3, 0xa1, 0x97, 0x83,
  };
  static const guint8 expected_80000[64] = {
    0x4d, 0xdc, 0xd8, 0xf6, 0x0b, 0x98, 0xbe, 0x21, 0x83, 0x0c, 0xee, 0x5e, 0xf2, 0x27, 0x01,
    0xf9, 0x64, 0x1a, 0x44, 0x18, 0xd0, 0x4c, 0x04, 0x14, 0xae, 0xff, 0x08, 0x87, 0x6b, 0x34,
    0xab, 0x56, 0xa1, 0xd4, 0x25, 0xa1, 0x22, 0x58, 0x33, 0x54, 0x9a, 0xdb, 0x84, 0x1b, 0x51,
    0xc9, 0xb3, 0x17, 0x6a, 0x27, 0x2b, 0xde, 0xbb, 0xa1, 0xd0, 0x78, 0x47, 0x8f, 0x62, 0xb3,
    0x97, 0xf3, 0x3c, 0x8d,
  };
  guint8 out[64];

  oms_coldchain_pbkdf2_sha256 ((const guint8 *) "passwd", 6, (const guint8 *) "salt", 4, 1,
                               out, sizeof out);
  g_assert_cmpmem (out, sizeof out, expected_1, sizeof expected_1);

  oms_coldchain_pbkdf2_sha256 ((const guint8 *) "Password", 8, (const guint8 *) "NaCl", 4,
                               80000, out, sizeof out);
  g_assert_cmpmem (out, sizeof out, expected_80000, sizeof expected_80000);

  g_assert_true (oms_coldchain_memequal (expected_1, expected_1, 64));
  g_assert_false (oms_coldchain_memequal (expected_1, expected_80000, 64));
}

static void
test_accounts (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  sqlite3_stmt *stmt = NULL;
  const OmsColdchainAccount *account;

  accounts = oms_coldchain_accounts_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 1);
  account = g_ptr_array_index (accounts, 0);
  g_assert_cmpstr (account->username, ==, PHONE_USER);
  g_assert_cmpint (account->created, >, 0);

  /* Only a salted slow hash is kept. */
  g_assert_cmpint (sqlite3_prepare_v2 (oms_store_get_db (fixture->store),
                                       "SELECT password_hash, salt, iterations "
                                       "FROM coldchain_account", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_null (strstr ((const char *) sqlite3_column_text (stmt, 0), PHONE_PASSWORD));
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), !=, PHONE_PASSWORD);
  {
    gsize salt_length = 0;
    g_autofree guint8 *salt = g_base64_decode ((const char *) sqlite3_column_text (stmt, 1),
                                               &salt_length);

    g_assert_nonnull (salt);
    g_assert_cmpuint (salt_length, ==, 16);
  }
  g_assert_cmpint (sqlite3_column_int (stmt, 2), >=, 100000);
  sqlite3_finalize (stmt);

  g_assert_true (oms_coldchain_accounts_verify (fixture->store, PHONE_USER, PHONE_PASSWORD,
                                                &error));
  g_assert_false (oms_coldchain_accounts_verify (fixture->store, PHONE_USER, "wrong", &error));
  g_assert_no_error (error);
  g_assert_false (oms_coldchain_accounts_verify (fixture->store, "nobody", PHONE_PASSWORD,
                                                 &error));
  g_assert_no_error (error);

  /* The same password gives another hash for another account: the salt is random. */
  g_assert_true (oms_coldchain_accounts_add (fixture->store, "second", PHONE_PASSWORD, &error));
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT COUNT(DISTINCT password_hash) "
                                                       "FROM coldchain_account"), ==, 2);

  g_assert_false (oms_coldchain_accounts_add (fixture->store, "second", "x", &error));
  g_assert_error (error, OMS_COLDCHAIN_ACCOUNT_ERROR, OMS_COLDCHAIN_ACCOUNT_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (oms_coldchain_accounts_add (fixture->store, "", "x", &error));
  g_assert_error (error, OMS_COLDCHAIN_ACCOUNT_ERROR,
                  OMS_COLDCHAIN_ACCOUNT_ERROR_INVALID_USERNAME);
  g_clear_error (&error);
  g_assert_false (oms_coldchain_accounts_add (fixture->store, "third", "", &error));
  g_assert_error (error, OMS_COLDCHAIN_ACCOUNT_ERROR,
                  OMS_COLDCHAIN_ACCOUNT_ERROR_INVALID_PASSWORD);
  g_clear_error (&error);

  g_assert_true (oms_coldchain_accounts_remove (fixture->store, "second", &error));
  g_assert_false (oms_coldchain_accounts_remove (fixture->store, "second", &error));
  g_assert_error (error, OMS_COLDCHAIN_ACCOUNT_ERROR, OMS_COLDCHAIN_ACCOUNT_ERROR_NOT_FOUND);
}

/*
 * The phone's conversation
 */

static void
test_login (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_auto(Reply) wrong = { 0 };
  g_auto(Reply) unknown = { 0 };
  g_auto(Reply) bad = { 0 };
  gint64 started;

  started = g_get_monotonic_time ();
  request (fixture, "POST", "/coldchain/v1/login",
           "{\"username\":\"" PHONE_USER "\",\"password\":\"wrong\"}", -1, NULL, &wrong);
  g_assert_cmpuint (wrong.status, ==, 401);
  g_assert_cmpstr (wrong.body, ==, "Login failed");
  g_assert_null (wrong.set_cookie);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, FAILURE_DELAY_MS * 1000);

  started = g_get_monotonic_time ();
  request (fixture, "POST", "/coldchain/v1/login",
           "{\"username\":\"nobody\",\"password\":\"" PHONE_PASSWORD "\"}", -1, NULL, &unknown);
  g_assert_cmpuint (unknown.status, ==, 401);
  g_assert_cmpstr (unknown.body, ==, "Login failed");
  g_assert_cmpint (g_get_monotonic_time () - started, >=, FAILURE_DELAY_MS * 1000);

  request (fixture, "POST", "/coldchain/v1/login", "{\"username\":\"x\"}", -1, NULL, &bad);
  g_assert_cmpuint (bad.status, ==, 400);
  g_assert_true (g_str_has_prefix (bad.body, "Json deserialize error: "));
  g_assert_nonnull (strstr (bad.body, "password"));

  g_assert_cmpuint (fixture->n_connected, ==, 0);
  log_in (fixture);
  g_assert_cmpuint (fixture->n_connected, ==, 1);
  g_assert_cmpstr (oms_coldchain_server_get_last_device (fixture->server), ==, PHONE_USER);
  g_assert_nonnull (oms_coldchain_server_get_last_device_time (fixture->server));
}

static void
test_connection_test (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_auto(Reply) reply = { 0 };

  fake_site (fixture);
  log_in (fixture);
  put (fixture, "sensor", "[]", &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_cmpstr (reply.body, ==, "[]");
}

static void
test_site_not_set_up (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_auto(Reply) reply = { 0 };

  log_in (fixture);
  put (fixture, "sensor", "[]", &reply);
  g_assert_cmpuint (reply.status, ==, 503);
  g_assert_nonnull (strstr (reply.body, "first sync"));
}

static const char sensor_body[] =
  "[{\"id\":\"sensor-1\",\"macAddress\":\"DE:AD:BE:EF:00:01\",\"logInterval\":5,"
  "\"programmedDate\":1764140000,\"name\":\"Vaccine fridge\",\"logDelay\":0,"
  "\"batteryLevel\":87,\"extra\":\"ignored\"}]";

/* A site with a store, a logged-in phone, and its sensor-1. */
static void
site_with_sensor (Fixture *fixture)
{
  g_auto(Reply) reply = { 0 };

  fake_site (fixture);
  log_in (fixture);
  put (fixture, "sensor", sensor_body, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
}

static void
test_bad_input (Fixture       *fixture,
                gconstpointer  user_data)
{
  static const struct
  {
    const char *what;
    const char *body;
    guint       status;
    const char *message;
  } cases[] = {
    { "sensor", "[{\"id\":\"s1\",\"macAddress\":\"de:ad:be:ef:00:01\",\"logInterval\":5,"
      "\"programmedDate\":1,\"name\":\"A\",\"batteryLevel\":50}]", 400,
      "The following sensors failed validation: \n s1: Mac address is not valid" },
    { "sensor", "[{\"id\":\"s1\",\"macAddress\":\"DE:AD:BE:EF:00:01\",\"logInterval\":5,"
      "\"programmedDate\":1,\"name\":\"A\",\"batteryLevel\":101},"
      "{\"id\":\"s2\",\"macAddress\":\"DE:AD:BE:EF:00:02\",\"logInterval\":0,"
      "\"programmedDate\":1,\"name\":\"B\",\"batteryLevel\":1}]", 400,
      "The following sensors failed validation: \n s1: Battery level must be between 0 and "
      "100\n s2: Log interval must be greater than zero" },
    { "temperature-log", "[{\"id\":\"l1\",\"temperature\":4.5,\"timestamp\":0,"
      "\"sensorId\":\"sensor-1\"}]", 400,
      "Expecting a body with the array of temperature logs" },
    { "temperature-breach", "[{\"id\":\"b1\",\"sensorId\":\"sensor-1\","
      "\"startTimestamp\":1764140000,\"thresholdDuration\":-1,"
      "\"thresholdMaximumTemperature\":8,\"thresholdMinimumTemperature\":2,"
      "\"type\":\"HOT_CONSECUTIVE\"}]", 400,
      "Expecting a body with the array of temperature breaches" },
    { "temperature-breach", "[{\"id\":\"b1\",\"sensorId\":\"sensor-1\","
      "\"startTimestamp\":1764140000,\"thresholdDuration\":0,"
      "\"thresholdMaximumTemperature\":8,\"thresholdMinimumTemperature\":2,"
      "\"type\":\"WARM\"}]", 400,
      "Json deserialize error: unknown variant `WARM`, expected one of `COLD_CONSECUTIVE`, "
      "`COLD_CUMULATIVE`, `HOT_CONSECUTIVE`, `HOT_CUMULATIVE`, `EXCURSION`" },
    { "sensor", "[{\"id\":", 400, NULL },
    { "sensor", "{\"id\":\"s1\"}", 400, "Json deserialize error: invalid type: map, expected a "
      "sequence" },
    { "sensor", "[{\"id\":\"s1\"}]", 400, "Json deserialize error: missing field `macAddress`" },
    { "temperature-log", "[{\"id\":\"l1\",\"temperature\":\"warm\",\"timestamp\":5,"
      "\"sensorId\":\"sensor-1\"}]", 400,
      "Json deserialize error: invalid type: string \"warm\", expected f64" },
  };
  g_autofree char *big = NULL;
  gint64 changelog_before;

  fake_site (fixture);
  _oms_coldchain_server_set_body_limit (fixture->server, 4096);
  changelog_before = oms_test_query_int (fixture->store, "SELECT COUNT(*) FROM changelog");

  /* No cookie, a made-up one, and one whose session expired. */
  {
    g_auto(Reply) none = { 0 };
    g_auto(Reply) invalid = { 0 };
    g_auto(Reply) expired = { 0 };

    put (fixture, "sensor", sensor_body, &none);
    g_assert_cmpuint (none.status, ==, 401);
    g_assert_nonnull (strstr (none.body, "Missing auth token"));

    request (fixture, "PUT", "/coldchain/v1/sensor", sensor_body, -1,
             "coldchain=0123456789abcdef", &invalid);
    g_assert_cmpuint (invalid.status, ==, 401);
    g_assert_nonnull (strstr (invalid.body, "Invalid token"));

    log_in (fixture);
    _oms_coldchain_server_expire_sessions (fixture->server);
    put (fixture, "sensor", sensor_body, &expired);
    g_assert_cmpuint (expired.status, ==, 401);
    g_assert_nonnull (strstr (expired.body, "Expired signature"));
  }

  log_in (fixture);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Reply) reply = { 0 };

      put (fixture, cases[i].what, cases[i].body, &reply);
      g_test_message ("case %u: %u %s", i, reply.status, reply.body);
      g_assert_cmpuint (reply.status, ==, cases[i].status);
      if (cases[i].message != NULL)
        g_assert_cmpstr (reply.body, ==, cases[i].message);
      else
        g_assert_true (g_str_has_prefix (reply.body, "Json deserialize error: "));
    }

  /* Over the body limit. */
  {
    g_auto(Reply) reply = { 0 };
    GString *text = g_string_new ("[");

    while (text->len < 8192)
      g_string_append (text, "{\"id\":\"x\"},");
    g_string_append (text, "{\"id\":\"x\"}]");
    big = g_string_free (text, FALSE);

    put (fixture, "sensor", big, &reply);
    g_assert_cmpuint (reply.status, ==, 413);
    g_assert_nonnull (strstr (reply.body, "larger than allowed (limit: 4096 bytes)"));
  }

  /* A wrong method and an unknown path. */
  {
    g_auto(Reply) method = { 0 };
    g_auto(Reply) missing = { 0 };

    request (fixture, "GET", "/coldchain/v1/sensor", NULL, 0, fixture->cookie, &method);
    g_assert_cmpuint (method.status, ==, 405);
    request (fixture, "PUT", "/coldchain/v1/fridge", "[]", -1, fixture->cookie, &missing);
    g_assert_cmpuint (missing.status, ==, 404);
  }

  /* A log for a sensor the site has never seen fails after the batch, and writes nothing. */
  {
    g_auto(Reply) reply = { 0 };

    put (fixture, "temperature-log", "[{\"id\":\"l9\",\"temperature\":4.5,"
         "\"timestamp\":1764140000,\"sensorId\":\"no-such-sensor\"}]", &reply);
    g_assert_cmpuint (reply.status, ==, 500);
    g_assert_nonnull (strstr (reply.body, "Unable to get sensor NotFound"));
  }

  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT COUNT(*) FROM sensor"), ==, 0);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT COUNT(*) FROM temperature_log"),
                   ==, 0);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT COUNT(*) FROM temperature_breach"),
                   ==, 0);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT COUNT(*) FROM changelog"), ==,
                   changelog_before);
  g_assert_cmpuint (fixture->n_accepted, ==, 0);
}

/* A removed account is refused from its next request on. */
static void
test_removed_account (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_auto(Reply) reply = { 0 };

  fake_site (fixture);
  log_in (fixture);
  g_assert_true (oms_coldchain_accounts_remove (fixture->store, PHONE_USER, &error));
  put (fixture, "sensor", "[]", &reply);
  g_assert_cmpuint (reply.status, ==, 401);
}

static void
run_sync (OmsSyncEngine *engine)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = oms_test_run_sync (engine, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
set_up_central_site (Fixture       *fixture,
                     OmsSyncEngine *engine)
{
  g_autoptr(GError) error = NULL;

  fixture->central_dir = oms_test_make_tmp_dir ("oms-central-XXXXXX");
  fixture->central = oms_test_central_new_demo (fixture->central_dir);
  fixture->store_id = oms_central_server_dup_store_id (fixture->central, "demo", &error);
  g_assert_no_error (error);

  oms_test_save_settings (fixture->store, fixture->central, "pass", &error);
  g_assert_no_error (error);

  oms_sync_engine_refresh (engine);
  run_sync (engine);
  g_assert_cmpint (oms_sync_engine_get_mode (engine), ==, OMS_SYNC_MODE_OPERATIONAL);
}

static void
test_upload_and_push (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(OmsSyncEngine) engine = oms_sync_engine_new (fixture->store);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(JsonNode) received = NULL;
  g_autofree char *received_text = NULL;
  gint64 queue_before;
  gint64 sensors_before;
  gint64 breaches_before;
  gint64 logs_before;
  JsonObject *sensor_row;

  oms_sync_engine_set_timing (engine, 20, 3000, 20, 3000);
  set_up_central_site (fixture, engine);
  queue_before = push_queue_total (fixture->store);
  g_assert_cmpint (queue_before, ==, 0);
  sensors_before = oms_test_query_int (fixture->store, "SELECT COUNT(*) FROM sensor");
  breaches_before = oms_test_query_int (fixture->store, "SELECT COUNT(*) FROM temperature_breach");
  logs_before = oms_test_query_int (fixture->store, "SELECT COUNT(*) FROM temperature_log");

  log_in (fixture);

  /* The connection test. */
  {
    g_auto(Reply) reply = { 0 };

    put (fixture, "sensor", "[]", &reply);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_cmpstr (reply.body, ==, "[]");
  }

  /* Sensors, then breaches, then logs, as the app sends them. */
  {
    g_auto(Reply) reply = { 0 };

    put (fixture, "sensor", sensor_body, &reply);
    g_assert_cmpuint (reply.status, ==, 200);
    node = parse (reply.body);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
    g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 1);
    sensor_row = json_object_get_object_member (
                   json_object_get_object_member (
                     json_array_get_object_element (json_node_get_array (node), 0), "Ok"),
                   "sensor_row");
    g_assert_nonnull (sensor_row);
    g_assert_cmpstr (json_object_get_string_member (sensor_row, "id"), ==, "sensor-1");
    g_assert_cmpstr (json_object_get_string_member (sensor_row, "serial"), ==,
                     "DE:AD:BE:EF:00:01");
    g_assert_cmpstr (json_object_get_string_member (sensor_row, "store_id"), ==,
                     fixture->store_id);
    g_assert_cmpint (json_object_get_int_member (sensor_row, "battery_level"), ==, 87);
    g_assert_true (json_object_get_boolean_member (sensor_row, "is_active"));
    g_assert_cmpstr (json_object_get_string_member (sensor_row, "type"), ==, "BlueMaestro");
    g_clear_pointer (&node, json_node_unref);
  }
  g_assert_cmpint (push_queue_total (fixture->store), ==, queue_before + 1);

  {
    g_auto(Reply) reply = { 0 };

    put (fixture, "temperature-breach",
         "[{\"id\":\"breach-1\",\"sensorId\":\"sensor-1\",\"startTimestamp\":1764140000,"
         "\"endTimestamp\":1764143600,\"thresholdDuration\":1200000,"
         "\"thresholdMaximumTemperature\":8,\"thresholdMinimumTemperature\":2,"
         "\"type\":\"HOT_CONSECUTIVE\",\"comment\":\"door open\",\"acknowledged\":true}]",
         &reply);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_nonnull (strstr (reply.body, "\"temperature_breach_row\":{"));
    g_assert_nonnull (strstr (reply.body, "\"duration_milliseconds\":3600000"));
    g_assert_nonnull (strstr (reply.body, "\"unacknowledged\":true"));
  }

  {
    g_auto(Reply) reply = { 0 };

    put (fixture, "temperature-log",
         "[{\"id\":\"log-1\",\"temperature\":9.5,\"timestamp\":1764140000,"
         "\"sensorId\":\"sensor-1\",\"temperatureBreachId\":\"breach-1\"},"
         "{\"id\":\"log-2\",\"temperature\":4,\"timestamp\":1764140300,"
         "\"sensorId\":\"sensor-1\"},"
         "{\"id\":\"log-3\",\"temperature\":10,\"timestamp\":1764150000,"
         "\"sensorId\":\"sensor-1\",\"temperatureBreachId\":\"breach-later\"}]",
         &reply);
    g_assert_cmpuint (reply.status, ==, 200);
    node = parse (reply.body);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 3);
    g_assert_nonnull (strstr (reply.body, "\"temperature_log_row\":{\"id\":\"log-1\""));
    g_assert_nonnull (strstr (reply.body, "\"datetime\":\"2025-11-26T06:53:20\""));
    g_clear_pointer (&node, json_node_unref);
  }

  /* Typed rows, with changelog rows: 1 sensor, 2 breaches (one stand-in), 3 logs. */
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT COUNT(*) FROM sensor"), ==,
                   sensors_before + 1);
  g_assert_cmpint (oms_test_query_int (fixture->store,
                                       "SELECT COUNT(*) FROM temperature_breach"), ==,
                   breaches_before + 2);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT COUNT(*) FROM temperature_log"), ==,
                   logs_before + 3);
  g_assert_cmpint (push_queue_total (fixture->store), ==, queue_before + 6);
  g_assert_cmpuint (fixture->n_accepted, ==, 6);

  row = oms_store_get_record (fixture->store, "temperature_breach", "breach-later", &error);
  g_assert_no_error (error);
  g_assert_nonnull (row);
  g_assert_cmpstr (json_object_get_string_member (row, "type"), ==, "HOT_CONSECUTIVE");
  g_assert_true (json_object_get_boolean_member (row, "unacknowledged"));
  g_clear_pointer (&row, json_object_unref);

  row = oms_store_get_record (fixture->store, "temperature_log", "log-1", &error);
  g_assert_cmpstr (json_object_get_string_member (row, "store_id"), ==, fixture->store_id);
  g_assert_cmpstr (json_object_get_string_member (row, "datetime"), ==, "2025-11-26T06:53:20");
  g_assert_cmpstr (json_object_get_string_member (row, "temperature_breach_id"), ==,
                   "breach-1");
  g_clear_pointer (&row, json_object_unref);

  /* The site acknowledges the breach; the phone's next upload keeps that. */
  row = oms_store_get_record (fixture->store, "temperature_breach", "breach-1", &error);
  json_object_set_boolean_member (row, "unacknowledged", FALSE);
  json_object_set_string_member (row, "comment", "Moved the vaccines");
  g_assert_true (oms_store_upsert_record (fixture->store, "temperature_breach", row,
                                          OMS_ORIGIN_LOCAL, &error));
  g_clear_pointer (&row, json_object_unref);
  {
    g_auto(Reply) reply = { 0 };

    put (fixture, "temperature-breach",
         "[{\"id\":\"breach-1\",\"sensorId\":\"sensor-1\",\"startTimestamp\":1764140000,"
         "\"endTimestamp\":1764147200,\"thresholdDuration\":1200000,"
         "\"thresholdMaximumTemperature\":8,\"thresholdMinimumTemperature\":2,"
         "\"type\":\"HOT_CONSECUTIVE\",\"comment\":\"phone\",\"acknowledged\":false}]",
         &reply);
    g_assert_cmpuint (reply.status, ==, 200);
  }
  row = oms_store_get_record (fixture->store, "temperature_breach", "breach-1", &error);
  g_assert_false (json_object_get_boolean_member (row, "unacknowledged"));
  g_assert_cmpstr (json_object_get_string_member (row, "comment"), ==, "Moved the vaccines");
  g_assert_cmpint (json_object_get_int_member (row, "duration_milliseconds"), ==, 7200000);
  g_clear_pointer (&row, json_object_unref);

  /* A sensor update changes its name, interval and battery only. */
  {
    g_auto(Reply) reply = { 0 };

    put (fixture, "sensor", "[{\"id\":\"sensor-1\",\"macAddress\":\"DE:AD:BE:EF:00:99\","
         "\"logInterval\":10,\"programmedDate\":1764140000,\"name\":\"Fridge 2\","
         "\"batteryLevel\":40}]", &reply);
    g_assert_cmpuint (reply.status, ==, 200);
  }
  row = oms_store_get_record (fixture->store, "sensor", "sensor-1", &error);
  g_assert_cmpstr (json_object_get_string_member (row, "serial"), ==, "DE:AD:BE:EF:00:01");
  g_assert_cmpstr (json_object_get_string_member (row, "name"), ==, "Fridge 2");
  g_assert_cmpint (json_object_get_int_member (row, "log_interval"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (row, "battery_level"), ==, 40);
  g_clear_pointer (&row, json_object_unref);

  /* The next sync pushes them to the legacy central in its shape. */
  run_sync (engine);
  g_assert_cmpint (push_queue_total (fixture->store), ==, 0);

  received = oms_central_server_dup_received (fixture->central, "demo", &error);
  g_assert_no_error (error);
  received_text = json_to_string (received, FALSE);
  g_test_message ("received: %.3000s", received_text);
  g_assert_nonnull (strstr (received_text, "\"macAddress\":\"DE:AD:BE:EF:00:01 | BLUE_MAESTRO\""));
  g_assert_nonnull (strstr (received_text, "\"name\":\"Fridge 2\""));
  g_assert_nonnull (strstr (received_text, "\"sensor_ID\":\"sensor-1\""));
  g_assert_nonnull (strstr (received_text, "\"temperature_breach_ID\":\"breach-1\""));
  g_assert_nonnull (strstr (received_text, "\"threshold_maximum_temperature\":8"));
  g_assert_nonnull (strstr (received_text, "\"acknowledged\":true"));
  g_assert_nonnull (strstr (received_text, "log-3"));
  g_assert_nonnull (strstr (received_text, "breach-later"));
}

static void
test_port_in_use (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(OmsColdchainServer) second = oms_coldchain_server_new (fixture->store);
  g_autoptr(GError) error = NULL;
  guint port = oms_coldchain_server_get_bound_port (fixture->server);
  g_autofree char *expected = g_strdup_printf ("Port %u is in use by another program", port);

  oms_coldchain_server_set_listen_address (second, "127.0.0.1");
  oms_coldchain_server_set_port (second, port);
  g_assert_false (oms_coldchain_server_start (second, &error));
  g_assert_error (error, OMS_COLDCHAIN_SERVER_ERROR, OMS_COLDCHAIN_SERVER_ERROR_PORT_IN_USE);
  g_assert_true (g_str_has_prefix (error->message, expected));
  g_assert_nonnull (strstr (error->message, "Settings → Cold chain devices"));
  g_assert_false (oms_coldchain_server_get_running (second));
}

static void
test_certificate (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) first = NULL;
  g_autoptr(GTlsCertificate) again = NULL;
  g_autoptr(GTlsCertificate) renewed = NULL;
  g_autoptr(GPtrArray) ips = NULL;
  g_autofree char *key_path = g_build_filename (fixture->data_dir, "coldchain-key.pem", NULL);
  const char *const no_addresses[] = { NULL };
  const char *const new_address[] = { "192.0.2.77", NULL };
  struct stat st;
  gboolean found_loopback = FALSE;
  gboolean found_new = FALSE;

  g_assert_cmpint (g_stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* Kept while it names every address; made anew when one is missing. */
  first = oms_coldchain_certificate_ensure (fixture->data_dir, no_addresses, &error);
  g_assert_no_error (error);
  again = oms_coldchain_certificate_ensure (fixture->data_dir, no_addresses, &error);
  g_assert_true (g_tls_certificate_is_same (first, again));
  renewed = oms_coldchain_certificate_ensure (fixture->data_dir, new_address, &error);
  g_assert_no_error (error);
  g_assert_false (g_tls_certificate_is_same (first, renewed));

  ips = g_tls_certificate_get_ip_addresses (renewed);
  g_assert_nonnull (ips);
  for (guint i = 0; i < ips->len; i++)
    {
      g_autofree char *text = g_inet_address_to_string (g_ptr_array_index (ips, i));

      found_loopback |= g_str_equal (text, "127.0.0.1");
      found_new |= g_str_equal (text, "192.0.2.77");
    }
  g_assert_true (found_loopback);
  g_assert_true (found_new);

  g_assert_cmpint (g_stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

/* Plain HTTP, for networks where phones cannot be told to trust a certificate. */
static void
test_plain_http (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_auto(Reply) reply = { 0 };

  fake_site (fixture);
  log_in (fixture);
  put (fixture, "sensor", sensor_body, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT COUNT(*) FROM sensor"), ==, 1);
}

/*
 * A hostile network
 */

/* What a refused request must leave as it was. */
typedef struct
{
  gint64 sensors;
  gint64 logs;
  gint64 breaches;
  gint64 changelog;
  gint64 push_queue;
} StoreCounts;

static void
count_rows (Fixture     *fixture,
            StoreCounts *counts)
{
  counts->sensors = oms_test_query_int (fixture->store, "SELECT COUNT(*) FROM sensor");
  counts->logs = oms_test_query_int (fixture->store, "SELECT COUNT(*) FROM temperature_log");
  counts->breaches = oms_test_query_int (fixture->store,
                                         "SELECT COUNT(*) FROM temperature_breach");
  counts->changelog = oms_test_query_int (fixture->store, "SELECT COUNT(*) FROM changelog");
  counts->push_queue = push_queue_total (fixture->store);
}

static void
assert_nothing_stored (Fixture           *fixture,
                       const StoreCounts *before)
{
  StoreCounts now;

  count_rows (fixture, &now);
  g_assert_cmpint (now.sensors, ==, before->sensors);
  g_assert_cmpint (now.logs, ==, before->logs);
  g_assert_cmpint (now.breaches, ==, before->breaches);
  g_assert_cmpint (now.changelog, ==, before->changelog);
  g_assert_cmpint (now.push_queue, ==, before->push_queue);
}

/* @prefix, then @depth opening brackets, as many closing ones, then @suffix. */
static char *
nested (const char *prefix,
        gsize       depth,
        const char *suffix)
{
  GString *text = g_string_new (prefix);

  for (gsize i = 0; i < depth; i++)
    g_string_append_c (text, '[');
  for (gsize i = 0; i < depth; i++)
    g_string_append_c (text, ']');
  g_string_append (text, suffix);

  return g_string_free (text, FALSE);
}

static void
wait_connections_gone (Fixture *fixture)
{
  for (guint i = 0; i < 5000 && _oms_coldchain_server_get_n_connections (fixture->server) > 0; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_test_message ("open connections: %u",
                  _oms_coldchain_server_get_n_connections (fixture->server));
  g_assert_cmpuint (_oms_coldchain_server_get_n_connections (fixture->server), ==, 0);
}

/* 150 KB of brackets overflowed json-glib's recursion and killed the server. */
static void
test_nested_bodies (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *login_body = nested ("{\"username\":", 75000, "}");
  g_autofree char *sensor_body_deep = nested ("", 75000, "");
  g_autofree char *log_body_deep = nested ("[{\"id\":\"l1\",\"temperature\":4.5,\"timestamp\":5,"
                                           "\"sensorId\":\"sensor-1\",\"extra\":", 70, "}]");
  StoreCounts before;

  fake_site (fixture);
  log_in (fixture);
  count_rows (fixture, &before);

  {
    g_auto(Reply) reply = { 0 };

    g_assert_cmpuint (strlen (login_body), >=, 150000);
    request (fixture, "POST", "/coldchain/v1/login", login_body, -1, NULL, &reply);
    g_assert_cmpuint (reply.status, ==, 400);
    g_assert_true (g_str_has_prefix (reply.body, "Json deserialize error: recursion limit "
                                                 "exceeded"));
    g_assert_null (reply.set_cookie);
  }

  {
    g_auto(Reply) reply = { 0 };

    put (fixture, "sensor", sensor_body_deep, &reply);
    g_assert_cmpuint (reply.status, ==, 400);
    g_assert_true (g_str_has_prefix (reply.body, "Json deserialize error: recursion limit "
                                                 "exceeded"));
  }

  /* Deep inside a field the phone app never sends: the whole body is still refused. */
  {
    g_auto(Reply) reply = { 0 };

    put (fixture, "temperature-log", log_body_deep, &reply);
    g_assert_cmpuint (reply.status, ==, 400);
    g_assert_nonnull (strstr (reply.body, "recursion limit exceeded"));
  }

  /* Still serving, and nothing was written. */
  log_in (fixture);
  assert_nothing_stored (fixture, &before);
}

/* One request on a connection of its own, bytes in and out, for what libsoup's client would
 * not send.
 */
typedef struct
{
  char       *request;
  GIOStream  *connection;
  GByteArray *response;
  guint8      buffer[4096];
  GError     *error;
  gboolean    done;
} RawExchange;

static void
raw_exchange_clear (RawExchange *exchange)
{
  g_clear_pointer (&exchange->request, g_free);
  g_clear_object (&exchange->connection);
  g_clear_pointer (&exchange->response, g_byte_array_unref);
  g_clear_error (&exchange->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RawExchange, raw_exchange_clear)

static void
raw_read_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RawExchange *exchange = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &exchange->error);

  if (n <= 0)
    {
      exchange->done = TRUE;
      return;
    }

  g_byte_array_append (exchange->response, exchange->buffer, (guint) n);
  g_input_stream_read_async (G_INPUT_STREAM (object), exchange->buffer, sizeof exchange->buffer,
                             G_PRIORITY_DEFAULT, NULL, raw_read_cb, exchange);
}

static void
raw_written_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  RawExchange *exchange = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL,
                                         &exchange->error))
    {
      exchange->done = TRUE;
      return;
    }

  g_input_stream_read_async (g_io_stream_get_input_stream (exchange->connection),
                             exchange->buffer, sizeof exchange->buffer, G_PRIORITY_DEFAULT,
                             NULL, raw_read_cb, exchange);
}

static void
raw_connected_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RawExchange *exchange = user_data;

  exchange->connection = G_IO_STREAM (g_socket_client_connect_finish (G_SOCKET_CLIENT (object),
                                                                      result,
                                                                      &exchange->error));
  if (exchange->connection == NULL)
    {
      exchange->done = TRUE;
      return;
    }

  g_output_stream_write_all_async (g_io_stream_get_output_stream (exchange->connection),
                                   exchange->request, strlen (exchange->request),
                                   G_PRIORITY_DEFAULT, NULL, raw_written_cb, exchange);
}

static void
trust_server_cb (GSocketClient      *client,
                 GSocketClientEvent  event,
                 GSocketConnectable *connectable,
                 GIOStream          *connection,
                 GTlsDatabase       *database)
{
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING)
    g_tls_connection_set_database (G_TLS_CONNECTION (connection), database);
}

/* A client for raw exchanges that trusts the server's certificate, as the phone does. */
static GSocketClient *
raw_client_new (Fixture *fixture)
{
  GSocketClient *client = g_socket_client_new ();

  g_socket_client_set_timeout (client, 120);
  if (g_str_has_prefix (fixture->base_url, "https://"))
    {
      g_autofree char *cert_path = oms_coldchain_server_dup_certificate_path (fixture->server);
      g_autoptr(GError) error = NULL;
      GTlsDatabase *database = g_tls_file_database_new (cert_path, &error);

      g_assert_no_error (error);
      g_socket_client_set_tls (client, TRUE);
      g_signal_connect_data (client, "event", G_CALLBACK (trust_server_cb), database,
                             (GClosureNotify) (void (*) (void)) g_object_unref, 0);
    }

  return client;
}

static void
raw_exchange_start (Fixture       *fixture,
                    GSocketClient *client,
                    const char    *request_text,
                    RawExchange   *exchange)
{
  exchange->request = g_strdup (request_text);
  exchange->response = g_byte_array_new ();
  g_socket_client_connect_to_host_async (client, "127.0.0.1",
                                         (guint16) oms_coldchain_server_get_bound_port (
                                           fixture->server),
                                         NULL, raw_connected_cb, exchange);
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* As oms_test_spin_until(), but the wait ends after @seconds even if nothing else happens. */
static gboolean
wait_for (gboolean *flag,
          guint     seconds)
{
  guint tick = g_timeout_add (100, tick_cb, NULL);
  gboolean done = oms_test_spin_until (flag, seconds);

  g_source_remove (tick);
  return done;
}

/* The status of a raw exchange's answer, or 0 when none came. */
static guint
raw_exchange_status (RawExchange *exchange)
{
  const char *data = (const char *) exchange->response->data;
  guint len = exchange->response->len;

  if (len < 12 || strncmp (data, "HTTP/1.1 ", 9) != 0)
    return 0;

  return (guint) g_ascii_strtoull (data + 9, NULL, 10);
}

/* The limit holds while a body arrives, not once it is in. */
static void
test_oversized_bodies (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GSocketClient) client = raw_client_new (fixture);
  g_autofree char *over_gate = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  StoreCounts before;

  fake_site (fixture);
  log_in (fixture);
  count_rows (fixture, &before);
  _oms_coldchain_server_set_body_limit (fixture->server, 4096);

  /* Declared too large: refused from the headers alone, the body never asked for. */
  {
    g_auto(RawExchange) exchange = { 0 };
    g_autofree char *text = g_strdup_printf ("PUT /coldchain/v1/sensor HTTP/1.1\r\n"
                                             "Host: 127.0.0.1\r\n"
                                             "Cookie: %s\r\n"
                                             "Content-Type: application/json\r\n"
                                             "Content-Length: 1000000000\r\n"
                                             "Expect: 100-continue\r\n\r\n", fixture->cookie);
    const char *body;

    raw_exchange_start (fixture, client, text, &exchange);
    g_assert_true (wait_for (&exchange.done, 20));
    g_assert_no_error (exchange.error);
    g_byte_array_append (exchange.response, (const guint8 *) "", 1);
    g_test_message ("%s", (const char *) exchange.response->data);
    g_assert_cmpuint (raw_exchange_status (&exchange), ==, 413);
    body = strstr ((const char *) exchange.response->data, "\r\n\r\n");
    g_assert_nonnull (body);
    g_assert_cmpstr (body + 4, ==, "JSON payload (1000000000 bytes) is larger than allowed "
                                   "(limit: 4096 bytes).");
  }
  wait_connections_gone (fixture);

  /* Without a session, an upload is refused from its headers too. */
  {
    g_auto(RawExchange) exchange = { 0 };

    raw_exchange_start (fixture, client, "PUT /coldchain/v1/sensor HTTP/1.1\r\n"
                        "Host: 127.0.0.1\r\n"
                        "Content-Type: application/json\r\n"
                        "Content-Length: 4000\r\n"
                        "Expect: 100-continue\r\n\r\n", &exchange);
    g_assert_true (wait_for (&exchange.done, 20));
    g_assert_no_error (exchange.error);
    g_assert_cmpuint (raw_exchange_status (&exchange), ==, 401);
  }
  wait_connections_gone (fixture);

  /* A login is a username and a password: a megabyte at most. */
  {
    g_auto(Reply) reply = { 0 };
    gsize size = OMS_COLDCHAIN_LOGIN_BODY_LIMIT + 1;
    g_autofree char *login = g_malloc (size);

    memset (login, ' ', size);
    memcpy (login, "{}", 2);
    _oms_coldchain_server_set_body_limit (fixture->server, 2 * size);
    request (fixture, "POST", "/coldchain/v1/login", login, (gssize) size, NULL, &reply);
    g_assert_cmpuint (reply.status, ==, 413);
    _oms_coldchain_server_set_body_limit (fixture->server, 4096);
  }

  /* Sent in chunks, with no declared length: counted as it comes, dropped past the limit. */
  {
    g_autofree char *url = g_strconcat (fixture->base_url, "/coldchain/v1/sensor", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("PUT", url);
    g_autoptr(GInputStream) stream = NULL;
    GString *text = g_string_new ("[");
    SendResult r = { 0 };

    while (text->len < 100000)
      g_string_append (text, "{\"id\":\"x\"},");
    g_string_append (text, "{\"id\":\"x\"}]");
    stream = g_memory_input_stream_new_from_data (g_string_free (text, FALSE), -1, g_free);
    soup_message_set_request_body (msg, "application/json", stream, -1);
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Cookie",
                                  fixture->cookie);
    g_assert_cmpint (soup_message_headers_get_encoding (soup_message_get_request_headers (msg)),
                     ==, SOUP_ENCODING_CHUNKED);

    soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL, send_cb,
                                      &r);
    g_assert_true (oms_test_spin_until (&r.done, 120));
    g_assert_no_error (r.error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 413);
    g_bytes_unref (r.bytes);
  }
  wait_connections_gone (fixture);

  /* Past the gate's limit, whatever the server's: refused before json-glib reads it. */
  over_gate = g_malloc (OMS_JSON_GATE_MAX_COLDCHAIN_REQUEST_BYTES + 1);
  memset (over_gate, ' ', OMS_JSON_GATE_MAX_COLDCHAIN_REQUEST_BYTES + 1);
  memcpy (over_gate, "[]", 2);
  items = oms_coldchain_request_parse_records (OMS_COLDCHAIN_KIND_SENSOR, over_gate,
                                               OMS_JSON_GATE_MAX_COLDCHAIN_REQUEST_BYTES + 1,
                                               &error);
  g_assert_null (items);
  g_assert_error (error, OMS_COLDCHAIN_REQUEST_ERROR, OMS_COLDCHAIN_REQUEST_ERROR_TOO_LARGE);

  log_in (fixture);
  assert_nothing_stored (fixture, &before);
}

/* Bodies that json-glib alone would take, but read as something else than was sent. */
static void
test_stores_only_what_was_sent (Fixture       *fixture,
                                gconstpointer  user_data)
{
#define LOG(temperature) "{\"id\":\"l1\",\"temperature\":" temperature \
                         ",\"timestamp\":1764140000,\"sensorId\":\"sensor-1\"}"
#define BREACH(min, max, comment) "[{\"id\":\"b1\",\"sensorId\":\"sensor-1\"," \
  "\"startTimestamp\":1764140000,\"thresholdDuration\":0,\"thresholdMinimumTemperature\":" min \
  ",\"thresholdMaximumTemperature\":" max ",\"type\":\"HOT_CONSECUTIVE\",\"comment\":" comment "}]"
#define SENSOR(id, name, battery) "[{\"id\":" id ",\"macAddress\":\"DE:AD:BE:EF:00:01\"," \
  "\"logInterval\":5,\"programmedDate\":1764140000,\"name\":" name ",\"batteryLevel\":" battery "}]"
  static const struct
  {
    const char *what;
    const char *body;
    const char *expected;
  } cases[] = {
    { "temperature-log", "[" LOG ("1e400") "]",
      "record 0, field `temperature`: number out of range at line 1 column 27" },
    { "temperature-log", "[" LOG ("-1e400") "]",
      "record 0, field `temperature`: number out of range" },
    { "temperature-log", "[" LOG ("4.5") "," LOG ("1e309") "]",
      "record 1, field `temperature`: number out of range" },
    { "temperature-log", "[" LOG ("4.5") "," LOG ("NaN") "]",
      "record 1, field `temperature`: expected value" },
    { "temperature-log", "[" LOG ("Infinity") "]",
      "record 0, field `temperature`: expected value" },
    { "temperature-log", "[" LOG ("-Infinity") "]",
      "record 0, field `temperature`: expected value" },
    { "temperature-log", "[" LOG ("-300") "]",
      "record 0, field `temperature`: -300 °C is below absolute zero (-273.15 °C)" },
    { "temperature-log", "[" LOG ("4.5") "," LOG ("-273.16") "]",
      "record 1, field `temperature`: -273.16 °C is below absolute zero (-273.15 °C)" },
    { "temperature-log", "[{\"id\":\"l1\",\"temperature\":4,\"timestamp\":99999999999999999999,"
      "\"sensorId\":\"sensor-1\"}]", "record 0, field `timestamp`: number out of range" },
    { "temperature-breach", BREACH ("-1e999", "8", "null"),
      "record 0, field `thresholdMinimumTemperature`: number out of range" },
    { "temperature-breach", BREACH ("2", "-500.5", "null"),
      "record 0, field `thresholdMaximumTemperature`: -500.5 °C is below absolute zero" },
    { "temperature-breach", BREACH ("2", "8", "\"door\\u0000open\""),
      "record 0, field `comment`: the string holds a NUL character (\\u0000), which cannot be "
      "stored" },
    { "sensor", SENSOR ("\"s1\"", "\"\\u0000\"", "50"), "record 0, field `name`: the string "
      "holds a NUL character" },
    { "sensor", SENSOR ("\"s\\u00001\"", "\"A\"", "50"), "record 0, field `id`: the string "
      "holds a NUL character" },
    { "temperature-log", "[{\"id\":\"l1\",\"temperature\":4,\"timestamp\":5,"
      "\"sensorId\":\"sensor-1\\u0000\"}]", "record 0, field `sensorId`: the string holds a NUL" },
    { "sensor", SENSOR ("\"s1\"", "\"\\ud800\"", "50"),
      "record 0, field `name`: lone leading surrogate in hex escape" },
    { "sensor", SENSOR ("\"s1\"", "\"a\tb\"", "50"), "record 0, field `name`: control character" },
    { "sensor", SENSOR ("\"s1\"", "'A'", "50"), "record 0, field `name`: expected value" },
    { "sensor", SENSOR ("\"s1\"", "\"A\"", "0x10"),
      "record 0, field `batteryLevel`: expected `,` or `}`" },
    { "sensor", SENSOR ("\"s1\"", "\"A\"", "050"),
      "record 0, field `batteryLevel`: expected `,` or `}`" },
    { "sensor", "[{\"id\":\"s1\",\"id\":\"s2\"}]", "record 0: duplicate field `id`" },
    { "sensor", "/* */ []", "expected value at line 1 column 1" },
    { "sensor", "[] []", "trailing characters at line 1 column 4" },
  };
#undef LOG
#undef BREACH
#undef SENSOR
  StoreCounts before;

  site_with_sensor (fixture);
  count_rows (fixture, &before);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Reply) reply = { 0 };

      put (fixture, cases[i].what, cases[i].body, &reply);
      g_test_message ("case %u: %u %s", i, reply.status, reply.body);
      g_assert_cmpuint (reply.status, ==, 400);
      g_assert_true (g_str_has_prefix (reply.body, "Json deserialize error: "));
      g_assert_nonnull (strstr (reply.body, cases[i].expected));
    }

  /* A login's strings too: a password cut at a NUL would let a shorter one in. */
  {
    static const char *const logins[][2] = {
      { "{\"username\":\"" PHONE_USER "\\u0000x\",\"password\":\"x\"}", "username" },
      { "{\"username\":\"" PHONE_USER "\",\"password\":\"" PHONE_PASSWORD "\\u0000x\"}",
        "password" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (logins); i++)
      {
        g_auto(Reply) reply = { 0 };
        g_autofree char *expected = g_strdup_printf ("field `%s`: the string holds a NUL",
                                                     logins[i][1]);

        request (fixture, "POST", "/coldchain/v1/login", logins[i][0], -1, NULL, &reply);
        g_assert_cmpuint (reply.status, ==, 400);
        g_assert_nonnull (strstr (reply.body, expected));
        g_assert_null (reply.set_cookie);
      }
  }

  assert_nothing_stored (fixture, &before);

  /* Absolute zero itself, and a name outside the Basic Multilingual Plane, are taken as sent. */
  {
    g_auto(Reply) reply = { 0 };
    g_autoptr(JsonObject) row = NULL;
    g_autoptr(GError) error = NULL;

    put (fixture, "temperature-log", "[{\"id\":\"l1\",\"temperature\":-273.15,"
         "\"timestamp\":1764140000,\"sensorId\":\"sensor-1\"}]", &reply);
    g_assert_cmpuint (reply.status, ==, 200);
    row = oms_store_get_record (fixture->store, "temperature_log", "l1", &error);
    g_assert_no_error (error);
    g_assert_cmpfloat (json_object_get_double_member (row, "temperature"), ==, -273.15);
  }
  {
    g_auto(Reply) reply = { 0 };
    g_autoptr(JsonObject) row = NULL;
    g_autoptr(GError) error = NULL;

    put (fixture, "sensor", "[{\"id\":\"sensor-1\",\"macAddress\":\"DE:AD:BE:EF:00:01\","
         "\"logInterval\":5,\"programmedDate\":1764140000,\"name\":\"Fridge \\ud83e\\uddca\","
         "\"batteryLevel\":80}]", &reply);
    g_assert_cmpuint (reply.status, ==, 200);
    row = oms_store_get_record (fixture->store, "sensor", "sensor-1", &error);
    g_assert_cmpstr (json_object_get_string_member (row, "name"), ==, "Fridge \xf0\x9f\xa7\x8a");
  }
}

/*
 * Password guessing
 */

#define WRONG_LOGIN "{\"username\":\"" PHONE_USER "\",\"password\":\"guess\"}"
#define RIGHT_LOGIN "{\"username\":\"" PHONE_USER "\",\"password\":\"" PHONE_PASSWORD "\"}"

static gint64
fake_clock (gpointer user_data)
{
  return *(gint64 *) user_data;
}

/* The throttle's minutes pass when the test says. */
static OmsColdchainThrottle *
use_fake_clock (Fixture *fixture)
{
  OmsColdchainThrottle *throttle = oms_coldchain_server_get_throttle (fixture->server);

  fixture->clock = (gint64) 24 * 3600 * G_USEC_PER_SEC;
  _oms_coldchain_throttle_set_clock (throttle, fake_clock, &fixture->clock);
  return throttle;
}

static void
advance (Fixture *fixture,
         guint    seconds)
{
  fixture->clock += (gint64) seconds * G_USEC_PER_SEC;
}

/* Another phone: the same server, from @address on the loopback, with up to @max_conns
 * connections at once.
 */
static SoupSession *
session_from (Fixture    *fixture,
              const char *address,
              int         max_conns)
{
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new_from_string (address, 0);
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_path = oms_coldchain_server_dup_certificate_path (fixture->server);

  if (g_str_has_prefix (fixture->base_url, "https://"))
    {
      database = g_tls_file_database_new (cert_path, &error);
      g_assert_no_error (error);
    }
  return soup_session_new_with_options ("tls-database", database, "timeout", 120,
                                        "local-address", local, "max-conns", max_conns,
                                        "max-conns-per-host", max_conns, NULL);
}

/* Wrong passwords until refused: the Retry-After of the refusal. */
static guint
fail_until_throttled (Fixture     *fixture,
                      SoupSession *session,
                      guint       *n_failed)
{
  *n_failed = 0;
  for (;;)
    {
      g_auto(Reply) reply = { 0 };

      request_through (fixture, session, "POST", "/coldchain/v1/login", WRONG_LOGIN, -1, NULL,
                       &reply);
      if (reply.status == 429)
        {
          g_assert_nonnull (reply.retry_after);
          g_assert_true (g_str_has_prefix (reply.body, "Too many failed logins from this "
                                                       "device. Try again in "));
          return (guint) g_ascii_strtoull (reply.retry_after, NULL, 10);
        }
      g_assert_cmpuint (reply.status, ==, 401);
      g_assert_cmpuint (++(*n_failed), <=, OMS_COLDCHAIN_THROTTLE_MAX_FAILURES);
    }
}

static guint
login_status (Fixture     *fixture,
              SoupSession *session)
{
  g_auto(Reply) reply = { 0 };

  request_through (fixture, session, "POST", "/coldchain/v1/login", RIGHT_LOGIN, -1, NULL,
                   &reply);
  if (reply.status == 429)
    g_assert_nonnull (reply.retry_after);
  return reply.status;
}

static void
test_throttle (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(SoupSession) other_phone = session_from (fixture, "127.0.0.2", 10);
  OmsColdchainThrottle *throttle = use_fake_clock (fixture);
  g_autoptr(GPtrArray) failed = NULL;
  OmsColdchainFailedLogins *item;
  static const guint lockouts[] = { 60, 120, 240, 480, 900, 900 };
  guint n_failed;

  /* Five failures, then refused with the wait, even with the right password. */
  g_assert_cmpuint (fail_until_throttled (fixture, fixture->session, &n_failed), ==, 60);
  g_assert_cmpuint (n_failed, ==, OMS_COLDCHAIN_THROTTLE_MAX_FAILURES);
  g_assert_cmpuint (login_status (fixture, fixture->session), ==, 429);

  failed = oms_coldchain_throttle_list_failed_logins (throttle);
  g_assert_cmpuint (failed->len, ==, 1);
  item = g_ptr_array_index (failed, 0);
  g_assert_cmpstr (item->address, ==, "127.0.0.1");
  g_assert_cmpuint (item->failures, ==, 5);
  g_assert_nonnull (item->locked_until);

  /* Another phone is not locked out. */
  g_assert_cmpuint (login_status (fixture, other_phone), ==, 200);

  /* After the wait the right password works, and the count starts again. */
  advance (fixture, 59);
  g_assert_cmpuint (login_status (fixture, fixture->session), ==, 429);
  advance (fixture, 2);
  g_assert_cmpuint (login_status (fixture, fixture->session), ==, 200);
  g_clear_pointer (&failed, g_ptr_array_unref);
  failed = oms_coldchain_throttle_list_failed_logins (throttle);
  g_assert_cmpuint (failed->len, ==, 0);

  /* Each lockout in a row twice the last, up to fifteen minutes. */
  for (guint i = 0; i < G_N_ELEMENTS (lockouts); i++)
    {
      g_assert_cmpuint (fail_until_throttled (fixture, fixture->session, &n_failed), ==,
                        lockouts[i]);
      g_assert_cmpuint (n_failed, ==, i == 0 ? OMS_COLDCHAIN_THROTTLE_MAX_FAILURES : 1);
      advance (fixture, lockouts[i]);
    }

  /* Quiet for a window after the lockout: all forgotten. */
  g_assert_cmpuint (oms_coldchain_throttle_get_n_entries (throttle), ==, 2);
  advance (fixture, OMS_COLDCHAIN_THROTTLE_WINDOW_SECONDS);
  g_clear_pointer (&failed, g_ptr_array_unref);
  failed = oms_coldchain_throttle_list_failed_logins (throttle);
  g_assert_cmpuint (failed->len, ==, 0);
  g_assert_cmpuint (oms_coldchain_throttle_get_n_entries (throttle), ==, 0);
}

/* A hundred guesses at once get five password checks; the rest wait, and so does the right
 * password.
 */
static void
test_throttle_concurrent (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SoupSession) session = session_from (fixture, "127.0.0.1", 100);
  SendResult results[100] = { { 0 } };
  guint n_refused = 0;
  guint n_failed = 0;

  use_fake_clock (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      SoupMessage *msg = new_message (fixture, "POST", "/coldchain/v1/login", WRONG_LOGIN, -1,
                                      NULL);

      g_ptr_array_add (messages, msg);
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, send_cb,
                                        &results[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_auto(Reply) reply = { 0 };

      g_assert_true (oms_test_spin_until (&results[i].done, 120));
      g_assert_no_error (results[i].error);
      reply_take (&reply, g_ptr_array_index (messages, i), results[i].bytes);
      g_bytes_unref (results[i].bytes);
      if (reply.status == 429)
        n_refused++;
      else if (reply.status == 401)
        n_failed++;
    }

  g_assert_cmpuint (n_failed, ==, OMS_COLDCHAIN_THROTTLE_MAX_FAILURES);
  g_assert_cmpuint (n_refused, ==, G_N_ELEMENTS (results) - OMS_COLDCHAIN_THROTTLE_MAX_FAILURES);
  wait_connections_gone (fixture);
  g_assert_cmpuint (login_status (fixture, fixture->session), ==, 429);
}

/* Whatever an attacker cycles through, what is remembered stays bounded. */
static void
test_throttle_bounded (void)
{
  g_autoptr(OmsColdchainThrottle) throttle = oms_coldchain_throttle_new ();
  gint64 clock = (gint64) 24 * 3600 * G_USEC_PER_SEC;
  guint retry_after;

  _oms_coldchain_throttle_set_clock (throttle, fake_clock, &clock);

  /* Usernames from one address: the address locks after five, and no more are kept. */
  for (guint i = 0; i < 5000; i++)
    {
      g_autofree char *username = g_strdup_printf ("user-%u", i);

      if (oms_coldchain_throttle_admit (throttle, "192.0.2.1", username, &retry_after))
        oms_coldchain_throttle_record (throttle, "192.0.2.1", username,
                                       OMS_COLDCHAIN_LOGIN_FAILED);
    }
  g_assert_cmpuint (oms_coldchain_throttle_get_n_entries (throttle), ==,
                    1 + OMS_COLDCHAIN_THROTTLE_MAX_FAILURES);

  /* Addresses: capped, the oldest forgotten first. */
  for (guint i = 0; i < 5000; i++)
    {
      g_autofree char *address = g_strdup_printf ("2001:db8::%x", i);

      clock += 1000;
      g_assert_true (oms_coldchain_throttle_admit (throttle, address, "admin", &retry_after));
      oms_coldchain_throttle_record (throttle, address, "admin", OMS_COLDCHAIN_LOGIN_FAILED);
      g_assert_cmpuint (oms_coldchain_throttle_get_n_entries (throttle), <=,
                        OMS_COLDCHAIN_THROTTLE_MAX_ENTRIES);
    }

  /* An undecided check (the store could not be read) counts neither way. */
  g_assert_true (oms_coldchain_throttle_admit (throttle, "192.0.2.9", "admin", &retry_after));
  oms_coldchain_throttle_record (throttle, "192.0.2.9", "admin", OMS_COLDCHAIN_LOGIN_UNDECIDED);

  /* A quiet window later, nothing is left. */
  clock += (gint64) (OMS_COLDCHAIN_THROTTLE_WINDOW_SECONDS + 1) * G_USEC_PER_SEC;
  g_assert_true (oms_coldchain_throttle_admit (throttle, "192.0.2.1", "user-0", &retry_after));
  oms_coldchain_throttle_record (throttle, "192.0.2.1", "user-0", OMS_COLDCHAIN_LOGIN_SUCCEEDED);
  g_assert_cmpuint (oms_coldchain_throttle_get_n_entries (throttle), ==, 0);
}

/* A JSON array of temperature logs, @prefix in their ids, of about @size bytes. */
static char *
logs_body (const char *prefix,
           gsize       size)
{
  GString *text = g_string_new ("[");

  for (guint i = 0; text->len < size; i++)
    g_string_append_printf (text, "%s{\"id\":\"%s-%u\",\"temperature\":4.5,"
                            "\"timestamp\":1764140000,\"sensorId\":\"sensor-1\"}",
                            i > 0 ? "," : "", prefix, i);
  g_string_append_c (text, ']');

  return g_string_free (text, FALSE);
}

/* What all bodies being received may hold together is bounded: one more is turned away for
 * now, and the one being sent is not disturbed.
 */
static void
test_body_budget (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = logs_body ("a", 3000);
  g_autofree char *second = logs_body ("b", 3000);
  g_autofree char *head = NULL;
  g_auto(RawExchange) exchange = { 0 };
  GOutputStream *out;
  gsize split = strlen (first) - 10;

  site_with_sensor (fixture);
  _oms_coldchain_server_set_body_budget (fixture->server, 4096);

  /* The first upload, all but its last bytes. */
  connection = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                (guint16) oms_coldchain_server_get_bound_port (
                                                  fixture->server),
                                                NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  head = g_strdup_printf ("PUT /coldchain/v1/temperature-log HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Cookie: %s\r\nContent-Type: application/json\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                          fixture->cookie, strlen (first));
  g_assert_true (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error));
  g_assert_true (g_output_stream_write_all (out, first, split, NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0;
       i < 20000 && _oms_coldchain_server_get_body_budget_used (fixture->server) < split;
       i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpuint (_oms_coldchain_server_get_body_budget_used (fixture->server), ==, split);

  /* The second does not fit beside it. */
  {
    g_auto(Reply) reply = { 0 };

    put (fixture, "temperature-log", second, &reply);
    g_assert_cmpuint (reply.status, ==, 503);
    g_assert_nonnull (reply.retry_after);
    g_assert_true (g_str_has_prefix (reply.body, "The server is busy receiving other uploads."));
  }

  /* The first one ends and is taken. */
  g_assert_true (g_output_stream_write_all (out, first + split, strlen (first) - split, NULL,
                                            NULL, &error));
  g_assert_no_error (error);
  exchange.connection = G_IO_STREAM (g_steal_pointer (&connection));
  exchange.response = g_byte_array_new ();
  g_input_stream_read_async (g_io_stream_get_input_stream (exchange.connection),
                             exchange.buffer, sizeof exchange.buffer, G_PRIORITY_DEFAULT, NULL,
                             raw_read_cb, &exchange);
  g_assert_true (wait_for (&exchange.done, 60));
  g_assert_cmpuint (raw_exchange_status (&exchange), ==, 200);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT COUNT(*) FROM temperature_log "
                                                       "WHERE id LIKE 'a-%'"), >, 0);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT COUNT(*) FROM temperature_log "
                                                       "WHERE id LIKE 'b-%'"), ==, 0);
  g_assert_cmpuint (_oms_coldchain_server_get_body_budget_used (fixture->server), ==, 0);
}

/* The server stops while an upload waits for the writer: the records are still written, and
 * nobody answers a connection that is gone (libsoup would complain).
 */
static void
test_upload_outlives_connection (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *logs = logs_body ("gone", 500);
  SendResult r = { 0 };
  guint accepted;
  guint connected;

  site_with_sensor (fixture);

  /* Hold the store's write lock, so the upload waits in the writer. */
  oms_test_exec_sql (fixture->store, "BEGIN IMMEDIATE");
  accepted = fixture->n_accepted;
  connected = fixture->n_connected;
  msg = new_message (fixture, "PUT", "/coldchain/v1/temperature-log", logs, -1,
                     fixture->cookie);
  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL, send_cb,
                                    &r);
  for (guint i = 0; i < 20000 && fixture->n_connected == connected; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpuint (fixture->n_connected, ==, connected + 1);

  /* Within the store's busy timeout of 5 s, or the writer gives up. */
  oms_coldchain_server_stop (fixture->server);
  oms_test_exec_sql (fixture->store, "COMMIT");
  g_assert_true (wait_for (&r.done, 60));
  g_clear_error (&r.error);
  g_clear_pointer (&r.bytes, g_bytes_unref);

  for (guint i = 0; i < 60000 && fixture->n_accepted == accepted; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpuint (fixture->n_accepted, >, accepted);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT COUNT(*) FROM temperature_log "
                                                       "WHERE id LIKE 'gone-%'"), >, 0);
}

/*
 * Load
 */

/* Restarts the server with at most @max_connections open at once, each closed after
 * @idle_seconds of silence; sessions survive.
 */
static void
restart_with_limits (Fixture *fixture,
                     guint    max_connections,
                     guint    idle_seconds)
{
  g_autoptr(GError) error = NULL;

  oms_coldchain_server_stop (fixture->server);
  _oms_coldchain_server_set_connection_limits (fixture->server, max_connections, idle_seconds);
  g_assert_true (oms_coldchain_server_start (fixture->server, &error));
  g_assert_no_error (error);
  g_free (fixture->base_url);
  fixture->base_url = oms_coldchain_server_dup_loopback_url (fixture->server);
}

static char *
raw_request (const char *method,
             const char *path,
             const char *cookie,
             const char *body)
{
  return g_strdup_printf ("%s /coldchain/v1/%s HTTP/1.1\r\n"
                          "Host: 127.0.0.1\r\n"
                          "%s%s%s"
                          "Content-Type: application/json\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                          "Connection: close\r\n\r\n%s",
                          method, path,
                          cookie != NULL ? "Cookie: " : "", cookie != NULL ? cookie : "",
                          cookie != NULL ? "\r\n" : "",
                          strlen (body), body);
}

/* Many requests at once from one address, logging in right and wrong and uploading, through a
 * server that may hold only a few connections at a time: every one gets an HTTP answer, none
 * a reset.
 */
static void
test_concurrent_requests (Fixture       *fixture,
                          gconstpointer  user_data)
{
  enum { N_REQUESTS = 250 };
  g_autoptr(GSocketClient) client = raw_client_new (fixture);
  g_autofree RawExchange *exchanges = g_new0 (RawExchange, N_REQUESTS);
  guint counts[600] = { 0 };

  site_with_sensor (fixture);
  restart_with_limits (fixture, 16, 30);

  for (guint i = 0; i < N_REQUESTS; i++)
    {
      g_autofree char *text = NULL;

      switch (i % 3)
        {
        case 0:
          text = raw_request ("POST", "login", NULL, WRONG_LOGIN);
          break;
        case 1:
          text = raw_request ("POST", "login", NULL, RIGHT_LOGIN);
          break;
        default:
          {
            g_autofree char *logs = g_strdup_printf (
              "[{\"id\":\"c%u-1\",\"temperature\":4.5,\"timestamp\":1764140000,"
              "\"sensorId\":\"sensor-1\"},{\"id\":\"c%u-2\",\"temperature\":5,"
              "\"timestamp\":1764140300,\"sensorId\":\"sensor-1\"}]", i, i);

            text = raw_request ("PUT", "temperature-log", fixture->cookie, logs);
          }
          break;
        }
      raw_exchange_start (fixture, client, text, &exchanges[i]);
    }

  for (guint i = 0; i < N_REQUESTS; i++)
    {
      const char *response;
      guint status;

      g_assert_true (wait_for (&exchanges[i].done, 300));
      g_assert_no_error (exchanges[i].error);
      g_byte_array_append (exchanges[i].response, (const guint8 *) "", 1);
      response = (const char *) exchanges[i].response->data;
      status = raw_exchange_status (&exchanges[i]);
      if (status == 0)
        g_test_message ("request %u: no answer: “%s”", i, response);
      g_assert_cmpuint (status, >=, 200);
      g_assert_cmpuint (status, <, G_N_ELEMENTS (counts));
      counts[MIN (status, G_N_ELEMENTS (counts) - 1)]++;

      /* Turned away for now, with when to come back. */
      if (status == 429 || status == 503)
        g_assert_nonnull (strstr (response, "\r\nRetry-After: "));
      raw_exchange_clear (&exchanges[i]);
    }

  for (guint status = 0; status < G_N_ELEMENTS (counts); status++)
    {
      if (counts[status] > 0)
        g_test_message ("%u × %u", counts[status], status);
    }
  g_assert_cmpuint (counts[200] + counts[401] + counts[429] + counts[503], ==, N_REQUESTS);
  g_assert_cmpuint (counts[200], >, 0);

  /* Every connection is let go. */
  wait_connections_gone (fixture);
}

/* A connection that says nothing is closed after the idle time; one whose answer is padded
 * for longer than that still gets it.
 */
static void
test_silent_connections (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GSocketClient) client = NULL;
  g_auto(RawExchange) silent = { 0 };
  g_auto(Reply) reply = { 0 };

  restart_with_limits (fixture, 16, 1);
  client = raw_client_new (fixture);

  raw_exchange_start (fixture, client, "", &silent);
  g_assert_true (wait_for (&silent.done, 60));
  g_assert_no_error (silent.error);
  g_assert_cmpuint (silent.response->len, ==, 0);
  wait_connections_gone (fixture);

  _oms_coldchain_server_set_login_failure_delay (fixture->server, 2500);
  request (fixture, "POST", "/coldchain/v1/login", WRONG_LOGIN, -1, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, 401);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/oms/coldchain/pbkdf2-vectors", test_pbkdf2_vectors);
  g_test_add_func ("/oms/coldchain/throttle-bounded", test_throttle_bounded);
  ADD ("/oms/coldchain/accounts", test_accounts, GINT_TO_POINTER (FALSE));
  ADD ("/oms/coldchain/login", test_login, GINT_TO_POINTER (FALSE));
  ADD ("/oms/coldchain/connection-test", test_connection_test, GINT_TO_POINTER (FALSE));
  ADD ("/oms/coldchain/site-not-set-up", test_site_not_set_up, GINT_TO_POINTER (FALSE));
  ADD ("/oms/coldchain/bad-input", test_bad_input, GINT_TO_POINTER (FALSE));
  ADD ("/oms/coldchain/removed-account", test_removed_account, GINT_TO_POINTER (FALSE));
  ADD ("/oms/coldchain/upload-and-push", test_upload_and_push, GINT_TO_POINTER (FALSE));
  ADD ("/oms/coldchain/port-in-use", test_port_in_use, GINT_TO_POINTER (FALSE));
  ADD ("/oms/coldchain/certificate", test_certificate, GINT_TO_POINTER (FALSE));
  ADD ("/oms/coldchain/plain-http", test_plain_http, GINT_TO_POINTER (TRUE));
  ADD ("/oms/coldchain/nested-bodies", test_nested_bodies, GINT_TO_POINTER (FALSE));
  ADD ("/oms/coldchain/oversized-bodies", test_oversized_bodies, GINT_TO_POINTER (FALSE));
  ADD ("/oms/coldchain/stores-only-what-was-sent", test_stores_only_what_was_sent,
       GINT_TO_POINTER (FALSE));
  ADD ("/oms/coldchain/throttle", test_throttle, GINT_TO_POINTER (FALSE));
  /* Over HTTP: in-process TLS clients each block the main loop loading the system trust. */
  ADD ("/oms/coldchain/throttle-concurrent", test_throttle_concurrent, GINT_TO_POINTER (TRUE));
  ADD ("/oms/coldchain/concurrent-requests", test_concurrent_requests, GINT_TO_POINTER (TRUE));
  ADD ("/oms/coldchain/silent-connections", test_silent_connections, GINT_TO_POINTER (TRUE));
  /* Over HTTP: the first upload is written from this thread, without the main loop. */
  ADD ("/oms/coldchain/body-budget", test_body_budget, GINT_TO_POINTER (TRUE));
  ADD ("/oms/coldchain/upload-outlives-connection", test_upload_outlives_connection,
       GINT_TO_POINTER (FALSE));

  return g_test_run ();
}
