/* oms-http.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-http"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "oms-http-private.h"
#include "oms-protocol-error.h"

/* The HTTP transport shared by both protocol clients (PROTOCOL.md §2.1, STYLE.md §2.14).
 *
 * Connect timeouts. libsoup 3.2 has no per-request connect timeout: the session `timeout` is
 * one I/O timeout used for connecting and for reading alike, and changing it per attempt would
 * race with other requests on the same session. So every attempt gets its own GCancellable
 * (fed by the caller's) and a timer of 2, 5 or 10 s that cancels it. The timer is disarmed by
 * SoupMessage::starting, which libsoup emits once the message has a usable connection (a fresh
 * one after TCP connect and TLS handshake, or a reused keep-alive one at once) and just before
 * it writes the request. A cancellation the caller did not ask for is then reported as a
 * connect timeout. Any failure before ::starting is a connect failure, as reqwest's
 * `is_connect()` (DNS, refused, unreachable, TLS handshake, connect timeout).
 *
 * Connection reuse. libsoup only puts a POST on an idle keep-alive connection when the message
 * is flagged SOUP_MESSAGE_IDEMPOTENT (TESTING.md §9); without it every push batch would open a
 * new TCP (and TLS) connection. The flag is set on every message. It does not make libsoup
 * resend anything: in 3.2 the silent resend of a request that failed on a reused connection
 * (`request_is_restartable`) tests the method (GET, HEAD, ...), not the flag. The only resends
 * are this file's retries, which follow Open mSupply's policy exactly (connect failure, timeout,
 * 408). Those resends are safe for every route both APIs have: acknowledged_records deletes
 * rows, so a replay deletes nothing more; a replayed push batch upserts the same records into
 * the server's sync buffer by record id; initialise, pulls and site status calls change nothing
 * a second call would undo. libsoup 3.2 does close the connection after a 204 that has no
 * Content-Length (soup_message_is_keepalive() takes it for an EOF-terminated body), so a 204
 * acknowledgement makes the next request connect again.
 */

#define ACCEPT_ENCODING "gzip"
#define POOL_IDLE_TIMEOUT_SECONDS 90

static const guint connect_timeouts_ms[OMS_HTTP_MAX_ATTEMPTS] = { 2000, 5000, 10000 };

static double connect_timeout_scale = 1.0;
static double io_timeout_scale = 1.0;
static guint n_attempts;

typedef struct
{
  /* the request */
  char               *method;
  GUri               *uri;
  char               *content_type;
  GBytes             *body;
  OmsHttpPrepareFunc  prepare;
  gpointer            prepare_data;
  GDestroyNotify      prepare_data_destroy;

  /* the current attempt */
  guint               attempt;
  SoupMessage        *message;
  GCancellable       *attempt_cancellable;
  GSource            *connect_timer;
  gulong              cancelled_id;
  gboolean            connected;
  gboolean            connect_timed_out;
} SendData;

typedef struct
{
  GBytes *body;
  guint   status;
} SendResult;

static void oms_http_start_attempt (GTask *task);

void
_oms_http_set_timeout_scale (double connect_scale,
                             double io_scale)
{
  g_return_if_fail (connect_scale > 0);
  g_return_if_fail (io_scale > 0);

  connect_timeout_scale = connect_scale;
  io_timeout_scale = io_scale;
}

guint
_oms_http_get_n_attempts (void)
{
  return (guint) g_atomic_int_get (&n_attempts);
}

char *
_oms_http_redact_log_line (const char *line)
{
  static const char header[] = "Authorization:";

  if (line == NULL)
    return g_strdup ("");

  if (g_ascii_strncasecmp (line, header, strlen (header)) == 0)
    return g_strdup ("Authorization: [redacted]");

  return oms_protocol_redact (line, NULL);
}

static void
oms_http_logger_printer (SoupLogger         *logger,
                         SoupLoggerLogLevel  level,
                         char                direction,
                         const char         *data,
                         gpointer            user_data)
{
  g_auto(GStrv) lines = g_strsplit (data != NULL ? data : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *safe = _oms_http_redact_log_line (lines[i]);

      g_debug ("%c %s", direction, safe);
    }
}

