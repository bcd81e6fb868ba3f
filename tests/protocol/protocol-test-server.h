/* protocol-test-server.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <string.h>
#include <gio/gio.h>
#include <libsoup/soup.h>

#include "oms-http-private.h"
#include "oms-protocol-error.h"
#include "protocol-test-util.h"

/* A SoupServer on 127.0.0.1 that records every request and answers from a queue of canned
 * responses, and a plain socket service that accepts connections and never answers.
 */

typedef struct
{
  char               *method;
  char               *path;
  char               *query;
  SoupMessageHeaders *headers;
  GBytes             *body;
} RecordedRequest;

typedef struct
{
  guint  status;
  char  *content_type;
  char  *body;
  gsize  length;
  char  *header_name;     /* one extra response header, or NULL */
  char  *header_value;
  gboolean gzip;
} CannedResponse;

typedef struct
{
  SoupServer *server;
  char       *url;          /* http://127.0.0.1:PORT (no slash) */
  GPtrArray  *requests;     /* (element-type RecordedRequest) */
  GQueue      responses;    /* (element-type CannedResponse) */
  GHashTable *sockets;      /* GSocket set: the connections requests came on */
} TestServer;

typedef struct
{
  GSocketService *service;
  char           *url;
  GPtrArray      *connections;   /* kept open, never answered */
} HangServer;

static inline void
recorded_request_free (gpointer data)
{
  RecordedRequest *request = data;

  g_free (request->method);
  g_free (request->path);
  g_free (request->query);
  soup_message_headers_unref (request->headers);
  g_bytes_unref (request->body);
  g_free (request);
}

static inline void
canned_response_free (gpointer data)
{
  CannedResponse *response = data;

  g_free (response->content_type);
  g_free (response->body);
  g_free (response->header_name);
  g_free (response->header_value);
  g_free (response);
}

static inline GBytes *
gzip_bytes (const char *data,
            gsize       length)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP,
                                                                 -1);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GError) error = NULL;

  out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_output_stream_write_all (out, data, length, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, &error);
  g_assert_no_error (error);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static inline void
test_server_request_started_cb (SoupServer        *server,
                                SoupServerMessage *message,
                                TestServer        *self)
{
  GSocket *socket = soup_server_message_get_socket (message);

  if (socket != NULL && !g_hash_table_contains (self->sockets, socket))
    g_hash_table_add (self->sockets, g_object_ref (socket));
}

static inline void
test_server_handler (SoupServer        *server,
                     SoupServerMessage *message,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  TestServer *self = user_data;
  SoupMessageBody *request_body = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) flattened = soup_message_body_flatten (request_body);
  RecordedRequest *request = g_new0 (RecordedRequest, 1);
  SoupMessageHeaders *in = soup_server_message_get_request_headers (message);
  SoupMessageHeaders *out = soup_server_message_get_response_headers (message);
  SoupMessageHeadersIter iter;
  const char *name;
  const char *value;
  CannedResponse *response;

  request->method = g_strdup (soup_server_message_get_method (message));
  request->path = g_strdup (path);
  request->query = g_strdup (g_uri_get_query (soup_server_message_get_uri (message)));
  request->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_message_headers_iter_init (&iter, in);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    soup_message_headers_append (request->headers, name, value);
  request->body = g_bytes_ref (flattened);
  g_ptr_array_add (self->requests, request);

  response = g_queue_pop_head (&self->responses);
  if (response == NULL)
    {
      soup_server_message_set_status (message, SOUP_STATUS_NO_CONTENT, NULL);
      return;
    }

  if (response->header_name != NULL)
    soup_message_headers_replace (out, response->header_name, response->header_value);

  if (response->gzip)
    {
      g_autoptr(GBytes) compressed = gzip_bytes (response->body, response->length);
      gsize size;
      const char *data = g_bytes_get_data (compressed, &size);

      soup_message_headers_replace (out, "Content-Encoding", "gzip");
      soup_server_message_set_response (message, response->content_type, SOUP_MEMORY_COPY,
                                        data, size);
    }
  else if (response->body != NULL)
    {
      soup_server_message_set_response (message, response->content_type, SOUP_MEMORY_COPY,
                                        response->body, response->length);
    }

  soup_server_message_set_status (message, response->status, NULL);
  canned_response_free (response);
}

