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
#include "oms-coldchain-server-private.h"
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
} Fixture;

typedef struct
{
  guint  status;
  char  *body;
  char  *set_cookie;
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, g_free);
  g_clear_pointer (&reply->set_cookie, g_free);
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
  g_free (fixture->base_url);
  g_free (fixture->cookie);
  g_free (fixture->store_id);
  g_free (fixture->central_dir);
  g_free (fixture->data_dir);
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

/* One request as the phone sends it; the cookie only when @cookie is given. */
static void
request (Fixture    *fixture,
         const char *method,
         const char *path,
         const char *body,
         gssize      body_length,
         const char *cookie,
         Reply      *reply)
{
  g_autofree char *url = g_strconcat (fixture->base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  SendResult r = { 0 };

  g_assert_nonnull (msg);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, body_length < 0 ? strlen (body)
                                                                   : (gsize) body_length);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  if (cookie != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Cookie", cookie);

  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL, send_cb,
                                    &r);
  g_assert_true (oms_test_spin_until (&r.done, 120));
  g_assert_no_error (r.error);

  reply->status = soup_message_get_status (msg);
  reply->body = g_strndup (g_bytes_get_data (r.bytes, NULL), g_bytes_get_size (r.bytes));
  reply->set_cookie = g_strdup (soup_message_headers_get_one (
                                  soup_message_get_response_headers (msg), "Set-Cookie"));
  g_bytes_unref (r.bytes);
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/oms/coldchain/pbkdf2-vectors", test_pbkdf2_vectors);
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

  return g_test_run ();
}
