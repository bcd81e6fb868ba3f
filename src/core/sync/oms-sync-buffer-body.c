/* oms-sync-buffer-body.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-buffer"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-background.h"
#include "oms-store-private.h"
#include "oms-sync-buffer.h"
#include "oms-sync-buffer-body.h"

/* A pulled batch stored straight from the response body by SQLite's JSON functions, inside
 * the statement that writes sync_buffer (docs/PERFORMANCE.md). Parsing a batch with
 * json-glib and serialising every recordData again cost more than everything else in a pull.
 *
 * This is only a faster road to the same rows. It takes a body only when every record has
 * the plain shape the full parser accepts (an object with a non-negative cursor, string
 * tableName and recordId, and an insert, update or delete action); anything else — an error
 * envelope, a merge, a wrong type, invalid UTF-8 — is declined with nothing written, and the
 * caller hands the body to the full parser, which stores it or names what is wrong exactly
 * as before. recordData is kept as the server sent it, minified by SQLite (keys in the
 * server's order); `{}` when absent, as the full parser stores it.
 */

typedef struct
{
  const char *summary_sql;
  const char *insert_sql;
} BodyStatements;

/* Each summary row: shape ok, then the numbers of OmsPulledBodySummary. A malformed body
 * makes the JSON functions fail, which declines it too.
 */
#define V5_CENTRAL_SUMMARY \
  "SELECT json_type (?1) = 'object' " \
  "AND json_type (?1, '$.maxCursor') = 'integer' AND json_extract (?1, '$.maxCursor') >= 0 " \
  "AND coalesce (json_type (?1, '$.data'), 'array') = 'array', " \
  "json_extract (?1, '$.maxCursor'), coalesce (json_array_length (?1, '$.data'), 0), " \
  "json_extract (?1, '$.data[#-1].ID'), 0, 0, 0"

/* A v6 body is an envelope with "data" as its only member. */
#define V6_PULL_SUMMARY \
  "SELECT json_type (?1) = 'object' AND json_remove (?1, '$.data') = '{}' " \
  "AND json_type (?1, '$.data') = 'object' " \
  "AND json_type (?1, '$.data.end_cursor') = 'integer' " \
  "AND json_extract (?1, '$.data.end_cursor') >= 0 " \
  "AND json_type (?1, '$.data.total_records') = 'integer' " \
  "AND json_extract (?1, '$.data.total_records') >= 0 " \
  "AND json_type (?1, '$.data.records') = 'array' " \
  "AND json_type (?1, '$.data.is_last_batch') IN ('true', 'false'), " \
  "0, json_array_length (?1, '$.data.records'), 0, " \
  "json_extract (?1, '$.data.end_cursor'), json_extract (?1, '$.data.total_records'), " \
  "json_extract (?1, '$.data.is_last_batch')"

/* R is the JSON path of the record envelope inside the array element `value`. Each field is
 * extracted once (MATERIALIZED keeps SQLite from extracting it again for every use). `->>`
 * gives a JSON string as text, but an object or array as text too, so a tableName or
 * recordId starting with { or [ is declined rather than told apart.
 */
#define BUFFER_INSERT(R, CURSOR, ARRAY) \
  "WITH r AS MATERIALIZED (SELECT key AS position, type AS type, " \
  "value ->> '$." CURSOR "' AS cursor, value ->> '" R ".tableName' AS table_name, " \
  "value ->> '" R ".recordId' AS record_id, value ->> '" R ".action' AS action, " \
  "value -> '" R ".recordData' AS data FROM json_each (?1, '" ARRAY "')) " \
  "INSERT INTO sync_buffer (record_id, received_datetime, integration_datetime, " \
  "integration_error, table_name, action, data, source_site_id) " \
  "SELECT CASE WHEN table_name = 'name_oms_fields' THEN record_id || 'NameOmsFields' " \
  "ELSE record_id END, ?2, NULL, NULL, table_name, " \
  "CASE lower (action) WHEN 'delete' THEN 'DELETE' ELSE 'UPSERT' END, " \
  "coalesce (data, '{}'), ?3 FROM r " \
  "WHERE type = 'object' AND typeof (cursor) = 'integer' AND cursor >= 0 " \
  "AND typeof (table_name) = 'text' AND substr (table_name, 1, 1) NOT IN ('{', '[') " \
  "AND typeof (record_id) = 'text' AND substr (record_id, 1, 1) NOT IN ('{', '[') " \
  "AND typeof (action) = 'text' AND lower (action) IN ('insert', 'update', 'delete') " \
  "ORDER BY position " \
  "ON CONFLICT (record_id) DO UPDATE SET " \
  "received_datetime = excluded.received_datetime, " \
  "integration_datetime = NULL, integration_error = NULL, " \
  "table_name = excluded.table_name, action = excluded.action, " \
  "data = excluded.data, source_site_id = excluded.source_site_id"

