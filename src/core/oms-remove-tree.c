/* oms-remove-tree.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-remove-tree"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "oms-remove-tree.h"

static void
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *path)
{
  /* Only the first failure is reported; the removal goes on with the rest. */
  if (error != NULL && *error == NULL)
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                 "%s: %s", path, g_strerror (saved_errno));
}

static void
remove_tree (const char  *path,
             GError     **error)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      /* A link is removed, never followed. */
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child, error);
      else if (g_unlink (child) != 0 && errno != ENOENT)
        set_errno_error (error, errno, child);  /* gone already is removed */
    }

  if (g_rmdir (path) != 0 && errno != ENOENT)
    set_errno_error (error, errno, path);
}

/**
 * oms_remove_tree:
 * @path: a directory
 * @error: return location for the first #GFileError
 *
 * Removes @path and everything below it, as `rm -rf` does: symbolic links are removed, not
 * followed, and a failure does not stop the removal of the rest. A @path that does not exist
 * is not an error.
 *
 * Returns: %TRUE when nothing of @path is left
 */
gboolean
oms_remove_tree (const char  *path,
                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  remove_tree (path, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}
