/* oms-file-reference.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-file-reference"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "oms-file-reference.h"
#include "oms-store-private.h"
#include "oms-sync-log.h"

/* The rows of sync_file_reference and where their files live (Open mSupply's
 * sync_file_reference_row.rs and static_files.rs).
 *
 * A file attached to a record is kept under the data directory as
 * `files/<table>/<record>/<id>_<file name>`, the layout of Open mSupply's static files
 * (`static_files/sync_files/<table>/<record>/<id>_<file name>`). Every part of that path comes
 * from synced data, so each is cleaned the way Open mSupply cleans file names: no separators,
 * no `..`, nothing a file system refuses.
 *
 * The transfer state is written by save_state() alone, without a changelog row: like Open
 * mSupply's update_status(), it is this site's business and never pushed.
 */

#define COLUMNS \
  "id, table_name, record_id, file_name, mime_type, uploaded_bytes, downloaded_bytes, " \
  "total_bytes, retries, retry_at, direction, status, error, created_datetime, " \
  "deleted_datetime"

/* Open mSupply keeps sizes in an i32. */
#define MAX_FILE_BYTES G_MAXINT32

/* Room for a UUID, '_' and the name within the 255 bytes most file systems allow. */
#define MAX_NAME_BYTES 200

/**
 * oms_file_reference_copy:
 * @reference: a reference
 *
 * Returns: (transfer full): a copy
 */
OmsFileReference *
oms_file_reference_copy (const OmsFileReference *reference)
{
  OmsFileReference *copy;

  g_return_val_if_fail (reference != NULL, NULL);

  copy = g_memdup2 (reference, sizeof *reference);
  copy->id = g_strdup (reference->id);
  copy->table_name = g_strdup (reference->table_name);
  copy->record_id = g_strdup (reference->record_id);
  copy->file_name = g_strdup (reference->file_name);
  copy->mime_type = g_strdup (reference->mime_type);
  copy->retry_at = g_strdup (reference->retry_at);
  copy->direction = g_strdup (reference->direction);
  copy->status = g_strdup (reference->status);
  copy->error = g_strdup (reference->error);
  copy->created_datetime = g_strdup (reference->created_datetime);
  copy->deleted_datetime = g_strdup (reference->deleted_datetime);

  return copy;
}

/**
 * oms_file_reference_free:
 * @reference: (nullable): a reference
 *
 * Frees @reference.
 */
void
oms_file_reference_free (OmsFileReference *reference)
{
  if (reference == NULL)
    return;

  g_free (reference->id);
  g_free (reference->table_name);
  g_free (reference->record_id);
  g_free (reference->file_name);
  g_free (reference->mime_type);
  g_free (reference->retry_at);
  g_free (reference->direction);
  g_free (reference->status);
  g_free (reference->error);
  g_free (reference->created_datetime);
  g_free (reference->deleted_datetime);
  g_free (reference);
}

/**
 * oms_file_reference_sanitize_name:
 * @name: a name from synced data or from the user
 *
 * As Open mSupply's sanitize_filename(): drops path separators, control characters and the
 * characters Windows refuses (`<>:"|?*`), and the dots and spaces a name may not end with;
 * what is left is cut to a length every file system takes. A name with nothing left, or one
 * that is only dots, becomes `file`.
 *
 * Returns: (transfer full): a name that is one path component
 */
char *
oms_file_reference_sanitize_name (const char *name)
{
  g_autofree char *valid = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (name != NULL, NULL);

  valid = g_utf8_make_valid (name, -1);
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f || (c < 0x80 && strchr ("/\\<>:\"|?*", (int) c) != NULL))
        continue;
      if (out->len + (gsize) (g_utf8_next_char (p) - p) > MAX_NAME_BYTES)
        break;
      g_string_append_unichar (out, c);
    }

  while (out->len > 0 && (out->str[out->len - 1] == '.' || out->str[out->len - 1] == ' '))
    g_string_truncate (out, out->len - 1);

  if (out->len == 0)
    return g_strdup ("file");

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * oms_file_reference_dup_path:
 * @data_dir: the store's data directory
 * @reference: a reference
 *
 * Returns: (transfer full): where the file of @reference is kept:
 *   `<data_dir>/files/<table>/<record>/<id>_<file name>`
 */
