/* oms-coldchain-keeper.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-coldchain-keeper"

#include "config.h"

#include "oms-coldchain-keeper.h"

/* Keeps the cold chain server running where the QR code says it is. A server that cannot
 * start (another program holds its port, say) tries again every OMS_COLDCHAIN_RETRY_SECONDS
 * and whenever the network changes, so it comes up by itself once the port is free. A
 * running server whose LAN addresses changed (a new DHCP lease, another network) starts again,
 * so that its URLs and its certificate name the addresses a phone can reach now.
 */

struct _OmsColdchainKeeper
{
  GObject             parent_instance;

  /* Owned references */
  OmsColdchainServer *server;

  /* State */
  guint               interval;
  guint               tick_id;
  gulong              network_changed_id;
  gboolean            started;
};

G_DEFINE_FINAL_TYPE (OmsColdchainKeeper, oms_coldchain_keeper, G_TYPE_OBJECT)

static guint
interval_from_environment (void)
{
  const char *value = g_getenv (OMS_COLDCHAIN_RETRY_ENV);
  guint64 seconds = 0;

  if (value != NULL)
    {
      if (g_ascii_string_to_unsigned (value, 10, 1, 24 * 60 * 60, &seconds, NULL))
        return (guint) seconds;

      g_debug ("Ignoring %s=%s: not a number of seconds", OMS_COLDCHAIN_RETRY_ENV, value);
    }

  return OMS_COLDCHAIN_RETRY_SECONDS;
}

static gboolean
tick_cb (gpointer user_data)
{
  oms_coldchain_keeper_check (user_data);

  return G_SOURCE_CONTINUE;
}

static void
network_changed_cb (OmsColdchainKeeper *self,
                    gboolean            available,
                    GNetworkMonitor    *monitor)
{
  g_debug ("The network changed: checking the cold chain server");
  oms_coldchain_keeper_check (self);
}

static void
oms_coldchain_keeper_dispose (GObject *object)
{
  OmsColdchainKeeper *self = OMS_COLDCHAIN_KEEPER (object);

  oms_coldchain_keeper_stop (self);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (oms_coldchain_keeper_parent_class)->dispose (object);
}

static void
oms_coldchain_keeper_class_init (OmsColdchainKeeperClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = oms_coldchain_keeper_dispose;
}

static void
oms_coldchain_keeper_init (OmsColdchainKeeper *self)
{
  self->interval = interval_from_environment ();
}

/**
 * oms_coldchain_keeper_new:
 * @server: the server to keep running
 *
 * Returns: (transfer full): a keeper that does nothing until started
 */
OmsColdchainKeeper *
oms_coldchain_keeper_new (OmsColdchainServer *server)
{
  OmsColdchainKeeper *self;

  g_return_val_if_fail (OMS_IS_COLDCHAIN_SERVER (server), NULL);

  self = g_object_new (OMS_TYPE_COLDCHAIN_KEEPER, NULL);
  self->server = g_object_ref (server);

  return self;
}

OmsColdchainServer *
oms_coldchain_keeper_get_server (OmsColdchainKeeper *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_KEEPER (self), NULL);

  return self->server;
}

/**
 * oms_coldchain_keeper_get_interval:
 *
 * Returns: the seconds between two checks: %OMS_COLDCHAIN_RETRY_SECONDS unless the
 *   environment variable `OMSYNC_COLDCHAIN_RETRY_SECONDS` says otherwise
 */
guint
oms_coldchain_keeper_get_interval (OmsColdchainKeeper *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_KEEPER (self), 0);

  return self->interval;
}

/**
 * oms_coldchain_keeper_check:
 *
 * Starts the server when it is not running, or starts it again when the machine's LAN
 * addresses changed under it. The Retry button calls this; so do the timer and the network
 * monitor once started. Why a start fails is the server's #OmsColdchainServer:start-error.
 *
 * Returns: whether the server runs now
 */
gboolean
oms_coldchain_keeper_check (OmsColdchainKeeper *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (OMS_IS_COLDCHAIN_KEEPER (self), FALSE);

  if (oms_coldchain_server_get_running (self->server))
    {
      if (!oms_coldchain_server_addresses_changed (self->server))
        return TRUE;

      g_debug ("The LAN addresses changed: restarting the cold chain server");
      oms_coldchain_server_stop (self->server);
    }

  if (!oms_coldchain_server_start (self->server, &error))
    {
      g_debug ("Cold chain server not started: %s", error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * oms_coldchain_keeper_start:
 *
 * Starts the server now, and from then on checks it every interval and when the network
 * changes.
 */
void
oms_coldchain_keeper_start (OmsColdchainKeeper *self)
{
  g_return_if_fail (OMS_IS_COLDCHAIN_KEEPER (self));

  if (self->started)
    return;

  self->started = TRUE;
  oms_coldchain_keeper_check (self);

  self->tick_id = g_timeout_add_seconds (self->interval, tick_cb, self);
  self->network_changed_id =
    g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                             G_CALLBACK (network_changed_cb), self, G_CONNECT_SWAPPED);
}

/**
 * oms_coldchain_keeper_stop:
 *
 * Stops checking and stops the server.
 */
void
oms_coldchain_keeper_stop (OmsColdchainKeeper *self)
{
  g_return_if_fail (OMS_IS_COLDCHAIN_KEEPER (self));

  if (!self->started)
    return;

  self->started = FALSE;
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_signal_handler (&self->network_changed_id, g_network_monitor_get_default ());
  oms_coldchain_server_stop (self->server);
}