static SoupLoggerLogLevel
oms_http_logger_filter (SoupLogger  *logger,
                        SoupMessage *message,
                        gpointer     user_data)
{
  /* Formatting every header costs; only do it when someone reads the debug log. */
  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    return SOUP_LOGGER_LOG_NONE;

  return SOUP_LOGGER_LOG_HEADERS;
}

static guint
scaled_ms (guint ms)
{
  return MAX (1, (guint) (ms * connect_timeout_scale));
}

/**
 * oms_http_session_new:
 *
 * Makes the session one protocol client uses for all its calls: a read timeout of
 * %OMS_HTTP_IO_TIMEOUT_SECONDS (no total timeout), the `omsync/VERSION` user agent, gzip
 * decoding (libsoup's SoupContentDecoder), and a SoupLogger at SOUP_LOGGER_LOG_HEADERS that
 * writes to g_debug() with `Authorization` values hidden. libsoup's own auth manager is
 * removed: both APIs authenticate pre-emptively on every request and a 401 is an answer, not
 * a challenge to retry.
 *
 * Returns: (transfer full): a new session
 */
SoupSession *
oms_http_session_new (void)
{
  g_autoptr(SoupLogger) logger = NULL;
  SoupSession *session;

  session = soup_session_new ();
  soup_session_set_timeout (session,
                            MAX (1, (guint) (OMS_HTTP_IO_TIMEOUT_SECONDS * io_timeout_scale)));
  soup_session_set_idle_timeout (session, POOL_IDLE_TIMEOUT_SECONDS);
  soup_session_set_user_agent (session, "omsync/" PACKAGE_VERSION);
  soup_session_remove_feature_by_type (session, SOUP_TYPE_AUTH_MANAGER);

  logger = soup_logger_new (SOUP_LOGGER_LOG_HEADERS);
  soup_logger_set_printer (logger, oms_http_logger_printer, NULL, NULL);
  soup_logger_set_request_filter (logger, oms_http_logger_filter, NULL, NULL);
  soup_logger_set_response_filter (logger, oms_http_logger_filter, NULL, NULL);
  soup_session_add_feature (session, SOUP_SESSION_FEATURE (logger));

  return session;
}

static void
send_result_free (gpointer data)
{
  SendResult *result = data;

  g_clear_pointer (&result->body, g_bytes_unref);
  g_free (result);
}

static void
send_data_end_attempt (SendData     *data,
                       GCancellable *cancellable)
{
  if (data->connect_timer != NULL)
    {
      g_source_destroy (data->connect_timer);
      g_clear_pointer (&data->connect_timer, g_source_unref);
    }

  if (cancellable != NULL)
    g_clear_signal_handler (&data->cancelled_id, cancellable);

  if (data->message != NULL)
    g_signal_handlers_disconnect_by_data (data->message, data);

  g_clear_object (&data->attempt_cancellable);
  g_clear_object (&data->message);
  data->connected = FALSE;
  data->connect_timed_out = FALSE;
}

static void
send_data_free (gpointer user_data)
{
  SendData *data = user_data;

  /* Every attempt ends in oms_http_send_cb(), which holds a task reference until then. */
  g_assert (data->message == NULL);
  g_assert (data->connect_timer == NULL);

  if (data->prepare_data_destroy != NULL)
    data->prepare_data_destroy (data->prepare_data);

  g_free (data->method);
  g_clear_pointer (&data->uri, g_uri_unref);
  g_free (data->content_type);
  g_clear_pointer (&data->body, g_bytes_unref);
  g_free (data);
}

static gboolean
is_connect_error (const GError *error)
{
  if (error->domain == G_RESOLVER_ERROR || error->domain == G_TLS_ERROR)
    return TRUE;

  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_FAILED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_AUTH_FAILED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_NOT_ALLOWED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_NEED_AUTH);
}

/**
 * oms_http_classify_error:
 * @error: a transport error from libsoup
 * @connected: whether the request had a connection when @error happened
 * @uri: (nullable): the request URI, for the message
 *
 * Sorts a failed request as Open mSupply does (PROTOCOL.md §2.4): a failure to connect (DNS,
 * refused, unreachable, TLS handshake, connect timeout, or anything before a connection was
 * there) is OMS_PROTOCOL_ERROR_CONNECTION; any other failure (read timeout, a connection
 * broken mid-body, a bad body encoding) is OMS_PROTOCOL_ERROR_TRANSPORT. The code of @error is
 * kept in the message. G_IO_ERROR_CANCELLED is returned as it is.
 *
 * Returns: (transfer full): the classified error
 */
