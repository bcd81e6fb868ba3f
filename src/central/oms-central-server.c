/* oms-central-server.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-central-server"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "oms-central-private.h"

struct _OmsCentralServer
{
  GObject            parent_instance;

  /* Owned refs */
  SoupServer        *server;

  /* State */
  char              *data_dir;
  OmsCentralContext  ctx;
};

G_DEFINE_FINAL_TYPE (OmsCentralServer, oms_central_server, G_TYPE_OBJECT)

G_DEFINE_QUARK (oms-central-error-quark, oms_central_error)

enum {
  PROP_0,
  PROP_DATA_DIR,
  PROP_BASE_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  OmsCentralContext *ctx;
  int                site_id;
  gboolean           v6;
} IntegrationData;

typedef struct
{
  OmsCentralServer  *self;
  SoupServerMessage *msg;
  char              *path;
  GHashTable        *query;
  OmsCentralFault   *fault;
  guint              source_id;
  gulong             disconnected_id;
} DelayedRequest;

typedef struct
{
  GHashTable *in_flight;
  char       *name;
} InFlightToken;

OmsCentralSiteState *
_oms_central_site_state (OmsCentralContext *ctx,
                         int                site_id)
{
  OmsCentralSiteState *state = g_hash_table_lookup (ctx->site_states, GINT_TO_POINTER (site_id));

  if (!state)
    {
      state = g_new0 (OmsCentralSiteState, 1);
      state->site_id = site_id;
      g_hash_table_insert (ctx->site_states, GINT_TO_POINTER (site_id), state);
    }
  return state;
}

void
_oms_central_respond_json (SoupServerMessage *msg,
                           guint              status,
                           JsonNode          *node)
{
  gsize length = 0;
  char *text = json_to_string (node, FALSE);

  length = strlen (text);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, length);
}

/* Sends JSON text written by hand, as the bulk record routes do; takes @text. */
void
_oms_central_respond_json_text (SoupServerMessage *msg,
                                guint              status,
                                GString           *text)
{
  gsize length = text->len;

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_string_free (text, FALSE), length);
}

/* Sends a body a protocol builder wrote, without copying it. */
void
_oms_central_respond_json_bytes (SoupServerMessage *msg,
                                 guint              status,
                                 GBytes            *body)
{
  SoupMessageBody *response = soup_server_message_get_response_body (msg);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Content-Type",
                                "application/json");
  soup_message_body_truncate (response);
  soup_message_body_append_bytes (response, body);
}

void
_oms_central_respond_text (SoupServerMessage *msg,
                           guint              status,
                           const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY,
                                    text, strlen (text));
}

GBytes *
_oms_central_request_body (SoupServerMessage *msg)
{
  return soup_message_body_flatten (soup_server_message_get_request_body (msg));
}

/* The admin routes' bodies, which are not part of either API, pass the same gate as the
 * protocol's request parsers (oms-json-gate.h): a body nested deeper than it allows would
 * overflow json-glib's recursion. Callers answer 400 to any error.
 */
JsonNode *
_oms_central_parse_body (SoupServerMessage  *msg,
                         GError            **error)
{
  g_autoptr(GBytes) bytes = _oms_central_request_body (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  if (!oms_json_gate_check (data, length, OMS_JSON_GATE_MAX_CENTRAL_REQUEST_BYTES, error))
    return NULL;
  if (!json_parser_load_from_data (parser, length ? data : "", (gssize) length, error))
    return NULL;
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE, "Empty body");
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}

gboolean
_oms_central_address_is_loopback (GSocketAddress *address)
{
  GInetAddress *inet;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return FALSE;
  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  return g_inet_address_get_is_loopback (inet);
}

static gboolean
integration_done_cb (gpointer user_data)
{
  IntegrationData *data = user_data;
  OmsCentralSiteState *state = _oms_central_site_state (data->ctx, data->site_id);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (data->v6)
    ok = _oms_central_db_integrate_v6 (data->ctx, data->site_id, &error);
  else
    ok = _oms_central_db_integrate_v5 (data->ctx, data->site_id, &error);
  if (!ok)
    g_debug ("Integration for site %d failed: %s", data->site_id, error->message);
  else
    g_debug ("Integrated %s records of site %d", data->v6 ? "v6" : "v5", data->site_id);

  if (data->v6)
    state->v6_integrating = FALSE;
  else
    state->v5_integrating = FALSE;
  return G_SOURCE_REMOVE;
}

static void
integration_data_free (gpointer user_data)
{
  IntegrationData *data = user_data;
  guint id = GPOINTER_TO_UINT (g_hash_table_lookup (data->ctx->sources, data));

  if (id)
    g_hash_table_remove (data->ctx->sources, data);
  g_free (data);
}

/* Integration is reported as in progress from the final push until the timer fires, so
 * clients see the same site_status sequence as against the real servers.
 */
void
_oms_central_schedule_integration (OmsCentralContext *ctx,
                                   int                site_id,
                                   gboolean           v6,
                                   guint              delay_ms)
{
  OmsCentralSiteState *state = _oms_central_site_state (ctx, site_id);
  IntegrationData *data = g_new0 (IntegrationData, 1);
  guint id;

  data->ctx = ctx;
  data->site_id = site_id;
  data->v6 = v6;
  if (v6)
    state->v6_integrating = TRUE;
  else
    state->v5_integrating = TRUE;
  id = g_timeout_add_full (G_PRIORITY_DEFAULT, delay_ms, integration_done_cb, data,
                           integration_data_free);
  g_hash_table_insert (ctx->sources, data, GUINT_TO_POINTER (id));
}