char *
oms_file_reference_dup_path (const char             *data_dir,
                             const OmsFileReference *reference)
{
  g_autofree char *table = NULL;
  g_autofree char *record = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *file = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (reference != NULL, NULL);

  table = oms_file_reference_sanitize_name (reference->table_name);
  record = oms_file_reference_sanitize_name (reference->record_id);
  id = oms_file_reference_sanitize_name (reference->id);
  name = oms_file_reference_sanitize_name (reference->file_name);
  file = g_strdup_printf ("%s_%s", id, name);

  return g_build_filename (data_dir, "files", table, record, file, NULL);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static OmsFileReference *
reference_from_row (sqlite3_stmt *stmt)
{
  OmsFileReference *reference = g_new0 (OmsFileReference, 1);

  reference->id = column_dup (stmt, 0);
  reference->table_name = column_dup (stmt, 1);
  reference->record_id = column_dup (stmt, 2);
  reference->file_name = column_dup (stmt, 3);
  reference->mime_type = column_dup (stmt, 4);
  reference->uploaded_bytes = sqlite3_column_int64 (stmt, 5);
  reference->downloaded_bytes = sqlite3_column_int64 (stmt, 6);
  reference->total_bytes = sqlite3_column_int64 (stmt, 7);
  reference->retries = sqlite3_column_int (stmt, 8);
  reference->retry_at = column_dup (stmt, 9);
  reference->direction = column_dup (stmt, 10);
  reference->status = column_dup (stmt, 11);
  reference->error = column_dup (stmt, 12);
  reference->created_datetime = column_dup (stmt, 13);
  reference->deleted_datetime = column_dup (stmt, 14);

  return reference;
}

/* Runs a prepared SELECT of COLUMNS; NULL with @error set when it fails. */
static GPtrArray *
read_rows (OmsStore      *store,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  g_autoptr(GPtrArray) references = NULL;
  int rc;

  references = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_file_reference_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (references, reference_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("read the file references"));
      sqlite3_reset (stmt);
      return NULL;
    }

  sqlite3_reset (stmt);
  return g_steal_pointer (&references);
}

/**
 * oms_file_reference_get:
 * @store: a store
 * @id: a reference's id
 * @error: return location for an OMS_STORE_ERROR
 *
 * Returns: (transfer full) (nullable): the reference, or %NULL when there is none (@error is
 *   not set) or on error
 */
