/* oms-store-records.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "oms-store-internal.h"

/* OmsStore's writes of tracked records: typed rows, generic records and link records, each
 * with its changelog row in one savepoint, and the changelog rows a pull supersedes.
 */

gboolean
oms_store_is_typed_table (const char *table_name)
{
  g_return_val_if_fail (table_name != NULL, FALSE);

  return oms_store_schema_lookup_table (table_name) != NULL;
}

/**
 * oms_store_supersede_changes: (skip)
 * @record_id: a record
 * @store_id: (nullable): its store
 *
 * Marks every changelog row of @record_id in @store_id superseded, before the row of a newer
 * change is written: only the newest row of a record counts (changelog_deduped).
 */
gboolean
oms_store_supersede_changes (OmsStore    *self,
                             const char  *record_id,
                             const char  *store_id,
                             GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = oms_store_prepare (self,
                            "UPDATE changelog SET superseded = 1 WHERE record_id = ?1 "
                            "AND store_id IS ?2 AND superseded = 0",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
  if (store_id != NULL)
    sqlite3_bind_text (stmt, 2, store_id, -1, SQLITE_TRANSIENT);

  return _oms_store_step_done (self, stmt, _("record a change"), error);
}

/* Right after a changelog row is added: when a local change was made, for `pending --list`. */
static gboolean
note_change_time (OmsStore               *self,
                  const OmsChangeOrigin  *origin,
                  GError                **error)
{
  sqlite3_stmt *stmt;

  if (origin != NULL && origin->is_sync_update)
    return TRUE;

  stmt = oms_store_prepare (self, OMS_STORE_NOTE_CHANGE_TIME_SQL, error);
  if (stmt == NULL)
    return FALSE;

  return _oms_store_step_done (self, stmt, _("record a change"), error);
}

static gboolean
append_changelog (OmsStore               *self,
                  const char             *table_name,
                  const char             *record_id,
                  OmsRowAction            action,
                  const char             *store_id,
                  const char             *name_link_id,
                  const OmsChangeOrigin  *origin,
                  GError                **error)
{
  sqlite3_stmt *stmt;

  if (!oms_store_supersede_changes (self, record_id, store_id, error))
    return FALSE;

  stmt = oms_store_prepare (self,
                            "INSERT INTO changelog (table_name, record_id, row_action, "
                            "name_link_id, store_id, is_sync_update, source_site_id) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, action == OMS_ROW_ACTION_DELETE ? "DELETE" : "UPSERT", -1,
                     SQLITE_STATIC);
  if (name_link_id != NULL)
    sqlite3_bind_text (stmt, 4, name_link_id, -1, SQLITE_TRANSIENT);
  if (store_id != NULL)
    sqlite3_bind_text (stmt, 5, store_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 6, origin != NULL && origin->is_sync_update);
  if (origin != NULL && origin->has_source_site_id)
    sqlite3_bind_int64 (stmt, 7, origin->source_site_id);

  if (!_oms_store_step_done (self, stmt, _("record a change"), error))
    return FALSE;

  return note_change_time (self, origin, error);
}

static gboolean
invalid_field (const char  *table_name,
               const char  *column,
               const char  *what,
               GError     **error)
{
  g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_INVALID,
               /* Translators: the record's table (e.g. “item”), a field's name (e.g. “name”),
                * then what is wrong, e.g. “is required”. */
               _("The %s record’s field “%s” %s."), table_name, column, what);
  return FALSE;
}

