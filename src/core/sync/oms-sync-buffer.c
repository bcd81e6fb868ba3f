/* oms-sync-buffer.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-buffer"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-background.h"
#include "oms-record-words.h"
#include "oms-store-private.h"
#include "oms-sync-buffer.h"
#include "oms-sync-log.h"

/* Pulled records wait in sync_buffer until the Integrate step (PROTOCOL.md §7). A batch and
 * the cursor that covers it are written in one transaction, so a run cut short resumes
 * exactly where the last stored batch ended: no gaps, no duplicates.
 */

static char *
buffer_record_id (const OmsSyncRecord *record,
                  gint64               now)
{
  /* A merge must not replace the upsert of the record it merges into. */
  if (record->action == OMS_SYNC_ACTION_MERGE)
    return oms_sync_new_uuid_v7 (now);

  /* name_oms_fields shares its id with the name it extends. */
  if (g_strcmp0 (record->table_name, "name_oms_fields") == 0)
    return g_strconcat (record->record_id, "NameOmsFields", NULL);

  return g_strdup (record->record_id);
}

/**
 * oms_sync_buffer_store_batch:
 * @records: (element-type OmsSyncRecord): the batch as received
 * @cursor_key: (nullable): the key_value_store cursor to move with the batch
 * @cursor_value: its new value
 * @progress: (nullable): the run's sync_log row, saved with the batch
 *
 * Upserts every record into sync_buffer by record id (a newer copy replaces an older one and
 * is integrated again), moves the cursor and saves the run's progress, in one transaction.
 */
gboolean
oms_sync_buffer_store_batch (OmsStore     *store,
                             GPtrArray    *records,
                             gboolean      has_source_site_id,
                             gint64        source_site_id,
                             const char   *cursor_key,
                             gint64        cursor_value,
                             const OmsSyncRun *progress,
                             gint64        now,
                             GError      **error)
{
  g_autofree char *received = oms_sync_format_timestamp (now);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (OMS_IS_STORE (store), FALSE);
  g_return_val_if_fail (records != NULL, FALSE);

  if (!oms_store_begin (store, error))
    return FALSE;

  stmt = oms_store_prepare (store, OMS_SYNC_BUFFER_UPSERT_SQL, error);
  if (stmt == NULL)
    goto failed;

  for (guint i = 0; i < records->len; i++)
    {
      const OmsSyncRecord *record = g_ptr_array_index (records, i);
      g_autofree char *record_id = buffer_record_id (record, now);
      OmsBufferAction action = oms_sync_action_to_buffer_action (record->action);

      sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, received, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, record->table_name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, oms_buffer_action_to_string (action), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, record->data != NULL ? record->data : "null", -1,
                         SQLITE_STATIC);
      if (has_source_site_id)
        sqlite3_bind_int64 (stmt, 6, source_site_id);
      else
        sqlite3_bind_null (stmt, 6);

      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          oms_store_set_sql_error (store, error, _("store pulled records"));
          sqlite3_reset (stmt);
          goto failed;
        }
      sqlite3_reset (stmt);
    }

  if (cursor_key != NULL &&
      !oms_store_kv_set_int (store, cursor_key, (gint32) cursor_value, error))
    goto failed;

  if (progress != NULL && !oms_sync_log_save (store, progress, error))
    goto failed;

  return oms_store_commit (store, error);

failed:
  oms_store_rollback (store);
  return FALSE;
}

typedef struct
{
  GPtrArray  *records;
  gboolean    has_source_site_id;
  gint64      source_site_id;
  char       *cursor_key;
  gint64      cursor_value;
  OmsSyncRun *progress;
  gint64      now;
} StoreBatchData;

static void
store_batch_data_free (gpointer user_data)
{
  StoreBatchData *data = user_data;

  g_ptr_array_unref (data->records);
  g_free (data->cursor_key);
  g_clear_pointer (&data->progress, oms_sync_run_free);
  g_free (data);
}

