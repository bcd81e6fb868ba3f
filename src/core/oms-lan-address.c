/* oms-lan-address.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-lan-address"

#include "config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <gio/gio.h>

#include "oms-lan-address.h"

/* The addresses a phone on the same network can reach this machine at. A phone cannot reach
 * a loopback or IPv4 link-local address, so neither is ever offered.
 */

#define RTF_UP_FLAG 0x0001

/* Tests pretend the machine's addresses changed through _oms_lan_address_set_override(). */
G_LOCK_DEFINE_STATIC (override);
static GStrv override_addresses = NULL;

static GStrv
dup_override (void)
{
  GStrv copy;

  G_LOCK (override);
  copy = g_strdupv (override_addresses);
  G_UNLOCK (override);

  return copy;
}

/**
 * oms_lan_address_parse_default_route:
 * @route_text: the contents of /proc/net/route
 *
 * Finds the interface of the default IPv4 route: destination and mask 0, route up, the
 * lowest metric when there are several.
 *
 * Returns: (transfer full) (nullable): the interface name, or %NULL when there is no
 *   default route
 */
char *
oms_lan_address_parse_default_route (const char *route_text)
{
  g_auto(GStrv) lines = NULL;
  g_autofree char *best = NULL;
  guint64 best_metric = G_MAXUINT64;

  if (route_text == NULL)
    return NULL;

  lines = g_strsplit (route_text, "\n", -1);

  /* The first line holds the column headings. */
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      const char *cols[11] = { NULL };
      guint n = 0;
      guint64 flags;
      guint64 metric;

      for (guint j = 0; fields[j] != NULL && n < G_N_ELEMENTS (cols); j++)
        {
          if (*fields[j] != '\0')
            cols[n++] = fields[j];
        }

      /* Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT */
      if (n < 8)
        continue;
      if (g_ascii_strtoull (cols[1], NULL, 16) != 0 || g_ascii_strtoull (cols[7], NULL, 16) != 0)
        continue;

      flags = g_ascii_strtoull (cols[3], NULL, 16);
      if ((flags & RTF_UP_FLAG) == 0)
        continue;

      metric = g_ascii_strtoull (cols[6], NULL, 10);
      if (best == NULL || metric < best_metric)
        {
          g_free (best);
          best = g_strdup (cols[0]);
          best_metric = metric;
        }
    }

  return g_steal_pointer (&best);
}

/**
 * oms_lan_address_is_lan_ipv4:
 * @address: an IPv4 address in dotted form
 *
 * Returns: whether a phone on the network could reach @address: not loopback, not
 *   link-local, not unspecified
 */
gboolean
oms_lan_address_is_lan_ipv4 (const char *address)
{
  g_autoptr(GInetAddress) inet = NULL;

  if (address == NULL)
    return FALSE;

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL || g_inet_address_get_family (inet) != G_SOCKET_FAMILY_IPV4)
    return FALSE;

  return !g_inet_address_get_is_loopback (inet) &&
         !g_inet_address_get_is_link_local (inet) &&
         !g_inet_address_get_is_any (inet) &&
         !g_inet_address_get_is_multicast (inet);
}

static gboolean
is_lan_ipv6 (const struct sockaddr_in6 *sin6)
{
  const struct in6_addr *a = &sin6->sin6_addr;

  if (IN6_IS_ADDR_LOOPBACK (a) || IN6_IS_ADDR_LINKLOCAL (a) || IN6_IS_ADDR_UNSPECIFIED (a) ||
      IN6_IS_ADDR_MULTICAST (a) || IN6_IS_ADDR_V4MAPPED (a))
    return FALSE;

  /* Global unicast only (2000::/3); unique-local and site-local addresses are left out. */
  return (a->s6_addr[0] & 0xe0) == 0x20;
}

static char *
sockaddr_to_string (const struct sockaddr *sa)
{
  char buf[INET6_ADDRSTRLEN] = { 0 };

  if (sa->sa_family == AF_INET)
    {
      const struct sockaddr_in *sin = (const struct sockaddr_in *)(gconstpointer)sa;

      if (inet_ntop (AF_INET, &sin->sin_addr, buf, sizeof buf) == NULL)
        return NULL;
    }
  else if (sa->sa_family == AF_INET6)
    {
      const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(gconstpointer)sa;

      if (inet_ntop (AF_INET6, &sin6->sin6_addr, buf, sizeof buf) == NULL)
        return NULL;
    }
  else
    {
      return NULL;
    }

  return g_strdup (buf);
}