static inline TestServer *
test_server_new (void)
{
  TestServer *self = g_new0 (TestServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;
  GUri *uri;

  self->server = soup_server_new ("server-header", "omsync-test ", NULL);
  self->requests = g_ptr_array_new_with_free_func (recorded_request_free);
  self->sockets = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  g_queue_init (&self->responses);

  soup_server_add_handler (self->server, NULL, test_server_handler, self, NULL);
  g_signal_connect (self->server, "request-started",
                    G_CALLBACK (test_server_request_started_cb), self);
  soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (self->server);
  g_assert_nonnull (uris);
  uri = uris->data;
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uri));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return self;
}

static inline void
test_server_free (TestServer *self)
{
  soup_server_disconnect (self->server);
  g_object_unref (self->server);
  g_ptr_array_unref (self->requests);
  g_queue_clear_full (&self->responses, canned_response_free);
  g_hash_table_unref (self->sockets);
  g_free (self->url);
  g_free (self);
}

static inline void
test_server_queue_full (TestServer *self,
                        guint       status,
                        const char *content_type,
                        const char *body,
                        gboolean    gzip,
                        const char *header_name,
                        const char *header_value)
{
  CannedResponse *response = g_new0 (CannedResponse, 1);

  response->status = status;
  response->content_type = g_strdup (content_type);
  response->body = g_strdup (body);
  response->length = body != NULL ? strlen (body) : 0;
  response->gzip = gzip;
  response->header_name = g_strdup (header_name);
  response->header_value = g_strdup (header_value);
  g_queue_push_tail (&self->responses, response);
}

static inline void
test_server_queue (TestServer *self,
                   guint       status,
                   const char *content_type,
                   const char *body)
{
  test_server_queue_full (self, status, content_type, body, FALSE, NULL, NULL);
}

static inline void
test_server_queue_fixture (TestServer *self,
                           guint       status,
                           const char *fixture)
{
  g_autofree char *text = load_fixture_text (fixture);

  test_server_queue (self, status, "application/json", text);
}

static inline RecordedRequest *
test_server_get_request (TestServer *self,
                         guint       index)
{
  g_assert_cmpuint (index, <, self->requests->len);
  return g_ptr_array_index (self->requests, index);
}

static inline char *
recorded_body_text (RecordedRequest *request)
{
  return g_strndup (g_bytes_get_data (request->body, NULL), g_bytes_get_size (request->body));
}

static inline gboolean
hang_server_incoming_cb (GSocketService    *service,
                         GSocketConnection *connection,
                         GObject           *source_object,
                         HangServer        *self)
{
  g_ptr_array_add (self->connections, g_object_ref (connection));
  return TRUE;
}