static void
store_batch_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  StoreBatchData *data = task_data;
  GError *error = NULL;

  oms_background_thread_enter ();

  if (oms_sync_buffer_store_batch (OMS_STORE (source_object), data->records,
                                   data->has_source_site_id, data->source_site_id,
                                   data->cursor_key, data->cursor_value, data->progress,
                                   data->now, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * oms_sync_buffer_store_batch_async:
 * @store: a store used by nothing else while this runs: a connection of its own
 * @progress: (nullable): a snapshot of the run, saved with the batch
 *
 * oms_sync_buffer_store_batch() in a worker thread, so the insert, the commit's fsync and
 * any WAL checkpoint never stall the main loop. Saving the run's progress in the same
 * transaction keeps the main loop from waiting for this connection's write lock.
 */
void
oms_sync_buffer_store_batch_async (OmsStore            *store,
                                   GPtrArray           *records,
                                   gboolean             has_source_site_id,
                                   gint64               source_site_id,
                                   const char          *cursor_key,
                                   gint64               cursor_value,
                                   const OmsSyncRun    *progress,
                                   gint64               now,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  StoreBatchData *data;

  g_return_if_fail (OMS_IS_STORE (store));
  g_return_if_fail (records != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_sync_buffer_store_batch_async);

  data = g_new0 (StoreBatchData, 1);
  data->records = g_ptr_array_ref (records);
  data->has_source_site_id = has_source_site_id;
  data->source_site_id = source_site_id;
  data->cursor_key = g_strdup (cursor_key);
  data->cursor_value = cursor_value;
  data->progress = progress != NULL ? oms_sync_run_copy (progress) : NULL;
  data->now = now;
  g_task_set_task_data (task, data, store_batch_data_free);

  /* Once stored, the batch must be reported stored: cancelling waits for the commit. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, store_batch_thread);
}

gboolean
oms_sync_buffer_store_batch_finish (OmsStore      *store,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The count @sql gives, or -1 on failure. */
static gint64
count_rows (OmsStore    *store,
            const char  *sql,
            const char  *what,
            GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 count = -1;

  stmt = oms_store_prepare (store, sql, error);
  if (stmt == NULL)
    return -1;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  else
    oms_store_set_sql_error (store, error, what);
  sqlite3_reset (stmt);

  return count;
}

/**
 * oms_sync_buffer_count_pending:
 *
 * Returns: how many buffered records wait for integration, or -1 on failure
 */
gint64
oms_sync_buffer_count_pending (OmsStore  *store,
                               GError   **error)
{
  return count_rows (store, "SELECT count(*) FROM sync_buffer WHERE " OMS_SYNC_BUFFER_PENDING_SQL,
                     _("count pulled records"), error);
}

void
oms_failed_record_free (OmsFailedRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->record_id);
  g_free (record->table_name);
  g_free (record->action);
  g_free (record->error);
  g_free (record->description);
  g_free (record);
}

/**
 * oms_sync_buffer_count_failed:
 *
 * Returns: how many pulled records could not be integrated (Open mSupply's expected
 *   "Ignored: …" outcomes left out), or -1 on failure
 */
gint64
oms_sync_buffer_count_failed (OmsStore  *store,
                              GError   **error)
{
  return count_rows (store, "SELECT count(*) FROM sync_buffer WHERE " OMS_SYNC_BUFFER_FAILED_SQL,
                     _("count the records that could not be integrated"), error);
}

/**
 * oms_sync_buffer_list_failed:
 * @limit: the most records to list
 *
 * Lists the pulled records that could not be integrated, the latest failure first, at most
 * @limit of them (oms_sync_buffer_count_failed() counts them all).
 *
 * Returns: (transfer full) (element-type OmsFailedRecord) (nullable): the records
 */
GPtrArray *
oms_sync_buffer_list_failed (OmsStore  *store,
                             guint      limit,
                             GError   **error)
{
  g_autoptr(GPtrArray) records = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = oms_store_prepare (store,
                            "SELECT record_id, table_name, action, integration_error, "
                            "integration_datetime, data FROM sync_buffer "
                            "INDEXED BY sync_buffer_failed WHERE " OMS_SYNC_BUFFER_FAILED_SQL
                            " ORDER BY integration_datetime DESC, rowid DESC LIMIT ?1",
                            error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, limit);

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_failed_record_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OmsFailedRecord *record = g_new0 (OmsFailedRecord, 1);

      record->record_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      record->table_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      record->action = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      record->error = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      oms_sync_parse_timestamp ((const char *) sqlite3_column_text (stmt, 4), &record->failed);
      record->description = oms_record_describe_pulled (record->table_name, record->record_id,
                                                        (const char *) sqlite3_column_text (stmt,
                                                                                            5));
      g_ptr_array_add (records, record);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("read the records that could not be integrated"));
      return NULL;
    }

  return g_steal_pointer (&records);
}
