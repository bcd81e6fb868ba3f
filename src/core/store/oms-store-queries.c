/* oms-store-queries.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "oms-store-internal.h"

/* OmsStore's reads for views and the push: one record, the changelog, table counts. */

static JsonObject *
row_to_object (sqlite3_stmt       *stmt,
               const OmsTableInfo *table)
{
  JsonObject *object = json_object_new ();

  for (guint i = 0; i < table->n_columns; i++)
    {
      const OmsColumnInfo *column = &table->columns[i];
      int index = (int) i;

      if (sqlite3_column_type (stmt, index) == SQLITE_NULL)
        {
          json_object_set_null_member (object, column->name);
          continue;
        }

      switch (column->type)
        {
        case OMS_COLUMN_TEXT:
        case OMS_COLUMN_JSON_TEXT:
          json_object_set_string_member (object, column->name,
                                         (const char *) sqlite3_column_text (stmt, index));
          break;

        case OMS_COLUMN_INTEGER:
          json_object_set_int_member (object, column->name, sqlite3_column_int64 (stmt, index));
          break;

        case OMS_COLUMN_DOUBLE:
          json_object_set_double_member (object, column->name,
                                         sqlite3_column_double (stmt, index));
          break;

        case OMS_COLUMN_BOOL:
          json_object_set_boolean_member (object, column->name,
                                          sqlite3_column_int (stmt, index) != 0);
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return object;
}

static char *
build_select_sql (const OmsTableInfo *table)
{
  GString *sql = g_string_new ("SELECT ");

  for (guint i = 0; i < table->n_columns; i++)
    g_string_append_printf (sql, "%s\"%s\"", i ? ", " : "", table->columns[i].name);
  g_string_append_printf (sql, " FROM \"%s\" WHERE id = ?1", table->name);

  return g_string_free (sql, FALSE);
}

/**
 * oms_store_get_record:
 *
 * Returns: (transfer full) (nullable): the record's fields, or %NULL when there is no such
 *   record (with @error unset) or on failure
 */
JsonObject *
oms_store_get_record (OmsStore    *self,
                      const char  *table_name,
                      const char  *record_id,
                      GError     **error)
{
  const OmsTableInfo *table;
  JsonObject *object = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (OMS_IS_STORE (self), NULL);
  g_return_val_if_fail (table_name != NULL, NULL);
  g_return_val_if_fail (record_id != NULL, NULL);

  table = oms_store_schema_lookup_table (table_name);
  if (table != NULL)
    sql = build_select_sql (table);
  else
    sql = g_strdup ("SELECT data FROM record WHERE id = ?1 AND table_name = ?2");

  stmt = oms_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
  if (table == NULL)
    sqlite3_bind_text (stmt, 2, table_name, -1, SQLITE_TRANSIENT);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && table != NULL)
    {
      object = row_to_object (stmt, table);
    }
  else if (rc == SQLITE_ROW)
    {
      g_autoptr(JsonNode) node = json_from_string ((const char *) sqlite3_column_text (stmt, 0),
                                                   NULL);

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        object = json_object_ref (json_node_get_object (node));
      else
        g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_CORRUPT,
                     /* Translators: the record's table (e.g. “item”), then its id, a long code. */
                     _("The stored %s record “%s” is not valid JSON."), table_name, record_id);
    }
  else if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (self, error, _("read a record"));
    }
  sqlite3_reset (stmt);

  return object;
}

/**
 * oms_store_list_changelog:
 * @from_cursor: the first cursor to include
 * @deduplicated: read `changelog_deduped` (the newest change per record) instead of every row
 * @limit: the most rows to return, 0 for all
 *
 * Returns: (transfer full) (element-type OmsChangelogEntry) (nullable): the rows in cursor
 *   order
 */
