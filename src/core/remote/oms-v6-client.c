/* oms-v6-client.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-v6-client"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "oms-background.h"
#include "oms-concat-input-stream.h"
#include "oms-http.h"
#include "oms-protocol-error.h"
#include "oms-v6-client.h"

/* The Open mSupply central API (PROTOCOL.md §3). Every call is a POST of JSON with
 * `Content-Type: application/json`; the credentials travel in the body (`syncV5Settings`),
 * there is no auth header. Whatever the HTTP status, the answer must be the
 * `{"data":...}`/`{"error":...}` envelope: a body that is not (e.g. the 405 text of a server
 * that is not central) is UNKNOWN. Server errors map as in PROTOCOL.md §5.3: a version
 * mismatch is V6_API_VERSION_INCOMPATIBLE, a legacyServerError goes by its v5 code, the rest
 * is UNKNOWN; connect failures are CONNECTION_ERROR.
 */

#define JSON_CONTENT_TYPE "application/json"

struct _OmsV6Client
{
  GObject             parent_instance;

  /* owned refs */
  SoupSession        *session;

  /* plain state */
  char               *central_url;
  OmsSyncApiSettings *settings;
  char              **secrets;      /* hidden from every error message */
};

G_DEFINE_FINAL_TYPE (OmsV6Client, oms_v6_client, G_TYPE_OBJECT)

typedef enum
{
  V6_CALL_PULL,
  V6_CALL_PATIENT_PULL,
  V6_CALL_PUSH,
  V6_CALL_SITE_STATUS,
} V6Call;

typedef struct
{
  V6Call    call;
  GUri     *uri;
  gboolean  want_body; /* hand a pull's body back unparsed (see oms_v6_client_pull_body_async) */
  guint     status;    /* the status of that body */
  GBytes   *cut_body;  /* the part of such a body that came before it was cut */
} CallData;

static void
call_data_free (gpointer user_data)
{
  CallData *data = user_data;

  g_clear_pointer (&data->uri, g_uri_unref);
  g_clear_pointer (&data->cut_body, g_bytes_unref);
  g_free (data);
}

static void
oms_v6_client_finalize (GObject *object)
{
  OmsV6Client *self = OMS_V6_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->central_url, g_free);
  g_clear_pointer (&self->settings, oms_sync_api_settings_free);
  if (self->secrets != NULL)
    {
      for (guint i = 0; self->secrets[i] != NULL; i++)
        memset (self->secrets[i], 0, strlen (self->secrets[i]));
    }
  g_clear_pointer (&self->secrets, g_strfreev);

  G_OBJECT_CLASS (oms_v6_client_parent_class)->finalize (object);
}

static void
oms_v6_client_class_init (OmsV6ClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = oms_v6_client_finalize;
}

static void
oms_v6_client_init (OmsV6Client *self)
{
}

/**
 * oms_v6_client_new:
 * @central_url: the site info's `omSupplyCentralServerUrl`
 * @settings: the sync settings, sent as `syncV5Settings` with every call
 * @error: return location for an OMS_SYNC_ERROR (CENTRAL_V6_NOT_CONFIGURED)
 *
 * Routes are `<central_url>/central/sync/<route>` joined as Open mSupply's `Url::join`
 * (PROTOCOL.md §3.1). An empty or unparsable @central_url fails, as it fails every run of
 * Open mSupply (PROTOCOL.md §1 step 5). The client has an HTTP session of its own.
 *
 * Returns: (transfer full) (nullable): the client
 */
OmsV6Client *
oms_v6_client_new (const char                *central_url,
                   const OmsSyncApiSettings  *settings,
                   GError                   **error)
{
  return oms_v6_client_new_with_session (central_url, settings, NULL, error);
}

/**
 * oms_v6_client_new_with_session:
 * @central_url: the site info's `omSupplyCentralServerUrl`
 * @settings: the sync settings, sent as `syncV5Settings` with every call
 * @session: (nullable): an HTTP session from oms_http_session_new() to share, e.g. the
 *   legacy client's (oms_v5_client_get_session()), or %NULL for one of its own
 * @error: return location for an OMS_SYNC_ERROR (CENTRAL_V6_NOT_CONFIGURED)
 *
 * As oms_v6_client_new(). Sharing the legacy client's session lets a run that finds both
 * centrals on one host keep one connection for both APIs; its idle timeout, monitor and byte
 * count are then shared too.
 *
 * Returns: (transfer full) (nullable): the client
 */
OmsV6Client *
oms_v6_client_new_with_session (const char                *central_url,
                                const OmsSyncApiSettings  *settings,
                                SoupSession               *session,
                                GError                   **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GUri) uri = NULL;
  OmsV6Client *self;

  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uri = oms_v6_route_uri (central_url, OMS_V6_ROUTE_PULL, &local_error);
  if (uri == NULL)
    {
      g_propagate_error (error,
                         oms_sync_error_new_for_protocol_error (
                           OMS_SYNC_ERROR_VARIANT_CENTRAL_V6_NOT_CONFIGURED, local_error, 0,
                           NULL, _("Open mSupply central server URL"), NULL));
      return NULL;
    }

  self = g_object_new (OMS_TYPE_V6_CLIENT, NULL);
  self->central_url = g_strdup (central_url);
  self->settings = oms_sync_api_settings_copy (settings);
  self->secrets = g_new0 (char *, 2);
  self->secrets[0] = g_strdup (settings->password_sha256);
  self->session = session != NULL ? g_object_ref (session) : oms_http_session_new ();

  return self;
}

