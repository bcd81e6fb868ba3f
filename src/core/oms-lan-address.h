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

G_END_DECLS
