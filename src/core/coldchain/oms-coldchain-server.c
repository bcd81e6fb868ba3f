/* oms-coldchain-server.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-coldchain-server"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <libsoup/soup.h>

#include "oms-background.h"
#include "oms-coldchain-accounts.h"
#include "oms-coldchain-certificate.h"
#include "oms-coldchain-listener.h"
#include "oms-coldchain-records-private.h"
#include "oms-coldchain-request.h"
#include "oms-coldchain-server-private.h"
#include "oms-coldchain-throttle.h"
#include "oms-json-gate.h"
#include "oms-lan-address.h"
#include "oms-store-private.h"
#include "oms-sync-settings.h"

/* The mSupply Cold Chain API (PROTOCOL.md §11) at the URL the Settings page's QR code holds.
 * A phone logs in with a cold chain account and gets a session cookie, then uploads sensors,
 * breaches and logs. Accepted records land in the typed tables with their changelog rows,
 * filed under the site's store, and the next sync pushes them to the legacy central.
 *
 * Handlers never block the main loop: password checks hash in a worker thread, and the
 * padded "Login failed" answer waits on a timeout while its message is paused.
 */

#define COOKIE_NAME "coldchain"
/* RFC 6585, which libsoup 3.2 has no name or phrase for. */
#define STATUS_TOO_MANY_REQUESTS 429
#define TOKEN_BYTES 32

typedef struct
{
  char   *username;
  gint64  expires;   /* g_get_monotonic_time () */
} Session;

/* A paused request waiting for a password check or for its padded failure answer. */
typedef struct
{
  OmsColdchainServer *self;        /* owned */
  SoupServerMessage  *msg;         /* owned */
  char               *address;
  char               *username;
  gint64              started;     /* g_get_monotonic_time () */
  guint               timeout_id;
  gulong              finished_id;
  gulong              disconnected_id;
  gboolean            finished;      /* answered, or its connection went */
} Pending;

/* The bytes of request bodies held at once, shared by the server and every body it is
 * receiving (a body may outlive a stopped server).
 */
typedef struct
{
  gsize used;
  gsize limit;
} BodyBudget;

/* How much of a request body has arrived; kept on the message by the early handler. */
typedef struct
{
  BodyBudget *budget;        /* shared */
  GByteArray *data;          /* NULL once dropped */
  gsize       received;
  gsize       limit;
  gboolean    over_budget;
} Body;

struct _OmsColdchainServer
{
  GObject     parent_instance;

  /* Owned references */
  OmsStore   *store;
  SoupServer *server;
  OmsColdchainListener *listener;
  OmsColdchainThrottle *throttle;
  GHashTable *sessions;        /* token → Session */
  GPtrArray  *pending;         /* Pending, borrowed: each frees itself */
  GDateTime  *last_device_time;
  GError     *start_error;     /* why the last start failed; NULL once running */

  /* State */
  char       *listen_address;
  char       *last_device;
  char      **lan_addresses;
  guint       port;
  guint       bound_port;
  gboolean    use_https;
  guint       login_failure_delay_ms;
  gsize       body_limit;
  guint       n_checking;      /* passwords being hashed */
  guint       n_uploads;       /* uploads queued or being written */
  gsize       queued_bytes;    /* the size of their bodies */
  BodyBudget *body_budget;     /* shared with the bodies being received */
  guint       n_requests;      /* requests read and not yet answered */
  GThreadPool *writer;         /* one thread, writing uploads in turn */
  OmsStore   *writer_store;    /* the writer's connection, opened by it */
  guint       max_connections; /* for the next start; 0: the listener's default */
  guint       idle_seconds;
};

G_DEFINE_FINAL_TYPE (OmsColdchainServer, oms_coldchain_server, G_TYPE_OBJECT)

G_DEFINE_QUARK (oms-coldchain-server-error-quark, oms_coldchain_server_error)

enum {
  PROP_0,
  PROP_STORE,
  PROP_PORT,
  PROP_USE_HTTPS,
  PROP_RUNNING,
  PROP_LAST_DEVICE,
  PROP_START_ERROR,
  PROP_LAN_ADDRESSES,
  N_PROPS
};

enum {
  DEVICE_CONNECTED,
  RECORDS_ACCEPTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
session_free (Session *session)
{
  g_free (session->username);
  g_free (session);
}

static void
pending_free (Pending *pending)
{
  g_clear_handle_id (&pending->timeout_id, g_source_remove);
  g_clear_signal_handler (&pending->finished_id, pending->msg);
  g_clear_signal_handler (&pending->disconnected_id, pending->msg);
  if (pending->self->pending != NULL)
    g_ptr_array_remove_fast (pending->self->pending, pending);
  g_clear_object (&pending->msg);
  g_clear_object (&pending->self);
  g_free (pending->address);
  g_free (pending->username);
  g_free (pending);
}

/* Lets go of what @body holds, and of its share of the budget. */
static void
body_drop (Body *body)
{
  if (body->data == NULL)
    return;

  body->budget->used -= body->data->len;
  g_clear_pointer (&body->data, g_byte_array_unref);
}

static void
body_free (Body *body)
{
  body_drop (body);
  g_rc_box_release (body->budget);
  g_free (body);
}

static void
set_text (SoupServerMessage *msg,
          guint              status,
          const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY,
                                    text, strlen (text));
}

/* json-glib writes a non-finite double as `inf.0` or `nan.0`, which no JSON reader takes.
 * Requests with one are refused, but a row stored before they were may still hold one: it is
 * answered as null, as serde_json writes it.
 */
static void
replace_non_finite (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, NULL, &member))
          replace_non_finite (member);
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          replace_non_finite (json_array_get_element (array, i));
      }
      break;
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE
          && !isfinite (json_node_get_double (node)))
        json_node_init_null (node);
      break;
    case JSON_NODE_NULL:
    default:
      break;
    }
}

static void
set_json (SoupServerMessage *msg,
          JsonNode          *node)
{
  gsize length;
  char *text;

  replace_non_finite (node);
  text = json_to_string (node, FALSE);

  length = strlen (text);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, length);
}

/* A body that could not be read: its message is the answer. */
static void
set_request_error (SoupServerMessage *msg,
                   const GError      *error)
{
  gboolean too_large = g_error_matches (error, OMS_COLDCHAIN_REQUEST_ERROR,
                                        OMS_COLDCHAIN_REQUEST_ERROR_TOO_LARGE);

  g_debug ("Refused a request body: %s", error->message);
  set_text (msg, too_large ? SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE : SOUP_STATUS_BAD_REQUEST,
            error->message);
}