static const BodyStatements statements[] = {
  [OMS_PULLED_BODY_V5_CENTRAL] = { V5_CENTRAL_SUMMARY, BUFFER_INSERT ("$", "ID", "$.data") },
  [OMS_PULLED_BODY_V6_PULL] = { V6_PULL_SUMMARY,
                                BUFFER_INSERT ("$.record", "cursor", "$.data.records") },
};

/* The summary needs SQLite's JSON functions but no tables: each worker thread keeps an
 * in-memory connection for it, so a batch can be summarised while the last one is written.
 */
static void
close_summary_db (gpointer db)
{
  sqlite3_close (db);
}

static GPrivate summary_db = G_PRIVATE_INIT (close_summary_db);

static sqlite3 *
get_summary_db (void)
{
  sqlite3 *db = g_private_get (&summary_db);

  if (db == NULL)
    {
      if (sqlite3_open_v2 (":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                           NULL) != SQLITE_OK)
        {
          sqlite3_close (db);
          return NULL;
        }
      g_private_set (&summary_db, db);
    }

  return db;
}

/**
 * oms_pulled_body_summarize:
 * @body: a pulled response body of @kind, as received
 * @request_cursor: the cursor the batch was asked for with
 * @summary: (out caller-allocates): what the body says
 *
 * Reads the batch's cursors and size with SQLite, in the calling thread.
 *
 * Returns: %FALSE when the body is not of the plain shape oms_sync_buffer_store_body()
 *   takes (it then goes to the full parser)
 */
gboolean
oms_pulled_body_summarize (OmsPulledBodyKind     kind,
                           GBytes               *body,
                           gint64                request_cursor,
                           OmsPulledBodySummary *summary)
{
  sqlite3 *db = get_summary_db ();
  sqlite3_stmt *stmt = NULL;
  gboolean shape_ok = FALSE;
  gsize length = 0;
  const char *text;

  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (summary != NULL, FALSE);

  memset (summary, 0, sizeof *summary);
  text = g_bytes_get_data (body, &length);

  /* SQLite's JSON functions take the bytes as they are; json-glib would refuse bad UTF-8. */
  if (db == NULL || text == NULL || length == 0 || length > G_MAXINT ||
      !g_utf8_validate_len (text, length, NULL))
    return FALSE;

  if (sqlite3_prepare_v2 (db, statements[kind].summary_sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_warning ("Cannot summarise pulled bodies: %s", sqlite3_errmsg (db));
      return FALSE;
    }

  sqlite3_bind_text (stmt, 1, text, (int) length, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) == 1)
    {
      shape_ok = TRUE;
      summary->max_cursor = sqlite3_column_int64 (stmt, 1);
      summary->n_records = sqlite3_column_int64 (stmt, 2);
      summary->last_cursor = sqlite3_column_type (stmt, 3) == SQLITE_INTEGER
                               ? sqlite3_column_int64 (stmt, 3) : request_cursor;
      summary->end_cursor = sqlite3_column_int64 (stmt, 4);
      summary->total_records = sqlite3_column_int64 (stmt, 5);
      summary->is_last_batch = sqlite3_column_int (stmt, 6) != 0;
    }
  sqlite3_finalize (stmt);

  if (!shape_ok)
    memset (summary, 0, sizeof *summary);

  return shape_ok;
}

typedef struct
{
  OmsPulledBodyKind     kind;
  GBytes               *body;
  gint64                request_cursor;
  OmsPulledBodySummary  summary;
  gboolean              shape_ok;
} SummarizeData;

static void
summarize_data_free (gpointer user_data)
{
  SummarizeData *data = user_data;

  g_bytes_unref (data->body);
  g_free (data);
}

static void
summarize_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  SummarizeData *data = task_data;

  oms_background_thread_enter ();
  data->shape_ok = oms_pulled_body_summarize (data->kind, data->body, data->request_cursor,
                                              &data->summary);
  g_task_return_boolean (task, TRUE);
}

/**
 * oms_pulled_body_summarize_async:
 *
 * oms_pulled_body_summarize() in a worker thread. It cannot fail; finish with
 * oms_pulled_body_summarize_finish().
 */
void
oms_pulled_body_summarize_async (OmsPulledBodyKind    kind,
                                 GBytes              *body,
                                 gint64               request_cursor,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SummarizeData *data;

  g_return_if_fail (body != NULL);

  task = g_task_new (NULL, NULL, callback, user_data);
  g_task_set_source_tag (task, oms_pulled_body_summarize_async);

  data = g_new0 (SummarizeData, 1);
  data->kind = kind;
  data->body = g_bytes_ref (body);
  data->request_cursor = request_cursor;
  g_task_set_task_data (task, data, summarize_data_free);
  g_task_run_in_thread (task, summarize_thread);
}

/**
 * oms_pulled_body_summarize_finish:
 * @summary: (out caller-allocates): what the body says
 *
 * Returns: the result of oms_pulled_body_summarize()
 */
gboolean
oms_pulled_body_summarize_finish (GAsyncResult         *result,
                                  OmsPulledBodySummary *summary)
{
  SummarizeData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  *summary = data->summary;
  return data->shape_ok;
}

/* Inserts the body's records; FALSE when any record was left out (or SQLite refused). */
static gboolean
insert_records (OmsStore                   *store,
                OmsPulledBodyKind           kind,
                const char                 *text,
                gsize                       length,
                const char                 *received,
                gboolean                    has_source_site_id,
                gint64                      source_site_id,
                const OmsPulledBodySummary *summary)
{
  sqlite3_stmt *stmt;
  gboolean all_in = FALSE;

  stmt = oms_store_prepare (store, statements[kind].insert_sql, NULL);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, text, (int) length, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, received, -1, SQLITE_STATIC);
  if (has_source_site_id)
    sqlite3_bind_int64 (stmt, 3, source_site_id);
  else
    sqlite3_bind_null (stmt, 3);

  if (sqlite3_step (stmt) == SQLITE_DONE)
    all_in = sqlite3_changes64 (oms_store_get_db (store)) == summary->n_records;
  else
    g_debug ("A pulled body goes to the full parser: %s",
             sqlite3_errmsg (oms_store_get_db (store)));
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return all_in;
}

