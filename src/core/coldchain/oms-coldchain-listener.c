/* oms-coldchain-listener.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-coldchain-listener"

#include "config.h"

#include <gio/gnetworking.h>

#include "oms-coldchain-listener.h"

/* The cold chain server's sockets, accepted here rather than by SoupServer, whose listener
 * (libsoup 3.2) does not hold up on a busy or hostile network:
 *
 * - its sockets keep GSocket's listen backlog of 10, so simultaneous connections were reset;
 * - one failed accept (out of file descriptors, say) removes its accept source for good, and
 *   the server goes deaf without a word;
 * - it has glib-networking do each TLS handshake in GTask's shared thread pool with no
 *   timeout, so ten clients that connect and say nothing hold every thread that password
 *   checks, uploads and the rest of omsync need, until the pool slowly grows by one thread at
 *   a time;
 * - it keeps any number of connections open, silent ones included.
 *
 * Here the backlog is deep; accept errors pause accepting briefly; a TLS handshake starts only
 * once the client has spoken, runs in one of a few threads of the listener's own and must end
 * within OMS_COLDCHAIN_HANDSHAKE_SECONDS; a connection that stays silent for
 * OMS_COLDCHAIN_IDLE_SECONDS is closed; and past OMS_COLDCHAIN_MAX_CONNECTIONS open at once,
 * new connections wait in the backlog until one closes. Each connection ready for HTTP is
 * handed to the SoupServer with soup_server_accept_iostream(), which answers one request on it
 * and closes it.
 */

struct _OmsColdchainListener
{
  GObject          parent_instance;

  /* Owned references */
  SoupServer      *server;
  GTlsCertificate *certificate;   /* NULL for plain HTTP */
  GPtrArray       *sockets;       /* listening GSocket */
  GPtrArray       *sources;       /* accept GSource per socket; empty while paused */
  GThreadPool     *handshakes;
  GCancellable    *cancellable;   /* cancelled when closed */
  GMainContext    *context;       /* where it accepts and counts */

  /* State */
  guint            port;
  guint            n_connections;
  guint            max_connections;
  guint            idle_seconds;
  GSource         *resume;        /* the wait before accepting again after an error */
  gboolean         closed;
};

G_DEFINE_FINAL_TYPE (OmsColdchainListener, oms_coldchain_listener, G_TYPE_OBJECT)

/* A connection accepted and not yet handed over. */
typedef struct
{
  GSocket   *socket;
  GIOStream *stream;   /* the socket's, or TLS over it */
} Incoming;

static void resume_accepting (OmsColdchainListener *self);

static void
incoming_free (Incoming *incoming)
{
  g_clear_object (&incoming->stream);
  g_clear_object (&incoming->socket);
  g_free (incoming);
}

static gboolean
connection_gone_cb (gpointer user_data)
{
  OmsColdchainListener *self = user_data;

  self->n_connections--;
  if (self->sources->len == 0 && self->resume == NULL)
    resume_accepting (self);
  g_object_unref (self);

  return G_SOURCE_REMOVE;
}

/* Runs when the last reference to an accepted socket goes, whoever held it: that may be a
 * thread of glib-networking's, which does a blocking handshake in a GTask of its own.
 */
static void
connection_gone (gpointer user_data)
{
  OmsColdchainListener *self = user_data;

  g_main_context_invoke (self->context, connection_gone_cb, self);
}

