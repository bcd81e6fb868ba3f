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

/* The data directories with a checkpoint under way, so that whoever is about to close or remove
 * one can wait for its worker: the worker opens files there (the database, its log) after the
 * caller has let go of every store.
 */
static GMutex running_lock;
static GCond running_cond;
static GHashTable *running;  /* data dir → number of workers */

static void
mark_running (const char *data_dir,
              int         delta)
{
  guint n;

  g_mutex_lock (&running_lock);
  if (running == NULL)
    running = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (running, data_dir)) + delta;
  if (n == 0)
    g_hash_table_remove (running, data_dir);
  else
    g_hash_table_insert (running, g_strdup (data_dir), GUINT_TO_POINTER (n));
  g_cond_broadcast (&running_cond);
  g_mutex_unlock (&running_lock);
}

static gboolean
checkpoint (const char  *data_dir,
            GError     **error)
{
  g_autoptr(OmsStore) store = NULL;

  /* TRUNCATE also gives the log's disk space back, which small disks need after a large pull. */
  store = oms_store_open (data_dir, error);

  return store != NULL && oms_store_exec (store, "PRAGMA wal_checkpoint (TRUNCATE)", error);
}

static void
checkpoint_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  const char *data_dir = task_data;
  GError *error = NULL;
  gboolean done;

  oms_background_thread_enter ();

  done = checkpoint (data_dir, &error);  /* the store is closed again when it returns */
  mark_running (data_dir, -1);
  if (done)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * oms_store_checkpoint_wait:
 * @data_dir: the store's data directory
 *
 * Blocks until no checkpoint started by oms_store_checkpoint_async() on @data_dir is still
 * running, so that its files can be removed or its last owner can exit without a worker still
 * writing there.
 */
void
oms_store_checkpoint_wait (const char *data_dir)
{
  g_return_if_fail (data_dir != NULL);

  g_mutex_lock (&running_lock);
  while (running != NULL && g_hash_table_contains (running, data_dir))
    g_cond_wait (&running_cond, &running_lock);
  g_mutex_unlock (&running_lock);
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
  mark_running (data_dir, +1);
  g_task_run_in_thread (task, checkpoint_thread);
}

gboolean
oms_store_checkpoint_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
