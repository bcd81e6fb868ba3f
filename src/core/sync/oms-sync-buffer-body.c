/* oms-sync-buffer-body.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-buffer"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "oms-background.h"
#include "oms-store-private.h"
#include "oms-sync-buffer.h"
#include "oms-sync-buffer-body.h"

/* A pulled batch stored from its scanned body (oms-pulled-body.c): each record's recordData
 * goes into sync_buffer as the server sent it (compacted when it has whitespace), through the
 * same prepared INSERT as oms_sync_buffer_store_batch(), with no JSON tree built or written
 * again (docs/PERFORMANCE.md). A body the scan declined never comes here: the full parser
 * takes it.
 */

typedef struct
{
  OmsPulledBodyKind  kind;
  GBytes            *body;
  gint64             request_cursor;
  gboolean           cut;              /* the body was cut short */
  gint64             known_max_cursor; /* for a cut body */
  OmsPulledBody     *scanned;
} ScanData;

static void
scan_data_free (gpointer user_data)
{
  ScanData *data = user_data;

  g_bytes_unref (data->body);
  g_clear_pointer (&data->scanned, oms_pulled_body_free);
  g_free (data);
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ScanData *data = task_data;

  oms_background_thread_enter ();
  data->scanned = data->cut ? oms_pulled_body_scan_cut (data->kind, data->body,
                                                        data->request_cursor,
                                                        data->known_max_cursor)
                            : oms_pulled_body_scan (data->kind, data->body, data->request_cursor);
  g_task_return_boolean (task, TRUE);
}

static void
scan_in_thread (OmsPulledBodyKind    kind,
                GBytes              *body,
                gint64               request_cursor,
                gboolean             cut,
                gint64               known_max_cursor,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ScanData *data;

  g_return_if_fail (body != NULL);

  task = g_task_new (NULL, NULL, callback, user_data);
  g_task_set_source_tag (task, oms_sync_buffer_scan_body_async);

  data = g_new0 (ScanData, 1);
  data->kind = kind;
  data->body = g_bytes_ref (body);
  data->request_cursor = request_cursor;
  data->cut = cut;
  data->known_max_cursor = known_max_cursor;
  g_task_set_task_data (task, data, scan_data_free);
  g_task_run_in_thread (task, scan_thread);
}

/**
 * oms_sync_buffer_scan_body_async:
 *
 * oms_pulled_body_scan() in a worker thread. It cannot fail; finish with
 * oms_sync_buffer_scan_body_finish().
 */
void
oms_sync_buffer_scan_body_async (OmsPulledBodyKind    kind,
                                 GBytes              *body,
                                 gint64               request_cursor,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  scan_in_thread (kind, body, request_cursor, FALSE, 0, callback, user_data);
}

/**
 * oms_sync_buffer_scan_cut_body_async:
 *
 * oms_pulled_body_scan_cut() in a worker thread. It cannot fail; finish with
 * oms_sync_buffer_scan_body_finish().
 */
void
oms_sync_buffer_scan_cut_body_async (OmsPulledBodyKind    kind,
                                     GBytes              *body,
                                     gint64               request_cursor,
                                     gint64               known_max_cursor,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  scan_in_thread (kind, body, request_cursor, TRUE, known_max_cursor, callback, user_data);
}

/**
 * oms_sync_buffer_scan_body_finish:
 *
 * Returns: (transfer full) (nullable): the scanned body, or %NULL when it was declined
 */
OmsPulledBody *
oms_sync_buffer_scan_body_finish (GAsyncResult *result)
{
  ScanData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  data = g_task_get_task_data (G_TASK (result));
  return g_steal_pointer (&data->scanned);
}