static void
hand_over (OmsColdchainListener *self,
           Incoming             *incoming)
{
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (incoming->socket, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (incoming->socket, NULL);
  g_autoptr(GError) error = NULL;

  g_socket_set_timeout (incoming->socket, self->idle_seconds);
  if (!soup_server_accept_iostream (self->server, incoming->stream, local, remote, &error))
    g_debug ("Cannot serve a connection: %s", error->message);
}

static void
handshake_thread (gpointer data,
                  gpointer user_data)
{
  GTask *task = data;
  Incoming *incoming = g_task_get_task_data (task);
  GError *error = NULL;

  /* The pool's reference to @task is dropped by the callback, on the main thread, so that
   * the socket and the count of connections never go from this one.
   */
  if (g_tls_connection_handshake (G_TLS_CONNECTION (incoming->stream),
                                  g_task_get_cancellable (task), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
handshake_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  OmsColdchainListener *self = OMS_COLDCHAIN_LISTENER (object);
  Incoming *incoming = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_debug ("TLS handshake failed: %s", error->message);
      g_io_stream_close (incoming->stream, NULL, NULL);
    }
  else if (!self->closed)
    {
      hand_over (self, incoming);
    }

  /* The thread pool's reference; the task keeps its own until this returns. */
  g_object_unref (result);
}

/* The client has spoken (or stayed silent too long): its handshake may take a thread. */
static gboolean
client_spoke_cb (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  GTask *task = user_data;
  OmsColdchainListener *self = g_task_get_source_object (task);

  g_thread_pool_push (self->handshakes, g_object_ref (task), NULL);
  return G_SOURCE_REMOVE;
}

static void
start_handshake (OmsColdchainListener *self,
                 Incoming             *incoming)
{
  static const char *const protocols[] = { "http/1.1", "http/1.0", NULL };
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSource) source = NULL;
  g_autoptr(GError) error = NULL;

  /* No database: phones present no certificate, and without one set glib-networking loads
   * the system's trust store for every connection, megabytes each.
   */
  tls = g_initable_new (g_tls_backend_get_server_connection_type (g_tls_backend_get_default ()),
                        NULL, &error,
                        "base-io-stream", incoming->stream,
                        "certificate", self->certificate,
                        "database", NULL,
                        "require-close-notify", FALSE,
                        "advertised-protocols", protocols,
                        NULL);
  if (tls == NULL)
    {
      g_debug ("Cannot start TLS: %s", error->message);
      incoming_free (incoming);
      return;
    }

  g_set_object (&incoming->stream, tls);

  task = g_task_new (self, self->cancellable, handshake_done_cb, NULL);
  g_task_set_source_tag (task, start_handshake);
  g_task_set_task_data (task, incoming, (GDestroyNotify) incoming_free);

  /* The socket's timeout, set for the handshake, also ends this wait. */
  source = g_socket_create_source (incoming->socket, G_IO_IN, self->cancellable);
  g_source_set_callback (source, (GSourceFunc) (void (*) (void)) client_spoke_cb,
                         g_object_ref (task), g_object_unref);
  g_source_attach (source, self->context);
}

static void
connection_start (OmsColdchainListener *self,
                  GSocket              *socket)
{
  Incoming *incoming = g_new0 (Incoming, 1);

  self->n_connections++;
  g_object_set_data_full (G_OBJECT (socket), "oms-coldchain-listener", g_object_ref (self),
                          connection_gone);

  incoming->socket = g_object_ref (socket);
  incoming->stream = G_IO_STREAM (g_socket_connection_factory_create_connection (socket));

  if (self->certificate == NULL)
    {
      hand_over (self, incoming);
      incoming_free (incoming);
      return;
    }

  g_socket_set_timeout (socket, OMS_COLDCHAIN_HANDSHAKE_SECONDS);
  start_handshake (self, incoming);
}

static void
pause_accepting (OmsColdchainListener *self)
{
  for (guint i = 0; i < self->sources->len; i++)
    g_source_destroy (g_ptr_array_index (self->sources, i));
  g_ptr_array_set_size (self->sources, 0);
}

static gboolean
resume_cb (gpointer user_data)
{
  OmsColdchainListener *self = user_data;

  g_clear_pointer (&self->resume, g_source_unref);
  resume_accepting (self);
  return G_SOURCE_REMOVE;
}

static gboolean
accept_cb (GSocket      *listening,
           GIOCondition  condition,
           gpointer      user_data)
{
  OmsColdchainListener *self = user_data;

  /* A few at a time, so that a flood of connections does not starve the rest of the loop. */
  for (guint i = 0; i < 32; i++)
    {
      g_autoptr(GSocket) socket = NULL;
      g_autoptr(GError) error = NULL;

      if (self->n_connections >= self->max_connections)
        {
          g_debug ("%u connections open: the next ones wait", self->n_connections);
          pause_accepting (self);
          return G_SOURCE_REMOVE;
        }

      socket = g_socket_accept (listening, NULL, &error);
      if (socket == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            return G_SOURCE_CONTINUE;

          /* Out of file descriptors, most likely: try again soon rather than spin or stop. */
          g_warning ("Cannot accept a cold chain connection: %s", error->message);
          pause_accepting (self);
          self->resume = g_timeout_source_new (250);
          g_source_set_callback (self->resume, resume_cb, self, NULL);
          g_source_attach (self->resume, self->context);
          return G_SOURCE_REMOVE;
        }

      connection_start (self, socket);
    }

  return G_SOURCE_CONTINUE;
}

static void
resume_accepting (OmsColdchainListener *self)
{
  if (self->closed || self->sources->len > 0 || self->n_connections >= self->max_connections)
    return;

  for (guint i = 0; i < self->sockets->len; i++)
    {
      g_autoptr(GSource) source = g_socket_create_source (g_ptr_array_index (self->sockets, i),
                                                          G_IO_IN, NULL);

      g_source_set_callback (source, (GSourceFunc) (void (*) (void)) accept_cb, self, NULL);
      g_source_attach (source, self->context);
      g_ptr_array_add (self->sources, g_source_ref (source));
    }
}

static GSocket *
listening_socket_new (GInetAddress  *address,
                      guint          port,
                      GError       **error)
{
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (address, (guint16) port);
  GSocketFamily family = g_inet_address_get_family (address);
  g_autoptr(GSocket) socket = NULL;

  socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);
  if (socket == NULL)
    return NULL;

  /* As libsoup does: the IPv6 socket takes IPv6 only, whatever the system's default. */
  if (family == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, TRUE, NULL);

  if (!g_socket_bind (socket, socket_address, TRUE, error))
    return NULL;

  g_socket_set_listen_backlog (socket, OMS_COLDCHAIN_LISTEN_BACKLOG);
  if (!g_socket_listen (socket, error))
    return NULL;

  g_socket_set_blocking (socket, FALSE);
  return g_steal_pointer (&socket);
}