static gboolean
bind_column (sqlite3_stmt         *stmt,
             int                   index,
             const char           *table_name,
             const OmsColumnInfo  *column,
             JsonObject           *fields,
             GError              **error)
{
  JsonNode *node = json_object_get_member (fields, column->name);
  GType value_type;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      switch (column->presence)
        {
        case OMS_COLUMN_REQUIRED:
          /* Translators: what is wrong with a record's field, inside “The item record’s field
           * “name” is required.” */
          return invalid_field (table_name, column->name, _("is required"), error);

        case OMS_COLUMN_DEFAULT_ZERO:
          sqlite3_bind_int (stmt, index, 0);
          return TRUE;

        case OMS_COLUMN_NULLABLE:
        default:
          sqlite3_bind_null (stmt, index);
          return TRUE;
        }
    }

  if (column->type == OMS_COLUMN_JSON_TEXT && !JSON_NODE_HOLDS_VALUE (node))
    {
      g_autofree char *text = json_to_string (node, FALSE);

      sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node))
    return invalid_field (table_name, column->name, _("must be a single value"), error);

  value_type = json_node_get_value_type (node);

  switch (column->type)
    {
    case OMS_COLUMN_TEXT:
    case OMS_COLUMN_JSON_TEXT:
      if (value_type != G_TYPE_STRING)
        /* Translators: what is wrong with a record's field, inside “The item record’s field
         * “name” must be text.” */
        return invalid_field (table_name, column->name, _("must be text"), error);
      sqlite3_bind_text (stmt, index, json_node_get_string (node), -1, SQLITE_TRANSIENT);
      return TRUE;

    case OMS_COLUMN_INTEGER:
      if (value_type != G_TYPE_INT64)
        return invalid_field (table_name, column->name, _("must be a whole number"), error);
      sqlite3_bind_int64 (stmt, index, json_node_get_int (node));
      return TRUE;

    case OMS_COLUMN_DOUBLE:
      if (value_type != G_TYPE_INT64 && value_type != G_TYPE_DOUBLE)
        return invalid_field (table_name, column->name, _("must be a number"), error);
      sqlite3_bind_double (stmt, index, json_node_get_double (node));
      return TRUE;

    case OMS_COLUMN_BOOL:
      if (value_type != G_TYPE_BOOLEAN)
        return invalid_field (table_name, column->name, _("must be true or false"), error);
      sqlite3_bind_int (stmt, index, json_node_get_boolean (node));
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

static char *
build_upsert_sql (const OmsTableInfo *table)
{
  GString *sql = g_string_new (NULL);
  gboolean first = TRUE;

  g_string_append_printf (sql, "INSERT INTO \"%s\" (", table->name);
  for (guint i = 0; i < table->n_columns; i++)
    g_string_append_printf (sql, "%s\"%s\"", i ? ", " : "", table->columns[i].name);
  g_string_append (sql, ") VALUES (");
  for (guint i = 0; i < table->n_columns; i++)
    g_string_append_printf (sql, "%s?%u", i ? ", " : "", i + 1);
  g_string_append (sql, ") ON CONFLICT (id) DO UPDATE SET ");
  for (guint i = 1; i < table->n_columns; i++)
    {
      /* This site's own state of the row (OmsTableInfo.local_columns) is not replaced. */
      if (table->local_columns != NULL &&
          g_strv_contains (table->local_columns, table->columns[i].name))
        continue;
      g_string_append_printf (sql, "%s\"%s\" = excluded.\"%s\"", first ? "" : ", ",
                              table->columns[i].name, table->columns[i].name);
      first = FALSE;
    }

  return g_string_free (sql, FALSE);
}

static const char *
string_member (JsonObject *fields,
               const char *name)
{
  JsonNode *node = json_object_get_member (fields, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* The store a record belongs to decides whether it is pushed (PROTOCOL.md §4). */
static gboolean
lookup_store_id (OmsStore            *self,
                 const OmsTableInfo  *table,
                 JsonObject          *fields,
                 char               **store_id,
                 GError             **error)
{
  sqlite3_stmt *stmt;
  const char *key;
  int rc;

  *store_id = NULL;

  if (table->store_column != NULL)
    {
      *store_id = g_strdup (string_member (fields, table->store_column));
      return TRUE;
    }

  if (table->store_lookup == NULL)
    return TRUE;

  key = string_member (fields, table->store_lookup_key);
  if (key == NULL)
    return TRUE;

  stmt = oms_store_prepare (self, table->store_lookup, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *store_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    oms_store_set_sql_error (self, error, _("find a record’s store"));
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static gboolean
upsert_typed (OmsStore            *self,
              const OmsTableInfo  *table,
              JsonObject          *fields,
              GError             **error)
{
  char *sql = g_hash_table_lookup (self->upsert_sql, table);
  sqlite3_stmt *stmt;

  if (sql == NULL)
    {
      sql = build_upsert_sql (table);
      g_hash_table_insert (self->upsert_sql, (gpointer) table, sql);
    }

  stmt = oms_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < table->n_columns; i++)
    {
      if (!bind_column (stmt, (int) i + 1, table->name, &table->columns[i], fields, error))
        {
          sqlite3_clear_bindings (stmt);
          return FALSE;
        }
    }

  return _oms_store_step_done (self, stmt, _("save a record"), error);
}

static gboolean
upsert_generic (OmsStore     *self,
                const char   *table_name,
                const char   *record_id,
                const char   *store_id,
                JsonObject   *fields,
                GError      **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), fields);
  g_autofree char *data = json_to_string (node, FALSE);
  sqlite3_stmt *stmt;

  stmt = oms_store_prepare (self,
                            "INSERT INTO record (table_name, id, store_id, data) "
                            "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (table_name, id) DO UPDATE "
                            "SET store_id = excluded.store_id, data = excluded.data",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  if (store_id != NULL)
    sqlite3_bind_text (stmt, 3, store_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, data, -1, SQLITE_TRANSIENT);

  return _oms_store_step_done (self, stmt, _("save a record"), error);
}

/* As Open mSupply's repositories do on every upsert of a name, item or clinician: a record
 * without a link gets one to itself. An existing link stays as it is, since a merge may have
 * pointed it at another record.
 */
static gboolean
link_to_self (OmsStore     *self,
              const char   *table_name,
              const char   *record_id,
              GError      **error)
{
  const OmsLinkInfo *link = oms_store_schema_lookup_link (table_name);
  sqlite3_stmt *stmt;

  if (link == NULL)
    return TRUE;

  stmt = oms_store_prepare (self, link->insert_self, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);

  return _oms_store_step_done (self, stmt, _("save a record"), error);
}

static gboolean
check_table_name (const char  *table_name,
                  GError     **error)
{
  if (table_name[0] == '\0' || strlen (table_name) > 64 ||
      g_str_equal (table_name, "record") || g_str_equal (table_name, "changelog"))
    {
      g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_INVALID,
                   /* Translators: %s is the table's name as given, e.g. “items”. */
                   _("“%s” is not a table omsync can keep records of."), table_name);
      return FALSE;
    }

  return TRUE;
}

/**
 * oms_store_is_generic_table_name:
 *
 * Returns: whether records of @table_name are kept in the generic record table: it is not a
 *   typed table, and it is a name omsync accepts there
 */
gboolean
oms_store_is_generic_table_name (const char *table_name)
{
  g_return_val_if_fail (table_name != NULL, FALSE);

  return !oms_store_is_typed_table (table_name) && check_table_name (table_name, NULL);
}

/**
 * oms_store_upsert_record:
 * @table_name: a typed table (see oms_store_is_typed_table()) or any other synced table
 * @fields: the row; typed tables take Open mSupply's column names, other tables any object
 *   with a string `id`
 * @origin: (nullable): %OMS_ORIGIN_LOCAL for a local edit, or where an integrated change
 *   came from
 *
 * Inserts or replaces the record and appends its changelog row, atomically.
 */
gboolean
oms_store_upsert_record (OmsStore               *self,
                         const char             *table_name,
                         JsonObject             *fields,
                         const OmsChangeOrigin  *origin,
                         GError                **error)
{
  gboolean began;
  const OmsTableInfo *table;
  g_autofree char *store_id = NULL;
  const char *record_id;
  const char *name_link_id = NULL;
  gboolean ok;

  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (table_name != NULL, FALSE);
  g_return_val_if_fail (fields != NULL, FALSE);

  if (!check_table_name (table_name, error))
    return FALSE;

  record_id = string_member (fields, "id");
  if (record_id == NULL || *record_id == '\0')
    return invalid_field (table_name, "id", _("is required"), error);

  table = oms_store_schema_lookup_table (table_name);

  if (!_oms_store_savepoint_begin (self, &began, error))
    return FALSE;

  if (table != NULL)
    {
      ok = lookup_store_id (self, table, fields, &store_id, error) &&
           upsert_typed (self, table, fields, error);
    }
  else
    {
      store_id = g_strdup (string_member (fields, "store_id"));
      name_link_id = string_member (fields, "name_link_id");
      if (name_link_id == NULL)
        name_link_id = string_member (fields, "name_id");
      ok = upsert_generic (self, table_name, record_id, store_id, fields, error);
    }

  ok = ok && link_to_self (self, table_name, record_id, error);
  ok = ok && append_changelog (self, table_name, record_id, OMS_ROW_ACTION_UPSERT,
                               store_id, name_link_id, origin, error);

  return _oms_store_savepoint_end (self, began, ok, error);
}

/* A generic record's delete is filed under the store its upsert was, which the record table
 * holds: a legacy record names it `store_ID`, not `store_id`.
 */
static gboolean
lookup_generic_store_id (OmsStore     *self,
                         const char   *table_name,
                         const char   *record_id,
                         char        **store_id,
                         GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = oms_store_prepare (self,
                            "SELECT store_id FROM record WHERE table_name = ?1 AND id = ?2",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *store_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    oms_store_set_sql_error (self, error, _("find a record’s store"));
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/**
 * oms_store_delete_record:
 *
 * Deletes the record, if present, and appends a DELETE changelog row, atomically. The
 * changelog row is written even for a record this store never held, so a pulled delete is
 * recorded like any other change.
 */
gboolean
oms_store_delete_record (OmsStore               *self,
                         const char             *table_name,
                         const char             *record_id,
                         const OmsChangeOrigin  *origin,
                         GError                **error)
{
  gboolean began;
  const OmsTableInfo *table;
  g_autoptr(JsonObject) existing = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *store_id = NULL;
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (table_name != NULL, FALSE);
  g_return_val_if_fail (record_id != NULL, FALSE);

  if (!check_table_name (table_name, error))
    return FALSE;

  table = oms_store_schema_lookup_table (table_name);

  if (!_oms_store_savepoint_begin (self, &began, error))
    return FALSE;

  existing = oms_store_get_record (self, table_name, record_id, &local_error);
  ok = local_error == NULL;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));

  if (ok && existing != NULL)
    {
      if (table != NULL)
        ok = lookup_store_id (self, table, existing, &store_id, error);
      else
        ok = lookup_generic_store_id (self, table_name, record_id, &store_id, error);
    }

  if (ok)
    {
      g_autofree char *sql = NULL;

      if (table != NULL)
        sql = g_strdup_printf ("DELETE FROM \"%s\" WHERE id = ?1", table->name);
      else
        sql = g_strdup ("DELETE FROM record WHERE id = ?1 AND table_name = ?2");

      stmt = oms_store_prepare (self, sql, error);
      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
          if (table == NULL)
            sqlite3_bind_text (stmt, 2, table_name, -1, SQLITE_TRANSIENT);
          ok = _oms_store_step_done (self, stmt, _("delete a record"), error);
        }
    }

  ok = ok && append_changelog (self, table_name, record_id, OMS_ROW_ACTION_DELETE,
                               store_id, NULL, origin, error);

  return _oms_store_savepoint_end (self, began, ok, error);
}

/**
 * oms_store_upsert_raw_record:
 * @table_name: a table that is not typed
 * @data_json: the record as received, kept byte for byte
 *
 * Stores a record of a table omsync keeps generically, with its changelog row, atomically.
 * The owning store is read from the record's `store_id` (Open mSupply shape) or `store_ID`
 * (legacy shape). Unlike oms_store_upsert_record() the JSON is not parsed in C, which keeps
 * integrating a large initial pull cheap.
 */
gboolean
oms_store_upsert_raw_record (OmsStore               *self,
                             const char             *table_name,
                             const char             *record_id,
                             const char             *data_json,
                             const OmsChangeOrigin  *origin,
                             GError                **error)
{
  gboolean began;
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (table_name != NULL, FALSE);
  g_return_val_if_fail (record_id != NULL, FALSE);
  g_return_val_if_fail (data_json != NULL, FALSE);

  if (!check_table_name (table_name, error))
    return FALSE;
  if (oms_store_is_typed_table (table_name))
    {
      g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_INVALID,
                   /* Translators: %s is a table's name, e.g. “asset”. */
                   _("%s records must be stored with their typed fields."), table_name);
      return FALSE;
    }

  if (!_oms_store_savepoint_begin (self, &began, error))
    return FALSE;

  stmt = oms_store_prepare (self,
                            "INSERT INTO record (table_name, id, store_id, data) "
                            "SELECT ?1, ?2, nullif (coalesce (json_extract (j, '$.store_id'), "
                            "json_extract (j, '$.store_ID')), ''), j FROM (SELECT json (?3) AS j) "
                            "WHERE true ON CONFLICT (table_name, id) DO UPDATE "
                            "SET store_id = excluded.store_id, data = excluded.data",
                            error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, data_json, -1, SQLITE_TRANSIENT);
      ok = _oms_store_step_done (self, stmt, _("save a record"), error);
    }

  ok = ok && link_to_self (self, table_name, record_id, error);

  if (ok)
    {
      stmt = oms_store_prepare (self,
                                "UPDATE changelog SET superseded = 1 WHERE record_id = ?2 "
                                "AND superseded = 0 AND store_id IS (SELECT store_id FROM record "
                                "WHERE table_name = ?1 AND id = ?2)",
                                error);
      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
          ok = _oms_store_step_done (self, stmt, _("record a change"), error);
        }
    }

  if (ok)
    {
      stmt = oms_store_prepare (self,
                                "INSERT INTO changelog (table_name, record_id, row_action, "
                                "name_link_id, store_id, is_sync_update, source_site_id) "
                                "SELECT ?1, ?2, 'UPSERT', NULL, store_id, ?3, ?4 FROM record "
                                "WHERE table_name = ?1 AND id = ?2",
                                error);
      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int (stmt, 3, origin != NULL && origin->is_sync_update);
          if (origin != NULL && origin->has_source_site_id)
            sqlite3_bind_int64 (stmt, 4, origin->source_site_id);
          ok = _oms_store_step_done (self, stmt, _("record a change"), error);
        }
    }

  if (ok)
    ok = note_change_time (self, origin, error);

  return _oms_store_savepoint_end (self, began, ok, error);
}