static gboolean
insert_records (OmsStore            *store,
                const OmsPulledBody *body,
                const char          *received,
                gboolean             has_source_site_id,
                gint64               source_site_id,
                GError             **error)
{
  const OmsPulledRecord *records;
  sqlite3_stmt *stmt;
  guint n_records;

  stmt = oms_store_prepare (store, OMS_SYNC_BUFFER_UPSERT_SQL, error);
  if (stmt == NULL)
    return FALSE;

  records = oms_pulled_body_get_records (body, &n_records);
  for (guint i = 0; i < n_records; i++)
    {
      const OmsPulledRecord *record = &records[i];
      g_autofree char *record_id = NULL;
      g_autofree char *compact = NULL;
      int rc;

      /* name_oms_fields shares its id with the name it extends (PROTOCOL.md §7). */
      if (record->table_name_length == strlen ("name_oms_fields") &&
          memcmp (record->table_name, "name_oms_fields", record->table_name_length) == 0)
        {
          record_id = g_strdup_printf ("%.*sNameOmsFields", (int) record->record_id_length,
                                       record->record_id);
          sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_STATIC);
        }
      else
        {
          sqlite3_bind_text (stmt, 1, record->record_id, (int) record->record_id_length,
                             SQLITE_STATIC);
        }

      sqlite3_bind_text (stmt, 2, received, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, record->table_name, (int) record->table_name_length,
                         SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, oms_buffer_action_to_string (record->action), -1,
                         SQLITE_STATIC);

      if (record->data == NULL)
        sqlite3_bind_text (stmt, 5, "{}", -1, SQLITE_STATIC);
      else if (record->data_is_compact)
        sqlite3_bind_text (stmt, 5, record->data, (int) record->data_length, SQLITE_STATIC);
      else
        sqlite3_bind_text (stmt, 5, compact = oms_json_compact (record->data,
                                                                record->data_length),
                           -1, SQLITE_STATIC);

      if (has_source_site_id)
        sqlite3_bind_int64 (stmt, 6, source_site_id);
      else
        sqlite3_bind_null (stmt, 6);

      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      if (rc != SQLITE_DONE)
        {
          oms_store_set_sql_error (store, error, _("store pulled records"));
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * oms_sync_buffer_store_body:
 * @body: a scanned pulled body
 * @progress: (nullable): the run's sync_log row; updated with this batch and saved with it
 *
 * Stores every record of @body in sync_buffer, moves the pull cursor
 * (oms_pulled_body_next_cursor()) and saves @progress, in one transaction.
 */
gboolean
oms_sync_buffer_store_body (OmsStore             *store,
                            const OmsPulledBody  *body,
                            gboolean              has_source_site_id,
                            gint64                source_site_id,
                            OmsSyncRun           *progress,
                            gint64                now,
                            GError              **error)
{
  g_autofree char *received = oms_sync_format_timestamp (now);
  const OmsPulledBodySummary *summary;
  const char *cursor_key;

  g_return_val_if_fail (OMS_IS_STORE (store), FALSE);
  g_return_val_if_fail (body != NULL, FALSE);

  summary = oms_pulled_body_get_summary (body);

  if (oms_pulled_body_get_kind (body) == OMS_PULLED_BODY_V5_CENTRAL)
    {
      cursor_key = OMS_KV_CENTRAL_SYNC_PULL_CURSOR;
      if (progress != NULL)
        oms_sync_run_set_remaining (progress, OMS_SYNC_STEP_PULL_CENTRAL,
                                    summary->max_cursor - MIN (summary->max_cursor,
                                                               summary->last_cursor));
    }
  else
    {
      cursor_key = OMS_KV_SYNC_PULL_CURSOR_V6;
      if (progress != NULL && summary->is_last_batch)
        oms_sync_run_set_remaining (progress, OMS_SYNC_STEP_PULL_V6, 0);
    }

  if (!oms_store_begin (store, error))
    return FALSE;

  if (!insert_records (store, body, received, has_source_site_id, source_site_id, error) ||
      !oms_store_kv_set_int (store, cursor_key, (gint32) oms_pulled_body_next_cursor (body),
                             error) ||
      (progress != NULL && !oms_sync_log_save (store, progress, error)) ||
      !oms_store_commit (store, error))
    {
      oms_store_rollback (store);
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  OmsPulledBody *body;
  gboolean       has_source_site_id;
  gint64         source_site_id;
  OmsSyncRun    *progress;
  gint64         now;
} StoreBodyData;

static void
store_body_data_free (gpointer user_data)
{
  StoreBodyData *data = user_data;

  g_clear_pointer (&data->progress, oms_sync_run_free);
  g_free (data);
}

static void
store_body_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  StoreBodyData *data = task_data;
  GError *error = NULL;

  oms_background_thread_enter ();

  if (oms_sync_buffer_store_body (OMS_STORE (source_object), data->body,
                                  data->has_source_site_id, data->source_site_id,
                                  data->progress, data->now, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * oms_sync_buffer_store_body_async:
 * @store: a store used by nothing else while this runs: a connection of its own
 * @body: a scanned body; it must stay alive until the callback
 * @progress: (nullable): a snapshot of the run, updated with the batch and saved with it
 *
 * oms_sync_buffer_store_body() in a worker thread (see oms_sync_buffer_store_batch_async()).
 */
void
oms_sync_buffer_store_body_async (OmsStore            *store,
                                  const OmsPulledBody *body,
                                  gboolean             has_source_site_id,
                                  gint64               source_site_id,
                                  const OmsSyncRun    *progress,
                                  gint64               now,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  StoreBodyData *data;

  g_return_if_fail (OMS_IS_STORE (store));
  g_return_if_fail (body != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_sync_buffer_store_body_async);

  data = g_new0 (StoreBodyData, 1);
  data->body = (OmsPulledBody *) body;
  data->has_source_site_id = has_source_site_id;
  data->source_site_id = source_site_id;
  data->progress = progress != NULL ? oms_sync_run_copy (progress) : NULL;
  data->now = now;
  g_task_set_task_data (task, data, store_body_data_free);

  /* Once stored, the batch must be reported stored: cancelling waits for the commit. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, store_body_thread);
}

gboolean
oms_sync_buffer_store_body_finish (OmsStore      *store,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