static void
in_flight_token_free (gpointer user_data)
{
  InFlightToken *token = user_data;
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (token->in_flight, token->name));

  if (count > 1)
    g_hash_table_insert (token->in_flight, g_strdup (token->name), GUINT_TO_POINTER (count - 1));
  else
    g_hash_table_remove (token->in_flight, token->name);
  g_hash_table_unref (token->in_flight);
  g_free (token->name);
  g_free (token);
}

static void reap_gone_clients (OmsCentralContext *ctx);

/* The legacy central refuses a second concurrent sync of one site. A request counts as
 * running until libsoup drops its message, which also covers delayed and dropped ones.
 */
static gboolean
v5_enter (OmsCentralContext *ctx,
          SoupServerMessage *msg,
          const char        *path)
{
  g_autofree char *name = NULL;
  InFlightToken *token;
  guint count;

  /* Site info and status are not sync work; the Open mSupply central also checks every v6
   * caller's credentials through site info while that site syncs.
   */
  if (!_oms_central_v5_is_route (path) || g_str_equal (path, "/sync/v5/site_status")
      || g_str_equal (path, "/sync/v5/site"))
    return TRUE;
  name = _oms_central_v5_auth_name (msg);
  if (!name)
    return TRUE;

  count = GPOINTER_TO_UINT (g_hash_table_lookup (ctx->v5_in_flight, name));
  if (count > 0)
    {
      reap_gone_clients (ctx);
      count = GPOINTER_TO_UINT (g_hash_table_lookup (ctx->v5_in_flight, name));
    }
  if (count > 0)
    return FALSE;

  g_hash_table_insert (ctx->v5_in_flight, g_strdup (name), GUINT_TO_POINTER (count + 1));
  token = g_new0 (InFlightToken, 1);
  token->in_flight = g_hash_table_ref (ctx->v5_in_flight);
  token->name = g_steal_pointer (&name);
  g_object_set_data_full (G_OBJECT (msg), "oms-central-in-flight", token, in_flight_token_free);
  return TRUE;
}

static void
respond_sync_is_running (SoupServerMessage *msg)
{
  _oms_central_v5_respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "sync_is_running",
                                 "Sync is already running - try again later", NULL);
}

/* Compression, as Open mSupply's central does: its actix server wraps every route in the
 * Compress middleware, so a client that offers gzip gets gzip. The legacy server's behaviour
 * is not known, so the v5 routes compress only with --compress-legacy. A file download is left
 * as it is: files are mostly compressed already, and the client counts their bytes.
 */
static gboolean
accepts_gzip (SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                                      "Accept-Encoding");
  GSList *acceptable;
  gboolean gzip = FALSE;

  if (header == NULL)
    return FALSE;

  acceptable = soup_header_parse_quality_list (header, NULL);
  for (GSList *l = acceptable; l != NULL; l = l->next)
    gzip = gzip || g_ascii_strcasecmp (l->data, "gzip") == 0;
  soup_header_free_list (acceptable);

  return gzip;
}

static GBytes *
gzip_bytes (GBytes *bytes)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP,
                                                                 -1);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize size = 0;
  const guint8 *in = g_bytes_get_data (bytes, &size);
  gsize offset = 0;
  GConverterResult result;

  do
    {
      guint8 buffer[16384];
      gsize n_read = 0;
      gsize n_written = 0;

      result = g_converter_convert (G_CONVERTER (compressor), in + offset, size - offset,
                                    buffer, sizeof buffer, G_CONVERTER_INPUT_AT_END, &n_read,
                                    &n_written, NULL);
      if (result == G_CONVERTER_ERROR)
        return NULL;
      offset += n_read;
      g_byte_array_append (out, buffer, n_written);
    }
  while (result != G_CONVERTER_FINISHED);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
maybe_compress (OmsCentralServer  *self,
                SoupServerMessage *msg,
                const char        *path)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) compressed = NULL;
  gboolean v5 = g_str_has_prefix (path, "/sync/v5/");

  if ((v5 && !self->ctx.compress_legacy) ||
      (!v5 && !g_str_has_prefix (path, "/central/sync/")) ||
      g_str_equal (path, "/central/sync/download_file"))
    return;

  /* Whether or not this answer is compressed, the next one may differ by this header. */
  soup_message_headers_append (headers, "Vary", "Accept-Encoding");
  if (body->length == 0 || !accepts_gzip (msg) ||
      soup_message_headers_get_one (headers, "Content-Encoding") != NULL)
    return;

  plain = soup_message_body_flatten (body);
  compressed = gzip_bytes (plain);
  if (compressed == NULL)
    return;

  soup_message_body_truncate (body);
  soup_message_body_append_bytes (body, compressed);
  soup_message_headers_replace (headers, "Content-Encoding", "gzip");
  soup_message_headers_set_content_length (headers, g_bytes_get_size (compressed));
}

/* Every answer but a delayed one is written here. A corrupt fault breaks the JSON itself,
 * before compression, so the client finds bad JSON as without it; a truncate or bandwidth
 * fault works on the bytes that go on the wire, compressed or not.
 */
