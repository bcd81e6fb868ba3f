/* oms-sync-window.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "oms-scheduler.h"
#include "oms-sync-engine.h"

G_BEGIN_DECLS

#define OMS_TYPE_SYNC_WINDOW (oms_sync_window_get_type ())

G_DECLARE_FINAL_TYPE (OmsSyncWindow, oms_sync_window, OMS, SYNC_WINDOW, AdwWindow)

OmsSyncWindow *oms_sync_window_new                   (OmsSyncEngine *engine);
void           oms_sync_window_set_scheduler         (OmsSyncWindow *self,
                                                      OmsScheduler  *scheduler);
const char    *oms_sync_window_get_network_notice    (OmsSyncWindow *self);
OmsSyncEngine *oms_sync_window_get_engine            (OmsSyncWindow *self);

/* What the window shows, for tests. */
const char    *oms_sync_window_get_status_text       (OmsSyncWindow *self);
const char    *oms_sync_window_get_last_success_text (OmsSyncWindow *self);
const char    *oms_sync_window_get_error_text        (OmsSyncWindow *self);
gboolean       oms_sync_window_get_interrupted_shown (OmsSyncWindow *self);
gboolean       oms_sync_window_get_queue_notice_shown (OmsSyncWindow *self);
GtkWidget     *oms_sync_window_get_sync_button       (OmsSyncWindow *self);
const char    *oms_sync_window_get_sync_button_text  (OmsSyncWindow *self);
GtkWidget     *oms_sync_window_get_stepper           (OmsSyncWindow *self);
GtkWidget     *oms_sync_window_get_error_button      (OmsSyncWindow *self);
GtkWidget     *oms_sync_window_get_history_list      (OmsSyncWindow *self);
GtkWidget     *oms_sync_window_get_history_button    (OmsSyncWindow *self);

G_END_DECLS
