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
#include "oms-json-gate.h"
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
 * Idle timeout. Open mSupply gives every read 300 s and tries three times, so a server that
 * accepts a request and never answers holds a sync for 15 minutes. omsync ends an attempt when
 * nothing has gone either way for the idle timeout (60 s unless the store says otherwise,
 * oms_sync_settings_load_idle_timeout()), and retries such a stalled attempt once only: a
 * stalled request ends within 2 × (10 s + 60 s). The session `timeout` is exactly that: libsoup
 * sets it on each connection's GSocket, where it bounds every single read or write that waits
 * (g_socket_set_timeout()), so a body that keeps arriving, however slowly, is never cut. A stall
 * is reported as OMS_PROTOCOL_ERROR_CONNECTION: the server stopped answering.
 *
 * Bodies. The decoded body (gzip already undone by SoupContentDecoder) is read here in chunks
 * and refused once it grows past OMS_JSON_GATE_MAX_RESPONSE_BYTES, so neither a huge answer nor
 * a small gzip bomb is ever held whole. Every body is JSON (or the text of an error), and its
 * caller passes it through oms_http_check_json_body() before any parser sees it.
 *
 * Connection reuse. libsoup only puts a POST on an idle keep-alive connection when the message
 * is flagged SOUP_MESSAGE_IDEMPOTENT (TESTING.md §9); without it every push batch would open a
 * new TCP (and TLS) connection. The flag is set on every message. It does not make libsoup
 * resend anything: in 3.2 the silent resend of a request that failed on a reused connection
 * (`request_is_restartable`) tests the method (GET, HEAD, ...), not the flag. The only resends
 * are this file's retries, which follow Open mSupply's policy (connect failure, timeout, 408),
 * with the stall limit above. Those resends are safe for every route both APIs have:
 * acknowledged_records deletes rows, so a replay deletes nothing more; a replayed push batch
 * upserts the same records into the server's sync buffer by record id; initialise, pulls and
 * site status calls change nothing a second call would undo. libsoup 3.2 closes the
 * connection after any 204: its server drops a 204's Content-Length (RFC 7230 forbids one),
 * and its client's soup_message_is_keepalive() then takes the response for an EOF-terminated
 * body. A 204 has no body by definition, so when one arrives without a length this file gives
 * it `Content-Length: 0` before libsoup decides, and the connection stays for the next request.
 * One session serves both APIs of a run (oms_v6_client_new_with_session()), so a run that
 * talks to one host uses one connection (and one TLS handshake) for all of it.
 *
 * Data used. Every message collects libsoup's metrics; when an attempt ends, its bytes on the
 * wire are added to the session's count (oms_http_session_get_bytes()): down, the response's
 * header block and its body as received, before gzip is undone; up, the request's header block
 * and body. Failed and retried attempts count, since their bytes crossed the line too; TCP, TLS
 * and IP overhead does not.
 *
 * OMSYNC_OPEN_MSUPPLY_TRANSPORT=1 in the environment (diagnostics and bench/run-slow-line)
 * sends every request with `Connection: close`, a new connection each time, to compare omsync
 * with the transport it replaces on the same line.
 */

#define ACCEPT_ENCODING "gzip"
#define POOL_IDLE_TIMEOUT_SECONDS 90
#define BODY_CHUNK_BYTES (64 * 1024)
#define MONITOR_KEY "oms-http-monitor"
#define BYTES_KEY "oms-http-bytes"

/* A session's bytes on the wire (see the top of this file). */
typedef struct
{
  guint64 down;
  guint64 up;
} WireBytes;

static const guint connect_timeouts_ms[OMS_HTTP_MAX_ATTEMPTS] = { 2000, 5000, 10000 };

static double connect_timeout_scale = 1.0;
static double io_timeout_scale = 1.0;
static gsize max_body_bytes = OMS_JSON_GATE_MAX_RESPONSE_BYTES;
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
  OmsHttpMonitor     *monitor;      /* the session's, or NULL */
  WireBytes          *wire_bytes;   /* the session's; the task keeps the session alive */
  guint               n_stalls;

  /* the current attempt */
  guint               attempt;
  SoupMessage        *message;
  GCancellable       *attempt_cancellable;
  GSource            *connect_timer;
  GSource            *waiting_timer;  /* fires when no byte went either way for a while */
  gulong              cancelled_id;
  guint               status;
  gboolean            connected;
  gboolean            connect_timed_out;
  gboolean            waiting;
  char               *peer_fingerprint;  /* of a certificate the attempt refused */
  gint64              retry_after;       /* UTC µs from the answer's Retry-After, or 0 */
  GBytes             *cut_body;          /* what came of a 2xx body before it was cut */
} SendData;