static void
route (OmsCentralServer      *self,
       SoupServerMessage     *msg,
       const char            *path,
       GHashTable            *query,
       const OmsCentralFault *fault)
{
  if (fault && fault->status)
    {
      soup_server_message_set_status (msg, fault->status, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY,
                                        fault->body ? fault->body : "",
                                        fault->body ? strlen (fault->body) : 0);
      if (fault->retry_after > 0)
        {
          g_autofree char *seconds = g_strdup_printf ("%u", fault->retry_after);

          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Retry-After", seconds);
        }
    }
  else if (g_str_has_prefix (path, "/sync/v5/"))
    _oms_central_v5_handle (&self->ctx, msg, path, query, fault);
  else if (g_str_has_prefix (path, "/central/sync/"))
    _oms_central_v6_handle (&self->ctx, msg, path, fault);
  else
    _oms_central_respond_text (msg, SOUP_STATUS_NOT_FOUND, "Not found");

  if (fault && fault->corrupt)
    _oms_central_fault_apply_body (fault, msg);
  maybe_compress (self, msg, path);
  if (fault && !fault->corrupt)
    _oms_central_fault_apply_body (fault, msg);
}

static void
delayed_request_free (DelayedRequest *request)
{
  g_clear_signal_handler (&request->disconnected_id, request->msg);
  g_clear_object (&request->msg);
  g_clear_pointer (&request->query, g_hash_table_unref);
  g_clear_pointer (&request->fault, _oms_central_fault_free);
  g_free (request->path);
  g_free (request);
}

static void
delayed_request_remove (gpointer user_data)
{
  DelayedRequest *request = user_data;

  g_hash_table_remove (request->self->ctx.sources, request);
  delayed_request_free (request);
}

/* libsoup neither reads nor writes the connection of a paused message, so it does not notice a
 * client that gives up on a hung or delayed request: "disconnected" would only come when the
 * server next writes, and until then the request holds its site's sync lock (v5_enter), so the
 * client's next sync got 503 sync_is_running. A paused message watches its socket itself: a
 * peek that reads the end of the stream means the client closed its side.
 */
#define CLIENT_WATCH_KEY "oms-central-client-watch"       /* its GSource */
#define CLIENT_WATCH_DATA_KEY "oms-central-client-watch-data" /* its ClientWatch */

typedef void (*ClientGoneFunc) (SoupServerMessage *msg,
                                gpointer           user_data);

typedef struct
{
  OmsCentralContext *ctx;
  SoupServerMessage *msg;  /* not owned: the watch lives in the message's data */
  ClientGoneFunc     gone;
  gpointer           user_data;
} ClientWatch;

/* The site of a request that ends without an answer (a client that left, a connection the
 * server closes on purpose) may sync again at once.
 */
void
_oms_central_release_in_flight (SoupServerMessage *msg)
{
  g_object_set_data (G_OBJECT (msg), "oms-central-in-flight", NULL);
}

typedef enum
{
  CLIENT_THERE,
  CLIENT_GONE,
  CLIENT_UNKNOWN,   /* it sent more: a peek can no longer tell */
} ClientState;

static ClientState
peek_client (SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  char byte;
  gssize n;

  if (socket == NULL)
    return CLIENT_GONE;
  n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return CLIENT_THERE;
  return n > 0 ? CLIENT_UNKNOWN : CLIENT_GONE;
}

/* Called with the main context dispatching @watch's source or not: the source and @watch go
 * once this returns.
 */
static void
client_gone (ClientWatch *watch)
{
  g_autoptr(SoupServerMessage) msg = g_object_ref (watch->msg);
  ClientGoneFunc gone = watch->gone;
  gpointer gone_data = watch->user_data;

  g_debug ("The client of a paused %s went away", soup_server_message_get_method (msg));
  g_object_set_data (G_OBJECT (msg), CLIENT_WATCH_DATA_KEY, NULL);
  g_object_set_data (G_OBJECT (msg), CLIENT_WATCH_KEY, NULL);
  _oms_central_release_in_flight (msg);
  gone (msg, gone_data);
  /* Answer into the closed connection so that libsoup finishes the message and drops it. */
  soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_TIMEOUT, NULL);
  soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
  soup_server_message_unpause (msg);
}

static gboolean
client_watch_cb (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  ClientWatch *watch = user_data;

  switch (peek_client (watch->msg))
    {
    case CLIENT_THERE:
      return G_SOURCE_CONTINUE;
    case CLIENT_UNKNOWN:
      /* Stop watching rather than spin on bytes nobody reads. */
      g_object_set_data (G_OBJECT (watch->msg), CLIENT_WATCH_DATA_KEY, NULL);
      g_source_unref (g_object_steal_data (G_OBJECT (watch->msg), CLIENT_WATCH_KEY));
      return G_SOURCE_REMOVE;
    case CLIENT_GONE:
    default:
      client_gone (watch);
      return G_SOURCE_REMOVE;
    }
}

static void
client_watch_free (gpointer data)
{
  ClientWatch *watch = data;

  if (watch->ctx != NULL)
    watch->ctx->client_watches = g_list_remove (watch->ctx->client_watches, watch);
  g_free (watch);
}

static void
client_watch_source_free (gpointer data)
{
  GSource *source = data;

  g_source_destroy (source);
  g_source_unref (source);
}

static void
watch_client (OmsCentralContext *ctx,
              SoupServerMessage *msg,
              ClientGoneFunc     gone,
              gpointer           user_data)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  ClientWatch *watch;
  GSource *source;

  if (socket == NULL)
    return;

  watch = g_new0 (ClientWatch, 1);
  watch->ctx = ctx;
  watch->msg = msg;
  watch->gone = gone;
  watch->user_data = user_data;
  ctx->client_watches = g_list_prepend (ctx->client_watches, watch);
  source = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_static_name (source, "[omsync-central] client watch");
  g_source_set_callback (source, G_SOURCE_FUNC (client_watch_cb), watch, client_watch_free);
  g_source_attach (source, NULL);
  g_object_set_data (G_OBJECT (msg), CLIENT_WATCH_DATA_KEY, watch);
  g_object_set_data_full (G_OBJECT (msg), CLIENT_WATCH_KEY, source, client_watch_source_free);
}

