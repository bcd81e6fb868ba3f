/* oms-sync-engine-private.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-sync-engine.h"

G_BEGIN_DECLS

/* Tests shorten Open mSupply's waits: 1 s polls for 30 s after a push, 15 s polls for
 * 30 minutes during initialisation.
 */
void oms_sync_engine_set_timing (OmsSyncEngine *self,
                                 guint          integration_poll_ms,
                                 guint          integration_timeout_ms,
                                 guint          initialisation_poll_ms,
                                 guint          initialisation_timeout_ms);

G_END_DECLS
