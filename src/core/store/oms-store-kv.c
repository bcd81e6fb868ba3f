/* oms-store-kv.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "oms-store-internal.h"

/* OmsStore's key_value_store: settings and cursors under Open mSupply's keys, one value of
 * one type per key.
 */

/* Returns the row's statement positioned on the row, or NULL when the key is absent (error
 * unset) or on failure (error set).
 */
static sqlite3_stmt *
kv_lookup (OmsStore    *self,
           const char  *key,
           const char  *column_sql,
           GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = oms_store_prepare (self, column_sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    return stmt;

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    /* Translators: what omsync tried to do, inside “Could not %s in the omsync database: …”; the
     * same for the other short phrases of this kind (save a setting, read a record, count
     * records…). */
    oms_store_set_sql_error (self, error, _("read a setting"));

  sqlite3_reset (stmt);
  return NULL;
}

/**
 * oms_store_kv_get_string:
 *
 * Returns: (transfer full) (nullable): the value, or %NULL when absent (with @error unset)
 */
char *
oms_store_kv_get_string (OmsStore    *self,
                         const char  *key,
                         GError     **error)
{
  sqlite3_stmt *stmt;
  char *value;

  g_return_val_if_fail (OMS_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = kv_lookup (self, key, "SELECT value_string FROM key_value_store WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;

  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return value;
}

static gint64
kv_get_integer (OmsStore    *self,
                const char  *key,
                const char  *sql,
                gint64       default_value,
                GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 value;

  stmt = kv_lookup (self, key, sql, error);
  if (stmt == NULL)
    return default_value;

  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

gint32
oms_store_kv_get_int (OmsStore    *self,
                      const char  *key,
                      gint32       default_value,
                      GError     **error)
{
  g_return_val_if_fail (OMS_IS_STORE (self), default_value);
  g_return_val_if_fail (key != NULL, default_value);

  return (gint32) kv_get_integer (self, key,
                                  "SELECT value_int FROM key_value_store WHERE id = ?1",
                                  default_value, error);
}

gint64
oms_store_kv_get_bigint (OmsStore    *self,
                         const char  *key,
                         gint64       default_value,
                         GError     **error)
{
  g_return_val_if_fail (OMS_IS_STORE (self), default_value);
  g_return_val_if_fail (key != NULL, default_value);

  return kv_get_integer (self, key,
                         "SELECT value_bigint FROM key_value_store WHERE id = ?1",
                         default_value, error);
}

gboolean
oms_store_kv_get_bool (OmsStore    *self,
                       const char  *key,
                       gboolean     default_value,
                       GError     **error)
{
  g_return_val_if_fail (OMS_IS_STORE (self), default_value);
  g_return_val_if_fail (key != NULL, default_value);

  return kv_get_integer (self, key,
                         "SELECT value_bool FROM key_value_store WHERE id = ?1",
                         default_value, error) != 0;
}

double
oms_store_kv_get_float (OmsStore    *self,
                        const char  *key,
                        double       default_value,
                        GError     **error)
{
  sqlite3_stmt *stmt;
  double value;

  g_return_val_if_fail (OMS_IS_STORE (self), default_value);
  g_return_val_if_fail (key != NULL, default_value);

  stmt = kv_lookup (self, key, "SELECT value_float FROM key_value_store WHERE id = ?1", error);
  if (stmt == NULL)
    return default_value;

  value = sqlite3_column_double (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

gboolean
oms_store_kv_has (OmsStore    *self,
                  const char  *key,
                  GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  stmt = oms_store_prepare (self, "SELECT 1 FROM key_value_store WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    oms_store_set_sql_error (self, error, _("read a setting"));
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW;
}

typedef enum
{
  KV_STRING,
  KV_INT,
  KV_BIGINT,
  KV_FLOAT,
  KV_BOOL,
} KvColumn;

/* Replaces the whole row: a key holds one value of one type, as in Open mSupply. */
static gboolean
kv_set (OmsStore     *self,
        const char   *key,
        KvColumn      column,
        const char   *string_value,
        gint64        int_value,
        double        float_value,
        GError      **error)
{
  sqlite3_stmt *stmt;

  stmt = oms_store_prepare (self,
                            "INSERT OR REPLACE INTO key_value_store "
                            "(id, value_string, value_int, value_bigint, value_float, value_bool) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  switch (column)
    {
    case KV_STRING:
      sqlite3_bind_text (stmt, 2, string_value, -1, SQLITE_TRANSIENT);
      break;

    case KV_INT:
      sqlite3_bind_int64 (stmt, 3, int_value);
      break;

    case KV_BIGINT:
      sqlite3_bind_int64 (stmt, 4, int_value);
      break;

    case KV_FLOAT:
      sqlite3_bind_double (stmt, 5, float_value);
      break;

    case KV_BOOL:
      sqlite3_bind_int (stmt, 6, int_value != 0);
      break;

    default:
      g_assert_not_reached ();
    }

  if (!_oms_store_step_done (self, stmt, _("save a setting"), error))
    return FALSE;

  self->dirty = TRUE;
  _oms_store_emit_changed_if_committed (self);
  return TRUE;
}

gboolean
oms_store_kv_set_string (OmsStore    *self,
                         const char  *key,
                         const char  *value,
                         GError     **error)
{
  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  return kv_set (self, key, KV_STRING, value, 0, 0, error);
}

gboolean
oms_store_kv_set_int (OmsStore    *self,
                      const char  *key,
                      gint32       value,
                      GError     **error)
{
  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  return kv_set (self, key, KV_INT, NULL, value, 0, error);
}

gboolean
oms_store_kv_set_bigint (OmsStore    *self,
                         const char  *key,
                         gint64       value,
                         GError     **error)
{
  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  return kv_set (self, key, KV_BIGINT, NULL, value, 0, error);
}

gboolean
oms_store_kv_set_float (OmsStore    *self,
                        const char  *key,
                        double       value,
                        GError     **error)
{
  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  return kv_set (self, key, KV_FLOAT, NULL, 0, value, error);
}

gboolean
oms_store_kv_set_bool (OmsStore    *self,
                       const char  *key,
                       gboolean     value,
                       GError     **error)
{
  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  return kv_set (self, key, KV_BOOL, NULL, value ? 1 : 0, 0, error);
}

gboolean
oms_store_kv_delete (OmsStore    *self,
                     const char  *key,
                     GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (OMS_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  stmt = oms_store_prepare (self, "DELETE FROM key_value_store WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (!_oms_store_step_done (self, stmt, _("delete a setting"), error))
    return FALSE;

  self->dirty = TRUE;
  _oms_store_emit_changed_if_committed (self);
  return TRUE;
}