static inline HangServer *
hang_server_new (const char *scheme)
{
  HangServer *self = g_new0 (HangServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  self->service = g_socket_service_new ();
  self->connections = g_ptr_array_new_with_free_func (g_object_unref);
  g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound,
                                 &error);
  g_assert_no_error (error);
  g_signal_connect (self->service, "incoming", G_CALLBACK (hang_server_incoming_cb), self);
  g_socket_service_start (self->service);

  self->url = g_strdup_printf ("%s://127.0.0.1:%u", scheme,
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  return self;
}

static inline void
hang_server_free (HangServer *self)
{
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_object_unref (self->service);
  g_ptr_array_unref (self->connections);
  g_free (self->url);
  g_free (self);
}

/* A URL whose port nobody listens on: connecting is refused at once. */
static inline char *
closed_port_url (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  /* Loopback only, as every test listens. */
  g_socket_listener_add_address (listener, any_port, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_listener_close (listener);

  return g_strdup_printf ("http://127.0.0.1:%u", port);
}

/* Runs the default main context until *@result is set. */
static inline GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

static inline void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static inline gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

/* Checks an OMS_SYNC_ERROR: its variant, and that no credential leaked into the message. */
static inline void
assert_sync_error (const GError        *error,
                   OmsSyncErrorVariant  variant,
                   const char * const  *secrets)
{
  g_assert_nonnull (error);
  if (error->domain != OMS_SYNC_ERROR)
    g_error ("expected an OMS_SYNC_ERROR, got %s %d: %s",
             g_quark_to_string (error->domain), error->code, error->message);
  g_assert_cmpstr (oms_sync_error_variant_to_string ((OmsSyncErrorVariant) error->code), ==,
                   oms_sync_error_variant_to_string (variant));
  g_assert_null (strstr (error->message, "Basic "));
  for (guint i = 0; secrets != NULL && secrets[i] != NULL; i++)
    g_assert_null (strstr (error->message, secrets[i]));
}

/* @depth arrays, one inside the other: "[[[…]]]". Parsed by json-glib, which recurses once per
 * level, 75 000 levels overflow the stack of any thread.
 */
static inline char *
nested_brackets (gsize depth)
{
  char *text = g_malloc (2 * depth + 1);

  memset (text, '[', depth);
  memset (text + depth, ']', depth);
  text[2 * depth] = '\0';
  return text;
}

/* A body the client refused at the gate: RESPONSE_PARSING, said to be unreadable, with the
 * route of the call in the message.
 */
static inline void
assert_unreadable_response (const GError *error,
                            const char   *route)
{
  OmsProtocolError code = OMS_PROTOCOL_ERROR_CONNECTION;

  g_assert_nonnull (error);
  if (!oms_sync_error_get_protocol_error (error, &code))
    g_error ("expected a failed call, got %s %d: %s", g_quark_to_string (error->domain),
             error->code, error->message);
  g_assert_cmpint (code, ==, OMS_PROTOCOL_ERROR_RESPONSE_PARSING);
  g_assert_nonnull (strstr (error->message, "sent a response omsync cannot read"));
  g_assert_nonnull (strstr (error->message, route));
}

/* Calls route @index of @client; @route is set to its path. Returns how the call failed. */
typedef GError *(*CallRouteFunc) (gpointer      client,
                                  guint         index,
                                  const char  **route);

/* Answers each of the first @n_routes routes with @body and @status: every call must refuse it
 * at the gate, in one attempt at most.
 */
static inline void
assert_routes_refuse_body (TestServer          *server,
                           gpointer             client,
                           CallRouteFunc        call,
                           guint                n_routes,
                           guint                status,
                           const char          *body,
                           const char * const  *secrets)
{
  for (guint i = 0; i < n_routes; i++)
    {
      g_autoptr(GError) error = NULL;
      const char *route = NULL;
      guint attempts = _oms_http_get_n_attempts ();

      test_server_queue (server, status, "application/json", body);
      error = call (client, i, &route);
      g_test_message ("%u %s: %s", status, route, error->message);
      assert_sync_error (error, OMS_SYNC_ERROR_VARIANT_UNKNOWN, secrets);
      assert_unreadable_response (error, route);
      g_assert_cmpuint (oms_sync_error_get_http_status (error), ==, status);
      g_assert_cmpuint (_oms_http_get_n_attempts () - attempts, <=, 1);
    }
}

/* Captures the debug log while asked to, so tests can read what the SoupLogger printed. */
static GString *captured_debug;

static inline GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  if ((log_level & G_LOG_LEVEL_DEBUG) != 0 && captured_debug != NULL)
    {
      for (gsize i = 0; i < n_fields; i++)
        {
          if (g_str_equal (fields[i].key, "MESSAGE"))
            {
              g_string_append_len (captured_debug, fields[i].value, fields[i].length);
              g_string_append_c (captured_debug, '\n');
            }
        }
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static inline void
protocol_test_init (int    *argc,
                    char ***argv)
{
  /* G_TEST_OPTION_ISOLATE_DIRS hides the system GSettings schemas, which glib-networking's
   * GNOME proxy resolver needs: ask for the built-in direct one (these servers are local).
   */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
}