/**
 * oms_pulled_body_next_cursor:
 * @summary: what a stored body said
 * @request_cursor: the cursor it was asked for with
 *
 * Returns: where the pull goes on from: v5, the last record's ID, or one past the request's
 *   cursor when the batch is empty below maxCursor (a gap in the central's ids); v6, one
 *   past end_cursor
 */
gint64
oms_pulled_body_next_cursor (OmsPulledBodyKind           kind,
                             const OmsPulledBodySummary *summary,
                             gint64                      request_cursor)
{
  if (kind == OMS_PULLED_BODY_V6_PULL)
    return summary->end_cursor + 1;

  if (summary->n_records == 0 && summary->last_cursor < summary->max_cursor)
    return summary->last_cursor + 1;

  return summary->last_cursor;
}

/**
 * oms_pulled_body_is_last:
 *
 * Returns: whether the pull is over once this body is stored
 */
gboolean
oms_pulled_body_is_last (OmsPulledBodyKind           kind,
                         const OmsPulledBodySummary *summary)
{
  if (kind == OMS_PULLED_BODY_V6_PULL)
    return summary->is_last_batch;

  return summary->n_records == 0 && summary->last_cursor >= summary->max_cursor;
}

/**
 * oms_sync_buffer_store_body:
 * @body: a pulled response body of @kind, as received
 * @summary: what oms_pulled_body_summarize() said of it
 * @request_cursor: the cursor the batch was asked for with
 * @progress: (nullable): the run's sync_log row; updated with this batch and saved with it
 * @stored: (out): %FALSE when the body was declined: nothing was written
 *
 * Stores every record of @body in sync_buffer, moves the pull cursor
 * (oms_pulled_body_next_cursor()) and saves @progress, in one transaction — or declines the
 * body when a record is not of the plain shape this path takes.
 *
 * Returns: %FALSE only when the store failed; a declined body is not a failure
 */