typedef struct
{
  GBytes *body;
  guint   status;
  gint64  retry_after;
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

void
_oms_http_set_max_body_bytes (gsize max_bytes)
{
  max_body_bytes = max_bytes > 0 ? max_bytes : OMS_JSON_GATE_MAX_RESPONSE_BYTES;
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

static gint64
waiting_after_us (void)
{
  return MAX (1, (gint64) (OMS_HTTP_WAITING_AFTER_SECONDS * G_USEC_PER_SEC * io_timeout_scale));
}

/* The request's URL as errors show it: no user info, no credentials. */
static char *
describe_uri (GUri *uri)
{
  g_autofree char *text = NULL;

  if (uri == NULL)
    /* Translators: stands for a server whose address is unknown, inside sentences such as “Could
     * not connect to the server: …”. */
    return g_strdup (_("the server"));

  text = g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO | G_URI_HIDE_PASSWORD);
  return oms_protocol_redact (text, NULL);
}

static GError *
unreadable_response_error (GUri       *uri,
                           const char *reason)
{
  g_autofree char *where = describe_uri (uri);

  return g_error_new (OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_RESPONSE_PARSING,
                      /* Translators: the server's address (e.g. “https://central.example.org”),
                       * then what was wrong with its response. */
                      _("The server at %s sent a response omsync cannot read: %s"), where,
                      reason);
}

static GError *
too_large_error (GUri *uri)
{
  g_autofree char *limit = g_format_size (max_body_bytes);
  /* Translators: %s is a size such as "64.0 MB" */
  g_autofree char *reason = g_strdup_printf (_("the body is larger than %s"), limit);

  return unreadable_response_error (uri, reason);
}

/**
 * oms_http_session_new:
 *
 * Makes the session one protocol client uses for all its calls: an idle timeout of
 * %OMS_HTTP_DEFAULT_IDLE_TIMEOUT_SECONDS (no total timeout), the `omsync/VERSION` user agent,
 * gzip decoding (libsoup's SoupContentDecoder), and a SoupLogger at SOUP_LOGGER_LOG_HEADERS that
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
  g_object_set_data_full (G_OBJECT (session), BYTES_KEY, g_new0 (WireBytes, 1), g_free);
  oms_http_session_set_idle_timeout (session, OMS_HTTP_DEFAULT_IDLE_TIMEOUT_SECONDS);
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

/**
 * oms_http_session_set_idle_timeout:
 * @session: a session from oms_http_session_new()
 * @seconds: how long a request may go without a byte received or sent, at least 1
 *
 * Sets libsoup's per-operation socket timeout, which is an idle timeout (see the top of this
 * file). Connections already open keep the one they were made with: call this before the
 * session's first request.
 */
void
oms_http_session_set_idle_timeout (SoupSession *session,
                                   guint        seconds)
{
  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (seconds > 0);

  /* libsoup counts whole seconds: a scaled timeout never drops below one. */
  soup_session_set_timeout (session, MAX (1, (guint) (seconds * io_timeout_scale)));
}

/**
 * oms_http_session_set_monitor:
 * @session: a session from oms_http_session_new()
 * @monitor: (nullable): the monitor its requests report to
 *
 * Requests sent through oms_http_send_async() afterwards tell @monitor when they have had no
 * byte from or to the server for %OMS_HTTP_WAITING_AFTER_SECONDS, and when bytes flow again.
 */
void
oms_http_session_set_monitor (SoupSession    *session,
                              OmsHttpMonitor *monitor)
{
  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (monitor == NULL || OMS_IS_HTTP_MONITOR (monitor));

  g_object_set_data_full (G_OBJECT (session), MONITOR_KEY,
                          monitor != NULL ? g_object_ref (monitor) : NULL, g_object_unref);
}

/**
 * oms_http_session_get_bytes:
 * @session: a session from oms_http_session_new()
 * @out_down: (out) (optional): bytes received from the servers
 * @out_up: (out) (optional): bytes sent to the servers
 *
 * What the session's requests have cost on the wire so far: headers and bodies as they
 * crossed it (compressed), every attempt counted, TCP and TLS overhead not.
 */
void
oms_http_session_get_bytes (SoupSession *session,
                            guint64     *out_down,
                            guint64     *out_up)
{
  WireBytes *bytes;

  g_return_if_fail (SOUP_IS_SESSION (session));

  bytes = g_object_get_data (G_OBJECT (session), BYTES_KEY);
  if (out_down != NULL)
    *out_down = bytes != NULL ? bytes->down : 0;
  if (out_up != NULL)
    *out_up = bytes != NULL ? bytes->up : 0;
}

/**
 * oms_http_open_msupply_transport:
 *
 * Whether OMSYNC_OPEN_MSUPPLY_TRANSPORT=1 asks omsync to move its data as Open mSupply does:
 * a new connection for every request and fixed batch sizes, for comparisons on a slow line.
 *
 * Returns: %TRUE when forced
 */
gboolean
oms_http_open_msupply_transport (void)
{
  return g_strcmp0 (g_getenv ("OMSYNC_OPEN_MSUPPLY_TRANSPORT"), "1") == 0;
}

/*
 * Reading a body, with a cap
 */

typedef void (*BodyActivityFunc) (gpointer user_data);

typedef struct
{
  GUri             *uri;
  GByteArray       *buffer;
  guint8            probe;          /* the byte read past the cap, if any */
  gboolean          probing;        /* the read in flight is of that byte */
  BodyActivityFunc  on_activity;
  gpointer          activity_data;
  OmsHttpMonitor   *monitor;        /* counts the bytes read, or NULL */
} BodyRead;

static void
body_read_free (gpointer user_data)
{
  BodyRead *read = user_data;

  g_clear_pointer (&read->uri, g_uri_unref);
  g_clear_pointer (&read->buffer, g_byte_array_unref);
  g_clear_object (&read->monitor);
  g_free (read);
}

static void body_read_next (GTask *task);

static void
body_read_closed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BodyRead *read = g_task_get_task_data (task);

  /* The body is whole; a failure to close only costs the connection. */
  g_input_stream_close_finish (G_INPUT_STREAM (object), result, NULL);
  g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&read->buffer)),
                         (GDestroyNotify) g_bytes_unref);
}

