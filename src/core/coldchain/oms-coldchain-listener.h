/* oms-coldchain-listener.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Connections waiting to be accepted; the kernel caps it at net.core.somaxconn (4096 on
 * Debian 12).
 */
#define OMS_COLDCHAIN_LISTEN_BACKLOG         1024
/* Connections open at once; past it, new ones wait in the backlog. */
#define OMS_COLDCHAIN_MAX_CONNECTIONS        256
/* TLS handshakes done at once, each in a thread of the listener's own. */
#define OMS_COLDCHAIN_HANDSHAKE_THREADS      16
/* How long a client may take to finish its TLS handshake. */
#define OMS_COLDCHAIN_HANDSHAKE_SECONDS      10
/* How long a connection may stay silent while the server waits for it. */
#define OMS_COLDCHAIN_IDLE_SECONDS           30

#define OMS_TYPE_COLDCHAIN_LISTENER (oms_coldchain_listener_get_type ())

G_DECLARE_FINAL_TYPE (OmsColdchainListener, oms_coldchain_listener, OMS, COLDCHAIN_LISTENER,
                      GObject)

OmsColdchainListener *oms_coldchain_listener_new      (SoupServer            *server,
                                                       GTlsCertificate       *certificate);
gboolean oms_coldchain_listener_listen                 (OmsColdchainListener  *self,
                                                       GInetAddress          *first,
                                                       GInetAddress          *second,
                                                       guint                  port,
                                                       GError               **error);
void     oms_coldchain_listener_close                  (OmsColdchainListener  *self);
guint    oms_coldchain_listener_get_port               (OmsColdchainListener  *self);
guint    oms_coldchain_listener_get_n_connections      (OmsColdchainListener  *self);
void     _oms_coldchain_listener_set_limits            (OmsColdchainListener  *self,
                                                       guint                  max_connections,
                                                       guint                  idle_seconds);

G_END_DECLS