/* A client that gave up and at once sends its next request may be heard before its close:
 * look at every paused request now, so a site whose last client left is free for this one.
 */
static void
reap_gone_clients (OmsCentralContext *ctx)
{
  GList *gone = NULL;

  for (GList *l = ctx->client_watches; l != NULL; l = l->next)
    {
      ClientWatch *watch = l->data;

      if (peek_client (watch->msg) == CLIENT_GONE)
        gone = g_list_prepend (gone, g_object_ref (watch->msg));
    }

  for (GList *l = gone; l != NULL; l = l->next)
    {
      /* Still watched: an earlier one's end did not take this one with it. */
      if (g_object_get_data (G_OBJECT (l->data), CLIENT_WATCH_KEY) != NULL)
        client_gone (g_object_get_data (G_OBJECT (l->data), CLIENT_WATCH_DATA_KEY));
    }
  g_list_free_full (gone, g_object_unref);
}

static void
unwatch_client (SoupServerMessage *msg)
{
  g_object_set_data (G_OBJECT (msg), CLIENT_WATCH_DATA_KEY, NULL);
  g_object_set_data (G_OBJECT (msg), CLIENT_WATCH_KEY, NULL);
}

static gboolean
delayed_request_cb (gpointer user_data)
{
  DelayedRequest *request = user_data;

  unwatch_client (request->msg);
  route (request->self, request->msg, request->path, request->query, request->fault);
  soup_server_message_unpause (request->msg);
  return G_SOURCE_REMOVE;
}

static void
delayed_request_disconnected_cb (SoupServerMessage *msg,
                                 gpointer           user_data)
{
  DelayedRequest *request = user_data;
  guint id = GPOINTER_TO_UINT (g_hash_table_lookup (request->self->ctx.sources, request));

  /* The client gave up; answering later would write to a closed connection. */
  if (id)
    g_source_remove (id);
}

static void
delayed_request_client_gone (SoupServerMessage *msg,
                             gpointer           user_data)
{
  DelayedRequest *request = user_data;

  delayed_request_disconnected_cb (msg, request);
}

static void
held_disconnected_cb (SoupServerMessage *msg,
                      gpointer           user_data)
{
  OmsCentralServer *self = user_data;

  /* A client that gave up on a hung request may sync again. */
  _oms_central_release_in_flight (msg);
  g_signal_handlers_disconnect_by_func (msg, held_disconnected_cb, self);
  g_ptr_array_remove (self->ctx.held, msg);
}

static void
refuse_connection (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = NULL;

  _oms_central_release_in_flight (msg);
  stream = soup_server_message_steal_connection (msg);

  if (stream)
    g_io_stream_close (stream, NULL, NULL);
}

/* A connection dropped hard, as a crashed proxy or a broken line does: SO_LINGER with no
 * time makes the close send a TCP reset, so the client reads "Connection reset by peer".
 */
static void
reset_connection (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = NULL;
  GSocket *socket = soup_server_message_get_socket (msg);
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };

  if (socket != NULL &&
      setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger) != 0)
    g_debug ("Cannot make the close a reset: %s", g_strerror (errno));

  _oms_central_release_in_flight (msg);
  stream = soup_server_message_steal_connection (msg);
  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

static void
server_handler_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  OmsCentralServer *self = user_data;
  g_autoptr(OmsCentralFault) fault = NULL;

  g_debug ("%s %s", soup_server_message_get_method (msg), path);

  if (g_str_has_prefix (path, "/admin/"))
    {
      _oms_central_admin_handle (&self->ctx, msg, path, query);
      return;
    }

  if (!v5_enter (&self->ctx, msg, path))
    {
      respond_sync_is_running (msg);
      return;
    }

  fault = _oms_central_fault_take (&self->ctx, path, query);
  if (fault && fault->refuse)
    {
      refuse_connection (msg);
      return;
    }
  if (fault && fault->reset)
    {
      reset_connection (msg);
      return;
    }
  if (fault && fault->hang)
    {
      /* Held until the server goes away; the client's own timeout ends the request. */
      soup_server_message_pause (msg);
      g_signal_connect (msg, "disconnected", G_CALLBACK (held_disconnected_cb), self);
      g_ptr_array_add (self->ctx.held, g_object_ref (msg));
      watch_client (&self->ctx, msg, (ClientGoneFunc) held_disconnected_cb, self);
      return;
    }
  if (fault && fault->latency_ms > 0)
    {
      DelayedRequest *request = g_new0 (DelayedRequest, 1);
      guint id;

      request->self = self;
      request->msg = g_object_ref (msg);
      request->path = g_strdup (path);
      request->query = query ? g_hash_table_ref (query) : NULL;
      request->fault = g_steal_pointer (&fault);
      request->disconnected_id = g_signal_connect (msg, "disconnected",
                                                   G_CALLBACK (delayed_request_disconnected_cb),
                                                   request);
      soup_server_message_pause (msg);
      id = g_timeout_add_full (G_PRIORITY_DEFAULT, request->fault->latency_ms,
                               delayed_request_cb, request, delayed_request_remove);
      g_hash_table_insert (self->ctx.sources, request, GUINT_TO_POINTER (id));
      watch_client (&self->ctx, msg, delayed_request_client_gone, request);
      return;
    }

  route (self, msg, path, query, fault);
}

