/* oms-sync-progress.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "oms-stepper.h"
#include "oms-sync-engine.h"

G_BEGIN_DECLS

#define OMS_TYPE_SYNC_PROGRESS (oms_sync_progress_get_type ())

G_DECLARE_FINAL_TYPE (OmsSyncProgress, oms_sync_progress, OMS, SYNC_PROGRESS, GtkWidget)

GtkWidget     *oms_sync_progress_new         (void);
OmsSyncEngine *oms_sync_progress_get_engine  (OmsSyncProgress *self);
void           oms_sync_progress_set_engine  (OmsSyncProgress *self,
                                              OmsSyncEngine   *engine);
void           oms_sync_progress_update      (OmsSyncProgress *self);
OmsStepper    *oms_sync_progress_get_stepper (OmsSyncProgress *self);
const char    *oms_sync_progress_get_detail  (OmsSyncProgress *self);
char          *oms_sync_progress_format_time_left (gint64 seconds);

G_END_DECLS
