/* oms-central-files.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-central-files"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "oms-central-private.h"

/* The files sites upload, kept as Open mSupply's central keeps its static files:
 * `<data dir>/files/<table>/<record>/<id>_<file name>`, each part cleaned like
 * sanitize_filename() so that no synced value can name a path outside that tree.
 */

/* Room for a UUID, '_' and the name within the 255 bytes most file systems allow. */
#define MAX_NAME_BYTES 200

char *
_oms_central_files_sanitize (const char *name)
{
  g_autofree char *valid = g_utf8_make_valid (name != NULL ? name : "", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f || (c < 0x80 && strchr ("/\\<>:\"|?*", (int)c)))
        continue;
      if (out->len + (gsize)(g_utf8_next_char (p) - p) > MAX_NAME_BYTES)
        break;
      g_string_append_unichar (out, c);
    }
  while (out->len > 0 && (out->str[out->len - 1] == '.' || out->str[out->len - 1] == ' '))
    g_string_truncate (out, out->len - 1);

  if (out->len == 0)
    return g_strdup ("file");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
record_dir (OmsCentralContext *ctx,
            const char        *table_name,
            const char        *record_id)
{
  g_autofree char *table = _oms_central_files_sanitize (table_name);
  g_autofree char *record = _oms_central_files_sanitize (record_id);

  return g_build_filename (ctx->files_dir, table, record, NULL);
}

/* The file stored for @id under the record, as Open mSupply's find_file(): the first whose
 * name starts with "<id>_". Returns its path and sets @name to the name after that prefix.
 */
char *
_oms_central_files_find (OmsCentralContext  *ctx,
                         const char         *table_name,
                         const char         *record_id,
                         const char         *id,
                         char              **name)
{
  g_autofree char *dir_path = record_dir (ctx, table_name, record_id);
  g_autofree char *clean_id = _oms_central_files_sanitize (id);
  g_autofree char *prefix = g_strconcat (clean_id, "_", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *entry;

  if (name)
    *name = NULL;
  if (!dir)
    return NULL;

  while ((entry = g_dir_read_name (dir)))
    {
      g_autofree char *path = NULL;

      if (!g_str_has_prefix (entry, prefix) || entry[strlen (prefix)] == '\0')
        continue;
      path = g_build_filename (dir_path, entry, NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      if (name)
        *name = g_strdup (entry + strlen (prefix));
      return g_steal_pointer (&path);
    }
  return NULL;
}

/* Writes @bytes as the file of @id: to a hidden name first, renamed into place once it is
 * whole, then any copy of @id stored under another name is removed.
 */
gboolean
_oms_central_files_store (OmsCentralContext  *ctx,
                          const char         *table_name,
                          const char         *record_id,
                          const char         *id,
                          const char         *file_name,
                          GBytes             *bytes,
                          GError            **error)
{
  g_autofree char *dir_path = record_dir (ctx, table_name, record_id);
  g_autofree char *clean_id = _oms_central_files_sanitize (id);
  g_autofree char *clean_name = _oms_central_files_sanitize (file_name);
  g_autofree char *base = g_strdup_printf ("%s_%s", clean_id, clean_name);
  g_autofree char *path = g_build_filename (dir_path, base, NULL);
  g_autofree char *prefix = g_strconcat (clean_id, "_", NULL);
  g_autoptr(GDir) dir = NULL;
  const char *entry;
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);

  if (g_mkdir_with_parents (dir_path, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create %s: %s", dir_path, g_strerror (saved_errno));
      return FALSE;
    }
  /* g_file_set_contents() writes a temporary file beside @path and renames it. */
  if (!g_file_set_contents_full (path, data ? data : "", (gssize)size,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;

  dir = g_dir_open (dir_path, 0, NULL);
  while (dir && (entry = g_dir_read_name (dir)))
    {
      g_autofree char *other = NULL;

      if (!g_str_has_prefix (entry, prefix) || g_str_equal (entry, base))
        continue;
      other = g_build_filename (dir_path, entry, NULL);
      g_remove (other);
    }
  return TRUE;
}
