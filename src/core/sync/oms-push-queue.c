/* oms-push-queue.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-push-queue"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "oms-json-util.h"
#include "oms-push-queue.h"
#include "oms-record-words.h"
#include "oms-store-private.h"
#include "oms-sync-buffer.h"
#include "oms-sync-record.h"
#include "oms-sync-settings.h"

/* What waits to be pushed is the de-duplicated changelog after each server's push cursor,
 * limited by Open mSupply's push filter (PROTOCOL.md §4): rows of this site's stores or of no
 * store, that were not written by integration. omsync also limits each server's queue to the
 * tables that server takes, so "records to push" and each step's total are the work really
 * waiting, and a record bound for both servers is counted once in the total.
 *
 * The filter's terms match the partial index changelog_push_queue, so counting reads only the
 * rows still waiting, however long the changelog grows.
 */

#define PUSH_FILTER \
  "superseded = 0 AND is_sync_update = 0 " \
  "AND (store_id IS NULL OR store_id IN (SELECT id FROM store WHERE site_id = ?3))"

static void
push_targets_sql (sqlite3_context  *context,
                  int               argc,
                  sqlite3_value   **argv)
{
  const char *table = (const char *) sqlite3_value_text (argv[0]);

  sqlite3_result_int (context, table != NULL ? (int) oms_translate_push_targets (table) : 0);
}

/* Makes oms_push_targets(table_name) available to this store's statements. */
static gboolean
register_functions (OmsStore  *store,
                    GError   **error)
{
  if (sqlite3_create_function (oms_store_get_db (store), "oms_push_targets", 1,
                               SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, push_targets_sql,
                               NULL, NULL) != SQLITE_OK)
    {
      oms_store_set_sql_error (store, error, _("prepare the push queue"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
read_cursors (OmsStore  *store,
              gint64    *v5_cursor,
              gint64    *v6_cursor,
              gint64    *site_id,
              GError   **error)
{
  g_autoptr(GError) local_error = NULL;

  *v5_cursor = oms_store_kv_get_int (store, OMS_KV_REMOTE_SYNC_PUSH_CURSOR, 0, &local_error);
  if (local_error == NULL)
    *v6_cursor = oms_store_kv_get_int (store, OMS_KV_SYNC_PUSH_CURSOR_V6, 0, &local_error);
  if (local_error == NULL)
    *site_id = oms_store_kv_get_int (store, OMS_KV_SYNC_SITE_ID, -1, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

/**
 * oms_push_queue_count:
 *
 * Counts the records waiting for each server, and the distinct records waiting for either.
 */
gboolean
oms_push_queue_count (OmsStore            *store,
                      OmsPushQueueCounts  *counts,
                      GError             **error)
{
  gint64 v5_cursor, v6_cursor, site_id;
  sqlite3_stmt *stmt;
  int rc;

  memset (counts, 0, sizeof *counts);

  if (!read_cursors (store, &v5_cursor, &v6_cursor, &site_id, error) ||
      !register_functions (store, error))
    return FALSE;

  stmt = oms_store_prepare (store,
                            "SELECT oms_push_targets (table_name), cursor >= ?1, cursor >= ?2, "
                            "count(*) FROM changelog WHERE " PUSH_FILTER
                            " AND cursor >= min (?1, ?2) GROUP BY 1, 2, 3",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, v5_cursor);
  sqlite3_bind_int64 (stmt, 2, v6_cursor);
  sqlite3_bind_int64 (stmt, 3, site_id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int targets = sqlite3_column_int (stmt, 0);
      gboolean for_v5 = (targets & OMS_PUSH_TARGET_V5) && sqlite3_column_int (stmt, 1);
      gboolean for_v6 = (targets & OMS_PUSH_TARGET_V6) && sqlite3_column_int (stmt, 2);
      gint64 n = sqlite3_column_int64 (stmt, 3);

      if (for_v5)
        counts->v5 += n;
      if (for_v6)
        counts->v6 += n;
      if (for_v5 || for_v6)
        counts->total += n;
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("count the records waiting to be pushed"));
      return FALSE;
    }

  return TRUE;
}

void
oms_pending_record_free (OmsPendingRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->table_name);
  g_free (record->record_id);
  g_free (record->description);
  g_free (record);
}

/**
 * oms_push_queue_list:
 * @limit: the most records to list
 *
 * Lists the records waiting for either server, newest change first, at most @limit of them:
 * the count of all is oms_push_queue_count()'s total. Reading stops at @limit, however long
 * the queue.
 *
 * Returns: (transfer full) (element-type OmsPendingRecord) (nullable): the records
 */
GPtrArray *
oms_push_queue_list (OmsStore  *store,
                     guint      limit,
                     GError   **error)
{
  g_autoptr(GPtrArray) records = NULL;
  gint64 v5_cursor, v6_cursor, site_id;
  sqlite3_stmt *stmt;
  int rc;

  if (!read_cursors (store, &v5_cursor, &v6_cursor, &site_id, error) ||
      !register_functions (store, error))
    return NULL;

  /* Bit 0: waiting for the legacy central, bit 1: for the Open mSupply central. */
#define WAITING_FOR \
  "(oms_push_targets (table_name) & ((cursor >= ?1) | ((cursor >= ?2) << 1)))"
  stmt = oms_store_prepare (store,
                            "SELECT cursor, table_name, record_id, row_action, "
                            "(SELECT changed_datetime FROM changelog_time t "
                            "WHERE t.cursor = changelog.cursor), " WAITING_FOR
                            " FROM changelog WHERE " PUSH_FILTER " AND cursor >= min (?1, ?2) "
                            "AND " WAITING_FOR " != 0 ORDER BY cursor DESC LIMIT ?4",
                            error);
#undef WAITING_FOR
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, v5_cursor);
  sqlite3_bind_int64 (stmt, 2, v6_cursor);
  sqlite3_bind_int64 (stmt, 3, site_id);
  sqlite3_bind_int64 (stmt, 4, limit);

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_pending_record_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OmsPendingRecord *record = g_new0 (OmsPendingRecord, 1);

      record->cursor = sqlite3_column_int64 (stmt, 0);
      record->table_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      record->record_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      record->is_delete = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 3),
                                     "DELETE") == 0;
      oms_sync_parse_timestamp ((const char *) sqlite3_column_text (stmt, 4), &record->changed);
      record->targets = (OmsPushTargets) sqlite3_column_int (stmt, 5);
      g_ptr_array_add (records, record);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("read the records waiting to be pushed"));
      return NULL;
    }

  /* Described once the statement is done: describing reads the store with others. */
  for (guint i = 0; i < records->len; i++)
    {
      OmsPendingRecord *record = g_ptr_array_index (records, i);

      record->description = oms_record_describe_stored (store, record->table_name,
                                                        record->record_id);
    }

  return g_steal_pointer (&records);
}