static void
body_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BodyRead *read = g_task_get_task_data (task);
  GInputStream *stream = G_INPUT_STREAM (object);
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (stream, result, &error);
  if (!read->probing)
    g_byte_array_set_size (read->buffer, read->buffer->len - BODY_CHUNK_BYTES + MAX (n, 0));

  if (n < 0)
    {
      g_task_return_error (task, error);
      return;
    }

  if (n == 0)
    {
      int priority = g_task_get_priority (task);

      g_input_stream_close_async (stream, priority, NULL, body_read_closed_cb,
                                  g_steal_pointer (&task));
      return;
    }

  if (read->on_activity != NULL)
    read->on_activity (read->activity_data);
  if (read->monitor != NULL)
    oms_http_monitor_add_bytes_received (read->monitor, (gsize) n);

  if (read->probing)
    {
      /* Dropping the stream unread closes the connection: nothing more comes in. */
      g_task_return_error (task, too_large_error (read->uri));
      return;
    }

  body_read_next (g_steal_pointer (&task));
}

/* Takes over @task's reference. */
static void
body_read_next (GTask *task)
{
  BodyRead *read = g_task_get_task_data (task);
  GInputStream *stream = g_task_get_source_object (task);
  gsize length = read->buffer->len;
  void *into;
  gsize count;

  /* Up to the cap in chunks, then one byte more to learn whether the body goes past it. */
  read->probing = length >= max_body_bytes;
  if (read->probing)
    {
      into = &read->probe;
      count = 1;
    }
  else
    {
      g_byte_array_set_size (read->buffer, length + BODY_CHUNK_BYTES);
      into = read->buffer->data + length;
      count = MIN ((gsize) BODY_CHUNK_BYTES, max_body_bytes - length);
    }

  g_input_stream_read_async (stream, into, count, g_task_get_priority (task),
                             g_task_get_cancellable (task), body_read_cb, task);
}

/* Whether the headers promise a decoded body longer than the cap. */
static gboolean
announces_too_large (SoupMessage *message,
                     goffset     *out_length)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  const char *encoding = soup_message_headers_get_one (headers, "Content-Encoding");

  *out_length = -1;
  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH ||
      (encoding != NULL && g_ascii_strcasecmp (encoding, "identity") != 0))
    return FALSE;

  *out_length = soup_message_headers_get_content_length (headers);
  return *out_length > 0 && (guint64) *out_length > max_body_bytes;
}

static void
body_read_start (GInputStream        *stream,
                 SoupMessage         *message,
                 int                  priority,
                 GCancellable        *cancellable,
                 BodyActivityFunc     on_activity,
                 gpointer             activity_data,
                 OmsHttpMonitor      *monitor,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);
  BodyRead *read = g_new0 (BodyRead, 1);
  goffset length;

  g_task_set_source_tag (task, body_read_start);
  g_task_set_priority (task, priority);
  g_task_set_task_data (task, read, body_read_free);
  read->uri = g_uri_ref (soup_message_get_uri (message));
  read->on_activity = on_activity;
  read->activity_data = activity_data;
  read->monitor = monitor != NULL ? g_object_ref (monitor) : NULL;

  if (announces_too_large (message, &length))
    {
      g_task_return_error (task, too_large_error (read->uri));
      return;
    }

  read->buffer = g_byte_array_sized_new (length > 0 ? (guint) length : BODY_CHUNK_BYTES);
  body_read_next (g_steal_pointer (&task));
}

static GBytes *
body_read_finish (GAsyncResult  *result,
                  GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == body_read_start, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * oms_http_read_body_async:
 * @stream: the body of @message, from soup_session_send_finish()
 * @message: the message
 * @cancellable: (nullable): a cancellable
 * @callback: called when the whole body is read, or reading it failed
 * @user_data: data for @callback
 *
 * Reads @stream to its end, closes it, and gives the body. A body longer than
 * %OMS_JSON_GATE_MAX_RESPONSE_BYTES fails, with OMS_PROTOCOL_ERROR_RESPONSE_PARSING, as soon as
 * it passes that length: it is never held whole.
 */
void
oms_http_read_body_async (GInputStream        *stream,
                          SoupMessage         *message,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (G_IS_INPUT_STREAM (stream));
  g_return_if_fail (SOUP_IS_MESSAGE (message));

  body_read_start (stream, message, G_PRIORITY_DEFAULT, cancellable, NULL, NULL, NULL, callback,
                   user_data);
}

/**
 * oms_http_read_body_finish:
 * @stream: the stream
 * @result: the result
 * @error: return location for the read's error, or an OMS_PROTOCOL_ERROR_RESPONSE_PARSING
 *
 * Returns: (transfer full) (nullable): the body
 */
GBytes *
oms_http_read_body_finish (GInputStream  *stream,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, stream), NULL);

  return body_read_finish (result, error);
}

/**
 * oms_http_check_json_body:
 * @body: a body read from the server at @uri
 * @uri: (nullable): where it came from, for the message
 * @error: return location for an OMS_PROTOCOL_ERROR_RESPONSE_PARSING
 *
 * The gate (oms-json-gate.h) every answer passes before a JSON parser sees it: no larger than
 * %OMS_JSON_GATE_MAX_RESPONSE_BYTES, nested no deeper than %OMS_JSON_GATE_MAX_DEPTH.
 *
 * Returns: %TRUE if @body may be parsed
 */
