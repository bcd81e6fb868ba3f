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

/* A pulled record into sync_buffer, keyed by record id alone: a newer copy replaces the older
 * one and is integrated again (PROTOCOL.md §7). REPLACE deletes the older row and inserts the
 * new one after every other, i.e. after the integration mark (OMS_SYNC_BUFFER_PENDING_SQL).
 * Parameters: record_id, received_datetime, table_name, action, data, source_site_id.
 */
#define OMS_SYNC_BUFFER_UPSERT_SQL \
  "INSERT OR REPLACE INTO sync_buffer (record_id, received_datetime, integration_datetime, " \
  "integration_error, table_name, action, data, source_site_id) " \
  "VALUES (?1, ?2, NULL, NULL, ?3, ?4, ?5, ?6)"

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

/* A pulled record that could not be integrated (oms_sync_buffer_list_failed()). */
typedef struct
{
  char   *record_id;
  char   *table_name;    /* as the central names it */
  char   *action;        /* UPSERT, DELETE or MERGE */
  char   *error;         /* integration_error */
  gint64  failed;        /* when integration last failed, UTC µs */
  char   *description;   /* oms_record_describe_pulled() */
} OmsFailedRecord;

void       oms_failed_record_free       (OmsFailedRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsFailedRecord, oms_failed_record_free)

gint64     oms_sync_buffer_count_failed (OmsStore    *store,
                                         GError     **error);
GPtrArray *oms_sync_buffer_list_failed  (OmsStore    *store,
                                         guint        limit,
                                         GError     **error);

G_END_DECLS