OmsFileReference *
oms_file_reference_get (OmsStore    *store,
                        const char  *id,
                        GError     **error)
{
  g_autoptr(GPtrArray) references = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (OMS_IS_STORE (store), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  stmt = oms_store_prepare (store, "SELECT " COLUMNS " FROM sync_file_reference WHERE id = ?1",
                            error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  references = read_rows (store, stmt, error);
  if (references == NULL || references->len == 0)
    return NULL;

  return g_ptr_array_steal_index (references, 0);
}

/**
 * oms_file_reference_list:
 * @store: a store
 * @error: return location for an OMS_STORE_ERROR
 *
 * Returns: (transfer full) (element-type OmsFileReference) (nullable): every reference, oldest
 *   first
 */
GPtrArray *
oms_file_reference_list (OmsStore  *store,
                         GError   **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (OMS_IS_STORE (store), NULL);

  stmt = oms_store_prepare (store,
                            "SELECT " COLUMNS " FROM sync_file_reference "
                            "ORDER BY created_datetime, id",
                            error);
  if (stmt == NULL)
    return NULL;

  return read_rows (store, stmt, error);
}

/**
 * oms_file_reference_list_due_uploads:
 * @store: a store
 * @now: the time, in UTC microseconds
 * @error: return location for an OMS_STORE_ERROR
 *
 * The uploads Open mSupply's find_all_to_upload() picks: not deleted, direction UPLOAD, and NEW,
 * IN_PROGRESS (one cut short when the program stopped) or ERROR whose retry time has come.
 *
 * Returns: (transfer full) (element-type OmsFileReference) (nullable): those references, oldest
 *   first
 */
GPtrArray *
oms_file_reference_list_due_uploads (OmsStore  *store,
                                     gint64     now,
                                     GError   **error)
{
  g_autofree char *now_text = oms_sync_format_timestamp (now);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (OMS_IS_STORE (store), NULL);

  stmt = oms_store_prepare (store,
                            "SELECT " COLUMNS " FROM sync_file_reference "
                            "WHERE direction = 'UPLOAD' AND deleted_datetime IS NULL "
                            "AND (status IN ('NEW', 'IN_PROGRESS') "
                            "OR (status = 'ERROR' AND retry_at <= ?1)) "
                            "ORDER BY created_datetime, id",
                            error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, now_text, -1, SQLITE_TRANSIENT);
  return read_rows (store, stmt, error);
}

/**
 * oms_file_reference_get_next_retry:
 * @store: a store
 * @retry_at: (out): the earliest retry time of a failed upload, in UTC microseconds, or 0
 *   when no upload waits for one
 * @error: return location for an OMS_STORE_ERROR
 *
 * Returns: %FALSE on error
 */
gboolean
oms_file_reference_get_next_retry (OmsStore  *store,
                                   gint64    *retry_at,
                                   GError   **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (OMS_IS_STORE (store), FALSE);
  g_return_val_if_fail (retry_at != NULL, FALSE);

  *retry_at = 0;
  stmt = oms_store_prepare (store,
                            "SELECT min (retry_at) FROM sync_file_reference "
                            "WHERE direction = 'UPLOAD' AND deleted_datetime IS NULL "
                            "AND status = 'ERROR' AND retry_at IS NOT NULL",
                            error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL &&
      !oms_sync_parse_timestamp ((const char *) sqlite3_column_text (stmt, 0), retry_at))
    *retry_at = 0;
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW)
    {
      oms_store_set_sql_error (store, error, _("read the file references"));
      return FALSE;
    }

  return TRUE;
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/**
 * oms_file_reference_save_state:
 * @store: a store
 * @reference: a reference whose transfer state changed
 * @error: return location for an OMS_STORE_ERROR
 *
 * Writes the transfer state of @reference (bytes moved, retries, retry time, status, error)
 * and nothing else, with no changelog row: it is never pushed.
 *
 * Returns: %TRUE on success
 */
gboolean
oms_file_reference_save_state (OmsStore                *store,
                               const OmsFileReference  *reference,
                               GError                 **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (OMS_IS_STORE (store), FALSE);
  g_return_val_if_fail (reference != NULL, FALSE);

  stmt = oms_store_prepare (store,
                            "UPDATE sync_file_reference SET uploaded_bytes = ?2, "
                            "downloaded_bytes = ?3, retries = ?4, retry_at = ?5, status = ?6, "
                            "error = ?7 WHERE id = ?1",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, reference->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, reference->uploaded_bytes);
  sqlite3_bind_int64 (stmt, 3, reference->downloaded_bytes);
  sqlite3_bind_int (stmt, 4, reference->retries);
  bind_text_or_null (stmt, 5, reference->retry_at);
  sqlite3_bind_text (stmt, 6, reference->status, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 7, reference->error);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("save the state of a file transfer"));
      return FALSE;
    }

  oms_store_emit_changed (store);
  return TRUE;
}

static char *
format_created (gint64 usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  /* chrono's NaiveDateTime, as Open mSupply sends it. */
  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");
}

/**
 * oms_file_reference_attach:
 * @store: a store
 * @table_name: the table of the record the file is about, e.g. `asset`
 * @record_id: that record's id
 * @source: the file to attach; it is copied
 * @mime_type: (nullable): its type, guessed from its name and contents when %NULL
 * @error: return location for an error
 *
 * What Open mSupply does when a user attaches a file to a record: the file is copied into the
 * store's file area and a sync_file_reference is written for it, direction UPLOAD, status NEW,
 * with its changelog row, so that the next Push V6 sends the reference and the file
 * synchroniser then uploads the file. A failure leaves neither the copy nor the row.
 *
 * Returns: (transfer full) (nullable): the new reference
 */