gboolean
oms_http_check_json_body (GBytes  *body,
                          GUri    *uri,
                          GError **error)
{
  g_autoptr(GError) gate_error = NULL;
  const char *data;
  gsize size = 0;

  g_return_val_if_fail (body != NULL, FALSE);

  data = g_bytes_get_data (body, &size);
  if (oms_json_gate_check (data, size, max_body_bytes, &gate_error))
    return TRUE;

  g_propagate_error (error, unreadable_response_error (uri, gate_error->message));
  return FALSE;
}

/*
 * Sending, with Open mSupply's retries
 */

static void
send_result_free (gpointer data)
{
  SendResult *result = data;

  g_clear_pointer (&result->body, g_bytes_unref);
  g_free (result);
}

static void
send_data_stop_waiting (SendData *data)
{
  if (data->waiting)
    {
      data->waiting = FALSE;
      oms_http_monitor_remove_waiting (data->monitor);
    }
}

/* A byte went to or came from the server: the request is not waiting. */
static void
send_data_note_activity (SendData *data)
{
  if (data->waiting_timer == NULL)
    return;

  send_data_stop_waiting (data);
  g_source_set_ready_time (data->waiting_timer, g_get_monotonic_time () + waiting_after_us ());
}

static void
count_wire_bytes (WireBytes   *bytes,
                  SoupMessage *message)
{
  SoupMessageMetrics *metrics = soup_message_get_metrics (message);

  if (bytes == NULL || metrics == NULL)
    return;

  bytes->down += soup_message_metrics_get_response_header_bytes_received (metrics) +
                 soup_message_metrics_get_response_body_bytes_received (metrics);
  bytes->up += soup_message_metrics_get_request_header_bytes_sent (metrics) +
               soup_message_metrics_get_request_body_bytes_sent (metrics);
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

  if (data->waiting_timer != NULL)
    {
      g_source_destroy (data->waiting_timer);
      g_clear_pointer (&data->waiting_timer, g_source_unref);
    }
  send_data_stop_waiting (data);

  if (cancellable != NULL)
    g_clear_signal_handler (&data->cancelled_id, cancellable);

  if (data->message != NULL)
    {
      count_wire_bytes (data->wire_bytes, data->message);
      g_signal_handlers_disconnect_by_data (data->message, data);
    }

  g_clear_object (&data->attempt_cancellable);
  g_clear_object (&data->message);
  g_clear_pointer (&data->peer_fingerprint, g_free);
  data->retry_after = 0;
  data->status = 0;
  data->connected = FALSE;
  data->connect_timed_out = FALSE;
}

static void
send_data_free (gpointer user_data)
{
  SendData *data = user_data;

  /* Every attempt ends before the task does, which holds a reference until then. */
  g_assert (data->message == NULL);
  g_assert (data->connect_timer == NULL);
  g_assert (data->waiting_timer == NULL);

  if (data->prepare_data_destroy != NULL)
    data->prepare_data_destroy (data->prepare_data);

  g_free (data->method);
  g_clear_pointer (&data->uri, g_uri_unref);
  g_free (data->content_type);
  g_clear_pointer (&data->body, g_bytes_unref);
  g_clear_pointer (&data->cut_body, g_bytes_unref);
  g_clear_object (&data->monitor);
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

/* The code of @error in words, "(input/output error: partial input)", in place of GLib's
 * quark and number ("g-io-error-quark 34"), which mean nothing to the person reading them.
 */
static char *
describe_error_code (const GError *error)
{
  g_autoptr(GEnumClass) enum_class = NULL;
  g_autofree char *words = NULL;
  const GEnumValue *value;
  const char *domain;
  GType type;

  if (error->domain == G_IO_ERROR)
    {
      type = G_TYPE_IO_ERROR_ENUM;
      /* Translators: the kind of a technical error, shown as "(input/output error: …)" */
      domain = _("input/output error");
    }
  else if (error->domain == G_TLS_ERROR)
    {
      type = G_TYPE_TLS_ERROR;
      /* Translators: the kind of a technical error, shown as "(TLS error: bad certificate)" */
      domain = _("TLS error");
    }
  else if (error->domain == G_RESOLVER_ERROR)
    {
      type = G_TYPE_RESOLVER_ERROR;
      /* Translators: the kind of a technical error: looking up a server's name (DNS) failed */
      domain = _("name lookup error");
    }
  else if (error->domain == SOUP_SESSION_ERROR)
    {
      type = SOUP_TYPE_SESSION_ERROR;
      /* Translators: the kind of a technical error */
      domain = _("HTTP error");
    }
  else
    {
      return NULL;
    }

  /* BROKEN_PIPE and CONNECTION_CLOSED share a value; a reset peer reads as the latter. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
    /* Translators: shown as "(input/output error: connection closed)" */
    return g_strdup_printf ("(%s: %s)", domain, _("connection closed"));

  enum_class = g_type_class_ref (type);
  value = g_enum_get_value (enum_class, error->code);
  if (value == NULL)
    return g_strdup_printf ("(%s %d)", domain, error->code);

  words = g_strdelimit (g_strdup (value->value_nick), "-_", ' ');
  return g_strdup_printf ("(%s: %s)", domain, words);
}

/* @error's message with its code in words, when there are any. */
static char *
describe_error (const GError *error)
{
  g_autofree char *code = describe_error_code (error);

  if (code == NULL)
    return g_strdup (error->message);

  return g_strdup_printf ("%s %s", error->message, code);
}

static gboolean
is_connection_lost (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

/* Why the call failed, for the message people read (oms-sync-error-text.c). */
static OmsSyncErrorInfo *
reason_for (const GError *error,
            gboolean      connected,
            GUri         *uri,
            const char   *peer_fingerprint)
{
  OmsSyncErrorReason reason = OMS_SYNC_ERROR_REASON_NONE;
  OmsSyncErrorInfo *info;

  if (g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND) ||
      g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND))
    reason = OMS_SYNC_ERROR_REASON_HOST_NOT_FOUND;
  else if (error->domain == G_TLS_ERROR &&
           (peer_fingerprint != NULL || error->code == G_TLS_ERROR_BAD_CERTIFICATE))
    reason = OMS_SYNC_ERROR_REASON_CERTIFICATE_UNTRUSTED;
  else if (error->domain == G_TLS_ERROR)
    reason = OMS_SYNC_ERROR_REASON_TLS_FAILED;
  else if (connected && is_connection_lost (error))
    reason = OMS_SYNC_ERROR_REASON_CONNECTION_LOST;

  if (reason == OMS_SYNC_ERROR_REASON_NONE)
    return NULL;

  info = oms_sync_error_info_new (reason);
  if (uri != NULL && g_uri_get_host (uri) != NULL)
    info->host = g_strdup (g_uri_get_host (uri));
  if (reason == OMS_SYNC_ERROR_REASON_CERTIFICATE_UNTRUSTED)
    info->fingerprint = g_strdup (peer_fingerprint);
  return info;
}

