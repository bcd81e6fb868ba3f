/* oms-store-checkpoint.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-store"

#include "config.h"

#include "oms-background.h"
#include "oms-store-checkpoint.h"
#include "oms-store-private.h"

/* Folding the write-ahead log into the database file after a large write, in a worker on a
 * connection of its own. A large pass (an initial integration) is durable once its commit has
 * written the log; copying the same gigabyte into the database is housekeeping, and left to
 * the committing connection it made every such run seconds longer.
 */

static void
checkpoint_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  const char *data_dir = task_data;
  g_autoptr(OmsStore) store = NULL;
  GError *error = NULL;

  oms_background_thread_enter ();

  /* TRUNCATE also gives the log's disk space back, which small disks need after a large pull. */
  store = oms_store_open (data_dir, &error);
  if (store == NULL || !oms_store_exec (store, "PRAGMA wal_checkpoint (TRUNCATE)", &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * oms_store_checkpoint_async:
 * @data_dir: the store's data directory
 *
 * Copies the write-ahead log into the database and truncates it, in a worker thread at a low
 * priority. Readers and writers carry on meanwhile; a checkpoint already running makes this one
 * a no-op.
 */
void
oms_store_checkpoint_async (const char          *data_dir,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (data_dir != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_store_checkpoint_async);
  g_task_set_task_data (task, g_strdup (data_dir), g_free);
  g_task_run_in_thread (task, checkpoint_thread);
}

gboolean
oms_store_checkpoint_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