/* One changelog row in the shape the server takes; NULL when there is nothing to send. */
static OmsSyncRecord *
translate_row (OmsStore        *store,
               OmsPushTargets   target,
               gint64           cursor,
               const char      *table_name,
               const char      *record_id,
               gboolean         is_delete,
               GError         **error)
{
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *sync_table = NULL;
  g_autofree char *data = NULL;
  OmsSyncRecord *record;
  gboolean typed = oms_store_is_typed_table (table_name);
  gboolean ok;

  if (is_delete)
    {
      const char *delete_table = typed ? oms_translate_push_delete_table (table_name, target)
                                       : table_name;

      if (delete_table == NULL)
        return NULL;
      record = oms_sync_record_new (delete_table, record_id, OMS_SYNC_ACTION_DELETE, NULL);
      record->cursor = cursor;
      record->sync_id = g_strdup_printf ("%" G_GINT64_FORMAT, cursor);
      return record;
    }

  row = oms_store_get_record (store, table_name, record_id, error);
  if (row == NULL)
    return NULL;

  if (!typed)
    {
      /* Kept as it was received; pushed back in the same shape. */
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), row);

      sync_table = g_strdup (table_name);
      data = oms_json_to_canonical (node);
      ok = TRUE;
    }
  else if (target == OMS_PUSH_TARGET_V5)
    ok = oms_translate_push_legacy (table_name, row, &sync_table, &data, error);
  else
    ok = oms_translate_push_v6 (table_name, row, &sync_table, &data, error);

  if (!ok)
    {
      /* Translators: a table's name (e.g. “invoice”), then the record's id, a long code; the
       * reason follows after the colon. */
      g_prefix_error (error, _("Could not prepare %s record %s for the central server: "),
                      table_name, record_id);
      return NULL;
    }
  if (sync_table == NULL)
    return NULL;

  record = oms_sync_record_new (sync_table, record_id, OMS_SYNC_ACTION_UPDATE, data);
  record->cursor = cursor;
  record->sync_id = g_strdup_printf ("%" G_GINT64_FORMAT, cursor);
  return record;
}