GError *
oms_http_classify_error (const GError *error,
                         gboolean      connected,
                         GUri         *uri)
{
  g_autofree char *where = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (uri != NULL)
    where = g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO | G_URI_HIDE_PASSWORD);
  else
    where = g_strdup ("the server");

  if (!connected || is_connect_error (error))
    return g_error_new (OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_CONNECTION,
                        _("Could not connect to %s: %s (%s %d)"), where, error->message,
                        g_quark_to_string (error->domain), error->code);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_TRANSPORT,
                        _("Timed out waiting for %s: %s"), where, error->message);

  return g_error_new (OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_TRANSPORT,
                      _("The request to %s failed: %s (%s %d)"), where, error->message,
                      g_quark_to_string (error->domain), error->code);
}

static void
oms_http_starting_cb (SoupMessage *message,
                      SendData    *data)
{
  data->connected = TRUE;

  if (data->connect_timer != NULL)
    {
      g_source_destroy (data->connect_timer);
      g_clear_pointer (&data->connect_timer, g_source_unref);
    }
}

static gboolean
oms_http_connect_timeout_cb (gpointer user_data)
{
  SendData *data = user_data;

  g_clear_pointer (&data->connect_timer, g_source_unref);
  data->connect_timed_out = TRUE;
  g_cancellable_cancel (data->attempt_cancellable);

  return G_SOURCE_REMOVE;
}

static void
oms_http_cancelled_cb (GCancellable *cancellable,
                       SendData     *data)
{
  /* A plain signal handler rather than g_cancellable_connect(): the attempt may end inside
   * this emission, and g_cancellable_disconnect() from there would deadlock.
   */
  if (data->attempt_cancellable != NULL)
    g_cancellable_cancel (data->attempt_cancellable);
}

static void
oms_http_send_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SoupSession *session = SOUP_SESSION (object);
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) failure = NULL;
  g_autoptr(GBytes) body = NULL;
  SendResult *send_result;
  gboolean retry = FALSE;
  guint status = 0;

  body = soup_session_send_and_read_finish (session, result, &error);

  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          (cancellable == NULL || !g_cancellable_is_cancelled (cancellable)) &&
          data->connect_timed_out)
        {
          g_autoptr(GError) timed_out = NULL;
          guint timeout_ms = scaled_ms (connect_timeouts_ms[data->attempt - 1]);

          timed_out = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                   _("No connection after %u ms"), timeout_ms);
          failure = oms_http_classify_error (timed_out, FALSE, data->uri);
          retry = TRUE;
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          send_data_end_attempt (data, cancellable);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      else
        {
          failure = oms_http_classify_error (error, data->connected, data->uri);
          /* Open mSupply retries `is_connect() || is_timeout()`. */
          retry = g_error_matches (failure, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_CONNECTION) ||
                  g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
        }
    }
  else
    {
      status = soup_message_get_status (data->message);
      retry = status == SOUP_STATUS_REQUEST_TIMEOUT;
    }

  send_data_end_attempt (data, cancellable);

  if (retry && data->attempt < OMS_HTTP_MAX_ATTEMPTS)
    {
      g_debug ("%s %s: attempt %u of %u failed (%s), retrying", data->method,
               g_uri_get_path (data->uri), data->attempt, OMS_HTTP_MAX_ATTEMPTS,
               failure != NULL ? failure->message : "408 Request Timeout");
      oms_http_start_attempt (g_steal_pointer (&task));
      return;
    }

  if (failure != NULL)
    {
      g_debug ("%s %s: attempt %u failed: %s", data->method, g_uri_get_path (data->uri),
               data->attempt, failure->message);
      g_task_return_error (task, g_steal_pointer (&failure));
      return;
    }

  send_result = g_new0 (SendResult, 1);
  send_result->body = body != NULL ? g_steal_pointer (&body) : g_bytes_new (NULL, 0);
  send_result->status = status;
  g_task_return_pointer (task, send_result, send_result_free);
}

