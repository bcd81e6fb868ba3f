/* oms-v5-client.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-v5-client"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "oms-background.h"
#include "oms-http.h"
#include "oms-protocol-error.h"
#include "oms-v5-client.h"

/* The legacy mSupply central API (PROTOCOL.md §2). Every request carries the v5 headers
 * (pre-emptive Basic auth, msupply-site-uuid, app-version, app-name, version); GET parameters
 * go in the query string only; POST bodies are compact JSON sent with no Content-Type, as
 * Open mSupply's reqwest `.body(String)` does. Failures come back as OMS_SYNC_ERROR, mapped as
 * in PROTOCOL.md §2.4 and §5.3.
 */

struct _OmsV5Client
{
  GObject             parent_instance;

  /* owned refs */
  SoupSession        *session;

  /* plain state */
  OmsSyncApiSettings *settings;
  char              **secrets;      /* hidden from every error message */
};

G_DEFINE_FINAL_TYPE (OmsV5Client, oms_v5_client, G_TYPE_OBJECT)

typedef enum
{
  V5_CALL_SITE_INFO,
  V5_CALL_SITE_STATUS,
  V5_CALL_INITIALISE,
  V5_CALL_CENTRAL_RECORDS,
  V5_CALL_QUEUED_RECORDS,
  V5_CALL_ACKNOWLEDGE_RECORDS,
  V5_CALL_PUSH_RECORDS,
} V5Call;

typedef struct
{
  V5Call    call;
  char     *method;
  GUri     *uri;
  gboolean  want_body; /* hand a 2xx body back unparsed (see _get_central_records_body) */
  guint     status;    /* the status of that body */
  GBytes   *cut_body;  /* the part of such a body that came before it was cut */
} CallData;

static void
call_data_free (gpointer user_data)
{
  CallData *data = user_data;

  g_free (data->method);
  g_clear_pointer (&data->uri, g_uri_unref);
  g_clear_pointer (&data->cut_body, g_bytes_unref);
  g_free (data);
}

static void
oms_v5_client_finalize (GObject *object)
{
  OmsV5Client *self = OMS_V5_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->settings, oms_sync_api_settings_free);
  if (self->secrets != NULL)
    {
      for (guint i = 0; self->secrets[i] != NULL; i++)
        memset (self->secrets[i], 0, strlen (self->secrets[i]));
    }
  g_clear_pointer (&self->secrets, g_strfreev);

  G_OBJECT_CLASS (oms_v5_client_parent_class)->finalize (object);
}

static void
oms_v5_client_class_init (OmsV5ClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = oms_v5_client_finalize;
}

static void
oms_v5_client_init (OmsV5Client *self)
{
}

/* The strings no error message may contain: the Authorization value (whole, then its base64
 * token) and the password hash.
 */
static char **
dup_secrets (const OmsSyncApiSettings *settings)
{
  g_autofree char *authorization = NULL;
  GStrvBuilder *builder = g_strv_builder_new ();
  char **secrets;

  authorization = oms_v5_basic_auth_value (settings->username, settings->password_sha256);
  g_strv_builder_add (builder, authorization);
  g_strv_builder_add (builder, authorization + strlen ("Basic "));
  g_strv_builder_add (builder, settings->password_sha256);
  secrets = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  memset (authorization, 0, strlen (authorization));
  return secrets;
}

/**
 * oms_v5_client_new:
 * @settings: the sync settings: the legacy central URL, credentials and identity
 * @error: return location for an OMS_SYNC_ERROR (INVALID_URL)
 *
 * Makes a client with its own HTTP session. Any path in the configured URL is dropped from
 * the routes (PROTOCOL.md §2.1).
 *
 * Returns: (transfer full) (nullable): the client, or %NULL if the URL cannot carry routes
 */
OmsV5Client *
oms_v5_client_new (const OmsSyncApiSettings  *settings,
                   GError                   **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GUri) uri = NULL;
  OmsV5Client *self;

  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uri = oms_v5_route_uri (settings->server_url, OMS_V5_ROUTE_SITE, &local_error);
  if (uri == NULL)
    {
      g_propagate_error (error,
                         oms_sync_error_new_for_protocol_error (OMS_SYNC_ERROR_VARIANT_INVALID_URL,
                                                                local_error, 0, NULL,
                                                                _("Invalid sync settings"),
                                                                NULL));
      return NULL;
    }

  self = g_object_new (OMS_TYPE_V5_CLIENT, NULL);
  self->settings = oms_sync_api_settings_copy (settings);
  self->secrets = dup_secrets (settings);
  self->session = oms_http_session_new ();

  return self;
}

