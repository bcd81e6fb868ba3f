/* oms-sync-pull.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-pull"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-sync-buffer.h"
#include "oms-sync-run-private.h"
#include "oms-sync-settings.h"
#include "oms-v5-client.h"
#include "oms-v6-client.h"
/* The three pull steps (PROTOCOL.md §2.3, §3.3). Each batch is stored in sync_buffer together
 * with the cursor that covers it, so a run cut short resumes without gaps or duplicates; the
 * remote queue is acknowledged only after its batch is on disk.
 */

/* Progress during a pull is saved by the worker with each batch, in the batch's transaction:
 * a save on the main loop would wait for the worker's write lock.
 */
static const OmsSyncRun *
run_progress (GTask *task)
{
  return oms_sync_engine_get_latest_run (_oms_sync_task_engine (task));
}

/*
 * Pull central (PROTOCOL.md §2.3)
 */

static void pull_central_next_batch (GTask *task);

static void
pull_central_stored_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GTask *task = user_data;
  OmsStore *store = oms_sync_engine_get_store (_oms_sync_task_engine (task));
  OmsSyncRunData *data = _oms_sync_task_data (task);
  g_autoptr(OmsV5CentralBatch) batch = g_steal_pointer (&data->central_batch);
  gint64 last = data->batch_last;
  GError *error = NULL;

  if (!oms_sync_buffer_store_batch_finish (OMS_STORE (object), result, &error))
    {
      _oms_sync_run_fail (task, error);
      return;
    }

  _oms_sync_run_report_remaining_unsaved (task, OMS_SYNC_STEP_PULL_CENTRAL,
                                          batch->max_cursor - MIN (batch->max_cursor, last));

  if (batch->records->len == 0)
    {
      if (last >= batch->max_cursor)
        {
          _oms_sync_run_finish_step (task, OMS_SYNC_STEP_PULL_CENTRAL);
          _oms_sync_step_pull_remote (task);
          return;
        }

      /* A gap in the central's ids: step over it. */
      if (!oms_store_kv_set_int (store, OMS_KV_CENTRAL_SYNC_PULL_CURSOR,
                                 (gint32) (last + 1), &error))
        {
          _oms_sync_run_fail (task, error);
          return;
        }
    }

  pull_central_next_batch (task);
}

static void
pull_central_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  OmsSyncRunData *data = _oms_sync_task_data (task);
  g_autoptr(OmsV5CentralBatch) batch = NULL;
  gint64 cursor = data->last_cursor;
  GError *error = NULL;

  batch = oms_v5_client_get_central_records_finish (OMS_V5_CLIENT (object), result, &error);
  if (batch == NULL)
    {
      _oms_sync_run_fail (task, error);
      return;
    }

  _oms_sync_run_report_remaining_unsaved (task, OMS_SYNC_STEP_PULL_CENTRAL,
                                          batch->max_cursor - cursor);

  data->batch_last = batch->records->len > 0
                       ? ((OmsSyncRecord *) g_ptr_array_index (batch->records,
                                                               batch->records->len - 1))->cursor
                       : cursor;

  /* The batch and the cursor that covers it land together, off the main loop. */
  oms_sync_buffer_store_batch_async (data->writer, batch->records, TRUE,
                                     data->site->msupply_central_site_id,
                                     OMS_KV_CENTRAL_SYNC_PULL_CURSOR, data->batch_last,
                                     run_progress (task), _oms_sync_now (),
                                     g_task_get_cancellable (task),
                                     pull_central_stored_cb, task);
  data->central_batch = g_steal_pointer (&batch);
}

static void
pull_central_next_batch (GTask *task)
{
  OmsStore *store = oms_sync_engine_get_store (_oms_sync_task_engine (task));
  OmsSyncRunData *data = _oms_sync_task_data (task);
  GError *error = NULL;

  if (_oms_sync_run_check_cancelled (task))
    return;

  data->last_cursor = oms_store_kv_get_int (store, OMS_KV_CENTRAL_SYNC_PULL_CURSOR, 0,
                                            &error);
  if (error != NULL)
    {
      _oms_sync_run_fail (task, error);
      return;
    }

  oms_v5_client_get_central_records_async (data->v5, data->last_cursor,
                                           data->batch_sizes.central_pull,
                                           g_task_get_cancellable (task), pull_central_cb, task);
}

void
_oms_sync_step_pull_central (GTask *task)
{
  _oms_sync_run_start_step (task, OMS_SYNC_STEP_PULL_CENTRAL);
  pull_central_next_batch (task);
}

/*
 * Pull remote (PROTOCOL.md §2.3)
 */

static void pull_remote_next_batch (GTask *task);

static void
acknowledge_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  OmsSyncRunData *data = _oms_sync_task_data (task);
  GError *error = NULL;
  gint64 acknowledged;

  if (!oms_v5_client_acknowledge_records_finish (OMS_V5_CLIENT (object), result, &error))
    {
      _oms_sync_run_fail (task, error);
      return;
    }

  /* sync_ids ends with the NULL that terminates it. */
  acknowledged = (gint64) data->sync_ids->len - 1;
  _oms_sync_run_report_remaining_unsaved (task, OMS_SYNC_STEP_PULL_REMOTE,
                                          data->batch_remaining - acknowledged);
  g_clear_pointer (&data->sync_ids, g_ptr_array_unref);
  pull_remote_next_batch (task);
}