/**
 * oms_v6_client_set_idle_timeout:
 * @self: a client
 * @seconds: how long a request may go without a byte either way before it stalls
 *
 * Call before the first request (oms_http_session_set_idle_timeout()).
 */
void
oms_v6_client_set_idle_timeout (OmsV6Client *self,
                                guint        seconds)
{
  g_return_if_fail (OMS_IS_V6_CLIENT (self));

  oms_http_session_set_idle_timeout (self->session, seconds);
}

/**
 * oms_v6_client_set_monitor:
 * @self: a client
 * @monitor: (nullable): told when a request of this client waits for the server
 */
void
oms_v6_client_set_monitor (OmsV6Client    *self,
                           OmsHttpMonitor *monitor)
{
  g_return_if_fail (OMS_IS_V6_CLIENT (self));

  oms_http_session_set_monitor (self->session, monitor);
}

static char *
call_description (CallData *data,
                  guint     status)
{
  g_autofree char *uri = g_uri_to_string_partial (data->uri, G_URI_HIDE_USERINFO |
                                                             G_URI_HIDE_PASSWORD);

  if (status == 0)
    return g_strdup_printf ("POST %s", uri);

  return g_strdup_printf ("POST %s (%u %s)", uri, status, soup_status_get_phrase (status));
}

static GError *
oms_v6_client_error (OmsV6Client         *self,
                     CallData            *data,
                     OmsSyncErrorVariant  variant,
                     const GError        *protocol_error,
                     guint                status,
                     const char          *v5_code)
{
  g_autofree char *top = call_description (data, status);

  return oms_sync_error_new_for_protocol_error (variant, protocol_error, status, v5_code, top,
                                                (const char * const *) self->secrets);
}

/* Maps a failed envelope to the run's error: the server's own error, or UNKNOWN. */
static void
return_parse_error (GTask            *task,
                    OmsV6ServerError *server_error,
                    GError           *error,
                    guint             status)
{
  OmsV6Client *self = g_task_get_source_object (task);
  CallData *data = g_task_get_task_data (task);
  OmsSyncErrorVariant variant = OMS_SYNC_ERROR_VARIANT_UNKNOWN;
  const char *v5_code = NULL;

  if (server_error != NULL)
    {
      variant = oms_v6_server_error_get_variant (server_error);
      if (server_error->legacy != NULL)
        v5_code = server_error->legacy->code;
    }

  g_debug ("POST %s answered %u: %s", g_uri_get_path (data->uri), status, error->message);
  g_task_return_error (task, oms_v6_client_error (self, data, variant, error, status, v5_code));
}

typedef struct
{
  GBytes           *body;
  guint             status;
  OmsV6Batch       *batch;
  OmsV6ServerError *server_error;
  GError           *error;
} PullParse;

static void
pull_parse_free (gpointer user_data)
{
  PullParse *parse = user_data;

  g_bytes_unref (parse->body);
  g_clear_pointer (&parse->batch, oms_v6_batch_free);
  g_clear_pointer (&parse->server_error, oms_v6_server_error_free);
  g_clear_error (&parse->error);
  g_free (parse);
}

static void
pull_parse_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  PullParse *parse = task_data;

  oms_background_thread_enter ();
  parse->batch = oms_v6_parse_pull_response (parse->body, &parse->server_error, &parse->error);
  g_task_return_boolean (task, TRUE);
}

static void
pull_parse_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PullParse *parse = g_task_get_task_data (G_TASK (result));

  if (parse->batch == NULL)
    {
      return_parse_error (task, parse->server_error, parse->error, parse->status);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&parse->batch),
                         (GDestroyNotify) oms_v6_batch_free);
}

/* Parses a pulled batch in a worker thread, then finishes @task on its own context. */
static void
parse_pull_in_thread (GTask  *task,
                      GBytes *body,
                      guint   status)
{
  g_autoptr(GTask) parse_task = g_task_new (NULL, NULL, pull_parse_done_cb, task);
  PullParse *parse = g_new0 (PullParse, 1);

  g_task_set_source_tag (parse_task, parse_pull_in_thread);
  parse->body = g_bytes_ref (body);
  parse->status = status;
  g_task_set_task_data (parse_task, parse, pull_parse_free);
  g_task_run_in_thread (parse_task, pull_parse_thread);
}

