/* oms-sync-engine.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "oms-protocol-error.h"
#include "oms-push-queue.h"
#include "oms-store.h"
#include "oms-sync-log.h"

G_BEGIN_DECLS

typedef enum
{
  OMS_SYNC_MODE_UNCONFIGURED,
  OMS_SYNC_MODE_INITIALISING,
  OMS_SYNC_MODE_OPERATIONAL,
} OmsSyncMode;

#define OMS_TYPE_SYNC_ENGINE (oms_sync_engine_get_type ())

G_DECLARE_FINAL_TYPE (OmsSyncEngine, oms_sync_engine, OMS, SYNC_ENGINE, GObject)

OmsSyncEngine      *oms_sync_engine_new                   (OmsStore            *store);
OmsStore           *oms_sync_engine_get_store             (OmsSyncEngine       *self);
gboolean            oms_sync_engine_get_is_syncing        (OmsSyncEngine       *self);
gboolean            oms_sync_engine_get_is_settling       (OmsSyncEngine       *self);
gboolean            oms_sync_engine_get_waiting_for_server (OmsSyncEngine      *self);
OmsSyncMode         oms_sync_engine_get_mode              (OmsSyncEngine       *self);
const char         *oms_sync_engine_mode_to_string        (OmsSyncMode          mode);
gboolean            oms_sync_engine_get_has_v6            (OmsSyncEngine       *self);
int                 oms_sync_engine_get_current_step      (OmsSyncEngine       *self);
const OmsSyncRun   *oms_sync_engine_get_latest_run        (OmsSyncEngine       *self);
const OmsSyncRun   *oms_sync_engine_get_last_successful_run (OmsSyncEngine     *self);
gboolean            oms_sync_engine_get_error             (OmsSyncEngine       *self,
                                                           OmsSyncErrorVariant *variant,
                                                           const char         **detail);
void                oms_sync_engine_get_push_queue        (OmsSyncEngine       *self,
                                                           OmsPushQueueCounts  *counts);
gint64              oms_sync_engine_get_bytes_received    (OmsSyncEngine       *self);
void                oms_sync_engine_refresh               (OmsSyncEngine       *self);
void                oms_sync_engine_set_remote_syncing    (OmsSyncEngine       *self,
                                                           gboolean             remote_syncing);

void                oms_sync_engine_run_async             (OmsSyncEngine       *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
void                oms_sync_engine_run_for_patient_async (OmsSyncEngine       *self,
                                                           const char          *fetch_patient_id,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean            oms_sync_engine_run_finish            (OmsSyncEngine       *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);

G_END_DECLS