static void
pull_remote_stored_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  OmsSyncRunData *data = _oms_sync_task_data (task);
  g_autoptr(OmsV5RemoteBatch) batch = g_steal_pointer (&data->remote_batch);
  GError *error = NULL;

  if (!oms_sync_buffer_store_batch_finish (OMS_STORE (object), result, &error))
    {
      _oms_sync_run_fail (task, error);
      return;
    }

  data->batch_remaining = batch->queue_length;
  data->sync_ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < batch->records->len; i++)
    g_ptr_array_add (data->sync_ids,
                     g_strdup (((OmsSyncRecord *) g_ptr_array_index (batch->records, i))->sync_id));
  g_ptr_array_add (data->sync_ids, NULL);

  oms_v5_client_acknowledge_records_async (data->v5, (const char * const *) data->sync_ids->pdata,
                                           g_task_get_cancellable (task), acknowledge_cb, task);
}

static void
pull_remote_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  OmsSyncRunData *data = _oms_sync_task_data (task);
  g_autoptr(OmsV5RemoteBatch) batch = NULL;
  GError *error = NULL;

  batch = oms_v5_client_get_queued_records_finish (OMS_V5_CLIENT (object), result, &error);
  if (batch == NULL)
    {
      _oms_sync_run_fail (task, error);
      return;
    }

  _oms_sync_run_report_remaining_unsaved (task, OMS_SYNC_STEP_PULL_REMOTE, batch->queue_length);

  if (batch->records->len == 0)
    {
      _oms_sync_run_finish_step (task, OMS_SYNC_STEP_PULL_REMOTE);
      _oms_sync_step_pull_v6 (task);
      return;
    }

  /* Durably stored before the central is told it may forget them. */
  oms_sync_buffer_store_batch_async (data->writer, batch->records, TRUE,
                                     data->site->msupply_central_site_id, NULL, 0,
                                     run_progress (task), _oms_sync_now (),
                                     g_task_get_cancellable (task),
                                     pull_remote_stored_cb, task);
  data->remote_batch = g_steal_pointer (&batch);
}

static void
pull_remote_next_batch (GTask *task)
{
  OmsSyncRunData *data = _oms_sync_task_data (task);

  if (_oms_sync_run_check_cancelled (task))
    return;

  oms_v5_client_get_queued_records_async (data->v5, data->batch_sizes.remote_pull,
                                          g_task_get_cancellable (task), pull_remote_cb, task);
}

void
_oms_sync_step_pull_remote (GTask *task)
{
  _oms_sync_run_start_step (task, OMS_SYNC_STEP_PULL_REMOTE);
  pull_remote_next_batch (task);
}

/*
 * Pull V6 (PROTOCOL.md §3.3)
 */

static void pull_v6_next_batch (GTask *task);

static void
pull_v6_stored_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  OmsSyncRunData *data = _oms_sync_task_data (task);
  g_autoptr(OmsV6Batch) batch = g_steal_pointer (&data->v6_batch);
  GError *error = NULL;

  if (!oms_sync_buffer_store_batch_finish (OMS_STORE (object), result, &error))
    {
      _oms_sync_run_fail (task, error);
      return;
    }

  if (batch->is_last_batch)
    {
      _oms_sync_run_report_remaining_unsaved (task, OMS_SYNC_STEP_PULL_V6, 0);
      _oms_sync_run_finish_step (task, OMS_SYNC_STEP_PULL_V6);
      _oms_sync_step_integrate (task);
      return;
    }

  pull_v6_next_batch (task);
}

static void
pull_v6_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  OmsSyncRunData *data = _oms_sync_task_data (task);
  g_autoptr(OmsV6Batch) batch = NULL;
  GError *error = NULL;

  batch = oms_v6_client_pull_finish (OMS_V6_CLIENT (object), result, &error);
  if (batch == NULL)
    {
      _oms_sync_run_fail (task, error);
      return;
    }

  _oms_sync_run_report_remaining_unsaved (task, OMS_SYNC_STEP_PULL_V6, batch->total_records);

  /* The v6 cursor is the next one to fetch, past the whole batch the server looked at. */
  oms_sync_buffer_store_batch_async (data->writer, batch->records, FALSE, 0,
                                     OMS_KV_SYNC_PULL_CURSOR_V6, batch->end_cursor + 1,
                                     run_progress (task), _oms_sync_now (),
                                     g_task_get_cancellable (task),
                                     pull_v6_stored_cb, task);
  data->v6_batch = g_steal_pointer (&batch);
}

static void
pull_v6_next_batch (GTask *task)
{
  OmsStore *store = oms_sync_engine_get_store (_oms_sync_task_engine (task));
  OmsSyncRunData *data = _oms_sync_task_data (task);
  gint64 cursor;
  GError *error = NULL;

  if (_oms_sync_run_check_cancelled (task))
    return;

  cursor = oms_store_kv_get_int (store, OMS_KV_SYNC_PULL_CURSOR_V6, 0, &error);
  if (error != NULL)
    {
      _oms_sync_run_fail (task, error);
      return;
    }

  oms_v6_client_pull_async (data->v6, cursor, data->batch_sizes.central_pull,
                            data->is_initialised,
                            g_task_get_cancellable (task), pull_v6_cb, task);
}

void
_oms_sync_step_pull_v6 (GTask *task)
{
  OmsSyncRunData *data = _oms_sync_task_data (task);

  /* Without an Open mSupply central the step does not exist at all, timestamps included. */
  if (data->v6 == NULL)
    {
      _oms_sync_step_integrate (task);
      return;
    }

  _oms_sync_run_start_step (task, OMS_SYNC_STEP_PULL_V6);
  pull_v6_next_batch (task);
}