/* A refusal that passes: @status, with Retry-After. */
static void
set_retry_later (SoupServerMessage *msg,
                 guint              status,
                 guint              seconds,
                 const char        *text)
{
  g_autofree char *value = g_strdup_printf ("%u", seconds);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                value);
  set_text (msg, status, text);
  if (status == STATUS_TOO_MANY_REQUESTS)
    soup_server_message_set_status (msg, status, "Too Many Requests");
}

/* 503: too busy for now, @what said before when to come back. */
static void
set_busy (SoupServerMessage *msg,
          const char        *what)
{
  g_autofree char *text = g_strdup_printf ("%s Try again in %u seconds.", what,
                                           OMS_COLDCHAIN_BUSY_RETRY_SECONDS);

  set_retry_later (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, OMS_COLDCHAIN_BUSY_RETRY_SECONDS, text);
}

/* AuthError's {:#?} as Open mSupply's handlers answer a refused cookie. */
static void
set_not_authenticated (SoupServerMessage *msg,
                       const char        *reason)
{
  g_autofree char *text = g_strdup_printf ("Denied(\n    NotAuthenticated(\n        \"%s\",\n"
                                           "    ),\n)", reason);

  set_text (msg, SOUP_STATUS_UNAUTHORIZED, text);
}

static void
device_connected (OmsColdchainServer *self,
                  const char         *username)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_clear_pointer (&self->last_device_time, g_date_time_unref);
  self->last_device_time = g_date_time_ref (now);
  if (g_strcmp0 (self->last_device, username) != 0)
    {
      g_free (self->last_device);
      self->last_device = g_strdup (username);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_DEVICE]);
  g_signal_emit (self, signals[DEVICE_CONNECTED], 0, username, now);
}

/*
 * Sessions
 */

static void
prune_sessions (OmsColdchainServer *self)
{
  GHashTableIter iter;
  Session *session;
  gint64 now = g_get_monotonic_time ();

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &session))
    {
      if (session->expires <= now)
        g_hash_table_iter_remove (&iter);
    }
}

static char *
new_session (OmsColdchainServer  *self,
             const char          *username,
             GError             **error)
{
  guint8 bytes[TOKEN_BYTES];
  GString *token;
  Session *session;
  int rc;

  prune_sessions (self);

  rc = gnutls_rnd (GNUTLS_RND_KEY, bytes, sizeof bytes);
  if (rc < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "RandomError(%s)",
                   gnutls_strerror (rc));
      return NULL;
    }

  token = g_string_sized_new (2 * TOKEN_BYTES);
  for (gsize i = 0; i < sizeof bytes; i++)
    g_string_append_printf (token, "%02x", bytes[i]);
  gnutls_memset (bytes, 0, sizeof bytes);

  session = g_new0 (Session, 1);
  session->username = g_strdup (username);
  session->expires = g_get_monotonic_time ()
                     + (gint64) OMS_COLDCHAIN_SESSION_SECONDS * G_USEC_PER_SEC;
  g_hash_table_insert (self->sessions, g_strdup (token->str), session);

  return g_string_free (token, FALSE);
}

/* The token in the request's `coldchain` cookie, or NULL. */
static char *
dup_cookie_token (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *header = soup_message_headers_get_list (headers, "Cookie");
  GHashTable *cookies;
  char *token;

  if (header == NULL)
    return NULL;

  cookies = soup_header_parse_semi_param_list (header);
  token = g_strdup (g_hash_table_lookup (cookies, COOKIE_NAME));
  soup_header_free_param_list (cookies);

  return token;
}

/* The account behind the request's cookie, or NULL after answering 401. */
static const char *
authenticate (OmsColdchainServer *self,
              SoupServerMessage  *msg)
{
  g_autofree char *token = dup_cookie_token (msg);
  g_autoptr(GError) error = NULL;
  Session *session;

  if (token == NULL || *token == '\0')
    {
      set_not_authenticated (msg, "Missing auth token");
      return NULL;
    }

  session = g_hash_table_lookup (self->sessions, token);
  if (session == NULL)
    {
      set_not_authenticated (msg, "Invalid token");
      return NULL;
    }

  if (session->expires <= g_get_monotonic_time ())
    {
      prune_sessions (self);
      set_not_authenticated (msg, "Expired signature");
      return NULL;
    }

  /* A removed account loses its sessions at once. */
  if (!oms_coldchain_accounts_exists (self->store, session->username, &error))
    {
      if (error != NULL)
        {
          g_autofree char *text = g_strdup_printf ("InternalError(\n    \"%s\",\n)",
                                                   error->message);

          set_text (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, text);
        }
      else
        {
          set_not_authenticated (msg, "Token has been invalided on the server");
        }
      return NULL;
    }

  return session->username;
}

/* The site's store (PROTOCOL.md §4 push filter), or NULL after answering 503 or 500. */
static char *
site_store_id (OmsColdchainServer *self,
               SoupServerMessage  *msg)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;
  char *store_id = NULL;
  gint32 site_id;
  int rc;

  if (!oms_store_kv_has (self->store, OMS_KV_SYNC_SITE_ID, &error))
    {
      if (error != NULL)
        goto failed;
      goto not_set_up;
    }

  site_id = oms_store_kv_get_int (self->store, OMS_KV_SYNC_SITE_ID, 0, &error);
  if (error != NULL)
    goto failed;

  stmt = oms_store_prepare (self->store,
                            "SELECT id FROM store WHERE site_id = ?1 "
                            "ORDER BY is_disabled, code, id LIMIT 1", &error);
  if (stmt == NULL)
    goto failed;

  sqlite3_bind_int (stmt, 1, site_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    store_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    oms_store_set_sql_error (self->store, &error, _("read the site's store"));
  sqlite3_reset (stmt);

  if (error != NULL)
    goto failed;
  if (store_id == NULL)
    goto not_set_up;

  return store_id;

not_set_up:
  set_text (msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
            _("This omsync site has not finished its first sync, so it has no store to file "
              "cold chain data under yet. Set up sync on the omsync computer, wait for the "
              "first sync to finish, then try again."));
  return NULL;

failed:
  {
    g_autofree char *text = g_strdup_printf ("DatabaseError(\n    \"%s\",\n)", error->message);

    set_text (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, text);
  }
  return NULL;
}