/**
 * oms_v5_client_set_idle_timeout:
 * @self: a client
 * @seconds: how long a request may go without a byte either way before it stalls
 *
 * Call before the first request (oms_http_session_set_idle_timeout()).
 */
void
oms_v5_client_set_idle_timeout (OmsV5Client *self,
                                guint        seconds)
{
  g_return_if_fail (OMS_IS_V5_CLIENT (self));

  oms_http_session_set_idle_timeout (self->session, seconds);
}

/**
 * oms_v5_client_set_monitor:
 * @self: a client
 * @monitor: (nullable): told when a request of this client waits for the server
 */
void
oms_v5_client_set_monitor (OmsV5Client    *self,
                           OmsHttpMonitor *monitor)
{
  g_return_if_fail (OMS_IS_V5_CLIENT (self));

  oms_http_session_set_monitor (self->session, monitor);
}

/**
 * oms_v5_client_get_session:
 * @self: a client
 *
 * The client's HTTP session, for a v6 client of the same run to share
 * (oms_v6_client_new_with_session()) and for its byte count (oms_http_session_get_bytes()).
 *
 * Returns: (transfer none): the session
 */
SoupSession *
oms_v5_client_get_session (OmsV5Client *self)
{
  g_return_val_if_fail (OMS_IS_V5_CLIENT (self), NULL);

  return self->session;
}

/**
 * oms_v5_client_get_settings:
 * @self: a client
 *
 * Returns: (transfer none): the settings the client was made with
 */
const OmsSyncApiSettings *
oms_v5_client_get_settings (OmsV5Client *self)
{
  g_return_val_if_fail (OMS_IS_V5_CLIENT (self), NULL);

  return self->settings;
}

static void
oms_v5_client_prepare_message (SoupMessage *message,
                               gpointer     user_data)
{
  OmsV5Client *self = user_data;

  oms_v5_apply_headers (soup_message_get_request_headers (message), self->settings);
}

static char *
call_description (CallData *data)
{
  g_autofree char *uri = g_uri_to_string_partial (data->uri, G_URI_HIDE_USERINFO |
                                                             G_URI_HIDE_PASSWORD);

  return g_strdup_printf ("%s %s", data->method, uri);
}

static GError *
oms_v5_client_error (OmsV5Client         *self,
                     CallData            *data,
                     OmsSyncErrorVariant  variant,
                     const GError        *protocol_error,
                     guint                status,
                     const char          *v5_code)
{
  g_autofree char *top = call_description (data);

  return oms_sync_error_new_for_protocol_error (variant, protocol_error, status, v5_code, top,
                                                (const char * const *) self->secrets);
}

static gpointer
parse_body (CallData  *data,
            GBytes    *body,
            GError   **error)
{
  switch (data->call)
    {
    case V5_CALL_SITE_INFO:
      return oms_v5_parse_site_info (body, error);
    case V5_CALL_SITE_STATUS:
      return oms_v5_parse_site_status (body, error);
    case V5_CALL_INITIALISE:
      return oms_v5_parse_initialise_response (body, error);
    case V5_CALL_CENTRAL_RECORDS:
      return oms_v5_parse_central_records (body, error);
    case V5_CALL_QUEUED_RECORDS:
      return oms_v5_parse_queued_records (body, error);
    case V5_CALL_ACKNOWLEDGE_RECORDS:
    case V5_CALL_PUSH_RECORDS:
    default:
      g_assert_not_reached ();
    }
}

static GDestroyNotify
result_free_func (V5Call call)
{
  switch (call)
    {
    case V5_CALL_SITE_INFO:
      return (GDestroyNotify) oms_v5_site_info_free;
    case V5_CALL_SITE_STATUS:
      return (GDestroyNotify) oms_v5_site_status_free;
    case V5_CALL_INITIALISE:
    case V5_CALL_QUEUED_RECORDS:
      return (GDestroyNotify) oms_v5_remote_batch_free;
    case V5_CALL_CENTRAL_RECORDS:
      return (GDestroyNotify) oms_v5_central_batch_free;
    case V5_CALL_ACKNOWLEDGE_RECORDS:
    case V5_CALL_PUSH_RECORDS:
    default:
      g_assert_not_reached ();
    }
}