static void
oms_central_server_dispose (GObject *object)
{
  OmsCentralServer *self = (OmsCentralServer *)object;

  /* A paused message may outlive the server a moment; its watch must not reach back. */
  for (GList *l = self->ctx.client_watches; l != NULL; l = l->next)
    ((ClientWatch *) l->data)->ctx = NULL;
  g_clear_pointer (&self->ctx.client_watches, g_list_free);

  if (self->server)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }

  /* Removing a source runs its destroy notify, which drops it from the table. */
  while (self->ctx.sources && g_hash_table_size (self->ctx.sources) > 0)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, self->ctx.sources);
      if (!g_hash_table_iter_next (&iter, &key, &value))
        break;
      g_hash_table_iter_steal (&iter);
      g_source_remove (GPOINTER_TO_UINT (value));
    }
  g_clear_pointer (&self->ctx.held, g_ptr_array_unref);

  G_OBJECT_CLASS (oms_central_server_parent_class)->dispose (object);
}

static void
oms_central_server_finalize (GObject *object)
{
  OmsCentralServer *self = (OmsCentralServer *)object;

  _oms_central_db_close (&self->ctx);
  g_clear_pointer (&self->ctx.site_states, g_hash_table_unref);
  g_clear_pointer (&self->ctx.v5_in_flight, g_hash_table_unref);
  g_clear_pointer (&self->ctx.faults, g_ptr_array_unref);
  g_clear_pointer (&self->ctx.sources, g_hash_table_unref);
  g_clear_pointer (&self->ctx.base_url, g_free);
  g_clear_pointer (&self->ctx.public_url, g_free);
  g_clear_pointer (&self->ctx.files_dir, g_free);
  g_clear_pointer (&self->data_dir, g_free);

  G_OBJECT_CLASS (oms_central_server_parent_class)->finalize (object);
}

static void
oms_central_server_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  OmsCentralServer *self = OMS_CENTRAL_SERVER (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;

    case PROP_BASE_URL:
      g_value_set_string (value, self->ctx.base_url);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_central_server_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  OmsCentralServer *self = OMS_CENTRAL_SERVER (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_free (self->data_dir);
      self->data_dir = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_central_server_class_init (OmsCentralServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = oms_central_server_dispose;
  object_class->finalize = oms_central_server_finalize;
  object_class->get_property = oms_central_server_get_property;
  object_class->set_property = oms_central_server_set_property;

  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
site_state_free (gpointer data)
{
  g_free (data);
}

static void
held_message_free (gpointer data)
{
  g_signal_handlers_disconnect_matched (data, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                        held_disconnected_cb, NULL);
  g_object_unref (data);
}

static void
oms_central_server_init (OmsCentralServer *self)
{
  self->ctx.site_states = g_hash_table_new_full (NULL, NULL, NULL, site_state_free);
  self->ctx.v5_in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->ctx.faults = g_ptr_array_new_with_free_func ((GDestroyNotify)_oms_central_fault_free);
  self->ctx.held = g_ptr_array_new_with_free_func (held_message_free);
  self->ctx.sources = g_hash_table_new (NULL, NULL);
  /* sqlite3_total_changes64() is never negative, so no cached count matches yet. */
  self->ctx.v5_queue.stamp.total_changes = -1;
  self->ctx.v6_pull.stamp.total_changes = -1;
}

/**
 * oms_central_server_new:
 * @data_dir: directory for `central.sqlite`, created if missing
 * @error: return location for a #GError
 *
 * Opens (or creates) the central database. The server does not listen until
 * oms_central_server_listen() is called.
 *
 * Returns: (transfer full) (nullable): a new server
 */
OmsCentralServer *
oms_central_server_new (const char  *data_dir,
                        GError     **error)
{
  g_autoptr(OmsCentralServer) self = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create data directory %s: %s", data_dir, g_strerror (saved_errno));
      return NULL;
    }

  self = g_object_new (OMS_TYPE_CENTRAL_SERVER, "data-dir", data_dir, NULL);
  self->ctx.files_dir = g_build_filename (data_dir, "files", NULL);
  path = g_build_filename (data_dir, "central.sqlite", NULL);
  if (!_oms_central_db_open (&self->ctx, path, error))
    return NULL;
  return g_steal_pointer (&self);
}

static void
refused_written_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GIOStream) stream = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

/* libsoup 3.2 reads a request's whole body into memory before any handler runs, whatever
 * status a got-headers handler sets (unless the client sent `Expect: 100-continue`). So a body
 * too large for the gate is answered here, on the connection taken from libsoup, and the
 * connection closed without reading the body.
 */
static void
refuse_too_large (SoupServerMessage *msg,
                  goffset            length)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);
  g_autofree char *text = NULL;
  char *response;

  if (stream == NULL)
    return;
  if (length >= 0)
    text = g_strdup_printf ("The body is too large (%" G_GOFFSET_FORMAT " bytes; at most %u are "
                            "accepted)", length, OMS_JSON_GATE_MAX_CENTRAL_REQUEST_BYTES);
  else
    text = g_strdup_printf ("The body is too large (at most %u bytes are accepted)",
                            OMS_JSON_GATE_MAX_CENTRAL_REQUEST_BYTES);
  response = g_strdup_printf ("HTTP/1.1 413 Payload Too Large\r\n"
                              "Content-Type: text/plain; charset=utf-8\r\n"
                              "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                              strlen (text), text);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream), response,
                                   strlen (response), G_PRIORITY_DEFAULT, NULL,
                                   refused_written_cb, g_object_ref (stream));
  /* The write does not copy its buffer: it lives as long as the connection. */
  g_object_set_data_full (G_OBJECT (stream), "oms-central-refusal", response, g_free);
}

