/* oms-file-sync.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "oms-file-reference.h"
#include "oms-sync-engine.h"

G_BEGIN_DECLS

/* What one upload pass did. */
typedef struct
{
  guint uploaded;
  guint failed;   /* ERROR or PERMANENT_FAILURE */
} OmsFileSyncCounts;

#define OMS_TYPE_FILE_SYNC (oms_file_sync_get_type ())

G_DECLARE_FINAL_TYPE (OmsFileSync, oms_file_sync, OMS, FILE_SYNC, GObject)

OmsFileSync   *oms_file_sync_new               (OmsSyncEngine        *engine);
OmsSyncEngine *oms_file_sync_get_engine        (OmsFileSync          *self);
gboolean       oms_file_sync_get_paused        (OmsFileSync          *self);
gboolean       oms_file_sync_get_busy          (OmsFileSync          *self);

void           oms_file_sync_start             (OmsFileSync          *self);
void           oms_file_sync_stop              (OmsFileSync          *self);

void           oms_file_sync_upload_async      (OmsFileSync          *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean       oms_file_sync_upload_finish     (OmsFileSync          *self,
                                                GAsyncResult         *result,
                                                OmsFileSyncCounts    *counts,
                                                GError              **error);
void           oms_file_sync_download_async    (OmsFileSync          *self,
                                                const char           *file_id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
char          *oms_file_sync_download_finish   (OmsFileSync          *self,
                                                GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