static guint
socket_port (GSocket *socket)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (socket, NULL);

  return address != NULL ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)) : 0;
}

/**
 * oms_coldchain_listener_listen:
 * @first: an address to listen on
 * @second: (nullable): another, listened on at the same port
 * @port: the port, or 0 for one free on both
 *
 * Starts accepting connections. A machine without IPv6 listens on an IPv4 @first alone when
 * @second is IPv6.
 *
 * Returns: %TRUE when listening
 */
gboolean
oms_coldchain_listener_listen (OmsColdchainListener  *self,
                               GInetAddress          *first,
                               GInetAddress          *second,
                               guint                  port,
                               GError               **error)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_LISTENER (self), FALSE);
  g_return_val_if_fail (G_IS_INET_ADDRESS (first), FALSE);
  g_return_val_if_fail (self->sockets->len == 0 && !self->closed, FALSE);

  for (guint attempt = 0; ; attempt++)
    {
      g_autoptr(GSocket) first_socket = NULL;
      g_autoptr(GSocket) second_socket = NULL;
      g_autoptr(GError) second_error = NULL;

      first_socket = listening_socket_new (first, port, error);
      if (first_socket == NULL)
        return FALSE;

      if (second != NULL)
        {
          second_socket = listening_socket_new (second, socket_port (first_socket),
                                                &second_error);
          /* The port picked for one family was taken in the other: pick again. */
          if (second_socket == NULL && port == 0 && attempt < 10
              && g_error_matches (second_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
            continue;
          if (second_socket == NULL
              && !g_error_matches (second_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
            {
              g_propagate_error (error, g_steal_pointer (&second_error));
              return FALSE;
            }
        }

      self->port = socket_port (first_socket);
      g_ptr_array_add (self->sockets, g_steal_pointer (&first_socket));
      if (second_socket != NULL)
        g_ptr_array_add (self->sockets, g_steal_pointer (&second_socket));
      resume_accepting (self);
      return TRUE;
    }
}

/**
 * oms_coldchain_listener_close:
 *
 * Stops accepting and closes the listening sockets; handshakes under way are abandoned.
 * Connections already handed over are the SoupServer's to close.
 */
void
oms_coldchain_listener_close (OmsColdchainListener *self)
{
  g_return_if_fail (OMS_IS_COLDCHAIN_LISTENER (self));

  if (self->closed)
    return;

  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);
  if (self->resume != NULL)
    g_source_destroy (self->resume);
  g_clear_pointer (&self->resume, g_source_unref);
  pause_accepting (self);
  for (guint i = 0; i < self->sockets->len; i++)
    g_socket_close (g_ptr_array_index (self->sockets, i), NULL);
  g_ptr_array_set_size (self->sockets, 0);
}

guint
oms_coldchain_listener_get_port (OmsColdchainListener *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_LISTENER (self), 0);

  return self->port;
}

/**
 * oms_coldchain_listener_get_n_connections:
 *
 * Returns: the connections accepted and not yet gone
 */
guint
oms_coldchain_listener_get_n_connections (OmsColdchainListener *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_LISTENER (self), 0);

  return self->n_connections;
}