/*
 * Login
 */

static void
pending_finished_cb (SoupServerMessage *msg,
                     Pending           *pending)
{
  pending->finished = TRUE;
}

static void
pending_respond (Pending *pending)
{
  if (!pending->finished && pending->self->server != NULL)
    soup_server_message_unpause (pending->msg);
  pending_free (pending);
}

static gboolean
login_failed_cb (gpointer user_data)
{
  Pending *pending = user_data;

  pending->timeout_id = 0;
  set_text (pending->msg, SOUP_STATUS_UNAUTHORIZED, "Login failed");
  pending_respond (pending);

  return G_SOURCE_REMOVE;
}

/* Failures answer no sooner than the delay after the request came in, so their timing says
 * nothing about which part was wrong (login.rs MIN_ERR_RESPONSE_TIME_SEC).
 */
static void
login_fail (Pending *pending)
{
  gint64 elapsed_ms = (g_get_monotonic_time () - pending->started) / 1000;
  gint64 delay_ms = (gint64) pending->self->login_failure_delay_ms - elapsed_ms;

  if (pending->finished || pending->self->server == NULL)
    {
      pending_free (pending);
      return;
    }

  pending->timeout_id = g_timeout_add ((guint) CLAMP (delay_ms, 0, G_MAXUINT), login_failed_cb,
                                       pending);
}

static void
oms_coldchain_server_verify_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  Pending *pending = user_data;
  OmsColdchainServer *self = pending->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *cookie = NULL;
  static const char success[] = "{ \"success\": true }";
  gboolean secure;

  gboolean verified = oms_coldchain_accounts_verify_finish (OMS_STORE (object), result, &error);

  self->n_checking--;
  oms_coldchain_throttle_record (self->throttle, pending->address, pending->username,
                                 verified ? OMS_COLDCHAIN_LOGIN_SUCCEEDED
                                 : error != NULL ? OMS_COLDCHAIN_LOGIN_UNDECIDED
                                 : OMS_COLDCHAIN_LOGIN_FAILED);

  if (!verified)
    {
      if (error != NULL)
        g_debug ("Cannot check a cold chain login: %s", error->message);
      else
        g_debug ("Cold chain login refused for “%s” from %s", pending->username,
                 pending->address);
      login_fail (pending);
      return;
    }

  if (pending->finished || self->server == NULL)
    {
      pending_free (pending);
      return;
    }

  token = new_session (self, pending->username, &error);
  if (token == NULL)
    {
      set_text (pending->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, error->message);
      pending_respond (pending);
      return;
    }

  /* Served over HTTPS, the token must never travel in the clear afterwards. */
  secure = g_strcmp0 (g_uri_get_scheme (soup_server_message_get_uri (pending->msg)),
                      "https") == 0;
  cookie = g_strdup_printf ("%s=%s; Path=%s; HttpOnly%s", COOKIE_NAME, token,
                            OMS_COLDCHAIN_BASE_PATH, secure ? "; Secure" : "");
  soup_message_headers_append (soup_server_message_get_response_headers (pending->msg),
                               "Set-Cookie", cookie);
  soup_server_message_set_status (pending->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (pending->msg, "application/json", SOUP_MEMORY_STATIC,
                                    success, strlen (success));
  g_debug ("Cold chain login for “%s”", pending->username);
  device_connected (self, pending->username);
  pending_respond (pending);
}

static void
handle_login (OmsColdchainServer *self,
              SoupServerMessage  *msg,
              GBytes             *body)
{
  g_autofree char *username = NULL;
  g_autofree char *password = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (body, &length);
  Pending *pending;

  const char *address = soup_server_message_get_remote_host (msg);
  g_autofree char *text = NULL;
  guint retry_after;

  if (!oms_coldchain_request_parse_login (data, length, &username, &password, &error))
    {
      set_request_error (msg, error);
      return;
    }

  /* Each check keeps a core busy for a while: past a few at once, phones come back later. */
  if (self->n_checking >= OMS_COLDCHAIN_MAX_LOGIN_CHECKS)
    {
      retry_after = oms_coldchain_throttle_get_attempt_seconds (self->throttle);
      text = g_strdup_printf ("The server is busy checking other logins. Try again in %u "
                              "seconds.", retry_after);
      set_retry_later (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, retry_after, text);
      return;
    }

  if (address == NULL)
    address = "unknown";
  if (!oms_coldchain_throttle_admit (self->throttle, address, username, &retry_after))
    {
      g_debug ("Cold chain login for “%s” from %s throttled for %u s", username, address,
               retry_after);
      text = g_strdup_printf ("Too many failed logins from this device. Try again in %u "
                              "seconds.", retry_after);
      set_retry_later (msg, STATUS_TOO_MANY_REQUESTS, retry_after, text);
      return;
    }

  self->n_checking++;
  pending = g_new0 (Pending, 1);
  pending->self = g_object_ref (self);
  pending->msg = g_object_ref (msg);
  pending->address = g_strdup (address);
  pending->username = g_strdup (username);
  pending->started = g_get_monotonic_time ();
  pending->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (pending_finished_cb),
                                           pending);
  /* A paused message whose connection closes is not finished, and must not be unpaused. */
  pending->disconnected_id = g_signal_connect (msg, "disconnected",
                                               G_CALLBACK (pending_finished_cb), pending);
  g_ptr_array_add (self->pending, pending);

  soup_server_message_pause (msg);
  oms_coldchain_accounts_verify_async (self->store, username, password, NULL,
                                       oms_coldchain_server_verify_cb, pending);
  memset (password, 0, strlen (password));
}

/*
 * Uploads
 */

static void
emit_accepted (OmsColdchainServer        *self,
               const OmsColdchainWritten *written)
{
  if (written->sensors > 0)
    g_signal_emit (self, signals[RECORDS_ACCEPTED], 0, "sensor", written->sensors);
  if (written->temperature_breaches > 0)
    g_signal_emit (self, signals[RECORDS_ACCEPTED], 0, "temperature_breach",
                   written->temperature_breaches);
  if (written->temperature_logs > 0)
    g_signal_emit (self, signals[RECORDS_ACCEPTED], 0, "temperature_log",
                   written->temperature_logs);
}

/* The records are written by a worker thread on a connection of its own: while the
 * integrator holds the store's write lock, waiting for it here would freeze the window.
 */