/* The IPv4 address of @interface, or with @interface NULL the first LAN IPv4 address. */
static char *
find_ipv4 (const char *interface)
{
  struct ifaddrs *addrs = NULL;
  char *found = NULL;

  if (getifaddrs (&addrs) != 0)
    return NULL;

  for (struct ifaddrs *ifa = addrs; ifa != NULL && found == NULL; ifa = ifa->ifa_next)
    {
      g_autofree char *text = NULL;

      if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_INET)
        continue;
      if ((ifa->ifa_flags & IFF_UP) == 0)
        continue;
      if (interface != NULL && g_strcmp0 (ifa->ifa_name, interface) != 0)
        continue;

      text = sockaddr_to_string (ifa->ifa_addr);
      if (oms_lan_address_is_lan_ipv4 (text))
        found = g_steal_pointer (&text);
    }

  freeifaddrs (addrs);

  return found;
}

/**
 * oms_lan_address_get_primary:
 *
 * The IPv4 address of the interface that carries the default route, or when there is none
 * the first LAN IPv4 address. Never a loopback address.
 *
 * Returns: (transfer full) (nullable): the address, or %NULL when the machine has no LAN
 *   IPv4 address
 */
char *
oms_lan_address_get_primary (void)
{
  g_autofree char *route_text = NULL;
  g_autofree char *interface = NULL;
  g_auto(GStrv) overridden = dup_override ();
  char *address = NULL;

  if (overridden != NULL)
    return g_strdup (overridden[0]);

  if (g_file_get_contents ("/proc/net/route", &route_text, NULL, NULL))
    interface = oms_lan_address_parse_default_route (route_text);

  if (interface != NULL)
    address = find_ipv4 (interface);

  if (address == NULL)
    address = find_ipv4 (NULL);

  return address;
}

/**
 * oms_lan_address_list:
 *
 * Every address a phone on the network may reach this machine at: the primary address
 * first, then the other IPv4 addresses, then global IPv6 addresses. No loopback, no
 * link-local, no duplicates.
 *
 * Returns: (transfer full): a %NULL-terminated array, empty when there is none
 */
GStrv
oms_lan_address_list (void)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autofree char *primary = NULL;
  g_auto(GStrv) overridden = dup_override ();
  struct ifaddrs *addrs = NULL;

  if (overridden != NULL)
    return g_steal_pointer (&overridden);

  builder = g_strv_builder_new ();
  seen = g_ptr_array_new_with_free_func (g_free);
  primary = oms_lan_address_get_primary ();

  if (primary != NULL)
    {
      g_strv_builder_add (builder, primary);
      g_ptr_array_add (seen, g_strdup (primary));
    }

  if (getifaddrs (&addrs) == 0)
    {
      /* IPv4 first, then IPv6: two passes keep the families together. */
      for (int pass = 0; pass < 2; pass++)
        {
          for (struct ifaddrs *ifa = addrs; ifa != NULL; ifa = ifa->ifa_next)
            {
              g_autofree char *text = NULL;
              gboolean usable;

              if (ifa->ifa_addr == NULL || (ifa->ifa_flags & IFF_UP) == 0)
                continue;

              if (pass == 0 && ifa->ifa_addr->sa_family == AF_INET)
                {
                  text = sockaddr_to_string (ifa->ifa_addr);
                  usable = oms_lan_address_is_lan_ipv4 (text);
                }
              else if (pass == 1 && ifa->ifa_addr->sa_family == AF_INET6)
                {
                  usable = is_lan_ipv6 ((const struct sockaddr_in6 *)(gconstpointer)ifa->ifa_addr);
                  if (usable)
                    text = sockaddr_to_string (ifa->ifa_addr);
                }
              else
                {
                  continue;
                }

              if (!usable || text == NULL)
                continue;
              if (g_ptr_array_find_with_equal_func (seen, text, g_str_equal, NULL))
                continue;

              g_strv_builder_add (builder, text);
              g_ptr_array_add (seen, g_steal_pointer (&text));
            }
        }

      freeifaddrs (addrs);
    }

  return g_strv_builder_end (builder);
}

/**
 * _oms_lan_address_set_override:
 * @addresses: (nullable) (array zero-terminated=1): the addresses to give, the primary one
 *   first, or %NULL for the machine's own
 */
void
_oms_lan_address_set_override (const char * const *addresses)
{
  G_LOCK (override);
  g_strfreev (override_addresses);
  override_addresses = g_strdupv ((char **) addresses);
  G_UNLOCK (override);
}