gboolean
oms_sync_buffer_store_body (OmsStore                    *store,
                            OmsPulledBodyKind            kind,
                            GBytes                      *body,
                            const OmsPulledBodySummary  *summary,
                            gint64                       request_cursor,
                            gboolean                     has_source_site_id,
                            gint64                       source_site_id,
                            OmsSyncRun                  *progress,
                            gint64                       now,
                            gboolean                    *stored,
                            GError                     **error)
{
  g_autofree char *received = oms_sync_format_timestamp (now);
  const char *cursor_key;
  gsize length = 0;
  const char *text;

  g_return_val_if_fail (OMS_IS_STORE (store), FALSE);
  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (summary != NULL, FALSE);
  g_return_val_if_fail (stored != NULL, FALSE);

  *stored = FALSE;
  text = g_bytes_get_data (body, &length);
  if (text == NULL || length > G_MAXINT)
    return TRUE;

  if (!oms_store_begin (store, error))
    return FALSE;

  if (!insert_records (store, kind, text, length, received, has_source_site_id, source_site_id,
                       summary))
    {
      oms_store_rollback (store);
      return TRUE;
    }

  if (kind == OMS_PULLED_BODY_V5_CENTRAL)
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

  if (!oms_store_kv_set_int (store, cursor_key,
                             (gint32) oms_pulled_body_next_cursor (kind, summary,
                                                                   request_cursor),
                             error) ||
      (progress != NULL && !oms_sync_log_save (store, progress, error)) ||
      !oms_store_commit (store, error))
    {
      oms_store_rollback (store);
      return FALSE;
    }

  *stored = TRUE;
  return TRUE;
}

typedef struct
{
  OmsPulledBodyKind     kind;
  GBytes               *body;
  OmsPulledBodySummary  summary;
  gint64                request_cursor;
  gboolean              has_source_site_id;
  gint64                source_site_id;
  OmsSyncRun           *progress;
  gint64                now;
  gboolean              stored;
} StoreBodyData;

static void
store_body_data_free (gpointer user_data)
{
  StoreBodyData *data = user_data;

  g_bytes_unref (data->body);
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

  if (oms_sync_buffer_store_body (OMS_STORE (source_object), data->kind, data->body,
                                  &data->summary, data->request_cursor,
                                  data->has_source_site_id, data->source_site_id,
                                  data->progress, data->now, &data->stored, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * oms_sync_buffer_store_body_async:
 * @store: a store used by nothing else while this runs: a connection of its own
 * @progress: (nullable): a snapshot of the run, updated with the batch and saved with it
 *
 * oms_sync_buffer_store_body() in a worker thread (see oms_sync_buffer_store_batch_async()).
 */
void
oms_sync_buffer_store_body_async (OmsStore                   *store,
                                  OmsPulledBodyKind           kind,
                                  GBytes                     *body,
                                  const OmsPulledBodySummary *summary,
                                  gint64                      request_cursor,
                                  gboolean                    has_source_site_id,
                                  gint64                      source_site_id,
                                  const OmsSyncRun           *progress,
                                  gint64                      now,
                                  GCancellable               *cancellable,
                                  GAsyncReadyCallback         callback,
                                  gpointer                    user_data)
{
  g_autoptr(GTask) task = NULL;
  StoreBodyData *data;

  g_return_if_fail (OMS_IS_STORE (store));
  g_return_if_fail (body != NULL);
  g_return_if_fail (summary != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_sync_buffer_store_body_async);

  data = g_new0 (StoreBodyData, 1);
  data->kind = kind;
  data->body = g_bytes_ref (body);
  data->summary = *summary;
  data->request_cursor = request_cursor;
  data->has_source_site_id = has_source_site_id;
  data->source_site_id = source_site_id;
  data->progress = progress != NULL ? oms_sync_run_copy (progress) : NULL;
  data->now = now;
  g_task_set_task_data (task, data, store_body_data_free);

  /* Once stored, the batch must be reported stored: cancelling waits for the commit. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, store_body_thread);
}

/**
 * oms_sync_buffer_store_body_finish:
 * @stored: (out): %FALSE when the body was declined
 *
 * Returns: %FALSE when the store failed
 */
gboolean
oms_sync_buffer_store_body_finish (OmsStore      *store,
                                   GAsyncResult  *result,
                                   gboolean      *stored,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  g_return_val_if_fail (stored != NULL, FALSE);

  *stored = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  *stored = ((StoreBodyData *) g_task_get_task_data (G_TASK (result)))->stored;
  return TRUE;
}
