/* oms-scheduler.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-sync-engine.h"

G_BEGIN_DECLS

#define OMS_TYPE_SCHEDULER (oms_scheduler_get_type ())

G_DECLARE_FINAL_TYPE (OmsScheduler, oms_scheduler, OMS, SCHEDULER, GObject)

OmsScheduler  *oms_scheduler_new             (OmsSyncEngine *engine);
OmsSyncEngine *oms_scheduler_get_engine      (OmsScheduler  *self);
void           oms_scheduler_start           (OmsScheduler  *self);
void           oms_scheduler_stop            (OmsScheduler  *self);
gboolean       oms_scheduler_trigger         (OmsScheduler  *self);
gboolean       oms_scheduler_cancel          (OmsScheduler  *self);
gint64         oms_scheduler_get_next_run    (OmsScheduler  *self);

G_END_DECLS