static gboolean
reads_json (SoupServerMessage *msg)
{
  /* Files (upload_file) are not JSON and have no such limit here. */
  return !g_str_equal (g_uri_get_path (soup_server_message_get_uri (msg)),
                       "/central/sync/upload_file");
}

static void
request_got_chunk_cb (SoupServerMessage *msg,
                      GBytes            *chunk,
                      gpointer           user_data)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  /* A chunked body announces no length: stop it once it has grown past the limit. */
  if (body->length > (goffset) OMS_JSON_GATE_MAX_CENTRAL_REQUEST_BYTES)
    {
      g_signal_handlers_disconnect_by_func (msg, request_got_chunk_cb, user_data);
      refuse_too_large (msg, -1);
    }
}

static void
request_got_headers_cb (SoupServerMessage *msg,
                        gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);

  if (!reads_json (msg))
    return;
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CHUNKED)
    g_signal_connect (msg, "got-chunk", G_CALLBACK (request_got_chunk_cb), NULL);
  else if (length > (goffset) OMS_JSON_GATE_MAX_CENTRAL_REQUEST_BYTES)
    refuse_too_large (msg, length);
}

#define COUNTED_KEY "oms-central-counted"

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  OmsCentralServer *self = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);

  /* The first request on a socket counts its connection; a kept-alive one is not new. */
  if (socket != NULL && g_object_get_data (G_OBJECT (socket), COUNTED_KEY) == NULL)
    {
      g_object_set_data (G_OBJECT (socket), COUNTED_KEY, GINT_TO_POINTER (1));
      self->ctx.n_connections++;
    }
  g_signal_connect (msg, "got-headers", G_CALLBACK (request_got_headers_cb), NULL);
}

/**
 * oms_central_server_listen:
 * @self: a #OmsCentralServer
 * @address: (nullable): address to bind, `127.0.0.1` when %NULL
 * @port: port to bind, 0 for a free one
 * @error: return location for a #GError
 *
 * Starts serving both APIs on one port.
 *
 * Returns: %TRUE when listening
 */
gboolean
oms_central_server_listen (OmsCentralServer  *self,
                           const char        *address,
                           guint              port,
                           GError           **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autofree char *uri_text = NULL;
  GSList *uris;

  g_return_val_if_fail (OMS_IS_CENTRAL_SERVER (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);

  inet = g_inet_address_new_from_string (address ? address : "127.0.0.1");
  if (!inet)
    {
      g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_INVALID,
                   "“%s” is not an IP address", address);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (inet, (guint16)port);

  self->server = soup_server_new ("server-header", "omsync-central/" PACKAGE_VERSION " ", NULL);
  g_signal_connect (self->server, "request-started", G_CALLBACK (request_started_cb), self);
  soup_server_add_handler (self->server, NULL, server_handler_cb, self, NULL);
  if (!soup_server_listen (self->server, socket_address, 0, error))
    {
      g_clear_object (&self->server);
      return FALSE;
    }

  uris = soup_server_get_uris (self->server);
  g_assert (uris != NULL);
  uri_text = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  if (g_str_has_suffix (uri_text, "/"))
    uri_text[strlen (uri_text) - 1] = '\0';

  g_free (self->ctx.base_url);
  self->ctx.base_url = g_steal_pointer (&uri_text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
  g_debug ("Listening on %s", self->ctx.base_url);
  return TRUE;
}

/**
 * oms_central_server_set_compress_legacy:
 * @self: a #OmsCentralServer
 * @compress: whether the legacy (v5) routes answer gzip to a client that offers it
 *
 * The Open mSupply routes always do, as Open mSupply's central does; the legacy server's
 * behaviour is not known, so the v5 routes do only when asked (`--compress-legacy`, and the
 * demo).
 */
void
oms_central_server_set_compress_legacy (OmsCentralServer *self,
                                        gboolean          compress)
{
  g_return_if_fail (OMS_IS_CENTRAL_SERVER (self));

  self->ctx.compress_legacy = compress;
}

/**
 * oms_central_server_set_public_url:
 * @self: a #OmsCentralServer
 * @url: (nullable): the URL sites reach this server at, or %NULL for the one it listens on
 *
 * What site info gives as `omSupplyCentralServerUrl`, for a server behind a proxy (the slow
 * line benchmark's).
 */
void
oms_central_server_set_public_url (OmsCentralServer *self,
                                   const char       *url)
{
  g_return_if_fail (OMS_IS_CENTRAL_SERVER (self));

  g_free (self->ctx.public_url);
  self->ctx.public_url = g_strdup (url);
}

/**
 * oms_central_server_get_n_connections:
 * @self: a #OmsCentralServer
 *
 * For tests and benchmarks: how many TCP connections have brought a request so far (a
 * connection kept alive counts once).
 *
 * Returns: the number of connections
 */
guint
oms_central_server_get_n_connections (OmsCentralServer *self)
{
  g_return_val_if_fail (OMS_IS_CENTRAL_SERVER (self), 0);

  return self->ctx.n_connections;
}

/**
 * oms_central_server_get_base_url:
 * @self: a #OmsCentralServer
 *
 * Returns: (nullable): the base URL without a trailing slash, e.g.
 *   `http://127.0.0.1:2048`, or %NULL before listening
 */
const char *
oms_central_server_get_base_url (OmsCentralServer *self)
{
  g_return_val_if_fail (OMS_IS_CENTRAL_SERVER (self), NULL);

  return self->ctx.base_url;
}

const char *
oms_central_server_get_data_dir (OmsCentralServer *self)
{
  g_return_val_if_fail (OMS_IS_CENTRAL_SERVER (self), NULL);

  return self->data_dir;
}

/**
 * oms_central_server_add_site:
 * @self: a #OmsCentralServer
 * @name: the site's login name
 * @password_plain: its password; only the SHA-256 is kept
 * @site_id: the legacy site id (not 1, which is the central's own)
 * @error: return location for a #GError
 *
 * Creates a site with its own store (a `name` and a `store` central record whose
 * `sync_id_remote_site` is @site_id). Adding an existing site with the same id updates
 * its password.
 *
 * Returns: %TRUE on success
 */
gboolean
oms_central_server_add_site (OmsCentralServer  *self,
                             const char        *name,
                             const char        *password_plain,
                             int                site_id,
                             GError           **error)
{
  g_autofree char *store_name = NULL;

  g_return_val_if_fail (OMS_IS_CENTRAL_SERVER (self), FALSE);
  g_return_val_if_fail (name != NULL && *name != '\0', FALSE);
  g_return_val_if_fail (password_plain != NULL, FALSE);

  if (site_id <= 0)
    {
      g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_INVALID,
                   "Site id must be a positive number, not %d", site_id);
      return FALSE;
    }
  store_name = g_strdup_printf ("%s store", name);
  return _oms_central_db_add_site (&self->ctx, name, password_plain, site_id, store_name, error);
}

/**
 * oms_central_server_dup_store_id:
 * @self: a #OmsCentralServer
 * @site_name: a site name
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the id of the site's store
 */
char *
oms_central_server_dup_store_id (OmsCentralServer  *self,
                                 const char        *site_name,
                                 GError           **error)
{
  char *store_id;

  g_return_val_if_fail (OMS_IS_CENTRAL_SERVER (self), NULL);
  g_return_val_if_fail (site_name != NULL, NULL);

  store_id = _oms_central_db_dup_store_id (&self->ctx, site_name);
  if (!store_id)
    g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_NOT_FOUND,
                 "Site “%s” has no store", site_name);
  return store_id;
}