typedef struct
{
  OmsColdchainServer  *self;
  SoupServerMessage   *msg;
  OmsColdchainKind     kind;
  char                *store_id;
  GPtrArray           *items;
  OmsColdchainWritten  written;
  JsonNode            *response;
  char                *wire_error;
  gsize                body_length;
  gulong               finished_id;
  gulong               disconnected_id;
  gboolean             finished;      /* the connection went while the records were written */
} Upsert;

static void
upsert_finished_cb (SoupServerMessage *msg,
                    Upsert            *upsert)
{
  upsert->finished = TRUE;
}

static void
upsert_free (gpointer user_data)
{
  Upsert *upsert = user_data;

  g_clear_object (&upsert->self);
  g_clear_object (&upsert->msg);
  g_free (upsert->store_id);
  g_ptr_array_unref (upsert->items);
  g_clear_pointer (&upsert->response, json_node_unref);
  g_free (upsert->wire_error);
  g_free (upsert);
}

/* In the writer thread, one upload at a time: concurrent writers only wait for each other's
 * locks (and gave "database is locked" under load), and one connection is opened once.
 */
static void
write_upload (gpointer data,
              gpointer user_data)
{
  GTask *task = data;
  OmsColdchainServer *self = user_data;
  Upsert *upsert = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  oms_background_thread_enter ();

  if (self->writer_store == NULL)
    self->writer_store = oms_store_open (oms_store_get_data_dir (self->store), &error);

  if (self->writer_store == NULL)
    upsert->wire_error = g_strdup (error->message);
  else
    upsert->response = _oms_coldchain_records_upsert (upsert->kind, self->writer_store,
                                                      upsert->store_id, upsert->items,
                                                      &upsert->written, &upsert->wire_error);

  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
upsert_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Upsert *upsert = g_task_get_task_data (G_TASK (result));
  OmsColdchainServer *self = upsert->self;

  self->n_uploads--;
  self->queued_bytes -= upsert->body_length;

  /* The rows were written through another connection: tell this one's listeners (the Sync
   * badge, the Cold chain page).
   */
  if (upsert->written.sensors + upsert->written.temperature_breaches +
      upsert->written.temperature_logs > 0)
    oms_store_emit_changed (self->store);
  emit_accepted (self, &upsert->written);

  /* The rows are written whether or not the phone is still there to hear it. */
  g_clear_signal_handler (&upsert->finished_id, upsert->msg);
  g_clear_signal_handler (&upsert->disconnected_id, upsert->msg);
  if (!upsert->finished)
    {
      if (upsert->response == NULL)
        set_text (upsert->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                  upsert->wire_error ? upsert->wire_error : "");
      else
        set_json (upsert->msg, upsert->response);

      soup_server_message_unpause (upsert->msg);
    }

  /* The worker thread may still hold the task for a moment: let go of the server and the
   * message now, so they are free as soon as the response is out.
   */
  g_clear_object (&upsert->msg);
  g_clear_object (&upsert->self);
}

static void
upsert_in_thread (OmsColdchainServer *self,
                  SoupServerMessage  *msg,
                  OmsColdchainKind    kind,
                  char               *store_id,
                  GPtrArray          *items,
                  gsize               body_length)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, upsert_done_cb, NULL);
  Upsert *upsert = g_new0 (Upsert, 1);

  upsert->self = g_object_ref (self);
  upsert->msg = g_object_ref (msg);
  upsert->kind = kind;
  upsert->store_id = store_id;
  upsert->items = items;
  g_task_set_source_tag (task, upsert_in_thread);
  g_task_set_task_data (task, upsert, upsert_free);

  upsert->body_length = body_length;
  upsert->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (upsert_finished_cb),
                                          upsert);
  upsert->disconnected_id = g_signal_connect (msg, "disconnected",
                                              G_CALLBACK (upsert_finished_cb), upsert);
  self->n_uploads++;
  self->queued_bytes += body_length;
  soup_server_message_pause (msg);
  g_thread_pool_push (self->writer, g_steal_pointer (&task), NULL);
}

static void
handle_upload (OmsColdchainServer *self,
               SoupServerMessage  *msg,
               OmsColdchainKind    kind,
               GBytes             *body)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wire_error = NULL;
  g_autofree char *store_id = NULL;
  g_autofree char *username = NULL;
  const char *account;
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  /* Uploads are written one at a time: past a queue of them (its parsed records take about
   * ten times their body's size), phones come back later.
   */
  if (self->n_uploads >= OMS_COLDCHAIN_MAX_QUEUED_UPLOADS
      || (self->n_uploads > 0 && self->queued_bytes + length > OMS_COLDCHAIN_MAX_QUEUED_BYTES))
    {
      set_busy (msg, "The server is busy writing other uploads.");
      return;
    }

  /* The order of Open mSupply's extractors, after the session checked with the headers: the
   * body is read before the cookie is checked again.
   */
  items = oms_coldchain_request_parse_records (kind, data, length, &error);
  if (items == NULL)
    {
      set_request_error (msg, error);
      return;
    }

  account = authenticate (self, msg);
  if (account == NULL)
    return;
  username = g_strdup (account);

  store_id = site_store_id (self, msg);
  if (store_id == NULL)
    return;

  device_connected (self, username);

  wire_error = _oms_coldchain_records_validate (kind, items);
  if (wire_error != NULL)
    {
      set_text (msg, SOUP_STATUS_BAD_REQUEST, wire_error);
      return;
    }

  upsert_in_thread (self, msg, kind, g_steal_pointer (&store_id), g_steal_pointer (&items),
                    length);
}

/*
 * Routing
 */

static void
body_got_chunk_cb (SoupServerMessage *msg,
                   GBytes            *chunk,
                   Body              *body)
{
  gsize size = g_bytes_get_size (chunk);

  /* Past the limit, or past what all bodies together may hold, the rest is counted and
   * dropped; the handler answers 413 or 503.
   */
  body->received += size;
  if (body->data == NULL)
    return;

  if (body->received > body->limit)
    {
      body_drop (body);
      return;
    }

  if (body->budget->used + size > body->budget->limit)
    {
      g_debug ("Request bodies hold %" G_GSIZE_FORMAT " bytes: dropping one",
               body->budget->used);
      body->over_budget = TRUE;
      body_drop (body);
      return;
    }

  g_byte_array_append (body->data, g_bytes_get_data (chunk, NULL), (guint) size);
  body->budget->used += size;
}

