/* oms-coldchain-url.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-coldchain-url"

#include "config.h"

#include <string.h>

#include "oms-coldchain-url.h"
#include "oms-lan-address.h"

/* The URL a phone's mSupply Cold Chain app is given: `scheme://<LAN address>:<port>`, with no
 * path and no trailing slash, as Open mSupply's QR code encodes it (UI.md A2).
 */

/**
 * oms_coldchain_get_port:
 * @store: the store
 *
 * The environment variable `OMSYNC_COLDCHAIN_PORT`, when it holds a port number, wins over
 * the store. It is for tests, which must not depend on port 8000 being free, and for
 * packaging that has to move the server without touching each site's database.
 *
 * Returns: the cold chain server's port, 8000 unless the environment or the store says
 *   otherwise
 */
int
oms_coldchain_get_port (OmsStore *store)
{
  g_autoptr(GError) error = NULL;
  const char *override;
  int port;

  g_return_val_if_fail (OMS_IS_STORE (store), OMS_COLDCHAIN_DEFAULT_PORT);

  override = g_getenv (OMS_COLDCHAIN_PORT_ENV);
  if (override != NULL)
    {
      guint64 value = 0;

      if (g_ascii_string_to_unsigned (override, 10, 1, 65535, &value, NULL))
        return (int)value;

      g_debug ("Ignoring %s=%s: not a port number", OMS_COLDCHAIN_PORT_ENV, override);
    }

  port = oms_store_kv_get_int (store, OMS_KV_COLDCHAIN_PORT, OMS_COLDCHAIN_DEFAULT_PORT,
                               &error);
  if (error != NULL)
    {
      g_debug ("Cannot read the cold chain port: %s", error->message);
      return OMS_COLDCHAIN_DEFAULT_PORT;
    }

  if (port < 1 || port > 65535)
    return OMS_COLDCHAIN_DEFAULT_PORT;

  return port;
}

/**
 * oms_coldchain_get_listen_address:
 *
 * The server listens on every interface, so that phones on the clinic's LAN reach it. The
 * environment variable `OMSYNC_COLDCHAIN_LISTEN`, when it holds an IP address, narrows it to
 * that one address: the test suite sets 127.0.0.1, because no test may listen beyond
 * loopback.
 *
 * Returns: (nullable): the one address to listen on, or %NULL for every interface
 */
const char *
oms_coldchain_get_listen_address (void)
{
  const char *address = g_getenv (OMS_COLDCHAIN_LISTEN_ENV);

  if (address == NULL || !g_hostname_is_ip_address (address))
    return NULL;

  return address;
}

/**
 * oms_coldchain_get_use_http:
 * @store: the store
 *
 * Returns: whether the cold chain server speaks plain http instead of https
 */
gboolean
oms_coldchain_get_use_http (OmsStore *store)
{
  g_autoptr(GError) error = NULL;
  gboolean use_http;

  g_return_val_if_fail (OMS_IS_STORE (store), FALSE);

  use_http = oms_store_kv_get_bool (store, OMS_KV_COLDCHAIN_HTTP, FALSE, &error);
  if (error != NULL)
    {
      g_debug ("Cannot read the cold chain scheme: %s", error->message);
      return FALSE;
    }

  return use_http;
}

/**
 * oms_coldchain_url_for_host:
 * @host: an IPv4 or IPv6 address, or a host name
 * @port: the port
 * @use_http: %TRUE for http, %FALSE for https
 *
 * Returns: (transfer full): the URL, IPv6 addresses in brackets
 */
char *
oms_coldchain_url_for_host (const char *host,
                            int         port,
                            gboolean    use_http)
{
  const char *scheme = use_http ? "http" : "https";

  g_return_val_if_fail (host != NULL, NULL);

  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("%s://[%s]:%d", scheme, host, port);

  return g_strdup_printf ("%s://%s:%d", scheme, host, port);
}

/**
 * oms_coldchain_url_dup:
 * @store: the store
 *
 * Returns: (transfer full) (nullable): the cold chain server's URL on the primary LAN
 *   address, or %NULL when the machine has no LAN address
 */
char *
oms_coldchain_url_dup (OmsStore *store)
{
  g_autofree char *address = NULL;

  g_return_val_if_fail (OMS_IS_STORE (store), NULL);

  address = oms_lan_address_get_primary ();
  if (address == NULL)
    return NULL;

  return oms_coldchain_url_for_host (address, oms_coldchain_get_port (store),
                                     oms_coldchain_get_use_http (store));
}

/**
 * oms_coldchain_urls_dup_all:
 * @store: the store
 *
 * Returns: (transfer full): the cold chain server's URL on every LAN address, the primary
 *   one first
 */
GStrv
oms_coldchain_urls_dup_all (OmsStore *store)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) addresses = NULL;
  int port;
  gboolean use_http;

  g_return_val_if_fail (OMS_IS_STORE (store), NULL);

  addresses = oms_lan_address_list ();
  port = oms_coldchain_get_port (store);
  use_http = oms_coldchain_get_use_http (store);

  for (guint i = 0; addresses[i] != NULL; i++)
    {
      g_autofree char *url = oms_coldchain_url_for_host (addresses[i], port, use_http);

      g_strv_builder_add (builder, url);
    }

  return g_strv_builder_end (builder);
}