GPtrArray *
oms_store_list_changelog (OmsStore    *self,
                          gint64       from_cursor,
                          gboolean     deduplicated,
                          guint        limit,
                          GError     **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  const char *sql;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (OMS_IS_STORE (self), NULL);

  if (deduplicated)
    sql = "SELECT cursor, table_name, record_id, row_action, name_link_id, store_id, "
          "is_sync_update, source_site_id FROM changelog_deduped "
          "WHERE cursor >= ?1 ORDER BY cursor LIMIT ?2";
  else
    sql = "SELECT cursor, table_name, record_id, row_action, name_link_id, store_id, "
          "is_sync_update, source_site_id FROM changelog "
          "WHERE cursor >= ?1 ORDER BY cursor LIMIT ?2";

  stmt = oms_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, from_cursor);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_changelog_entry_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OmsChangelogEntry *entry = g_new0 (OmsChangelogEntry, 1);

      entry->cursor = sqlite3_column_int64 (stmt, 0);
      entry->table_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      entry->record_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      entry->action = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 3), "DELETE") == 0
                        ? OMS_ROW_ACTION_DELETE : OMS_ROW_ACTION_UPSERT;
      entry->name_link_id = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      entry->store_id = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      entry->is_sync_update = sqlite3_column_int (stmt, 6) != 0;
      entry->has_source_site_id = sqlite3_column_type (stmt, 7) != SQLITE_NULL;
      entry->source_site_id = sqlite3_column_int64 (stmt, 7);
      g_ptr_array_add (entries, entry);
    }

  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (self, error, _("read the changelog"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&entries);
}

/**
 * oms_store_get_max_changelog_cursor:
 *
 * Returns: the newest changelog cursor, 0 when the changelog is empty, or -1 on failure
 */
gint64
oms_store_get_max_changelog_cursor (OmsStore  *self,
                                    GError   **error)
{
  sqlite3_stmt *stmt;
  gint64 cursor = -1;

  g_return_val_if_fail (OMS_IS_STORE (self), -1);

  stmt = oms_store_prepare (self, "SELECT coalesce(max(cursor), 0) FROM changelog", error);
  if (stmt == NULL)
    return -1;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    cursor = sqlite3_column_int64 (stmt, 0);
  else
    oms_store_set_sql_error (self, error, _("read the changelog"));
  sqlite3_reset (stmt);

  return cursor;
}

static gboolean
add_count (OmsStore    *self,
           GPtrArray   *counts,
           const char  *sql,
           const char  *table_name,
           gboolean     typed,
           GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = oms_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OmsTableCount *count = g_new0 (OmsTableCount, 1);

      count->table_name = g_strdup (table_name ? table_name
                                               : (const char *) sqlite3_column_text (stmt, 1));
      count->n_rows = sqlite3_column_int64 (stmt, 0);
      count->is_typed = typed;
      g_ptr_array_add (counts, count);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (self, error, _("count records"));
      return FALSE;
    }

  return TRUE;
}

/**
 * oms_store_list_table_counts:
 *
 * Counts the rows of every typed table (including empty ones) and of every other table
 * held in the generic record table.
 *
 * Returns: (transfer full) (element-type OmsTableCount) (nullable): typed tables first, in
 *   dependency order, then the others by name
 */
GPtrArray *
oms_store_list_table_counts (OmsStore  *self,
                             GError   **error)
{
  g_autoptr(GPtrArray) counts = NULL;
  const OmsTableInfo *tables;
  guint n_tables;

  g_return_val_if_fail (OMS_IS_STORE (self), NULL);

  counts = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_table_count_free);
  tables = oms_store_schema_get_tables (&n_tables);

  for (guint i = 0; i < n_tables; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM \"%s\"", tables[i].name);

      if (!add_count (self, counts, sql, tables[i].name, TRUE, error))
        return NULL;
    }

  if (!add_count (self, counts,
                  "SELECT count(*), table_name FROM record GROUP BY table_name ORDER BY table_name",
                  NULL, FALSE, error))
    return NULL;

  return g_steal_pointer (&counts);
}
