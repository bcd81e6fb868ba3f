/* oms-scheduler.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-sync-engine.h"

G_BEGIN_DECLS

/* What timed syncs wait for, if anything. */
typedef enum
{
  OMS_NETWORK_WAIT_NONE,
  OMS_NETWORK_WAIT_OFFLINE,   /* no network that reaches the central */
  OMS_NETWORK_WAIT_METERED,   /* a metered connection, and syncs on it are not allowed */
} OmsNetworkWait;

#define OMS_TYPE_NETWORK_WAIT (oms_network_wait_get_type ())
GType oms_network_wait_get_type (void) G_GNUC_CONST;

#define OMS_TYPE_SCHEDULER (oms_scheduler_get_type ())

G_DECLARE_FINAL_TYPE (OmsScheduler, oms_scheduler, OMS, SCHEDULER, GObject)

OmsScheduler  *oms_scheduler_new             (OmsSyncEngine *engine);
OmsSyncEngine *oms_scheduler_get_engine      (OmsScheduler  *self);
void           oms_scheduler_start           (OmsScheduler  *self);
void           oms_scheduler_stop            (OmsScheduler  *self);
gboolean       oms_scheduler_trigger         (OmsScheduler  *self);
gboolean       oms_scheduler_cancel          (OmsScheduler  *self);
gint64         oms_scheduler_get_next_run    (OmsScheduler  *self);

void           oms_scheduler_set_network_monitor (OmsScheduler    *self,
                                                  GNetworkMonitor *monitor);
OmsNetworkWait oms_scheduler_get_network_wait    (OmsScheduler    *self);
gboolean       oms_scheduler_get_metered         (OmsScheduler    *self);
void           oms_scheduler_set_sync_on_metered (OmsScheduler    *self,
                                                  gboolean         sync_on_metered);
gboolean       oms_scheduler_get_sync_on_metered (OmsScheduler    *self);

G_END_DECLS
