/* oms-sync-buffer.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-store.h"
#include "oms-sync-log.h"
#include "oms-sync-record.h"

G_BEGIN_DECLS

/* Keys of the pull cursors in key_value_store (PROTOCOL.md §4). */
#define OMS_KV_CENTRAL_SYNC_PULL_CURSOR "CENTRAL_SYNC_PULL_CURSOR"
#define OMS_KV_SYNC_PULL_CURSOR_V6      "SYNC_PULL_CURSOR_V6"
#define OMS_KV_REMOTE_SYNC_PUSH_CURSOR  "REMOTE_SYNC_PUSH_CURSOR"
#define OMS_KV_SYNC_PUSH_CURSOR_V6      "SYNC_PUSH_CURSOR_V6"

gboolean oms_sync_buffer_store_batch (OmsStore     *store,
                                      GPtrArray    *records,
                                      gboolean      has_source_site_id,
                                      gint64        source_site_id,
                                      const char   *cursor_key,
                                      gint64        cursor_value,
                                      const OmsSyncRun *progress,
                                      gint64        now,
                                      GError      **error);
void     oms_sync_buffer_store_batch_async  (OmsStore            *store,
                                            GPtrArray           *records,
                                            gboolean             has_source_site_id,
                                            gint64               source_site_id,
                                            const char          *cursor_key,
                                            gint64               cursor_value,
                                            const OmsSyncRun    *progress,
                                            gint64               now,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean oms_sync_buffer_store_batch_finish (OmsStore            *store,
                                            GAsyncResult        *result,
                                            GError             **error);
gint64   oms_sync_buffer_count_pending (OmsStore   *store,
                                      GError      **error);

G_END_DECLS