/* For tests: fewer connections, shorter silences. */
void
_oms_coldchain_listener_set_limits (OmsColdchainListener *self,
                                    guint                 max_connections,
                                    guint                 idle_seconds)
{
  g_return_if_fail (OMS_IS_COLDCHAIN_LISTENER (self));
  g_return_if_fail (max_connections > 0);

  self->max_connections = max_connections;
  self->idle_seconds = idle_seconds;
}

static void
oms_coldchain_listener_dispose (GObject *object)
{
  OmsColdchainListener *self = OMS_COLDCHAIN_LISTENER (object);

  oms_coldchain_listener_close (self);

  G_OBJECT_CLASS (oms_coldchain_listener_parent_class)->dispose (object);
}

static void
oms_coldchain_listener_finalize (GObject *object)
{
  OmsColdchainListener *self = OMS_COLDCHAIN_LISTENER (object);

  /* Every handshake task holds the listener, so none is left by now. */
  g_thread_pool_free (self->handshakes, TRUE, FALSE);
  g_clear_pointer (&self->sockets, g_ptr_array_unref);
  g_clear_pointer (&self->sources, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->certificate);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (oms_coldchain_listener_parent_class)->finalize (object);
}

static void
oms_coldchain_listener_class_init (OmsColdchainListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = oms_coldchain_listener_dispose;
  object_class->finalize = oms_coldchain_listener_finalize;
}

static void
oms_coldchain_listener_init (OmsColdchainListener *self)
{
  self->sockets = g_ptr_array_new_with_free_func (g_object_unref);
  self->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
  self->handshakes = g_thread_pool_new (handshake_thread, NULL, OMS_COLDCHAIN_HANDSHAKE_THREADS,
                                        FALSE, NULL);
  self->max_connections = OMS_COLDCHAIN_MAX_CONNECTIONS;
  self->idle_seconds = OMS_COLDCHAIN_IDLE_SECONDS;
}

/**
 * oms_coldchain_listener_new:
 * @server: where connections ready for HTTP go
 * @certificate: (nullable): the server's certificate, or %NULL for plain HTTP
 *
 * Returns: (transfer full): a listener that listens nowhere yet
 */
OmsColdchainListener *
oms_coldchain_listener_new (SoupServer      *server,
                            GTlsCertificate *certificate)
{
  OmsColdchainListener *self;

  g_return_val_if_fail (SOUP_IS_SERVER (server), NULL);
  g_return_val_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate), NULL);

  self = g_object_new (OMS_TYPE_COLDCHAIN_LISTENER, NULL);
  self->server = g_object_ref (server);
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;

  return self;
}