/* Takes over @task's reference. */
static void
oms_http_start_attempt (GTask *task)
{
  SendData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  SoupSession *session = g_task_get_source_object (task);
  SoupMessageHeaders *headers;

  g_assert (data->message == NULL);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  data->attempt++;
  g_atomic_int_inc (&n_attempts);

  data->message = soup_message_new_from_uri (data->method, data->uri);
  headers = soup_message_get_request_headers (data->message);
  soup_message_headers_replace (headers, "Accept-Encoding", ACCEPT_ENCODING);
  soup_message_add_flags (data->message, SOUP_MESSAGE_IDEMPOTENT);
  if (data->body != NULL)
    soup_message_set_request_body_from_bytes (data->message, data->content_type, data->body);
  if (data->prepare != NULL)
    data->prepare (data->message, data->prepare_data);
  g_signal_connect (data->message, "starting", G_CALLBACK (oms_http_starting_cb), data);

  data->attempt_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    data->cancelled_id = g_signal_connect (cancellable, "cancelled",
                                           G_CALLBACK (oms_http_cancelled_cb), data);

  data->connect_timer = g_timeout_source_new (scaled_ms (connect_timeouts_ms[data->attempt - 1]));
  g_source_set_static_name (data->connect_timer, "[omsync] connect timeout");
  g_source_set_callback (data->connect_timer, oms_http_connect_timeout_cb, data, NULL);
  g_source_attach (data->connect_timer, g_task_get_context (task));

  soup_session_send_and_read_async (session, data->message, g_task_get_priority (task),
                                    data->attempt_cancellable, oms_http_send_cb, task);
}

/**
 * oms_http_send_async:
 * @session: a session from oms_http_session_new()
 * @method: the HTTP method, e.g. %SOUP_METHOD_POST
 * @uri: the request URI
 * @content_type: (nullable): the body's `Content-Type`, or %NULL to send none
 * @body: (nullable): the request body
 * @prepare: (nullable) (scope notified): adds the caller's headers to each attempt's message
 * @prepare_data: (closure prepare): data for @prepare
 * @prepare_data_destroy: (nullable): frees @prepare_data when the call is over
 * @cancellable: (nullable): a cancellable
 * @callback: called when the call is over
 * @user_data: data for @callback
 *
 * Sends one request with Open mSupply's retry policy: up to %OMS_HTTP_MAX_ATTEMPTS attempts
 * with connect timeouts of 2, 5 and 10 s, the next one started at once after a connect
 * failure, a timeout or an HTTP 408, and never after any other answer. Every attempt offers
 * `Accept-Encoding: gzip` and may share a kept-alive connection.
 */
void
oms_http_send_async (SoupSession         *session,
                     const char          *method,
                     GUri                *uri,
                     const char          *content_type,
                     GBytes              *body,
                     OmsHttpPrepareFunc   prepare,
                     gpointer             prepare_data,
                     GDestroyNotify       prepare_data_destroy,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SendData *data;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (method != NULL);
  g_return_if_fail (uri != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (SendData, 1);
  data->method = g_strdup (method);
  data->uri = g_uri_ref (uri);
  data->content_type = g_strdup (content_type);
  data->body = body != NULL ? g_bytes_ref (body) : NULL;
  data->prepare = prepare;
  data->prepare_data = prepare_data;
  data->prepare_data_destroy = prepare_data_destroy;

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_http_send_async);
  g_task_set_task_data (task, data, send_data_free);

  oms_http_start_attempt (g_steal_pointer (&task));
}

/**
 * oms_http_send_finish:
 * @session: the session
 * @result: the result
 * @out_status: (out) (optional): the HTTP status of the last attempt
 * @error: return location for an OMS_PROTOCOL_ERROR_CONNECTION or
 *   OMS_PROTOCOL_ERROR_TRANSPORT error, or G_IO_ERROR_CANCELLED
 *
 * Any HTTP status is a success here: the caller decides what it means.
 *
 * Returns: (transfer full) (nullable): the decoded response body (empty if there was none)
 */
GBytes *
oms_http_send_finish (SoupSession   *session,
                      GAsyncResult  *result,
                      guint         *out_status,
                      GError       **error)
{
  SendResult *send_result;
  GBytes *body;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (g_task_is_valid (result, session), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == oms_http_send_async, NULL);

  if (out_status != NULL)
    *out_status = 0;

  send_result = g_task_propagate_pointer (G_TASK (result), error);
  if (send_result == NULL)
    return NULL;

  if (out_status != NULL)
    *out_status = send_result->status;
  body = g_steal_pointer (&send_result->body);
  send_result_free (send_result);

  return body;
}