/**
 * oms_push_queue_read_batch:
 * @target: %OMS_PUSH_TARGET_V5 or %OMS_PUSH_TARGET_V6
 * @from_cursor: the server's push cursor
 * @last_cursor: (out): the cursor of the last changelog row read, -1 when none
 * @remaining: (out): the rows waiting for @target from @from_cursor, this batch included
 *
 * Returns: (transfer full) (element-type OmsSyncRecord) (nullable): the next batch in the
 *   shape @target takes; rows with nothing to send are left out but still covered by
 *   @last_cursor
 */
GPtrArray *
oms_push_queue_read_batch (OmsStore        *store,
                           OmsPushTargets   target,
                           gint64           from_cursor,
                           guint            limit,
                           gint64          *last_cursor,
                           gint64          *remaining,
                           GError         **error)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  gint64 v5_cursor, v6_cursor, site_id;
  sqlite3_stmt *stmt;
  int rc;

  *last_cursor = -1;
  *remaining = 0;
  records = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_sync_record_free);

  if (!read_cursors (store, &v5_cursor, &v6_cursor, &site_id, error) ||
      !register_functions (store, error))
    return NULL;

  stmt = oms_store_prepare (store,
                            "SELECT count(*) FROM changelog WHERE " PUSH_FILTER
                            " AND cursor >= ?1 AND (oms_push_targets (table_name) & ?2) != 0",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, from_cursor);
  sqlite3_bind_int (stmt, 2, target);
  sqlite3_bind_int64 (stmt, 3, site_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *remaining = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      oms_store_set_sql_error (store, error, _("read the records waiting to be pushed"));
      return NULL;
    }

  /* Read the rows first: translating reads the store with other cached statements. */
  stmt = oms_store_prepare (store,
                            "SELECT cursor, table_name, record_id, row_action FROM changelog "
                            "WHERE " PUSH_FILTER " AND cursor >= ?1 "
                            "AND (oms_push_targets (table_name) & ?2) != 0 "
                            "ORDER BY cursor LIMIT ?4",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, from_cursor);
  sqlite3_bind_int (stmt, 2, target);
  sqlite3_bind_int64 (stmt, 3, site_id);
  sqlite3_bind_int64 (stmt, 4, limit);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 cursor = sqlite3_column_int64 (stmt, 0);

      g_ptr_array_add (rows, g_strdup_printf ("%" G_GINT64_FORMAT, cursor));
      g_ptr_array_add (rows, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
      g_ptr_array_add (rows, g_strdup ((const char *) sqlite3_column_text (stmt, 2)));
      g_ptr_array_add (rows, g_strdup ((const char *) sqlite3_column_text (stmt, 3)));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("read the records waiting to be pushed"));
      return NULL;
    }

  for (guint i = 0; i + 3 < rows->len; i += 4)
    {
      gint64 cursor = g_ascii_strtoll (g_ptr_array_index (rows, i), NULL, 10);
      const char *table_name = g_ptr_array_index (rows, i + 1);
      const char *record_id = g_ptr_array_index (rows, i + 2);
      gboolean is_delete = g_strcmp0 (g_ptr_array_index (rows, i + 3), "DELETE") == 0;
      g_autoptr(GError) local_error = NULL;
      OmsSyncRecord *record;

      record = translate_row (store, target, cursor, table_name, record_id, is_delete,
                              &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (record != NULL)
        g_ptr_array_add (records, record);
      *last_cursor = cursor;
    }

  return g_steal_pointer (&records);
}

/**
 * oms_push_queue_jump_to_end:
 *
 * Moves both push cursors past the whole changelog: after initialisation, everything in the
 * store came from the centrals and must not be sent back (PROTOCOL.md §1 step 12).
 */
gboolean
oms_push_queue_jump_to_end (OmsStore  *store,
                            GError   **error)
{
  gint64 max_cursor = oms_store_get_max_changelog_cursor (store, error);
  gboolean committed;

  if (max_cursor < 0)
    return FALSE;

  /* Relaxed (oms_store_set_relaxed()): the run's durable end follows and makes it durable;
   * if both are lost, the next run initialises again and jumps again.
   */
  oms_store_set_relaxed (store, TRUE);
  if (!oms_store_begin (store, error))
    {
      oms_store_set_relaxed (store, FALSE);
      return FALSE;
    }

  if (!oms_store_kv_set_int (store, OMS_KV_REMOTE_SYNC_PUSH_CURSOR, (gint32) (max_cursor + 1),
                             error) ||
      !oms_store_kv_set_int (store, OMS_KV_SYNC_PUSH_CURSOR_V6, (gint32) (max_cursor + 1), error))
    {
      oms_store_rollback (store);
      oms_store_set_relaxed (store, FALSE);
      return FALSE;
    }

  committed = oms_store_commit (store, error);
  oms_store_set_relaxed (store, FALSE);

  return committed;
}