OmsFileReference *
oms_file_reference_attach (OmsStore    *store,
                           const char  *table_name,
                           const char  *record_id,
                           GFile       *source,
                           const char  *mime_type,
                           GError     **error)
{
  g_autoptr(OmsFileReference) reference = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFile) destination = NULL;
  g_autoptr(GFile) partial = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *partial_name = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *content_type = NULL;
  const char *display_name;
  goffset size;

  g_return_val_if_fail (OMS_IS_STORE (store), NULL);
  g_return_val_if_fail (table_name != NULL, NULL);
  g_return_val_if_fail (record_id != NULL, NULL);
  g_return_val_if_fail (G_IS_FILE (source), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (*table_name == '\0' || *record_id == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A file must be attached to a record: give its table and id."));
      return NULL;
    }

  info = g_file_query_info (source,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                            G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME ","
                            G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE,
                            G_FILE_QUERY_INFO_NONE, NULL, error);
  if (info == NULL)
    return NULL;

  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   /* Translators: %s is a path. */
                   _("“%s” is not a regular file."), g_file_peek_path (source));
      return NULL;
    }

  size = g_file_info_get_size (info);
  if (size > MAX_FILE_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: %s is a path; GiB is gibibytes, 2 GiB = 2 147 483 648 bytes. */
                   _("“%s” is too large: Open mSupply syncs files of up to 2 GiB."),
                   g_file_peek_path (source));
      return NULL;
    }

  basename = g_file_get_basename (source);
  display_name = g_file_info_get_display_name (info);

  reference = g_new0 (OmsFileReference, 1);
  reference->id = g_uuid_string_random ();
  reference->table_name = g_strdup (table_name);
  reference->record_id = g_strdup (record_id);
  reference->file_name = oms_file_reference_sanitize_name (display_name != NULL ? display_name
                                                                                : basename);
  if (mime_type != NULL)
    reference->mime_type = g_strdup (mime_type);
  else if (g_file_info_get_content_type (info) != NULL)
    {
      content_type = g_strdup (g_file_info_get_content_type (info));
      reference->mime_type = g_content_type_get_mime_type (content_type);
    }
  reference->total_bytes = size;
  reference->direction = g_strdup (OMS_FILE_DIRECTION_UPLOAD);
  reference->status = g_strdup (OMS_FILE_STATUS_NEW);
  reference->created_datetime = format_created (g_get_real_time ());

  /* The copy takes its name only when it is whole. */
  path = oms_file_reference_dup_path (oms_store_get_data_dir (store), reference);
  destination = g_file_new_for_path (path);
  directory = g_file_get_parent (destination);
  if (!g_file_make_directory_with_parents (directory, NULL, &local_error) &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_clear_error (&local_error);

  partial_name = g_strdup_printf (".%s.part", reference->id);
  partial = g_file_get_child (directory, partial_name);
  if (!g_file_copy (source, partial, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error))
    {
      g_file_delete (partial, NULL, NULL);
      return NULL;
    }
  if (!g_file_move (partial, destination, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error))
    {
      g_file_delete (partial, NULL, NULL);
      return NULL;
    }

  row = json_object_new ();
  json_object_set_string_member (row, "id", reference->id);
  json_object_set_string_member (row, "table_name", reference->table_name);
  json_object_set_string_member (row, "record_id", reference->record_id);
  json_object_set_string_member (row, "file_name", reference->file_name);
  if (reference->mime_type != NULL)
    json_object_set_string_member (row, "mime_type", reference->mime_type);
  json_object_set_int_member (row, "total_bytes", reference->total_bytes);
  json_object_set_string_member (row, "direction", reference->direction);
  json_object_set_string_member (row, "status", reference->status);
  json_object_set_string_member (row, "created_datetime", reference->created_datetime);

  if (!oms_store_upsert_record (store, "sync_file_reference", row, OMS_ORIGIN_LOCAL, error))
    {
      g_file_delete (destination, NULL, NULL);
      return NULL;
    }

  return g_steal_pointer (&reference);
}