static void
request_finished_cb (OmsColdchainServer *self)
{
  self->n_requests--;
}

/* What @path serves: the method it takes (NULL when nothing), whether it is the login, and
 * the kind of records it uploads.
 */
static const char *
route (const char       *path,
       gboolean         *login,
       OmsColdchainKind *kind)
{
  static const struct
  {
    const char       *path;
    OmsColdchainKind  kind;
  } uploads[] = {
    { OMS_COLDCHAIN_BASE_PATH "/sensor", OMS_COLDCHAIN_KIND_SENSOR },
    { OMS_COLDCHAIN_BASE_PATH "/temperature-log", OMS_COLDCHAIN_KIND_TEMPERATURE_LOG },
    { OMS_COLDCHAIN_BASE_PATH "/temperature-breach", OMS_COLDCHAIN_KIND_TEMPERATURE_BREACH },
  };

  *login = g_str_equal (path, OMS_COLDCHAIN_BASE_PATH "/login");
  *kind = OMS_COLDCHAIN_KIND_SENSOR;
  if (*login)
    return SOUP_METHOD_POST;

  for (guint i = 0; i < G_N_ELEMENTS (uploads); i++)
    {
      if (g_str_equal (path, uploads[i].path))
        {
          *kind = uploads[i].kind;
          return SOUP_METHOD_PUT;
        }
    }

  return NULL;
}

/* An answer given before the body is read: the connection closes after it, so the body need
 * not be read to the end before the next request.
 */
static void
close_after (SoupServerMessage *msg)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                "close");
}

/* Every request's body is collected here, up to its limit, rather than by libsoup, which
 * would keep whatever size a client sends, on any path; only the routes that take a body
 * keep any of it. Before a byte of the body is kept, a request is refused when too many are
 * being handled, when it declares a body larger than its limit, or when it is an upload
 * without a valid session: no stranger can make the server hold or parse anything but a
 * login. (Open mSupply reads an upload's body before it checks the cookie; this answers 401
 * sooner.) libsoup still reads a refused body (HTTP/1.1 has no other way to reach the next
 * request), but drops it, and a client that sent `Expect: 100-continue` never sends it.
 */
static void
early_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  OmsColdchainServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset declared = soup_message_headers_get_content_length (headers);
  OmsColdchainKind kind;
  gboolean login;
  const char *method = route (path, &login, &kind);
  gsize limit = login ? MIN (self->body_limit, OMS_COLDCHAIN_LOGIN_BODY_LIMIT)
                      : self->body_limit;
  Body *body;

  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);

  /* Requests waiting on a password check, a padded failure or the writer hold their
   * connection; past a number of them, more are turned away at once rather than queued.
   */
  self->n_requests++;
  g_signal_connect_object (msg, "finished", G_CALLBACK (request_finished_cb), self,
                           G_CONNECT_SWAPPED);
  if (self->n_requests > OMS_COLDCHAIN_MAX_REQUESTS)
    {
      set_busy (msg, "The server is busy.");
      close_after (msg);
      return;
    }

  /* Nothing to keep: the handler answers 404 or 405. */
  if (method == NULL || g_strcmp0 (soup_server_message_get_method (msg), method) != 0)
    return;

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && (guint64) declared > limit)
    {
      g_autoptr(GError) error = NULL;

      oms_coldchain_request_set_too_large (&error, (gsize) declared, limit);
      set_request_error (msg, error);
      close_after (msg);
      return;
    }

  if (!login && authenticate (self, msg) == NULL)
    {
      close_after (msg);
      return;
    }

  body = g_new0 (Body, 1);
  body->budget = g_rc_box_acquire (self->body_budget);
  body->data = g_byte_array_new ();
  body->limit = MIN (limit, G_MAXUINT);
  g_object_set_data_full (G_OBJECT (msg), "oms-coldchain-body", body, (GDestroyNotify) body_free);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (body_got_chunk_cb), body);
}

static void
request_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  OmsColdchainServer *self = user_data;
  Body *body = g_object_get_data (G_OBJECT (msg), "oms-coldchain-body");
  g_autoptr(GBytes) bytes = NULL;
  OmsColdchainKind kind;
  gboolean login;
  const char *method = route (path, &login, &kind);
  gsize held;

  if (method == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  if (!g_str_equal (soup_server_message_get_method (msg), method))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    method);
      return;
    }

  g_assert (body != NULL);

  /* A body sent in chunks, whose size was not declared. */
  if (body->received > body->limit)
    {
      g_autoptr(GError) error = NULL;

      oms_coldchain_request_set_too_large (&error, body->received, body->limit);
      set_request_error (msg, error);
      return;
    }

  if (body->over_budget)
    {
      set_busy (msg, "The server is busy receiving other uploads.");
      return;
    }

  /* The bytes stay counted against the budget until they are parsed. */
  held = body->data->len;
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&body->data));

  if (login)
    handle_login (self, msg, bytes);
  else
    handle_upload (self, msg, kind, bytes);

  body->budget->used -= held;
}

/*
 * GObject
 */