typedef struct
{
  V5Call  call;
  GBytes *body;
  guint   status;
} ParseData;

static void
parse_data_free (gpointer user_data)
{
  ParseData *data = user_data;

  g_bytes_unref (data->body);
  g_free (data);
}

static void
parse_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ParseData *data = task_data;
  CallData call = { data->call, NULL, NULL };
  GError *error = NULL;
  gpointer parsed;

  oms_background_thread_enter ();

  parsed = parse_body (&call, data->body, &error);
  if (parsed == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, parsed, result_free_func (data->call));
}

static void
parse_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OmsV5Client *self = g_task_get_source_object (task);
  CallData *data = g_task_get_task_data (task);
  ParseData *parse_data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gpointer parsed;

  parsed = g_task_propagate_pointer (G_TASK (result), &error);
  if (parsed == NULL)
    g_task_return_error (task,
                         oms_v5_client_error (self, data, OMS_SYNC_ERROR_VARIANT_UNKNOWN,
                                              error, parse_data->status, NULL));
  else
    g_task_return_pointer (task, parsed, result_free_func (data->call));
}

/* Parses a 2xx body in a worker thread, then finishes @task on its own context. */
static void
parse_in_thread (GTask  *task,
                 GBytes *body,
                 guint   status)
{
  CallData *data = g_task_get_task_data (task);
  g_autoptr(GTask) parse_task = NULL;
  ParseData *parse_data;

  parse_task = g_task_new (NULL, NULL, parse_done_cb, task);
  g_task_set_source_tag (parse_task, parse_in_thread);
  parse_data = g_new0 (ParseData, 1);
  parse_data->call = data->call;
  parse_data->body = g_bytes_ref (body);
  parse_data->status = status;
  g_task_set_task_data (parse_task, parse_data, parse_data_free);
  g_task_run_in_thread (parse_task, parse_thread);
}

static void
oms_v5_client_send_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OmsV5Client *self = g_task_get_source_object (task);
  CallData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  gint64 retry_after = 0;
  guint status = 0;

  body = oms_http_send_finish_full (SOUP_SESSION (object), result, &status, &retry_after,
                                    &error);

  /* Whatever the status, nothing reads a body that did not pass the gate. */
  if (body != NULL && !oms_http_check_json_body (body, data->uri, &error))
    g_clear_pointer (&body, g_bytes_unref);

  if (body == NULL)
    {
      OmsSyncErrorVariant variant;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      if (data->want_body)
        data->cut_body = oms_http_send_steal_cut_body (result);

      /* Connect failures and stalls have their own variant; the rest is UNKNOWN. */
      variant = oms_sync_error_variant_from_protocol_error (error, NULL);
      g_task_return_error (task, oms_v5_client_error (self, data, variant, error, status, NULL));
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autoptr(OmsV5Error) error_body = NULL;
      g_autoptr(GError) status_error = NULL;
      const char *code;

      status_error = oms_v5_error_new_for_status (status, body, &error_body);
      code = error_body != NULL ? error_body->code : NULL;
      if (retry_after > 0)
        {
          g_autoptr(OmsSyncErrorInfo) info = oms_sync_error_info_new (OMS_SYNC_ERROR_REASON_NONE);

          /* The reason follows from the status (oms_sync_error_new_for_protocol_error()). */
          info->retry_after = retry_after;
          oms_protocol_error_set_info (status_error, info);
        }
      g_debug ("%s %s answered %u (%s)", data->method, g_uri_get_path (data->uri), status,
               code != NULL ? code : "no error code");
      g_task_return_error (task,
                           oms_v5_client_error (self, data,
                                                oms_sync_error_variant_from_v5_code (code),
                                                status_error, status, code));
      return;
    }

  if (data->want_body)
    {
      data->status = status;
      g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
      return;
    }

  switch (data->call)
    {
    case V5_CALL_ACKNOWLEDGE_RECORDS:
      /* Any 2xx: the body is ignored. */
      g_task_return_boolean (task, TRUE);
      break;

    case V5_CALL_PUSH_RECORDS:
      {
        gboolean integration_started = FALSE;

        if (!oms_v5_parse_push_response (body, &integration_started, &error))
          g_task_return_error (task,
                               oms_v5_client_error (self, data, OMS_SYNC_ERROR_VARIANT_UNKNOWN,
                                                    error, status, NULL));
        else
          g_task_return_int (task, integration_started ? 1 : 0);
      }
      break;

    case V5_CALL_INITIALISE:
    case V5_CALL_CENTRAL_RECORDS:
    case V5_CALL_QUEUED_RECORDS:
      /* A batch of records takes tens of milliseconds to parse: not on the main loop. */
      parse_in_thread (g_steal_pointer (&task), body, status);
      break;

    case V5_CALL_SITE_INFO:
    case V5_CALL_SITE_STATUS:
    default:
      {
        gpointer parsed = parse_body (data, body, &error);

        if (parsed == NULL)
          g_task_return_error (task,
                               oms_v5_client_error (self, data, OMS_SYNC_ERROR_VARIANT_UNKNOWN,
                                                    error, status, NULL));
        else
          g_task_return_pointer (task, parsed, result_free_func (data->call));
      }
      break;
    }
}

