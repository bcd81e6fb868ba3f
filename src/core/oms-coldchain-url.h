/* oms-coldchain-url.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "oms-store.h"

G_BEGIN_DECLS

/* key_value_store keys of the cold chain server, read by the server and the QR code. */
#define OMS_KV_COLDCHAIN_PORT "OMSYNC_COLDCHAIN_PORT"   /* int */
#define OMS_KV_COLDCHAIN_HTTP "OMSYNC_COLDCHAIN_HTTP"   /* bool: plain http instead of https */

#define OMS_COLDCHAIN_DEFAULT_PORT 8000

/* Overrides OMS_KV_COLDCHAIN_PORT, for tests and packaging (see oms_coldchain_get_port). */
#define OMS_COLDCHAIN_PORT_ENV "OMSYNC_COLDCHAIN_PORT"

/* Listens on one address instead of every interface, for tests (see
 * oms_coldchain_get_listen_address).
 */
#define OMS_COLDCHAIN_LISTEN_ENV "OMSYNC_COLDCHAIN_LISTEN"

int         oms_coldchain_get_port            (OmsStore    *store);
const char *oms_coldchain_get_listen_address  (void);
gboolean  oms_coldchain_get_use_http  (OmsStore    *store);
char     *oms_coldchain_url_for_host  (const char  *host,
                                       int          port,
                                       gboolean     use_http);
char     *oms_coldchain_url_dup       (OmsStore    *store);
GStrv     oms_coldchain_urls_dup_all  (OmsStore    *store);

G_END_DECLS