static void
oms_coldchain_server_dispose (GObject *object)
{
  OmsColdchainServer *self = OMS_COLDCHAIN_SERVER (object);

  oms_coldchain_server_stop (self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (oms_coldchain_server_parent_class)->dispose (object);
}

static void
oms_coldchain_server_finalize (GObject *object)
{
  OmsColdchainServer *self = OMS_COLDCHAIN_SERVER (object);

  /* Each queued upload holds the server, so the writer is idle by now. */
  g_thread_pool_free (self->writer, FALSE, TRUE);
  g_clear_object (&self->writer_store);
  g_clear_pointer (&self->body_budget, g_rc_box_release);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_object (&self->throttle);
  g_clear_pointer (&self->last_device_time, g_date_time_unref);
  g_clear_pointer (&self->listen_address, g_free);
  g_clear_pointer (&self->last_device, g_free);
  g_clear_pointer (&self->lan_addresses, g_strfreev);
  g_clear_error (&self->start_error);

  G_OBJECT_CLASS (oms_coldchain_server_parent_class)->finalize (object);
}

static void
oms_coldchain_server_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  OmsColdchainServer *self = OMS_COLDCHAIN_SERVER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_USE_HTTPS:
      g_value_set_boolean (value, self->use_https);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, oms_coldchain_server_get_running (self));
      break;
    case PROP_START_ERROR:
      g_value_set_boxed (value, self->start_error);
      break;
    case PROP_LAN_ADDRESSES:
      g_value_set_boxed (value, self->lan_addresses);
      break;
    case PROP_LAST_DEVICE:
      g_value_set_string (value, self->last_device);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_coldchain_server_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  OmsColdchainServer *self = OMS_COLDCHAIN_SERVER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_PORT:
      oms_coldchain_server_set_port (self, g_value_get_uint (value));
      break;
    case PROP_USE_HTTPS:
      oms_coldchain_server_set_use_https (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The port and scheme start as the Settings page left them. */
static void
oms_coldchain_server_constructed (GObject *object)
{
  OmsColdchainServer *self = OMS_COLDCHAIN_SERVER (object);

  G_OBJECT_CLASS (oms_coldchain_server_parent_class)->constructed (object);

  g_assert (OMS_IS_STORE (self->store));

  self->port = (guint) oms_coldchain_get_port (self->store);
  self->use_https = !oms_coldchain_get_use_http (self->store);
}

static void
oms_coldchain_server_class_init (OmsColdchainServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = oms_coldchain_server_constructed;
  object_class->dispose = oms_coldchain_server_dispose;
  object_class->finalize = oms_coldchain_server_finalize;
  object_class->get_property = oms_coldchain_server_get_property;
  object_class->set_property = oms_coldchain_server_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         OMS_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * OmsColdchainServer:port:
   *
   * The port to listen on from the next start; 0 picks a free one.
   */
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL,
                       0, 65535, OMS_COLDCHAIN_DEFAULT_PORT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_USE_HTTPS] =
    g_param_spec_boolean ("use-https", NULL, NULL,
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * OmsColdchainServer:last-device:
   *
   * The account of the phone that last logged in or uploaded, or %NULL.
   */
  properties[PROP_LAST_DEVICE] =
    g_param_spec_string ("last-device", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * OmsColdchainServer:start-error:
   *
   * Why the last start failed (a port in use, say), or %NULL once the server runs: what the
   * window shows in place of the QR code.
   */
  properties[PROP_START_ERROR] =
    g_param_spec_boxed ("start-error", NULL, NULL,
                        G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * OmsColdchainServer:lan-addresses:
   *
   * The LAN addresses the server's URLs and certificate name, as found at its last start.
   */
  properties[PROP_LAN_ADDRESSES] =
    g_param_spec_boxed ("lan-addresses", NULL, NULL,
                        G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OmsColdchainServer::device-connected:
   * @username: the phone's account
   * @time: (transfer none): when, in UTC
   *
   * A phone logged in or uploaded.
   */
  signals[DEVICE_CONNECTED] =
    g_signal_new ("device-connected",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_DATE_TIME);

  /**
   * OmsColdchainServer::records-accepted:
   * @table: "sensor", "temperature_log" or "temperature_breach"
   * @count: rows written, each with its changelog row
   */
  signals[RECORDS_ACCEPTED] =
    g_signal_new ("records-accepted",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);
}

/* A login refused because as many attempts as may still fail are being checked waits for
 * their padded answers.
 */
static void
update_attempt_seconds (OmsColdchainServer *self)
{
  oms_coldchain_throttle_set_attempt_seconds (self->throttle,
                                              (self->login_failure_delay_ms + 999) / 1000 + 1);
}

static void
oms_coldchain_server_init (OmsColdchainServer *self)
{
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) session_free);
  self->pending = g_ptr_array_new ();
  self->port = OMS_COLDCHAIN_DEFAULT_PORT;
  self->use_https = TRUE;
  self->login_failure_delay_ms = OMS_COLDCHAIN_LOGIN_FAILURE_MS;
  self->throttle = oms_coldchain_throttle_new ();
  update_attempt_seconds (self);
  self->writer = g_thread_pool_new (write_upload, self, 1, FALSE, NULL);
  self->body_budget = g_rc_box_new0 (BodyBudget);
  self->body_budget->limit = OMS_COLDCHAIN_BODY_BUDGET;
  self->body_limit = OMS_JSON_GATE_MAX_COLDCHAIN_REQUEST_BYTES;
}

/**
 * oms_coldchain_server_new:
 * @store: the site's store
 *
 * Makes a server that is not listening yet; its port and scheme come from the store's
 * %OMS_KV_COLDCHAIN_PORT and %OMS_KV_COLDCHAIN_HTTP.
 *
 * Returns: (transfer full): the server
 */
OmsColdchainServer *
oms_coldchain_server_new (OmsStore *store)
{
  g_return_val_if_fail (OMS_IS_STORE (store), NULL);

  return g_object_new (OMS_TYPE_COLDCHAIN_SERVER, "store", store, NULL);
}

OmsStore *
oms_coldchain_server_get_store (OmsColdchainServer *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), NULL);

  return self->store;
}

guint
oms_coldchain_server_get_port (OmsColdchainServer *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), 0);

  return self->port;
}

void
oms_coldchain_server_set_port (OmsColdchainServer *self,
                               guint               port)
{
  g_return_if_fail (OMS_IS_COLDCHAIN_SERVER (self));
  g_return_if_fail (port <= 65535);

  if (self->port == port)
    return;

  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

gboolean
oms_coldchain_server_get_use_https (OmsColdchainServer *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), FALSE);

  return self->use_https;
}

void
oms_coldchain_server_set_use_https (OmsColdchainServer *self,
                                    gboolean            use_https)
{
  g_return_if_fail (OMS_IS_COLDCHAIN_SERVER (self));

  use_https = !!use_https;
  if (self->use_https == use_https)
    return;

  self->use_https = use_https;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USE_HTTPS]);
}

const char *
oms_coldchain_server_get_listen_address (OmsColdchainServer *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), NULL);

  return self->listen_address;
}

/**
 * oms_coldchain_server_set_listen_address:
 * @address: (nullable): one IP address to listen on, or %NULL for every interface
 */
void
oms_coldchain_server_set_listen_address (OmsColdchainServer *self,
                                         const char         *address)
{
  g_return_if_fail (OMS_IS_COLDCHAIN_SERVER (self));

  g_free (self->listen_address);
  self->listen_address = g_strdup (address);
}