/* A task for one call, its CallData set; NULL with @task failed when @route cannot join. */
static CallData *
oms_v5_client_new_call (OmsV5Client *self,
                        GTask       *task,
                        V5Call       call,
                        const char  *method,
                        const char  *route)
{
  g_autoptr(GError) error = NULL;
  CallData *data;

  data = g_new0 (CallData, 1);
  data->call = call;
  data->method = g_strdup (method);
  data->uri = oms_v5_route_uri (self->settings->server_url, route, &error);
  g_task_set_task_data (task, data, call_data_free);

  if (data->uri == NULL)
    {
      /* The URL was checked in oms_v5_client_new(); only a route could fail to join. */
      g_task_return_error (task,
                           oms_sync_error_new_for_protocol_error (
                             OMS_SYNC_ERROR_VARIANT_INVALID_URL, error, 0, NULL, route, NULL));
      return NULL;
    }

  return data;
}

/* Starts one call; @route may carry a query string. */
static void
oms_v5_client_call_full (OmsV5Client         *self,
                         V5Call               call,
                         const char          *method,
                         const char          *route,
                         GBytes              *body,
                         gboolean             want_body,
                         gpointer             source_tag,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CallData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  data = oms_v5_client_new_call (self, task, call, method, route);
  if (data == NULL)
    return;
  data->want_body = want_body;

  g_debug ("%s %s", method, route);
  oms_http_send_async (self->session, method, data->uri, NULL, body,
                       oms_v5_client_prepare_message, g_object_ref (self), g_object_unref,
                       cancellable, oms_v5_client_send_cb, g_steal_pointer (&task));
}

static void
oms_v5_client_call (OmsV5Client         *self,
                    V5Call               call,
                    const char          *method,
                    const char          *route,
                    GBytes              *body,
                    gpointer             source_tag,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  oms_v5_client_call_full (self, call, method, route, body, FALSE, source_tag, cancellable,
                           callback, user_data);
}