/**
 * oms_central_server_seed_demo:
 * @self: a #OmsCentralServer
 * @n_extra_records: extra central records for benchmarks
 * @error: return location for a #GError
 *
 * Seeds the `demo` site (password `pass`, site id 2) with a small district's data.
 * Seeding again only adds the extra records not added before.
 *
 * Returns: %TRUE on success
 */
gboolean
oms_central_server_seed_demo (OmsCentralServer  *self,
                              guint              n_extra_records,
                              GError           **error)
{
  g_return_val_if_fail (OMS_IS_CENTRAL_SERVER (self), FALSE);

  return _oms_central_demo_seed (&self->ctx, n_extra_records, error);
}

/**
 * oms_central_server_seed_demo_v6:
 * @self: a #OmsCentralServer
 * @n_extra_records: extra Open mSupply central records (demo store assets) for benchmarks
 * @error: return location for a #GError
 *
 * Seeds the demo data if needed, then adds v6 asset records up to @n_extra_records in all.
 *
 * Returns: %TRUE on success
 */
gboolean
oms_central_server_seed_demo_v6 (OmsCentralServer  *self,
                                 guint              n_extra_records,
                                 GError           **error)
{
  g_return_val_if_fail (OMS_IS_CENTRAL_SERVER (self), FALSE);

  return _oms_central_demo_seed_v6_extra (&self->ctx, n_extra_records, error);
}

static gboolean
check_json (const char  *data_json,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!data_json)
    return TRUE;
  if (!oms_json_gate_check (data_json, strlen (data_json), G_MAXSIZE, error) ||
      !json_parser_load_from_data (parser, data_json, -1, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_INVALID,
                   "Record data must be a JSON object");
      return FALSE;
    }
  return TRUE;
}

/**
 * oms_central_server_add_central_record:
 * @self: a #OmsCentralServer
 * @table_name: legacy table name, e.g. `item`
 * @record_id: the record id
 * @action: `insert`, `update`, `delete` or `merge`
 * @data_json: (nullable): the legacy `recordData` object, %NULL for deletes
 * @error: return location for a #GError
 *
 * Appends a record to the legacy central change log served by `central_records`.
 *
 * Returns: %TRUE on success
 */
gboolean
oms_central_server_add_central_record (OmsCentralServer  *self,
                                       const char        *table_name,
                                       const char        *record_id,
                                       const char        *action,
                                       const char        *data_json,
                                       GError           **error)
{
  g_return_val_if_fail (OMS_IS_CENTRAL_SERVER (self), FALSE);
  g_return_val_if_fail (table_name != NULL && record_id != NULL && action != NULL, FALSE);

  if (!check_json (data_json, error))
    return FALSE;
  return _oms_central_db_add_central_record (&self->ctx, table_name, record_id, action,
                                             data_json, error) > 0;
}

/**
 * oms_central_server_add_remote_record:
 * @self: a #OmsCentralServer
 * @table_name: legacy table name, e.g. `temperature_log`
 * @record_id: the record id
 * @store_id: the owning store
 * @data_json: the legacy `recordData` object
 * @error: return location for a #GError
 *
 * Adds remote data of a store; `initialise` queues it to the store's site.
 *
 * Returns: %TRUE on success
 */
