/* oms-autostart.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-autostart"

#include "config.h"

#include <errno.h>

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "oms-autostart.h"

/* "Start at login": an XDG autostart entry (the Desktop Application Autostart Specification)
 * that starts `omsync --background` for one data directory, so a store PC that was restarted
 * serves its phones and syncs before anyone opens the window. A sandboxed omsync cannot write
 * there; it asks the Background portal instead (see oms-background-portal.c).
 */

/**
 * oms_autostart_dup_path:
 *
 * Returns: (transfer full): `$XDG_CONFIG_HOME/autostart/<app id>.desktop`
 */
char *
oms_autostart_dup_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APP_ID ".desktop", NULL);
}

/* Quotes one argument of an Exec key: inside double quotes, ", `, $ and \ take a backslash;
 * and the key's value is a string, whose own escaping doubles each backslash again.
 */
static void
append_exec_argument (GString    *exec,
                      const char *argument)
{
  if (exec->len > 0)
    g_string_append_c (exec, ' ');

  g_string_append_c (exec, '"');
  for (const char *p = argument; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '`' || *p == '$')
        g_string_append (exec, "\\\\");
      else if (*p == '\\')
        g_string_append (exec, "\\\\\\");
      else if (*p == '%')
        g_string_append_c (exec, '%');
      g_string_append_c (exec, *p);
    }
  g_string_append_c (exec, '"');
}

/**
 * oms_autostart_dup_entry:
 * @program: the omsync program to start, an absolute path or a name on PATH
 * @data_dir: the data directory it serves
 *
 * Returns: (transfer full): the autostart entry's text
 */
char *
oms_autostart_dup_entry (const char *program,
                         const char *data_dir)
{
  g_autoptr(GString) exec = g_string_new (NULL);
  g_autoptr(GString) entry = g_string_new (NULL);

  g_return_val_if_fail (program != NULL, NULL);
  g_return_val_if_fail (data_dir != NULL, NULL);

  append_exec_argument (exec, program);
  append_exec_argument (exec, "--background");
  append_exec_argument (exec, "--data-dir");
  append_exec_argument (exec, data_dir);

  g_string_append (entry, "[Desktop Entry]\n");
  g_string_append (entry, "Type=Application\n");
  g_string_append (entry, "Name=omsync\n");
  g_string_append (entry, "Comment=Syncs this store and serves its cold chain phones in the "
                          "background\n");
  g_string_append_printf (entry, "Icon=%s\n", APP_ID);
  g_string_append_printf (entry, "Exec=%s\n", exec->str);
  g_string_append (entry, "Terminal=false\n");
  g_string_append (entry, "NoDisplay=true\n");
  g_string_append (entry, "X-GNOME-Autostart-enabled=true\n");

  return g_string_free (g_steal_pointer (&entry), FALSE);
}

/**
 * oms_autostart_set_enabled:
 * @enabled: whether omsync starts at login
 * @program: (nullable): the program to start, needed when @enabled
 * @data_dir: (nullable): the data directory to serve, needed when @enabled
 *
 * Writes the autostart entry (whole, through a temporary file) or removes it.
 *
 * Returns: %FALSE with @error set when the entry could not be written or removed
 */
gboolean
oms_autostart_set_enabled (gboolean     enabled,
                           const char  *program,
                           const char  *data_dir,
                           GError     **error)
{
  g_autofree char *path = oms_autostart_dup_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *entry = NULL;

  if (!enabled)
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       /* Translators: a file's path, then the reason, an error message. */
                       _("Could not remove “%s”: %s"), path, g_strerror (saved_errno));
          return FALSE;
        }
      return TRUE;
    }

  g_return_val_if_fail (program != NULL && data_dir != NULL, FALSE);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   /* Translators: a file's or directory's path, then the reason, an error
                    * message. */
                   _("Could not create “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  entry = oms_autostart_dup_entry (program, data_dir);
  return g_file_set_contents_full (path, entry, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                   error);
}

/**
 * oms_autostart_get_enabled:
 *
 * Returns: whether an autostart entry of omsync exists
 */
gboolean
oms_autostart_get_enabled (void)
{
  g_autofree char *path = oms_autostart_dup_path ();

  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}