static gpointer
oms_v5_client_propagate (OmsV5Client   *self,
                         GAsyncResult  *result,
                         gpointer       source_tag,
                         GError       **error)
{
  g_return_val_if_fail (OMS_IS_V5_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * oms_v5_client_get_site_info_async:
 * @self: a client
 * @cancellable: (nullable): a cancellable
 * @callback: called when the call is over
 * @user_data: data for @callback
 *
 * `GET /sync/v5/site`: who this site is and where OMS central is.
 */
void
oms_v5_client_get_site_info_async (OmsV5Client         *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (OMS_IS_V5_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  oms_v5_client_call (self, V5_CALL_SITE_INFO, SOUP_METHOD_GET, OMS_V5_ROUTE_SITE, NULL,
                      oms_v5_client_get_site_info_async, cancellable, callback, user_data);
}

/**
 * oms_v5_client_get_site_info_finish:
 * @self: a client
 * @result: the result
 * @error: return location for an OMS_SYNC_ERROR or G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): the site info
 */
OmsV5SiteInfo *
oms_v5_client_get_site_info_finish (OmsV5Client   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return oms_v5_client_propagate (self, result, oms_v5_client_get_site_info_async, error);
}

/**
 * oms_v5_client_get_site_status_async:
 * @self: a client
 * @cancellable: (nullable): a cancellable
 * @callback: called when the call is over
 * @user_data: data for @callback
 *
 * `GET /sync/v5/site_status`: whether the legacy central is still integrating.
 */
void
oms_v5_client_get_site_status_async (OmsV5Client         *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (OMS_IS_V5_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  oms_v5_client_call (self, V5_CALL_SITE_STATUS, SOUP_METHOD_GET, OMS_V5_ROUTE_SITE_STATUS,
                      NULL, oms_v5_client_get_site_status_async, cancellable, callback,
                      user_data);
}

/**
 * oms_v5_client_get_site_status_finish:
 * @self: a client
 * @result: the result
 * @error: return location for an OMS_SYNC_ERROR or G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): the site status
 */
OmsV5SiteStatus *
oms_v5_client_get_site_status_finish (OmsV5Client   *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return oms_v5_client_propagate (self, result, oms_v5_client_get_site_status_async, error);
}

/**
 * oms_v5_client_initialise_async:
 * @self: a client
 * @cancellable: (nullable): a cancellable
 * @callback: called when the call is over
 * @user_data: data for @callback
 *
 * `POST /sync/v5/initialise` with `{}`: asks the legacy central to queue this site's data.
 * The call is long and often drops; oms_sync_error_get_protocol_error() tells a dropped call
 * (CONNECTION or TRANSPORT) from an answer the server gave (PROTOCOL.md §1).
 */
void
oms_v5_client_initialise_async (OmsV5Client         *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (OMS_IS_V5_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  body = oms_v5_build_initialise_body ();
  oms_v5_client_call (self, V5_CALL_INITIALISE, SOUP_METHOD_POST, OMS_V5_ROUTE_INITIALISE, body,
                      oms_v5_client_initialise_async, cancellable, callback, user_data);
}

/**
 * oms_v5_client_initialise_finish:
 * @self: a client
 * @result: the result
 * @error: return location for an OMS_SYNC_ERROR or G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): the answer: `queueLength` and any records
 */
OmsV5RemoteBatch *
oms_v5_client_initialise_finish (OmsV5Client   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return oms_v5_client_propagate (self, result, oms_v5_client_initialise_async, error);
}

static char *
central_records_route (gint64 cursor,
                       guint  limit)
{
  return g_strdup_printf ("%s?cursor=%" G_GINT64_FORMAT "&limit=%u",
                          OMS_V5_ROUTE_CENTRAL_RECORDS, cursor, limit);
}

/**
 * oms_v5_client_get_central_records_async:
 * @self: a client
 * @cursor: the `ID` of the last central record received (0 at first)
 * @limit: the batch size
 * @cancellable: (nullable): a cancellable
 * @callback: called when the call is over
 * @user_data: data for @callback
 *
 * `GET /sync/v5/central_records?cursor=&limit=` (PROTOCOL.md §2.3).
 */
void
oms_v5_client_get_central_records_async (OmsV5Client         *self,
                                         gint64               cursor,
                                         guint                limit,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autofree char *route = NULL;

  g_return_if_fail (OMS_IS_V5_CLIENT (self));
  g_return_if_fail (cursor >= 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  route = central_records_route (cursor, limit);
  oms_v5_client_call (self, V5_CALL_CENTRAL_RECORDS, SOUP_METHOD_GET, route, NULL,
                      oms_v5_client_get_central_records_async, cancellable, callback,
                      user_data);
}

/**
 * oms_v5_client_get_central_records_finish:
 * @self: a client
 * @result: the result
 * @error: return location for an OMS_SYNC_ERROR or G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): the batch
 */
OmsV5CentralBatch *
oms_v5_client_get_central_records_finish (OmsV5Client   *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  return oms_v5_client_propagate (self, result, oms_v5_client_get_central_records_async, error);
}


/**
 * oms_v5_client_get_central_records_body_async:
 * @self: a client
 * @cursor: the `ID` of the last central record received (0 at first)
 * @limit: the batch size
 * @cancellable: (nullable): a cancellable
 * @callback: called when the call is over
 * @user_data: data for @callback
 *
 * Like oms_v5_client_get_central_records_async(), but a 2xx answer comes back as its body,
 * unparsed, for a caller that can store it without parsing it in C
 * (oms_sync_buffer_store_body()). Every other outcome is the same error. A body the caller
 * cannot take goes to oms_v5_client_parse_central_records_async().
 */
void
oms_v5_client_get_central_records_body_async (OmsV5Client         *self,
                                              gint64               cursor,
                                              guint                limit,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_autofree char *route = NULL;

  g_return_if_fail (OMS_IS_V5_CLIENT (self));
  g_return_if_fail (cursor >= 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  route = central_records_route (cursor, limit);
  oms_v5_client_call_full (self, V5_CALL_CENTRAL_RECORDS, SOUP_METHOD_GET, route, NULL, TRUE,
                           oms_v5_client_get_central_records_body_async, cancellable, callback,
                           user_data);
}

/**
 * oms_v5_client_get_central_records_body_finish:
 * @self: a client
 * @result: the result
 * @status: (out): the HTTP status of the body
 * @error: return location for an OMS_SYNC_ERROR or G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): the body of a 2xx answer
 */
GBytes *
oms_v5_client_get_central_records_body_finish (OmsV5Client   *self,
                                               GAsyncResult  *result,
                                               guint         *status,
                                               GError       **error)
{
  GBytes *body;

  g_return_val_if_fail (status != NULL, NULL);

  body = oms_v5_client_propagate (self, result, oms_v5_client_get_central_records_body_async,
                                  error);
  *status = body != NULL ? ((CallData *) g_task_get_task_data (G_TASK (result)))->status : 0;
  return body;
}

/**
 * oms_v5_client_parse_central_records_async:
 * @self: a client
 * @body: a body from oms_v5_client_get_central_records_body_finish()
 * @status: its HTTP status
 * @cursor: the cursor it was asked for with
 * @limit: the batch size it was asked for with
 * @cancellable: (nullable): a cancellable
 * @callback: called when the body is parsed
 * @user_data: data for @callback
 *
 * Parses @body in a worker thread; finish with
 * oms_v5_client_get_central_records_finish(), which gives the batch or the error that
 * oms_v5_client_get_central_records_async() would have given for the same answer.
 */
void
oms_v5_client_parse_central_records_async (OmsV5Client         *self,
                                           GBytes              *body,
                                           guint                status,
                                           gint64               cursor,
                                           guint                limit,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *route = NULL;

  g_return_if_fail (OMS_IS_V5_CLIENT (self));
  g_return_if_fail (body != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_v5_client_get_central_records_async);

  route = central_records_route (cursor, limit);
  if (oms_v5_client_new_call (self, task, V5_CALL_CENTRAL_RECORDS, SOUP_METHOD_GET,
                              route) == NULL)
    return;

  parse_in_thread (g_steal_pointer (&task), body, status);
}

/**
 * oms_v5_client_get_queued_records_async:
 * @self: a client
 * @limit: the batch size
 * @cancellable: (nullable): a cancellable
 * @callback: called when the call is over
 * @user_data: data for @callback
 *
 * `GET /sync/v5/queued_records?limit=`: the next records the legacy central queued for this
 * site. They come again until acknowledged.
 */
void
oms_v5_client_get_queued_records_async (OmsV5Client         *self,
                                        guint                limit,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autofree char *route = NULL;

  g_return_if_fail (OMS_IS_V5_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  route = g_strdup_printf ("%s?limit=%u", OMS_V5_ROUTE_QUEUED_RECORDS, limit);
  oms_v5_client_call (self, V5_CALL_QUEUED_RECORDS, SOUP_METHOD_GET, route, NULL,
                      oms_v5_client_get_queued_records_async, cancellable, callback, user_data);
}

/**
 * oms_v5_client_get_queued_records_finish:
 * @self: a client
 * @result: the result
 * @error: return location for an OMS_SYNC_ERROR or G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): the batch
 */
OmsV5RemoteBatch *
oms_v5_client_get_queued_records_finish (OmsV5Client   *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return oms_v5_client_propagate (self, result, oms_v5_client_get_queued_records_async, error);
}

/**
 * oms_v5_client_acknowledge_records_async:
 * @self: a client
 * @sync_ids: (array zero-terminated=1): the `syncOutId` of every record of the batch, once
 *   the batch is stored
 * @cancellable: (nullable): a cancellable
 * @callback: called when the call is over
 * @user_data: data for @callback
 *
 * `POST /sync/v5/acknowledged_records` with `{"syncIDs":[...]}`.
 */
void
oms_v5_client_acknowledge_records_async (OmsV5Client         *self,
                                         const char * const  *sync_ids,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (OMS_IS_V5_CLIENT (self));
  g_return_if_fail (sync_ids != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  body = oms_v5_build_acknowledge_body (sync_ids);
  oms_v5_client_call (self, V5_CALL_ACKNOWLEDGE_RECORDS, SOUP_METHOD_POST,
                      OMS_V5_ROUTE_ACKNOWLEDGED_RECORDS, body,
                      oms_v5_client_acknowledge_records_async, cancellable, callback,
                      user_data);
}

/**
 * oms_v5_client_acknowledge_records_finish:
 * @self: a client
 * @result: the result
 * @error: return location for an OMS_SYNC_ERROR or G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE if the server answered with any 2xx status
 */
gboolean
oms_v5_client_acknowledge_records_finish (OmsV5Client   *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (OMS_IS_V5_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        oms_v5_client_acknowledge_records_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * oms_v5_client_push_records_async:
 * @self: a client
 * @queue_length: the records left to push, this batch included
 * @records: (element-type OmsSyncRecord): the batch, each with its `sync_id`; empty with
 *   @queue_length 0 to ask the server to integrate
 * @cancellable: (nullable): a cancellable
 * @callback: called when the call is over
 * @user_data: data for @callback
 *
 * `POST /sync/v5/queued_records` with `{"queueLength":n,"data":[...]}` (PROTOCOL.md §2.3).
 * A batch that cannot be serialised fails at once with UNKNOWN.
 */
void
oms_v5_client_push_records_async (OmsV5Client         *self,
                                  gint64               queue_length,
                                  GPtrArray           *records,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (OMS_IS_V5_CLIENT (self));
  g_return_if_fail (queue_length >= 0);
  g_return_if_fail (records != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  body = oms_v5_build_push_body (queue_length, records, &error);
  if (body == NULL)
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, oms_v5_client_push_records_async);
      g_task_return_error (task,
                           oms_sync_error_new_for_protocol_error (
                             OMS_SYNC_ERROR_VARIANT_UNKNOWN, error, 0, NULL,
                             "POST " OMS_V5_ROUTE_QUEUED_RECORDS,
                             (const char * const *) self->secrets));
      return;
    }

  oms_v5_client_call (self, V5_CALL_PUSH_RECORDS, SOUP_METHOD_POST, OMS_V5_ROUTE_QUEUED_RECORDS,
                      body, oms_v5_client_push_records_async, cancellable, callback, user_data);
}

/**
 * oms_v5_client_push_records_finish:
 * @self: a client
 * @result: the result
 * @integration_started: (out) (optional): the answer's `integrationStarted`
 * @error: return location for an OMS_SYNC_ERROR or G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE if the server took the batch
 */
gboolean
oms_v5_client_push_records_finish (OmsV5Client   *self,
                                   GAsyncResult  *result,
                                   gboolean      *integration_started,
                                   GError       **error)
{
  gssize value;

  g_return_val_if_fail (OMS_IS_V5_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        oms_v5_client_push_records_async, FALSE);

  if (integration_started != NULL)
    *integration_started = FALSE;

  value = g_task_propagate_int (G_TASK (result), error);
  if (value < 0)
    return FALSE;

  if (integration_started != NULL)
    *integration_started = value == 1;

  return TRUE;
}

/**
 * oms_v5_client_steal_cut_body:
 * @self: a client
 * @result: the result given to oms_v5_client_get_central_records_body_finish(), after it failed
 *
 * The answer was 2xx but its body was cut short (the line dropped, a stall): the decoded part
 * of the body that came, whose whole records the caller may keep (oms_pulled_body_scan_cut()).
 *
 * Returns: (transfer full) (nullable): that part, or %NULL
 */
GBytes *
oms_v5_client_steal_cut_body (OmsV5Client     *self,
                              GAsyncResult  *result)
{
  CallData *data;

  g_return_val_if_fail (OMS_IS_V5_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == oms_v5_client_get_central_records_body_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  return g_steal_pointer (&data->cut_body);
}