static void
oms_v6_client_send_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OmsV6Client *self = g_task_get_source_object (task);
  CallData *data = g_task_get_task_data (task);
  g_autoptr(OmsV6ServerError) server_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  OmsSyncErrorVariant variant;
  gboolean is_integrating = FALSE;
  gint64 records_pushed = 0;
  gboolean ok = FALSE;
  guint status = 0;

  body = oms_http_send_finish (SOUP_SESSION (object), result, &status, &error);

  /* Whatever the status, nothing reads a body that did not pass the gate. */
  if (body != NULL && !oms_http_check_json_body (body, data->uri, &error))
    g_clear_pointer (&body, g_bytes_unref);

  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      if (data->want_body)
        data->cut_body = oms_http_send_steal_cut_body (result);

      variant = oms_sync_error_variant_from_protocol_error (error, NULL);
      g_task_return_error (task, oms_v6_client_error (self, data, variant, error, status, NULL));
      return;
    }

  /* The status is not looked at: only the envelope counts. */
  switch (data->call)
    {
    case V6_CALL_PULL:
    case V6_CALL_PATIENT_PULL:
      if (data->want_body)
        {
          data->status = status;
          g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
          return;
        }
      /* A batch of records takes tens of milliseconds to parse: not on the main loop. */
      parse_pull_in_thread (g_steal_pointer (&task), body, status);
      return;
    case V6_CALL_PUSH:
      ok = oms_v6_parse_push_response (body, &records_pushed, &server_error, &error);
      break;
    case V6_CALL_SITE_STATUS:
      ok = oms_v6_parse_site_status_response (body, &is_integrating, &server_error, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    {
      return_parse_error (task, server_error, error, status);
      return;
    }

  switch (data->call)
    {
    case V6_CALL_PUSH:
      g_task_return_int (task, (gssize) records_pushed);
      break;
    case V6_CALL_SITE_STATUS:
      g_task_return_int (task, is_integrating ? 1 : 0);
      break;
    case V6_CALL_PULL:
    case V6_CALL_PATIENT_PULL:
    default:
      g_assert_not_reached ();
    }
}

/* Sets @task's CallData; NULL with @task failed when @route cannot join. */
static CallData *
oms_v6_client_new_call (OmsV6Client *self,
                        GTask       *task,
                        V6Call       call,
                        const char  *route)
{
  g_autoptr(GError) error = NULL;
  CallData *data;

  data = g_new0 (CallData, 1);
  data->call = call;
  data->uri = oms_v6_route_uri (self->central_url, route, &error);
  g_task_set_task_data (task, data, call_data_free);

  if (data->uri == NULL)
    {
      /* The URL was checked in oms_v6_client_new(); only a route could fail to join. */
      g_task_return_error (task,
                           oms_sync_error_new_for_protocol_error (
                             OMS_SYNC_ERROR_VARIANT_CENTRAL_V6_NOT_CONFIGURED, error, 0, NULL,
                             route, NULL));
      return NULL;
    }

  return data;
}

/* Sends @body to @route; takes over @task's reference. */
static void
oms_v6_client_call_full (OmsV6Client *self,
                         GTask       *task,
                         V6Call       call,
                         const char  *route,
                         GBytes      *body,
                         gboolean     want_body)
{
  CallData *data = oms_v6_client_new_call (self, task, call, route);

  if (data == NULL)
    {
      g_object_unref (task);
      return;
    }
  data->want_body = want_body;

  g_debug ("POST %s", g_uri_get_path (data->uri));
  oms_http_send_async (self->session, SOUP_METHOD_POST, data->uri, JSON_CONTENT_TYPE, body,
                       NULL, NULL, NULL, g_task_get_cancellable (task), oms_v6_client_send_cb,
                       task);
}

static void
oms_v6_client_call (OmsV6Client *self,
                    GTask       *task,
                    V6Call       call,
                    const char  *route,
                    GBytes      *body)
{
  oms_v6_client_call_full (self, task, call, route, body, FALSE);
}

/**
 * oms_v6_client_pull_async:
 * @self: a client
 * @cursor: the next changelog cursor to fetch (inclusive)
 * @batch_size: the batch size
 * @is_initialised: whether the site finished a sync run; when %FALSE the server also
 *   returns the records that came from this site
 * @cancellable: (nullable): a cancellable
 * @callback: called when the call is over
 * @user_data: data for @callback
 *
 * `POST /central/sync/pull` (PROTOCOL.md §3.3).
 */
void
oms_v6_client_pull_async (OmsV6Client         *self,
                          gint64               cursor,
                          guint                batch_size,
                          gboolean             is_initialised,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (OMS_IS_V6_CLIENT (self));
  g_return_if_fail (cursor >= 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_v6_client_pull_async);

  body = oms_v6_build_pull_body (self->settings, cursor, batch_size, is_initialised);
  oms_v6_client_call (self, g_steal_pointer (&task), V6_CALL_PULL, OMS_V6_ROUTE_PULL, body);
}

/**
 * oms_v6_client_pull_finish:
 * @self: a client
 * @result: the result
 * @error: return location for an OMS_SYNC_ERROR or G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): the batch
 */
OmsV6Batch *
oms_v6_client_pull_finish (OmsV6Client   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (OMS_IS_V6_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == oms_v6_client_pull_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * oms_v6_client_pull_body_async:
 * @self: a client
 * @cursor: the next changelog cursor to fetch (inclusive)
 * @batch_size: the batch size
 * @is_initialised: as for oms_v6_client_pull_async()
 * @cancellable: (nullable): a cancellable
 * @callback: called when the call is over
 * @user_data: data for @callback
 *
 * Like oms_v6_client_pull_async(), but the answer comes back as its body, whatever its
 * status, for a caller that can store it without parsing it in C (oms_sync_buffer_store_body()).
 * A body the caller cannot take goes to oms_v6_client_parse_pull_async(), which gives the
 * batch or the error.
 */
void
oms_v6_client_pull_body_async (OmsV6Client         *self,
                               gint64               cursor,
                               guint                batch_size,
                               gboolean             is_initialised,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (OMS_IS_V6_CLIENT (self));
  g_return_if_fail (cursor >= 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_v6_client_pull_body_async);

  body = oms_v6_build_pull_body (self->settings, cursor, batch_size, is_initialised);
  oms_v6_client_call_full (self, g_steal_pointer (&task), V6_CALL_PULL, OMS_V6_ROUTE_PULL, body,
                           TRUE);
}

/**
 * oms_v6_client_pull_body_finish:
 * @self: a client
 * @result: the result
 * @status: (out): the HTTP status of the body
 * @error: return location for an OMS_SYNC_ERROR or G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): the body
 */
GBytes *
oms_v6_client_pull_body_finish (OmsV6Client   *self,
                                GAsyncResult  *result,
                                guint         *status,
                                GError       **error)
{
  GBytes *body;

  g_return_val_if_fail (OMS_IS_V6_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        oms_v6_client_pull_body_async, NULL);
  g_return_val_if_fail (status != NULL, NULL);

  body = g_task_propagate_pointer (G_TASK (result), error);
  *status = body != NULL ? ((CallData *) g_task_get_task_data (G_TASK (result)))->status : 0;
  return body;
}

/**
 * oms_v6_client_parse_pull_async:
 * @self: a client
 * @body: a body from oms_v6_client_pull_body_finish()
 * @status: its HTTP status
 * @cancellable: (nullable): a cancellable
 * @callback: called when the body is parsed
 * @user_data: data for @callback
 *
 * Parses @body in a worker thread; finish with oms_v6_client_pull_finish(), which gives the
 * batch or the error that oms_v6_client_pull_async() would have given for the same answer.
 */
void
oms_v6_client_parse_pull_async (OmsV6Client         *self,
                                GBytes              *body,
                                guint                status,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (OMS_IS_V6_CLIENT (self));
  g_return_if_fail (body != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_v6_client_pull_async);

  if (oms_v6_client_new_call (self, task, V6_CALL_PULL, OMS_V6_ROUTE_PULL) == NULL)
    return;

  parse_pull_in_thread (g_steal_pointer (&task), body, status);
}

/**
 * oms_v6_client_patient_pull_async:
 * @self: a client
 * @cursor: the next changelog cursor to fetch (0 at first)
 * @batch_size: the batch size
 * @fetch_patient_id: the patient whose records to fetch
 * @cancellable: (nullable): a cancellable
 * @callback: called when the call is over
 * @user_data: data for @callback
 *
 * `POST /central/sync/patient-pull`: the pull of a manual sync that fetches one patient
 * (PROTOCOL.md §3.3).
 */
void
oms_v6_client_patient_pull_async (OmsV6Client         *self,
                                  gint64               cursor,
                                  guint                batch_size,
                                  const char          *fetch_patient_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (OMS_IS_V6_CLIENT (self));
  g_return_if_fail (cursor >= 0);
  g_return_if_fail (fetch_patient_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_v6_client_patient_pull_async);

  body = oms_v6_build_patient_pull_body (self->settings, cursor, batch_size, fetch_patient_id);
  oms_v6_client_call (self, g_steal_pointer (&task), V6_CALL_PATIENT_PULL,
                      OMS_V6_ROUTE_PATIENT_PULL, body);
}

/**
 * oms_v6_client_patient_pull_finish:
 * @self: a client
 * @result: the result
 * @error: return location for an OMS_SYNC_ERROR or G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): the batch
 */
OmsV6Batch *
oms_v6_client_patient_pull_finish (OmsV6Client   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (OMS_IS_V6_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        oms_v6_client_patient_pull_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * oms_v6_client_push_async:
 * @self: a client
 * @batch: the batch: `total_records`, `end_cursor`, `is_last_batch` and records with cursors
 * @cancellable: (nullable): a cancellable
 * @callback: called when the call is over
 * @user_data: data for @callback
 *
 * `POST /central/sync/push` (PROTOCOL.md §3.4). A batch that cannot be serialised fails at
 * once with UNKNOWN.
 */
void
oms_v6_client_push_async (OmsV6Client         *self,
                          const OmsV6Batch    *batch,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (OMS_IS_V6_CLIENT (self));
  g_return_if_fail (batch != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_v6_client_push_async);

  body = oms_v6_build_push_body (self->settings, batch, &error);
  if (body == NULL)
    {
      g_task_return_error (task,
                           oms_sync_error_new_for_protocol_error (
                             OMS_SYNC_ERROR_VARIANT_UNKNOWN, error, 0, NULL,
                             "POST " OMS_V6_ROUTE_PUSH, (const char * const *) self->secrets));
      return;
    }

  oms_v6_client_call (self, g_steal_pointer (&task), V6_CALL_PUSH, OMS_V6_ROUTE_PUSH, body);
}

/**
 * oms_v6_client_push_finish:
 * @self: a client
 * @result: the result
 * @records_pushed: (out) (optional): how many records the server took
 * @error: return location for an OMS_SYNC_ERROR or G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE if the server took the batch
 */
gboolean
oms_v6_client_push_finish (OmsV6Client   *self,
                           GAsyncResult  *result,
                           gint64        *records_pushed,
                           GError       **error)
{
  gssize value;

  g_return_val_if_fail (OMS_IS_V6_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == oms_v6_client_push_async,
                        FALSE);

  if (records_pushed != NULL)
    *records_pushed = 0;

  value = g_task_propagate_int (G_TASK (result), error);
  if (value < 0)
    return FALSE;

  if (records_pushed != NULL)
    *records_pushed = value;

  return TRUE;
}

/**
 * oms_v6_client_get_site_status_async:
 * @self: a client
 * @cancellable: (nullable): a cancellable
 * @callback: called when the call is over
 * @user_data: data for @callback
 *
 * `POST /central/sync/site_status`: whether OMS central is still integrating this site's push.
 */
void
oms_v6_client_get_site_status_async (OmsV6Client         *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (OMS_IS_V6_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_v6_client_get_site_status_async);

  body = oms_v6_build_site_status_body (self->settings);
  oms_v6_client_call (self, g_steal_pointer (&task), V6_CALL_SITE_STATUS,
                      OMS_V6_ROUTE_SITE_STATUS, body);
}

/**
 * oms_v6_client_get_site_status_finish:
 * @self: a client
 * @result: the result
 * @is_integrating: (out) (optional): the answer's `is_integrating`
 * @error: return location for an OMS_SYNC_ERROR or G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE on success
 */
gboolean
oms_v6_client_get_site_status_finish (OmsV6Client   *self,
                                      GAsyncResult  *result,
                                      gboolean      *is_integrating,
                                      GError       **error)
{
  gssize value;

  g_return_val_if_fail (OMS_IS_V6_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        oms_v6_client_get_site_status_async, FALSE);

  if (is_integrating != NULL)
    *is_integrating = FALSE;

  value = g_task_propagate_int (G_TASK (result), error);
  if (value < 0)
    return FALSE;

  if (is_integrating != NULL)
    *is_integrating = value == 1;

  return TRUE;
}

/*
 * Files (PROTOCOL.md §3.2): upload_file and download_file
 *
 * Open mSupply sends these two with a plain client, without the retries of the other calls,
 * and so does omsync. The file is streamed both ways: read from disk into the multipart body,
 * and written from the answer into a file that takes the destination's name only once it is
 * complete, so a failed download never leaves half a file and never loses the copy before.
 */

/* Bodies of failed downloads are short error texts; more than this is not read. */
#define ERROR_BODY_MAX_BYTES (64 * 1024)

typedef struct
{
  const char    *method;
  GUri          *uri;
  SoupMessage   *message;
  gboolean       connected;
  guint          status;

  /* upload */
  char          *file_id;
  char          *file_name;
  char          *mime_type;
  GFile         *file;
  GInputStream  *file_stream;

  /* download */
  GFile         *destination;
  GFile         *partial;
  GInputStream  *response;
  GByteArray    *error_body;
  gint64         n_bytes;
} FileCall;

static void
file_call_free (gpointer user_data)
{
  FileCall *call = user_data;

  if (call->message != NULL)
    g_signal_handlers_disconnect_by_data (call->message, call);
  g_clear_object (&call->message);
  g_clear_pointer (&call->uri, g_uri_unref);
  g_free (call->file_id);
  g_free (call->file_name);
  g_free (call->mime_type);
  g_clear_object (&call->file);
  g_clear_object (&call->file_stream);
  g_clear_object (&call->destination);
  g_clear_object (&call->partial);
  g_clear_object (&call->response);
  g_clear_pointer (&call->error_body, g_byte_array_unref);
  g_free (call);
}

static void
file_call_starting_cb (SoupMessage *message,
                       FileCall    *call)
{
  call->connected = TRUE;
}

/* Sets up @task's FileCall for @route; NULL with @task failed when the route cannot join. */
static FileCall *
oms_v6_client_new_file_call (OmsV6Client *self,
                             GTask       *task,
                             const char  *method,
                             const char  *route)
{
  g_autoptr(GError) error = NULL;
  FileCall *call = g_new0 (FileCall, 1);

  call->method = method;
  call->uri = oms_v6_route_uri (self->central_url, route, &error);
  g_task_set_task_data (task, call, file_call_free);

  if (call->uri == NULL)
    {
      g_task_return_error (task,
                           oms_sync_error_new_for_protocol_error (
                             OMS_SYNC_ERROR_VARIANT_CENTRAL_V6_NOT_CONFIGURED, error, 0, NULL,
                             route, NULL));
      return NULL;
    }

  call->message = soup_message_new_from_uri (method, call->uri);
  /* What every other call offers (reqwest's gzip feature, PROTOCOL.md §2.1). */
  soup_message_headers_replace (soup_message_get_request_headers (call->message),
                                "Accept-Encoding", "gzip");
  g_signal_connect (call->message, "starting", G_CALLBACK (file_call_starting_cb), call);
  return call;
}

static GError *
file_call_error (OmsV6Client         *self,
                 FileCall            *call,
                 OmsSyncErrorVariant  variant,
                 const GError        *cause,
                 guint                status,
                 const char          *v5_code)
{
  g_autofree char *uri = g_uri_to_string_partial (call->uri, G_URI_HIDE_USERINFO |
                                                             G_URI_HIDE_PASSWORD);
  g_autofree char *top = NULL;

  if (status == 0)
    top = g_strdup_printf ("%s %s", call->method, uri);
  else
    top = g_strdup_printf ("%s %s (%u %s)", call->method, uri, status,
                           soup_status_get_phrase (status));

  return oms_sync_error_new_for_protocol_error (variant, cause, status, v5_code, top,
                                                (const char * const *) self->secrets);
}

/* A failure of the transfer itself (@transport), or of the local file: takes @error_in. */
static void
file_call_return_error (GTask    *task,
                        GError   *error_in,
                        gboolean  transport)
{
  g_autoptr(GError) error = error_in;
  OmsV6Client *self = g_task_get_source_object (task);
  FileCall *call = g_task_get_task_data (task);
  g_autoptr(GError) classified = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("%s %s failed: %s", call->method, g_uri_get_path (call->uri), error->message);

  if (!transport)
    {
      g_task_return_error (task, file_call_error (self, call, OMS_SYNC_ERROR_VARIANT_UNKNOWN,
                                                  error, call->status, NULL));
      return;
    }

  classified = oms_http_classify_error (error, call->connected, call->uri, self->session);
  g_task_return_error (task,
                       file_call_error (self, call,
                                        oms_sync_error_variant_from_protocol_error (classified,
                                                                                    NULL),
                                        classified, call->status, NULL));
}

/* The central's own error (or a body that is none), as the other calls map it. */
static void
file_call_return_server_error (GTask            *task,
                               OmsV6ServerError *server_error,
                               const GError     *error)
{
  OmsV6Client *self = g_task_get_source_object (task);
  FileCall *call = g_task_get_task_data (task);
  OmsSyncErrorVariant variant = OMS_SYNC_ERROR_VARIANT_UNKNOWN;
  const char *v5_code = NULL;

  if (server_error != NULL)
    {
      variant = oms_v6_server_error_get_variant (server_error);
      if (server_error->legacy != NULL)
        v5_code = server_error->legacy->code;
    }

  g_debug ("%s %s answered %u: %s", call->method, g_uri_get_path (call->uri), call->status,
           error->message);
  g_task_return_error (task, file_call_error (self, call, variant, error, call->status, v5_code));
}

static void
upload_read_answer_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FileCall *call = g_task_get_task_data (task);
  g_autoptr(OmsV6ServerError) server_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  body = oms_http_read_body_finish (G_INPUT_STREAM (object), result, &error);
  if (body == NULL && g_error_matches (error, OMS_PROTOCOL_ERROR,
                                       OMS_PROTOCOL_ERROR_RESPONSE_PARSING))
    {
      file_call_return_server_error (task, NULL, error);
      return;
    }
  if (body == NULL)
    {
      file_call_return_error (task, g_steal_pointer (&error), TRUE);
      return;
    }

  /* As for the other calls, only the envelope counts, whatever the status. */
  if (!oms_http_check_json_body (body, call->uri, &error) ||
      !oms_v6_parse_upload_file_response (body, &server_error, &error))
    {
      file_call_return_server_error (task, server_error, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
upload_sent_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  FileCall *call = g_task_get_task_data (task);
  g_autoptr(GInputStream) answer = NULL;
  GError *error = NULL;

  answer = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (answer == NULL)
    {
      file_call_return_error (task, error, TRUE);
      return;
    }

  call->status = soup_message_get_status (call->message);
  oms_http_read_body_async (answer, call->message, cancellable, upload_read_answer_cb,
                            g_steal_pointer (&task));
}

static void
upload_info_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  OmsV6Client *self = g_task_get_source_object (task);
  FileCall *call = g_task_get_task_data (task);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsV6UploadFraming) framing = NULL;
  g_autoptr(GInputStream) head = NULL;
  g_autoptr(GInputStream) tail = NULL;
  g_autoptr(GInputStream) body = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *boundary = NULL;
  GInputStream *parts[3];
  goffset size;

  info = g_file_input_stream_query_info_finish (G_FILE_INPUT_STREAM (object), result, &error);
  if (info == NULL)
    {
      file_call_return_error (task, g_steal_pointer (&error), FALSE);
      return;
    }
  size = g_file_info_get_size (info);

  boundary = g_strconcat ("omsync-", uuid, NULL);
  framing = oms_v6_build_upload_file_framing (self->settings, call->file_id, call->file_name,
                                              call->mime_type, boundary);
  head = g_memory_input_stream_new_from_bytes (framing->head);
  tail = g_memory_input_stream_new_from_bytes (framing->tail);
  parts[0] = head;
  parts[1] = call->file_stream;
  parts[2] = tail;
  body = oms_concat_input_stream_new (parts, G_N_ELEMENTS (parts));

  soup_message_set_request_body (call->message, framing->content_type, body,
                                 (gssize) (g_bytes_get_size (framing->head) + size +
                                           g_bytes_get_size (framing->tail)));

  g_debug ("PUT %s: %s, %" G_GOFFSET_FORMAT " bytes", g_uri_get_path (call->uri),
           call->file_name, size);
  soup_session_send_async (self->session, call->message, G_PRIORITY_DEFAULT, cancellable,
                           upload_sent_cb, g_steal_pointer (&task));
}

static void
upload_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  FileCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  call->file_stream = G_INPUT_STREAM (g_file_read_finish (G_FILE (object), result, &error));
  if (call->file_stream == NULL)
    {
      file_call_return_error (task, g_steal_pointer (&error), FALSE);
      return;
    }

  g_file_input_stream_query_info_async (G_FILE_INPUT_STREAM (call->file_stream),
                                        G_FILE_ATTRIBUTE_STANDARD_SIZE, G_PRIORITY_DEFAULT,
                                        cancellable, upload_info_cb,
                                        g_steal_pointer (&task));
}

/**
 * oms_v6_client_upload_file_async:
 * @self: a client
 * @file_id: the sync_file_reference the file belongs to; the central must hold it already
 * @file: the file to send, read as it is sent
 * @file_name: the name to send it under
 * @mime_type: (nullable): its type
 * @cancellable: (nullable): a cancellable
 * @callback: called when the call is over
 * @user_data: data for @callback
 *
 * `PUT /central/sync/upload_file`: a multipart body of `json_part` and `file_part`
 * (oms_v6_build_upload_file_framing()); the answer is `{"data":null}` or the central's error,
 * e.g. syncFileNotFound while it has not integrated the reference yet.
 */
void
oms_v6_client_upload_file_async (OmsV6Client         *self,
                                 const char          *file_id,
                                 GFile               *file,
                                 const char          *file_name,
                                 const char          *mime_type,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FileCall *call;

  g_return_if_fail (OMS_IS_V6_CLIENT (self));
  g_return_if_fail (file_id != NULL);
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (file_name != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_v6_client_upload_file_async);

  call = oms_v6_client_new_file_call (self, task, SOUP_METHOD_PUT, OMS_V6_ROUTE_UPLOAD_FILE);
  if (call == NULL)
    return;

  call->file_id = g_strdup (file_id);
  call->file = g_object_ref (file);
  call->file_name = g_strdup (file_name);
  call->mime_type = g_strdup (mime_type);

  g_file_read_async (file, G_PRIORITY_DEFAULT, cancellable, upload_read_cb,
                     g_steal_pointer (&task));
}

/**
 * oms_v6_client_upload_file_finish:
 * @self: a client
 * @result: the result
 * @error: return location for an OMS_SYNC_ERROR or G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE when the central took the file
 */
gboolean
oms_v6_client_upload_file_finish (OmsV6Client   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (OMS_IS_V6_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        oms_v6_client_upload_file_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
download_discard_partial (FileCall *call)
{
  g_autoptr(GError) error = NULL;

  if (call->partial != NULL && !g_file_delete (call->partial, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_debug ("Could not remove %s: %s", g_file_peek_path (call->partial), error->message);
}

static void
download_spliced_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FileCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_output_stream_splice_finish (G_OUTPUT_STREAM (object), result, &error);
  if (n >= 0 && !oms_http_check_body_length (call->message, n, &error))
    n = -1;
  if (n < 0)
    {
      download_discard_partial (call);
      file_call_return_error (task, g_steal_pointer (&error), TRUE);
      return;
    }

  /* The whole answer is on disk: only now does it take the destination's name. */
  if (!g_file_move (call->partial, call->destination, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL,
                    &error))
    {
      download_discard_partial (call);
      file_call_return_error (task, g_steal_pointer (&error), FALSE);
      return;
    }

  call->n_bytes = n;
  g_debug ("POST %s: %" G_GSSIZE_FORMAT " bytes into %s", g_uri_get_path (call->uri), n,
           g_file_peek_path (call->destination));
  g_task_return_boolean (task, TRUE);
}

static void
download_created_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  FileCall *call = g_task_get_task_data (task);
  g_autoptr(GFileOutputStream) output = NULL;
  g_autoptr(GError) error = NULL;

  output = g_file_create_finish (G_FILE (object), result, &error);
  if (output == NULL)
    {
      g_clear_object (&call->partial);
      file_call_return_error (task, g_steal_pointer (&error), FALSE);
      return;
    }

  g_output_stream_splice_async (G_OUTPUT_STREAM (output), call->response,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, cancellable,
                                download_spliced_cb, g_steal_pointer (&task));
}

static void
download_error_read_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  FileCall *call = g_task_get_task_data (task);
  g_autoptr(OmsV6ServerError) server_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GBytes) body = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      file_call_return_error (task, g_steal_pointer (&error), TRUE);
      return;
    }

  if (g_bytes_get_size (chunk) > 0 && call->error_body->len < ERROR_BODY_MAX_BYTES)
    {
      g_byte_array_append (call->error_body, g_bytes_get_data (chunk, NULL),
                           g_bytes_get_size (chunk));
      g_input_stream_read_bytes_async (call->response, 8192, G_PRIORITY_DEFAULT,
                                       cancellable, download_error_read_cb,
                                       g_steal_pointer (&task));
      return;
    }

  body = g_bytes_new (call->error_body->data, call->error_body->len);
  if (oms_http_check_json_body (body, call->uri, &error))
    server_error = oms_v6_parse_download_file_error (body, &error);
  file_call_return_server_error (task, server_error, error);
}

static void
download_sent_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  FileCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) parent = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *partial_name = NULL;
  g_autofree char *uuid = NULL;

  call->response = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (call->response == NULL)
    {
      file_call_return_error (task, g_steal_pointer (&error), TRUE);
      return;
    }
  call->status = soup_message_get_status (call->message);

  /* Unlike the other calls, success is a 2xx with the bytes, failure any other status with a
   * bare error body.
   */
  if (!SOUP_STATUS_IS_SUCCESSFUL (call->status))
    {
      call->error_body = g_byte_array_new ();
      g_input_stream_read_bytes_async (call->response, 8192, G_PRIORITY_DEFAULT,
                                       cancellable, download_error_read_cb,
                                       g_steal_pointer (&task));
      return;
    }

  parent = g_file_get_parent (call->destination);
  if (parent != NULL && !g_file_make_directory_with_parents (parent, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      file_call_return_error (task, g_steal_pointer (&error), FALSE);
      return;
    }
  g_clear_error (&error);

  /* A hidden name beside the destination: the same file system, so the final move is a
   * rename, and nothing that lists the directory takes it for the file.
   */
  basename = g_file_get_basename (call->destination);
  uuid = g_uuid_string_random ();
  partial_name = g_strdup_printf (".%s.%.8s.part", basename, uuid);
  call->partial = parent != NULL ? g_file_get_child (parent, partial_name)
                                 : g_file_new_for_path (partial_name);

  g_file_create_async (call->partial, G_FILE_CREATE_PRIVATE, G_PRIORITY_DEFAULT,
                       cancellable, download_created_cb,
                       g_steal_pointer (&task));
}

/**
 * oms_v6_client_download_file_async:
 * @self: a client
 * @table_name: the table of the record the file is attached to
 * @record_id: that record
 * @id: the sync_file_reference's id
 * @destination: where to put the file; its directory is made when missing
 * @cancellable: (nullable): a cancellable
 * @callback: called when the call is over
 * @user_data: data for @callback
 *
 * `POST /central/sync/download_file`. The bytes are written to a hidden file beside
 * @destination, which is renamed over it only once the whole answer has arrived: a download
 * that fails or is cancelled leaves @destination as it was, and no partial file.
 */
void
oms_v6_client_download_file_async (OmsV6Client         *self,
                                   const char          *table_name,
                                   const char          *record_id,
                                   const char          *id,
                                   GFile               *destination,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) body = NULL;
  FileCall *call;

  g_return_if_fail (OMS_IS_V6_CLIENT (self));
  g_return_if_fail (table_name != NULL);
  g_return_if_fail (record_id != NULL);
  g_return_if_fail (id != NULL);
  g_return_if_fail (G_IS_FILE (destination));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_v6_client_download_file_async);

  call = oms_v6_client_new_file_call (self, task, SOUP_METHOD_POST, OMS_V6_ROUTE_DOWNLOAD_FILE);
  if (call == NULL)
    return;

  call->destination = g_object_ref (destination);
  body = oms_v6_build_download_file_body (self->settings, table_name, record_id, id);
  soup_message_set_request_body_from_bytes (call->message, JSON_CONTENT_TYPE, body);

  g_debug ("POST %s: %s/%s/%s", g_uri_get_path (call->uri), table_name, record_id, id);
  soup_session_send_async (self->session, call->message, G_PRIORITY_DEFAULT, cancellable,
                           download_sent_cb, g_steal_pointer (&task));
}