static gboolean
listen_error (OmsColdchainServer  *self,
              GError              *listen_failure,
              GError             **error)
{
  g_debug ("Cannot listen on port %u: %s", self->port, listen_failure->message);

  if (g_error_matches (listen_failure, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
    g_set_error (error, OMS_COLDCHAIN_SERVER_ERROR, OMS_COLDCHAIN_SERVER_ERROR_PORT_IN_USE,
                 /* Translators: %u is a network port number, e.g. 8000. “Settings → Cold chain
                  * devices” names a page and its section: use the same words as their
                  * translations, and turn the arrow round (←) in right-to-left languages. */
                 _("Port %u is in use by another program. Choose another port for the cold "
                   "chain server in Settings → Cold chain devices, or stop the program using "
                   "it."), self->port);
  else if (g_error_matches (listen_failure, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    g_set_error (error, OMS_COLDCHAIN_SERVER_ERROR, OMS_COLDCHAIN_SERVER_ERROR_PERMISSION,
                 /* Translators: %u is a network port number below 1024, e.g. 80. “Settings →
                  * Cold chain devices” names a page and its section: use the same words as their
                  * translations, and turn the arrow round (←) in right-to-left languages. */
                 _("Port %u is reserved for system services. Choose a port from 1024 up for "
                   "the cold chain server in Settings → Cold chain devices."), self->port);
  else
    g_set_error (error, OMS_COLDCHAIN_SERVER_ERROR, OMS_COLDCHAIN_SERVER_ERROR_LISTEN,
                 /* Translators: %u is a network port number, e.g. 8000; %s is the reason, an
                  * error message. */
                 _("The cold chain server cannot listen on port %u: %s"), self->port,
                 listen_failure->message);

  return FALSE;
}

/* Takes the machine's LAN addresses as they are now; TRUE when they differ from before. */
static gboolean
update_lan_addresses (OmsColdchainServer *self)
{
  g_auto(GStrv) addresses = oms_lan_address_list ();

  if (self->lan_addresses != NULL &&
      g_strv_equal ((const char * const *) addresses, (const char * const *) self->lan_addresses))
    return FALSE;

  g_strfreev (self->lan_addresses);
  self->lan_addresses = g_steal_pointer (&addresses);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAN_ADDRESSES]);

  return TRUE;
}

static gboolean start_listening (OmsColdchainServer  *self,
                                 GError             **error);

/**
 * oms_coldchain_server_start:
 *
 * Starts listening: on every interface, or on the listen address when one is set. With
 * HTTPS, the certificate is made first when it is missing or no longer names every LAN
 * address. Why it fails is also kept in #OmsColdchainServer:start-error until a start
 * succeeds.
 *
 * Returns: %TRUE when the server is listening
 */
gboolean
oms_coldchain_server_start (OmsColdchainServer  *self,
                            GError             **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), FALSE);

  if (self->server != NULL)
    return TRUE;

  if (!start_listening (self, &local_error))
    {
      g_clear_error (&self->start_error);
      self->start_error = g_error_copy (local_error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_START_ERROR]);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (self->start_error != NULL)
    {
      g_clear_error (&self->start_error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_START_ERROR]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  return TRUE;
}

/**
 * oms_coldchain_server_set_not_running_reason:
 * @reason: (nullable): why the server is not started here, or %NULL to clear it
 *
 * Says why nobody starts this server, when that is not a failed start: another program serves
 * the site and its cold chain server (see OmsSiteOwner). Read back as the start error, so the
 * views that replace the QR code with the reason show this one too; the next start clears it.
 */
void
oms_coldchain_server_set_not_running_reason (OmsColdchainServer *self,
                                             const GError       *reason)
{
  g_return_if_fail (OMS_IS_COLDCHAIN_SERVER (self));

  g_clear_error (&self->start_error);
  if (reason != NULL)
    self->start_error = g_error_copy (reason);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_START_ERROR]);
}

/**
 * oms_coldchain_server_get_start_error:
 *
 * Returns: (transfer none) (nullable): why the last start failed, or %NULL when it did not
 */
const GError *
oms_coldchain_server_get_start_error (OmsColdchainServer *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), NULL);

  return self->start_error;
}

/**
 * oms_coldchain_server_get_lan_addresses:
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the LAN addresses found at
 *   the last start, the default route's first
 */
const char * const *
oms_coldchain_server_get_lan_addresses (OmsColdchainServer *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), NULL);

  return (const char * const *) self->lan_addresses;
}

/**
 * oms_coldchain_server_addresses_changed:
 *
 * Returns: whether the machine's LAN addresses differ from those of the last start, so the
 *   URLs and the certificate no longer match them
 */
gboolean
oms_coldchain_server_addresses_changed (OmsColdchainServer *self)
{
  g_auto(GStrv) addresses = NULL;

  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), FALSE);

  addresses = oms_lan_address_list ();
  return self->lan_addresses == NULL ||
         !g_strv_equal ((const char * const *) addresses,
                        (const char * const *) self->lan_addresses);
}

static gboolean
start_listening (OmsColdchainServer  *self,
                 GError             **error)
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(OmsColdchainListener) listener = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GInetAddress) first = NULL;
  g_autoptr(GInetAddress) second = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *server_header = NULL;

  if (self->listen_address != NULL)
    {
      first = g_inet_address_new_from_string (self->listen_address);
      if (first == NULL)
        {
          g_set_error (error, OMS_COLDCHAIN_SERVER_ERROR, OMS_COLDCHAIN_SERVER_ERROR_LISTEN,
                       /* Translators: %s is the address that was given, e.g. “192.168.1.300”. */
                       _("“%s” is not an IP address to listen on."), self->listen_address);
          return FALSE;
        }
    }
  else
    {
      first = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
      second = g_inet_address_new_any (G_SOCKET_FAMILY_IPV6);
    }

  update_lan_addresses (self);

  if (self->use_https)
    {
      certificate = oms_coldchain_certificate_ensure (oms_store_get_data_dir (self->store),
                                                      (const char * const *) self->lan_addresses,
                                                      &local_error);
      if (certificate == NULL)
        {
          g_set_error_literal (error, OMS_COLDCHAIN_SERVER_ERROR,
                               OMS_COLDCHAIN_SERVER_ERROR_CERTIFICATE, local_error->message);
          return FALSE;
        }
    }

  /* The listener accepts the connections and does TLS; the SoupServer speaks HTTP on them. */
  server_header = g_strdup_printf ("omsync/%s ", PACKAGE_VERSION);
  server = soup_server_new ("server-header", server_header, NULL);
  /* On every path, so that no body escapes the limit. */
  soup_server_add_early_handler (server, NULL, early_handler, self, NULL);
  soup_server_add_handler (server, NULL, request_handler, self, NULL);

  listener = oms_coldchain_listener_new (server, certificate);
  if (self->max_connections > 0)
    _oms_coldchain_listener_set_limits (listener, self->max_connections, self->idle_seconds);
  if (!oms_coldchain_listener_listen (listener, first, second, self->port, &local_error))
    return listen_error (self, local_error, error);

  self->bound_port = oms_coldchain_listener_get_port (listener);
  self->server = g_steal_pointer (&server);
  self->listener = g_steal_pointer (&listener);
  g_debug ("Cold chain server listening on port %u (%s)", self->bound_port,
           self->use_https ? "https" : "http");

  return TRUE;
}