static GError *
classify_error (const GError *error,
                gboolean      connected,
                GUri         *uri,
                SoupSession  *session,
                const char   *peer_fingerprint)
{
  g_autoptr(OmsSyncErrorInfo) info = NULL;
  g_autofree char *where = NULL;
  g_autofree char *what = NULL;
  GError *classified;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  where = describe_uri (uri);
  what = describe_error (error);
  info = reason_for (error, connected, uri, peer_fingerprint);

  if (!connected || is_connect_error (error))
    {
      classified = g_error_new (OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_CONNECTION,
                                /* Translators: the server's address (e.g.
                                 * “https://central.example.org”), then the reason, an error
                                 * message. */
                                _("Could not connect to %s: %s"), where, what);
      if (info != NULL && info->fingerprint != NULL)
        {
          g_autofree char *text = g_steal_pointer (&classified->message);

          /* Translators: the technical detail of a refused certificate; %s is its SHA-256. */
          classified->message = g_strdup_printf (_("%s; the server’s certificate has SHA-256 "
                                                   "fingerprint %s"),
                                                 text, info->fingerprint);
        }
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      guint seconds = session != NULL ? soup_session_get_timeout (session) : 0;

      classified = g_error_new (OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_CONNECTION,
                                g_dngettext (GETTEXT_PACKAGE,
                                             /* Translators: %s is the server's address (e.g.
                                              * “https://central.example.org”), %u a number of
                                              * seconds. */
                                             "The server stopped answering: nothing came from "
                                             "%s for %u second",
                                             "The server stopped answering: nothing came from "
                                             "%s for %u seconds",
                                             seconds),
                                where, seconds);
      g_clear_pointer (&info, oms_sync_error_info_free);
      info = oms_sync_error_info_new (OMS_SYNC_ERROR_REASON_STOPPED_ANSWERING);
      info->idle_seconds = seconds;
    }
  else
    {
      classified = g_error_new (OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_TRANSPORT,
                                /* Translators: the server's address (e.g.
                                 * “https://central.example.org”), then the reason, an error
                                 * message. */
                                _("The request to %s failed: %s"), where, what);
    }

  oms_protocol_error_set_info (classified, info);
  return classified;
}

/**
 * oms_http_classify_error:
 * @error: a transport error from libsoup
 * @connected: whether the request had a connection when @error happened
 * @uri: (nullable): the request URI, for the message
 * @session: (nullable): the session, whose idle timeout a stall names
 *
 * Sorts a failed request as Open mSupply does (PROTOCOL.md §2.4): a failure to connect (DNS,
 * refused, unreachable, TLS handshake, connect timeout, or anything before a connection was
 * there) is OMS_PROTOCOL_ERROR_CONNECTION. So is a stall, a connection on which nothing went
 * either way for the idle timeout: the server stopped answering. Any other failure (a connection
 * broken mid-body, a bad body encoding) is OMS_PROTOCOL_ERROR_TRANSPORT. The message names the
 * error and its code in words, and the common faults carry their reason
 * (oms_protocol_error_get_info()). G_IO_ERROR_CANCELLED is returned as it is.
 *
 * Returns: (transfer full): the classified error
 */
GError *
oms_http_classify_error (const GError *error,
                         gboolean      connected,
                         GUri         *uri,
                         SoupSession  *session)
{
  g_return_val_if_fail (error != NULL, NULL);
  g_return_val_if_fail (session == NULL || SOUP_IS_SESSION (session), NULL);

  return classify_error (error, connected, uri, session, NULL);
}

