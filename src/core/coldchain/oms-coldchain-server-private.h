/* oms-coldchain-server-private.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-coldchain-server.h"

G_BEGIN_DECLS

/* For tests: shorter waits and limits than a real server uses. */
void _oms_coldchain_server_set_login_failure_delay (OmsColdchainServer *self,
                                                    guint               milliseconds);
void _oms_coldchain_server_set_body_limit          (OmsColdchainServer *self,
                                                    gsize               limit);
void _oms_coldchain_server_expire_sessions         (OmsColdchainServer *self);
guint _oms_coldchain_server_get_n_connections     (OmsColdchainServer *self);
void  _oms_coldchain_server_set_body_budget       (OmsColdchainServer *self,
                                                   gsize               limit);
gsize _oms_coldchain_server_get_body_budget_used  (OmsColdchainServer *self);
void _oms_coldchain_server_set_connection_limits  (OmsColdchainServer *self,
                                                    guint               max_connections,
                                                    guint               idle_seconds);

G_END_DECLS