gboolean
oms_central_server_add_remote_record (OmsCentralServer  *self,
                                      const char        *table_name,
                                      const char        *record_id,
                                      const char        *store_id,
                                      const char        *data_json,
                                      GError           **error)
{
  g_return_val_if_fail (OMS_IS_CENTRAL_SERVER (self), FALSE);
  g_return_val_if_fail (table_name && record_id && store_id && data_json, FALSE);

  if (!check_json (data_json, error))
    return FALSE;
  return _oms_central_db_add_remote_record (&self->ctx, table_name, record_id, store_id,
                                            data_json, error);
}

/**
 * oms_central_server_add_v6_record:
 * @self: a #OmsCentralServer
 * @table_name: Open mSupply table name, e.g. `asset`
 * @record_id: the record id
 * @action: `Update` or `Delete`
 * @store_id: (nullable): owning store, %NULL for central data
 * @source_site_id: site the record came from, 0 for none
 * @data_json: (nullable): the Open mSupply `recordData` object
 * @error: return location for a #GError
 *
 * Appends a row to the Open mSupply central changelog served by `/central/sync/pull`.
 *
 * Returns: %TRUE on success
 */
gboolean
oms_central_server_add_v6_record (OmsCentralServer  *self,
                                  const char        *table_name,
                                  const char        *record_id,
                                  const char        *action,
                                  const char        *store_id,
                                  int                source_site_id,
                                  const char        *data_json,
                                  GError           **error)
{
  g_return_val_if_fail (OMS_IS_CENTRAL_SERVER (self), FALSE);
  g_return_val_if_fail (table_name != NULL && record_id != NULL && action != NULL, FALSE);

  if (!check_json (data_json, error))
    return FALSE;
  return _oms_central_db_add_v6_record (&self->ctx, table_name, record_id, action, store_id,
                                        source_site_id, data_json, error) > 0;
}

/**
 * oms_central_server_dup_received:
 * @self: a #OmsCentralServer
 * @site_name: a site name
 * @error: return location for a #GError
 *
 * What a site pushed: `{"site", "v5": {table: {"received", "integrated"}}, "v6": {...},
 * "records": [{"api", "tableName", "recordId", "action", "integrated", "recordData"}]}`.
 *
 * Returns: (transfer full) (nullable): a JSON object
 */
JsonNode *
oms_central_server_dup_received (OmsCentralServer  *self,
                                 const char        *site_name,
                                 GError           **error)
{
  g_return_val_if_fail (OMS_IS_CENTRAL_SERVER (self), NULL);
  g_return_val_if_fail (site_name != NULL, NULL);

  return _oms_central_db_dup_received (&self->ctx, site_name, error);
}

/**
 * oms_central_server_add_fault:
 * @self: a #OmsCentralServer
 * @spec: a fault, `ROUTE:KIND[,...]` as for `omsync-central --fault`
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @spec was valid and is now active
 */
gboolean
oms_central_server_add_fault (OmsCentralServer  *self,
                              const char        *spec,
                              GError           **error)
{
  OmsCentralFault *fault;

  g_return_val_if_fail (OMS_IS_CENTRAL_SERVER (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  fault = _oms_central_fault_parse (spec, error);
  if (!fault)
    return FALSE;
  g_ptr_array_add (self->ctx.faults, fault);
  return TRUE;
}

/**
 * oms_central_server_clear_faults:
 * @self: a #OmsCentralServer
 * @route: (nullable): only faults of this route, or all when %NULL
 */
void
oms_central_server_clear_faults (OmsCentralServer *self,
                                 const char       *route_path)
{
  g_return_if_fail (OMS_IS_CENTRAL_SERVER (self));

  _oms_central_faults_clear (&self->ctx, route_path);
}

/**
 * oms_central_server_set_integration_delay:
 * @self: a #OmsCentralServer
 * @delay_ms: how long integration of pushed records takes
 */
void
oms_central_server_set_integration_delay (OmsCentralServer *self,
                                          guint             delay_ms)
{
  g_return_if_fail (OMS_IS_CENTRAL_SERVER (self));

  self->ctx.integration_delay_ms = delay_ms;
}

/**
 * oms_central_server_seed_site:
 * @site_name: a site added with oms_central_server_add_site()
 *
 * Gives the site's store the demo store's kind of data under ids of its own: locations,
 * sensors with a week of temperature logs and a breach, and cold chain equipment.
 */
gboolean
oms_central_server_seed_site (OmsCentralServer  *self,
                              const char        *site_name,
                              GError           **error)
{
  g_return_val_if_fail (OMS_IS_CENTRAL_SERVER (self), FALSE);
  g_return_val_if_fail (site_name != NULL, FALSE);

  return _oms_central_demo_seed_site (&self->ctx, site_name, error);
}

/**
 * oms_central_server_find_file:
 * @self: a #OmsCentralServer
 * @table_name: the table of the record the file is attached to
 * @record_id: that record
 * @file_id: the sync_file_reference's id
 *
 * Where the file a site uploaded for @file_id is kept, as `/central/sync/download_file`
 * finds it.
 *
 * Returns: (transfer full) (nullable): its path, or %NULL when the central has no such file
 */
char *
oms_central_server_find_file (OmsCentralServer *self,
                              const char       *table_name,
                              const char       *record_id,
                              const char       *file_id)
{
  g_return_val_if_fail (OMS_IS_CENTRAL_SERVER (self), NULL);
  g_return_val_if_fail (table_name != NULL, NULL);
  g_return_val_if_fail (record_id != NULL, NULL);
  g_return_val_if_fail (file_id != NULL, NULL);

  return _oms_central_files_find (&self->ctx, table_name, record_id, file_id, NULL);
}