/* "AB:CD:…": the SHA-256 of @certificate's DER, as browsers and openssl show it. */
static char *
certificate_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  GString *text = g_string_new (NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return g_string_free (text, TRUE);

  g_checksum_update (checksum, der->data, der->len);
  g_checksum_get_digest (checksum, digest, &length);
  for (gsize i = 0; i < length; i++)
    g_string_append_printf (text, i > 0 ? ":%02X" : "%02X", digest[i]);

  return g_string_free (text, FALSE);
}

/* libsoup asks whether to accept a certificate the system does not trust: never, but the
 * message then names the one it was shown.
 */
static gboolean
oms_http_accept_certificate_cb (SoupMessage          *message,
                                GTlsCertificate      *certificate,
                                GTlsCertificateFlags  errors,
                                SendData             *data)
{
  g_free (data->peer_fingerprint);
  data->peer_fingerprint = certificate_fingerprint (certificate);

  return FALSE;
}

/* Retry-After (RFC 9110 §10.2.3): seconds or an HTTP date, as UTC µs; 0 when absent or odd. */
static gint64
parse_retry_after (SoupMessage *message)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                    "Retry-After");
  g_autoptr(GDateTime) date = NULL;
  guint64 seconds;

  if (value == NULL)
    return 0;

  if (g_ascii_string_to_unsigned (value, 10, 0, 366 * 24 * 3600, &seconds, NULL))
    return g_get_real_time () + (gint64) seconds * G_USEC_PER_SEC;

  date = soup_date_time_new_from_http_string (value);
  if (date == NULL)
    return 0;

  return g_date_time_to_unix (date) * G_USEC_PER_SEC;
}

static void
oms_http_activity_cb (SendData *data)
{
  send_data_note_activity (data);
}

static void
oms_http_starting_cb (SoupMessage *message,
                      SendData    *data)
{
  data->connected = TRUE;
  send_data_note_activity (data);

  if (data->connect_timer != NULL)
    {
      g_source_destroy (data->connect_timer);
      g_clear_pointer (&data->connect_timer, g_source_unref);
    }
}

static void
oms_http_got_headers_cb (SoupMessage *message,
                         SendData    *data)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);

  /* See the top of this file: a 204 has no body, whatever its headers say. */
  if (soup_message_get_status (message) == SOUP_STATUS_NO_CONTENT &&
      soup_message_headers_get_one (headers, "Content-Length") == NULL &&
      soup_message_headers_get_one (headers, "Transfer-Encoding") == NULL)
    soup_message_headers_set_content_length (headers, 0);
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

