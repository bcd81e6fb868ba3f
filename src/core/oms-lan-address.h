/* oms-lan-address.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *oms_lan_address_parse_default_route (const char *route_text);
gboolean  oms_lan_address_is_lan_ipv4         (const char *address);
char     *oms_lan_address_get_primary         (void);
GStrv     oms_lan_address_list                (void);

/* For tests: the addresses oms_lan_address_list() and oms_lan_address_get_primary() give
 * instead of the machine's own, or %NULL for the machine's again.
 */
void      _oms_lan_address_set_override       (const char * const *addresses);

G_END_DECLS
