/* oms-coldchain-keeper.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-coldchain-server.h"

G_BEGIN_DECLS

/* How often a server that could not start tries again, and a running one checks that its
 * LAN addresses still hold.
 */
#define OMS_COLDCHAIN_RETRY_SECONDS     30
/* Overrides it, for tests. */
#define OMS_COLDCHAIN_RETRY_ENV         "OMSYNC_COLDCHAIN_RETRY_SECONDS"

#define OMS_TYPE_COLDCHAIN_KEEPER (oms_coldchain_keeper_get_type ())

G_DECLARE_FINAL_TYPE (OmsColdchainKeeper, oms_coldchain_keeper, OMS, COLDCHAIN_KEEPER, GObject)

OmsColdchainKeeper *oms_coldchain_keeper_new          (OmsColdchainServer *server);
OmsColdchainServer *oms_coldchain_keeper_get_server   (OmsColdchainKeeper *self);
guint               oms_coldchain_keeper_get_interval (OmsColdchainKeeper *self);
void                oms_coldchain_keeper_start        (OmsColdchainKeeper *self);
gboolean            oms_coldchain_keeper_check        (OmsColdchainKeeper *self);
void                oms_coldchain_keeper_stop         (OmsColdchainKeeper *self);

G_END_DECLS