static gboolean
oms_http_waiting_cb (gpointer user_data)
{
  SendData *data = user_data;

  /* Until the next byte re-arms it. */
  g_source_set_ready_time (data->waiting_timer, -1);
  if (!data->waiting)
    {
      data->waiting = TRUE;
      oms_http_monitor_add_waiting (data->monitor);
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
waiting_source_dispatch (GSource     *source,
                         GSourceFunc  callback,
                         gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs waiting_source_funcs = {
  .dispatch = waiting_source_dispatch,
};

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

/* Ends the attempt; starts the next one if @retry allows, else returns @failure or @body.
 * Takes over @task_in's reference and @failure_in.
 */
static void
oms_http_end_attempt (GTask   *task_in,
                      GBytes  *body,
                      GError  *failure_in,
                      gboolean retry)
{
  g_autoptr(GTask) task = task_in;
  g_autoptr(GError) failure = failure_in;
  SendData *data = g_task_get_task_data (task);
  SendResult *send_result;
  guint status = data->status;
  gint64 retry_after = data->retry_after;

  send_data_end_attempt (data, g_task_get_cancellable (task));

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
  send_result->body = g_bytes_ref (body);
  send_result->status = status;
  send_result->retry_after = retry_after;
  g_task_return_pointer (task, send_result, send_result_free);
}

/* Whether @message failed on a kept-alive connection the server had closed: it went on a
 * reused connection (no connect of its own) and not a byte of an answer came, so the server
 * never took it (or, at worst, it is replayed, which every route of both APIs tolerates: see
 * the top of this file). libsoup resends such a request by itself only for GET and HEAD;
 * hyper, under Open mSupply's reqwest, does the same for any request it had not yet sent.
 */
static gboolean
failed_on_stale_connection (SoupMessage *message)
{
  SoupMessageMetrics *metrics = soup_message_get_metrics (message);

  return metrics != NULL &&
         soup_message_metrics_get_connect_start (metrics) == 0 &&
         soup_message_metrics_get_response_start (metrics) == 0;
}

/* An attempt failed before its body was whole: classify @error and retry as Open mSupply does,
 * but a stall only once. Takes over @task's reference and @error_in.
 */
static void
oms_http_attempt_failed (GTask  *task,
                         GError *error_in)
{
  g_autoptr(GError) error = error_in;
  SendData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  SoupSession *session = g_task_get_source_object (task);
  GError *failure;
  gboolean retry;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      (cancellable == NULL || !g_cancellable_is_cancelled (cancellable)) &&
      data->connect_timed_out)
    {
      g_autoptr(GError) timed_out = NULL;
      guint timeout_ms = scaled_ms (connect_timeouts_ms[data->attempt - 1]);

      timed_out = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                               /* Translators: %u is a time in milliseconds (“ms”), e.g. “No
                                * connection after 5000 ms”. */
                               g_dngettext (GETTEXT_PACKAGE, "No connection after %u ms",
                                            "No connection after %u ms", timeout_ms),
                               timeout_ms);
      failure = classify_error (timed_out, FALSE, data->uri, session, NULL);
      retry = TRUE;
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      failure = g_steal_pointer (&error);
      retry = FALSE;
    }
  else if (g_error_matches (error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_RESPONSE_PARSING))
    {
      /* Too large: another attempt would bring the same answer. */
      failure = g_steal_pointer (&error);
      retry = FALSE;
    }
  else if (data->connected && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      failure = classify_error (error, TRUE, data->uri, session, NULL);
      retry = ++data->n_stalls < OMS_HTTP_MAX_STALLED_ATTEMPTS;
    }
  else
    {
      failure = classify_error (error, data->connected, data->uri, session,
                                data->peer_fingerprint);
      /* Open mSupply retries `is_connect() || is_timeout()`; and a kept-alive connection the
       * server closed while idle is no answer at all.
       */
      retry = g_error_matches (failure, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_CONNECTION) ||
              g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
              failed_on_stale_connection (data->message);
    }

  oms_http_end_attempt (task, NULL, failure, retry);
}

/**
 * oms_http_check_body_length:
 * @message: a message whose response has been read
 * @n_bytes: how many bytes of its body came
 * @error: return location for a G_IO_ERROR_PARTIAL_INPUT error
 *
 * libsoup 3.2 was seen to end a body without an error when the server closed the connection
 * before the length it announced (with `Connection: close`): a cut answer would pass for a
 * whole one. This compares what came with the `Content-Length`. A body sent compressed
 * announces the compressed length, which says nothing of the decoded one, and libsoup's
 * decoder was seen to hand on the decoded part of a cut gzip stream without an error; so for
 * such a body the bytes that came on the wire (the message's metrics, when it collects them)
 * are compared instead.
 *
 * Returns: %FALSE if the body is shorter than announced
 */
gboolean
oms_http_check_body_length (SoupMessage  *message,
                            goffset       n_bytes,
                            GError      **error)
{
  SoupMessageHeaders *headers;
  const char *encoding;
  goffset length;

  g_return_val_if_fail (SOUP_IS_MESSAGE (message), FALSE);

  headers = soup_message_get_response_headers (message);
  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    return TRUE;

  encoding = soup_message_headers_get_one (headers, "Content-Encoding");
  if (encoding != NULL && g_ascii_strcasecmp (encoding, "identity") != 0)
    {
      SoupMessageMetrics *metrics = soup_message_get_metrics (message);

      if (metrics == NULL)
        return TRUE;
      n_bytes = (goffset) soup_message_metrics_get_response_body_bytes_received (metrics);
    }

  length = soup_message_headers_get_content_length (headers);
  if (n_bytes >= length)
    return TRUE;

  {
    /* Formatted first: a format macro inside the msgid would cut it short (xgettext). */
    g_autofree char *came = g_strdup_printf ("%" G_GOFFSET_FORMAT, n_bytes);
    g_autofree char *announced = g_strdup_printf ("%" G_GOFFSET_FORMAT, length);

    g_set_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                 /* Translators: how many bytes of an answer came (first %s), of how many the
                  * server announced (second %s), e.g. “1 024 of 2 048”. */
                 _("the answer ended early: %s of %s bytes came"), came, announced);
  }
  return FALSE;
}

/* What came of a body whose reading failed (none when it failed for being too large). */
static GBytes *
body_read_steal_cut (GAsyncResult *result)
{
  BodyRead *read = g_task_get_task_data (G_TASK (result));

  if (read->buffer == NULL || read->probing)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&read->buffer));
}

static void
oms_http_body_read_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;

  body = body_read_finish (result, &error);
  if (body == NULL ||
      !oms_http_check_body_length (data->message, (goffset) g_bytes_get_size (body), &error))
    {
      /* A cut answer's whole records are worth keeping (oms_http_send_steal_cut_body()). */
      if (SOUP_STATUS_IS_SUCCESSFUL (data->status))
        data->cut_body = body != NULL ? g_steal_pointer (&body) : body_read_steal_cut (result);
      oms_http_attempt_failed (task, error);
      return;
    }

  oms_http_end_attempt (task, body, NULL, data->status == SOUP_STATUS_REQUEST_TIMEOUT);
}

static void
oms_http_send_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GInputStream) stream = NULL;
  GError *error = NULL;

  stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (stream == NULL)
    {
      oms_http_attempt_failed (task, error);
      return;
    }

  send_data_note_activity (data);
  data->status = soup_message_get_status (data->message);
  data->retry_after = parse_retry_after (data->message);
  body_read_start (stream, data->message, g_task_get_priority (task), data->attempt_cancellable,
                   (BodyActivityFunc) send_data_note_activity, data, data->monitor,
                   oms_http_body_read_cb, task);
}