/**
 * oms_v6_client_download_file_finish:
 * @self: a client
 * @result: the result
 * @n_bytes: (out) (optional): how many bytes the file has
 * @error: return location for an OMS_SYNC_ERROR or G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE when the whole file is at its destination
 */
gboolean
oms_v6_client_download_file_finish (OmsV6Client   *self,
                                    GAsyncResult  *result,
                                    gint64        *n_bytes,
                                    GError       **error)
{
  FileCall *call;

  g_return_val_if_fail (OMS_IS_V6_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        oms_v6_client_download_file_async, FALSE);

  call = g_task_get_task_data (G_TASK (result));
  if (n_bytes != NULL)
    *n_bytes = 0;

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  if (n_bytes != NULL)
    *n_bytes = call->n_bytes;

  return TRUE;
}

/**
 * oms_v6_client_steal_cut_body:
 * @self: a client
 * @result: the result given to oms_v6_client_pull_body_finish(), after it failed
 *
 * The answer was 2xx but its body was cut short (the line dropped, a stall): the decoded part
 * of the body that came, whose whole records the caller may keep (oms_pulled_body_scan_cut()).
 *
 * Returns: (transfer full) (nullable): that part, or %NULL
 */
GBytes *
oms_v6_client_steal_cut_body (OmsV6Client     *self,
                              GAsyncResult  *result)
{
  CallData *data;

  g_return_val_if_fail (OMS_IS_V6_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == oms_v6_client_pull_body_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  return g_steal_pointer (&data->cut_body);
}
