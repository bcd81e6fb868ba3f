/* oms-sync-integrate.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-integrate"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-integrator.h"
#include "oms-sync-run-private.h"
/* Integrate (PROTOCOL.md §7) in a worker thread on its own connection. */

static void
integration_progress_cb (gint64   remaining,
                         gpointer user_data)
{
  GTask *task = user_data;

  /* The integrator holds the write transaction: keep progress in memory until it ends. */
  _oms_sync_run_report_remaining_unsaved (task, remaining);
}

static void
integrate_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  OmsStore *store = oms_sync_engine_get_store (_oms_sync_task_engine (task));
  GError *error = NULL;

  if (oms_integrator_run_finish (result, &error))
    {
      /* The integrator wrote through its own connection; tell this one's listeners. */
      oms_store_emit_changed (store);
    }

  _oms_sync_run_step_done (task, error);
}

void
_oms_sync_step_integrate (GTask *task)
{
  OmsStore *store = oms_sync_engine_get_store (_oms_sync_task_engine (task));
  OmsSyncRunData *data = _oms_sync_task_data (task);

  oms_integrator_run_async (oms_store_get_data_dir (store), TRUE,
                            data->site->msupply_central_site_id,
                            integration_progress_cb, task,
                            g_task_get_cancellable (task), integrate_cb, task);
}