/* Takes over @task's reference. */
static void
oms_http_start_attempt (GTask *task)
{
  static const char * const activity_signals[] = {
    "wrote-headers", "wrote-body-data", "wrote-body", "got-informational", "got-headers",
  };
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
  g_clear_pointer (&data->cut_body, g_bytes_unref);

  data->message = soup_message_new_from_uri (data->method, data->uri);
  headers = soup_message_get_request_headers (data->message);
  soup_message_headers_replace (headers, "Accept-Encoding", ACCEPT_ENCODING);
  soup_message_add_flags (data->message, SOUP_MESSAGE_IDEMPOTENT | SOUP_MESSAGE_COLLECT_METRICS);
  if (oms_http_open_msupply_transport ())
    soup_message_headers_replace (headers, "Connection", "close");
  if (data->body != NULL)
    soup_message_set_request_body_from_bytes (data->message, data->content_type, data->body);
  if (data->prepare != NULL)
    data->prepare (data->message, data->prepare_data);
  g_signal_connect (data->message, "starting", G_CALLBACK (oms_http_starting_cb), data);
  g_signal_connect (data->message, "accept-certificate",
                    G_CALLBACK (oms_http_accept_certificate_cb), data);
  g_signal_connect (data->message, "got-headers", G_CALLBACK (oms_http_got_headers_cb), data);

  data->attempt_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    data->cancelled_id = g_signal_connect (cancellable, "cancelled",
                                           G_CALLBACK (oms_http_cancelled_cb), data);

  data->connect_timer = g_timeout_source_new (scaled_ms (connect_timeouts_ms[data->attempt - 1]));
  g_source_set_static_name (data->connect_timer, "[omsync] connect timeout");
  g_source_set_callback (data->connect_timer, oms_http_connect_timeout_cb, data, NULL);
  g_source_attach (data->connect_timer, g_task_get_context (task));

  if (data->monitor != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (activity_signals); i++)
        g_signal_connect_swapped (data->message, activity_signals[i],
                                  G_CALLBACK (oms_http_activity_cb), data);

      data->waiting_timer = g_source_new (&waiting_source_funcs, sizeof (GSource));
      g_source_set_static_name (data->waiting_timer, "[omsync] waiting for the server");
      g_source_set_callback (data->waiting_timer, oms_http_waiting_cb, data, NULL);
      g_source_set_ready_time (data->waiting_timer, g_get_monotonic_time () + waiting_after_us ());
      g_source_attach (data->waiting_timer, g_task_get_context (task));
    }

  soup_session_send_async (session, data->message, g_task_get_priority (task),
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
 * failure, a timeout or an HTTP 408, and never after any other answer; an attempt that
 * stalled (no byte for the session's idle timeout) is tried again once only. Every attempt
 * offers `Accept-Encoding: gzip` and may share a kept-alive connection. The body is read with
 * the cap of oms_http_read_body_async().
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
  OmsHttpMonitor *monitor;
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
  monitor = g_object_get_data (G_OBJECT (session), MONITOR_KEY);
  data->monitor = monitor != NULL ? g_object_ref (monitor) : NULL;
  data->wire_bytes = g_object_get_data (G_OBJECT (session), BYTES_KEY);

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_http_send_async);
  g_task_set_task_data (task, data, send_data_free);

  oms_http_start_attempt (g_steal_pointer (&task));
}

/**
 * oms_http_send_finish_full:
 * @session: the session
 * @result: the result
 * @out_status: (out) (optional): the HTTP status of the last attempt
 * @out_retry_after: (out) (optional): when the answer's `Retry-After` asks to be tried again,
 *   in UTC microseconds, or 0
 * @error: return location for an OMS_PROTOCOL_ERROR_CONNECTION,
 *   OMS_PROTOCOL_ERROR_TRANSPORT or OMS_PROTOCOL_ERROR_RESPONSE_PARSING (a body over the cap)
 *   error, or G_IO_ERROR_CANCELLED
 *
 * Any HTTP status is a success here: the caller decides what it means.
 *
 * Returns: (transfer full) (nullable): the decoded response body (empty if there was none)
 */
GBytes *
oms_http_send_finish_full (SoupSession   *session,
                           GAsyncResult  *result,
                           guint         *out_status,
                           gint64        *out_retry_after,
                           GError       **error)
{
  SendResult *send_result;
  GBytes *body;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (g_task_is_valid (result, session), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == oms_http_send_async, NULL);

  if (out_status != NULL)
    *out_status = 0;
  if (out_retry_after != NULL)
    *out_retry_after = 0;

  send_result = g_task_propagate_pointer (G_TASK (result), error);
  if (send_result == NULL)
    return NULL;

  if (out_status != NULL)
    *out_status = send_result->status;
  if (out_retry_after != NULL)
    *out_retry_after = send_result->retry_after;
  body = g_steal_pointer (&send_result->body);
  send_result_free (send_result);

  return body;
}

/**
 * oms_http_send_steal_cut_body:
 * @result: the result of oms_http_send_async(), after its finish function failed
 *
 * When the last attempt had a 2xx answer whose body was cut short (the connection reset or
 * closed before the end, a stall), gives the decoded part of the body that came. It is not
 * whole JSON; a caller that knows the body's shape may keep its whole records.
 *
 * Returns: (transfer full) (nullable): the part that came, or %NULL
 */
GBytes *
oms_http_send_steal_cut_body (GAsyncResult *result)
{
  SendData *data;

  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == oms_http_send_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  return g_steal_pointer (&data->cut_body);
}

/**
 * oms_http_send_finish:
 *
 * oms_http_send_finish_full() without the `Retry-After`.
 */
GBytes *
oms_http_send_finish (SoupSession   *session,
                      GAsyncResult  *result,
                      guint         *out_status,
                      GError       **error)
{
  return oms_http_send_finish_full (session, result, out_status, NULL, error);
}