/**
 * oms_coldchain_server_stop:
 *
 * Stops listening and closes every connection. Sessions survive a restart.
 */
void
oms_coldchain_server_stop (OmsColdchainServer *self)
{
  g_return_if_fail (OMS_IS_COLDCHAIN_SERVER (self));

  if (self->server == NULL)
    return;

  oms_coldchain_listener_close (self->listener);
  g_clear_object (&self->listener);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  self->bound_port = 0;

  /* Padded failures waiting on a timeout go now; password checks in flight free themselves. */
  for (guint i = self->pending->len; i > 0; i--)
    {
      Pending *pending = g_ptr_array_index (self->pending, i - 1);

      if (pending->timeout_id != 0)
        pending_free (pending);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

gboolean
oms_coldchain_server_get_running (OmsColdchainServer *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), FALSE);

  return self->server != NULL;
}

/**
 * oms_coldchain_server_get_bound_port:
 *
 * Returns: the port the server listens on, or 0 when it is stopped
 */
guint
oms_coldchain_server_get_bound_port (OmsColdchainServer *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), 0);

  return self->bound_port;
}

static char *
make_url (OmsColdchainServer *self,
          const char         *host)
{
  return oms_coldchain_url_for_host (host, (int) self->bound_port, !self->use_https);
}

/**
 * oms_coldchain_server_dup_url:
 *
 * The URL for the QR code: the LAN address of the default route, never a loopback one.
 *
 * Returns: (transfer full) (nullable): the URL, or %NULL when the server is stopped or the
 *   machine has no LAN address
 */
char *
oms_coldchain_server_dup_url (OmsColdchainServer *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), NULL);

  if (self->server == NULL || self->lan_addresses == NULL || self->lan_addresses[0] == NULL)
    return NULL;

  return make_url (self, self->lan_addresses[0]);
}

/**
 * oms_coldchain_server_dup_urls:
 *
 * Returns: (transfer full) (array zero-terminated=1): a URL for each LAN address, the
 *   default route's first; empty when the server is stopped
 */
char **
oms_coldchain_server_dup_urls (OmsColdchainServer *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), NULL);

  if (self->server != NULL && self->lan_addresses != NULL)
    {
      for (guint i = 0; self->lan_addresses[i] != NULL; i++)
        {
          g_autofree char *url = make_url (self, self->lan_addresses[i]);

          g_strv_builder_add (builder, url);
        }
    }

  return g_strv_builder_end (builder);
}

/**
 * oms_coldchain_server_dup_loopback_url:
 *
 * Returns: (transfer full) (nullable): the URL through 127.0.0.1, for this machine only
 */
char *
oms_coldchain_server_dup_loopback_url (OmsColdchainServer *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), NULL);

  if (self->server == NULL)
    return NULL;

  return make_url (self, "127.0.0.1");
}

/**
 * oms_coldchain_server_dup_certificate_path:
 *
 * Returns: (transfer full): where the server's certificate is kept
 */
char *
oms_coldchain_server_dup_certificate_path (OmsColdchainServer *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), NULL);

  return g_build_filename (oms_store_get_data_dir (self->store), OMS_COLDCHAIN_CERTIFICATE_FILE,
                           NULL);
}

/**
 * oms_coldchain_server_get_throttle:
 *
 * Returns: (transfer none): what slows down password guessing, with its failed logins
 */
OmsColdchainThrottle *
oms_coldchain_server_get_throttle (OmsColdchainServer *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), NULL);

  return self->throttle;
}

const char *
oms_coldchain_server_get_last_device (OmsColdchainServer *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), NULL);

  return self->last_device;
}

/**
 * oms_coldchain_server_get_last_device_time:
 *
 * Returns: (transfer none) (nullable): when a phone last logged in or uploaded, in UTC
 */
GDateTime *
oms_coldchain_server_get_last_device_time (OmsColdchainServer *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), NULL);

  return self->last_device_time;
}

void
_oms_coldchain_server_set_login_failure_delay (OmsColdchainServer *self,
                                               guint               milliseconds)
{
  g_return_if_fail (OMS_IS_COLDCHAIN_SERVER (self));

  self->login_failure_delay_ms = milliseconds;
  update_attempt_seconds (self);
}

void
_oms_coldchain_server_set_body_limit (OmsColdchainServer *self,
                                      gsize               limit)
{
  g_return_if_fail (OMS_IS_COLDCHAIN_SERVER (self));

  self->body_limit = limit;
}

void
_oms_coldchain_server_set_body_budget (OmsColdchainServer *self,
                                       gsize               limit)
{
  g_return_if_fail (OMS_IS_COLDCHAIN_SERVER (self));

  self->body_budget->limit = limit;
}

gsize
_oms_coldchain_server_get_body_budget_used (OmsColdchainServer *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), 0);

  return self->body_budget->used;
}

guint
_oms_coldchain_server_get_n_connections (OmsColdchainServer *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (self), 0);

  return self->listener != NULL ? oms_coldchain_listener_get_n_connections (self->listener) : 0;
}

/* From the next start. */
void
_oms_coldchain_server_set_connection_limits (OmsColdchainServer *self,
                                             guint               max_connections,
                                             guint               idle_seconds)
{
  g_return_if_fail (OMS_IS_COLDCHAIN_SERVER (self));

  self->max_connections = max_connections;
  self->idle_seconds = idle_seconds;
}

void
_oms_coldchain_server_expire_sessions (OmsColdchainServer *self)
{
  GHashTableIter iter;
  Session *session;

  g_return_if_fail (OMS_IS_COLDCHAIN_SERVER (self));

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &session))
    session->expires = g_get_monotonic_time () - 1;
}
