/* oms-sync-integrate.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-integrate"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-integrator.h"
#include "oms-push-queue.h"
#include "oms-sync-run-private.h"
/* Integrate (PROTOCOL.md §7) in a worker thread on its own connection, then, after a site's
 * first successful run, move both push cursors past everything it pulled.
 */

static void
integration_progress_cb (gint64   remaining,
                         gpointer user_data)
{
  GTask *task = user_data;

  /* The integrator holds the write transaction: keep progress in memory until it ends. */
  _oms_sync_run_report_remaining_unsaved (task, OMS_SYNC_STEP_INTEGRATE, remaining);
}

static void
integrate_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  OmsStore *store = oms_sync_engine_get_store (_oms_sync_task_engine (task));
  OmsSyncRunData *data = _oms_sync_task_data (task);
  GError *error = NULL;

  if (!oms_integrator_run_finish (result, &error))
    {
      _oms_sync_run_fail (task, error);
      return;
    }

  /* The integrator wrote through its own connection; tell this one's listeners. */
  oms_store_emit_changed (store);
  _oms_sync_run_finish_step (task, OMS_SYNC_STEP_INTEGRATE);

  /* After the first successful run, what was just integrated must not be pushed back. */
  if (!data->is_initialised && !oms_push_queue_jump_to_end (store, &error))
    {
      _oms_sync_run_fail (task, error);
      return;
    }

  _oms_sync_run_succeed (task);
}

void
_oms_sync_step_integrate (GTask *task)
{
  OmsStore *store = oms_sync_engine_get_store (_oms_sync_task_engine (task));
  OmsSyncRunData *data = _oms_sync_task_data (task);

  _oms_sync_run_start_step (task, OMS_SYNC_STEP_INTEGRATE);

  oms_integrator_run_async (oms_store_get_data_dir (store), TRUE,
                            data->site->msupply_central_site_id,
                            integration_progress_cb, task,
                            g_task_get_cancellable (task), integrate_cb, task);
}
