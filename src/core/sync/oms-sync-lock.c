/* oms-sync-lock.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-lock"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "oms-sync-lock.h"

/* One data directory, one sync at a time, whichever program runs it: the window, `omsync-cli
 * sync` and `omsync-cli serve` may share a site, and two runs would race on the cursors. The
 * lock is an flock on `sync.lock`; the kernel drops it when its holder dies, so a killed run
 * never blocks the next one.
 */

/**
 * oms_sync_lock_try:
 *
 * Returns: a descriptor holding the site's sync lock, or -1 with @error set:
 *   %G_IO_ERROR_BUSY when another program is syncing this site
 */
int
oms_sync_lock_try (const char  *data_dir,
                   GError     **error)
{
  g_autofree char *path = g_build_filename (data_dir, "sync.lock", NULL);
  int fd;

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not open “%s”: %s"), path, g_strerror (saved_errno));
      return -1;
    }

  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved_errno = errno;

      close (fd);
      if (saved_errno == EWOULDBLOCK)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                             _("Another omsync program is syncing this site right now."));
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     /* Translators: the lock file's path, then the reason, an error message. */
                     _("Could not lock “%s”: %s"), path, g_strerror (saved_errno));
      return -1;
    }

  return fd;
}

void
oms_sync_lock_release (int fd)
{
  if (fd < 0)
    return;

  flock (fd, LOCK_UN);
  close (fd);
}
