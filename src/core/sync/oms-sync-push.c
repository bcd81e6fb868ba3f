/* oms-sync-push.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-push"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-push-queue.h"
#include "oms-store-private.h"
#include "oms-sync-buffer.h"
#include "oms-sync-run-private.h"
#include "oms-sync-settings.h"
#include "oms-v5-client.h"
#include "oms-v6-client.h"
/* The two push steps (PROTOCOL.md §2.3, §3.4): the changelog after each server's push cursor,
 * in that server's shape, in batches; then the wait for that central to integrate them.
 */

/*
 * Waiting for a central to integrate what was pushed
 */

static void wait_integration_poll (GTask *task, gboolean v6);

static void
integration_timeout (GTask *task)
{
  _oms_sync_run_step_done (task,
                           oms_sync_error_new (OMS_SYNC_ERROR_VARIANT_INTEGRATION_TIMEOUT_REACHED,
                                               "The central server took too long integrating "
                                               "pushed records",
                                               NULL, NULL));
}

static void
v6_site_status_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  OmsSyncRunData *data = _oms_sync_task_data (task);
  gboolean is_integrating = FALSE;
  GError *error = NULL;

  if (!oms_v6_client_get_site_status_finish (OMS_V6_CLIENT (object), result, &is_integrating,
                                             &error))
    {
      _oms_sync_run_step_done (task, error);
      return;
    }

  if (!is_integrating)
    {
      _oms_sync_run_step_done (task, NULL);
      return;
    }

  if (g_get_monotonic_time () > data->deadline)
    {
      integration_timeout (task);
      return;
    }

  wait_integration_poll (task, TRUE);
}

static void
v5_site_status_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  OmsSyncRunData *data = _oms_sync_task_data (task);
  g_autoptr(OmsV5SiteStatus) status = NULL;
  GError *error = NULL;

  status = oms_v5_client_get_site_status_finish (OMS_V5_CLIENT (object), result, &error);
  if (status == NULL)
    {
      _oms_sync_run_step_done (task, error);
      return;
    }

  if (status->code == OMS_V5_SITE_STATUS_IDLE)
    {
      _oms_sync_run_step_done (task, NULL);
      return;
    }

  if (g_get_monotonic_time () > data->deadline)
    {
      integration_timeout (task);
      return;
    }

  wait_integration_poll (task, FALSE);
}

static gboolean
v6_status_poll_cb (gpointer user_data)
{
  GTask *task = user_data;
  OmsSyncRunData *data = _oms_sync_task_data (task);

  data->timeout_id = 0;
  if (!_oms_sync_run_check_cancelled (task))
    oms_v6_client_get_site_status_async (data->v6, g_task_get_cancellable (task),
                                         v6_site_status_cb, task);
  return G_SOURCE_REMOVE;
}

static gboolean
v5_status_poll_cb (gpointer user_data)
{
  GTask *task = user_data;
  OmsSyncRunData *data = _oms_sync_task_data (task);

  data->timeout_id = 0;
  if (!_oms_sync_run_check_cancelled (task))
    oms_v5_client_get_site_status_async (data->v5, g_task_get_cancellable (task),
                                         v5_site_status_cb, task);
  return G_SOURCE_REMOVE;
}

/* Open mSupply sleeps first, then asks, every second for up to 30 seconds. */
static void
wait_integration_poll (GTask    *task,
                       gboolean  v6)
{
  _oms_sync_run_wait_then (task, _oms_sync_task_timing (task)->integration_poll_ms,
             v6 ? v6_status_poll_cb : v5_status_poll_cb);
}

static void
wait_integration (GTask    *task,
                  gboolean  v6)
{
  OmsSyncRunData *data = _oms_sync_task_data (task);

  data->deadline = g_get_monotonic_time () +
                   (gint64) _oms_sync_task_timing (task)->integration_timeout_ms * 1000;
  wait_integration_poll (task, v6);
}

/*
 * Push V6 (PROTOCOL.md §3.4)
 */

/* The cursor after a batch the server took. Written relaxed (oms_store_set_relaxed()): lost
 * in a power cut, the batch is pushed again, and the server upserts the same records.
 */
static gboolean
save_push_cursor (OmsStore    *store,
                  const char  *key,
                  gint64       cursor,
                  GError     **error)
{
  gboolean saved;

  oms_store_set_relaxed (store, TRUE);
  saved = oms_store_kv_set_int (store, key, (gint32) cursor, error);
  oms_store_set_relaxed (store, FALSE);

  return saved;
}

static void push_v6_next_batch (GTask *task);

static void
push_v6_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  OmsStore *store = oms_sync_engine_get_store (_oms_sync_task_engine (task));
  OmsSyncRunData *data = _oms_sync_task_data (task);
  gint64 records_pushed = 0;
  GError *error = NULL;

  if (!oms_v6_client_push_finish (OMS_V6_CLIENT (object), result, &records_pushed, &error) ||
      !save_push_cursor (store, OMS_KV_SYNC_PUSH_CURSOR_V6, data->last_cursor + 1, &error))
    {
      _oms_sync_run_step_done (task, error);
      return;
    }

  push_v6_next_batch (task);
}

static void
push_v6_next_batch (GTask *task)
{
  OmsStore *store = oms_sync_engine_get_store (_oms_sync_task_engine (task));
  OmsSyncRunData *data = _oms_sync_task_data (task);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(OmsV6Batch) batch = NULL;
  gint64 cursor;
  gint64 remaining = 0;
  GError *error = NULL;

  if (_oms_sync_run_check_cancelled (task))
    return;

  cursor = oms_store_kv_get_int (store, OMS_KV_SYNC_PUSH_CURSOR_V6, 0, &error);
  if (error == NULL)
    records = oms_push_queue_read_batch (store, OMS_PUSH_TARGET_V6, cursor,
                                         data->batch_sizes.remote_push, &data->last_cursor,
                                         &remaining, &error);
  if (records == NULL)
    {
      _oms_sync_run_step_done (task, error);
      return;
    }

  _oms_sync_run_report_remaining (task, remaining);

  /* Unlike v5, no empty final batch: the wait for integration starts straight away. */
  if (remaining == 0)
    {
      wait_integration (task, TRUE);
      return;
    }

  batch = oms_v6_batch_new ();
  batch->total_records = remaining;
  batch->end_cursor = data->last_cursor;
  batch->is_last_batch = remaining <= data->batch_sizes.remote_push;
  g_ptr_array_extend_and_steal (batch->records, g_steal_pointer (&records));

  oms_v6_client_push_async (data->v6, batch, g_task_get_cancellable (task), push_v6_cb, task);
}

void
_oms_sync_step_push_v6 (GTask *task)
{
  push_v6_next_batch (task);
}

/*
 * Push (PROTOCOL.md §2.3)
 */

static void push_next_batch (GTask *task);

static void
push_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  OmsStore *store = oms_sync_engine_get_store (_oms_sync_task_engine (task));
  OmsSyncRunData *data = _oms_sync_task_data (task);
  gboolean integration_started = FALSE;
  GError *error = NULL;

  if (!oms_v5_client_push_records_finish (OMS_V5_CLIENT (object), result, &integration_started,
                                          &error))
    {
      _oms_sync_run_step_done (task, error);
      return;
    }

  if (data->last_cursor >= 0 &&
      !save_push_cursor (store, OMS_KV_REMOTE_SYNC_PUSH_CURSOR, data->last_cursor + 1, &error))
    {
      _oms_sync_run_step_done (task, error);
      return;
    }

  if (data->batch_remaining == 0)
    {
      if (!integration_started)
        {
          _oms_sync_run_step_done (task,
                                   oms_sync_error_new (OMS_SYNC_ERROR_VARIANT_UNKNOWN,
                                                       "Total remaining sent to server is 0 "
                                                       "but integration not started",
                                                       NULL, NULL));
          return;
        }

      wait_integration (task, FALSE);
      return;
    }

  push_next_batch (task);
}

static void
push_next_batch (GTask *task)
{
  OmsStore *store = oms_sync_engine_get_store (_oms_sync_task_engine (task));
  OmsSyncRunData *data = _oms_sync_task_data (task);
  g_autoptr(GPtrArray) records = NULL;
  gint64 cursor;
  GError *error = NULL;

  if (_oms_sync_run_check_cancelled (task))
    return;

  cursor = oms_store_kv_get_int (store, OMS_KV_REMOTE_SYNC_PUSH_CURSOR, 0, &error);
  if (error == NULL)
    records = oms_push_queue_read_batch (store, OMS_PUSH_TARGET_V5, cursor,
                                         data->batch_sizes.remote_push, &data->last_cursor,
                                         &data->batch_remaining, &error);
  if (records == NULL)
    {
      _oms_sync_run_step_done (task, error);
      return;
    }

  _oms_sync_run_report_remaining (task, data->batch_remaining);

  /* Every push ends with an empty batch, queueLength 0: the signal to start integrating. */
  oms_v5_client_push_records_async (data->v5, data->batch_remaining, records,
                                    g_task_get_cancellable (task), push_cb, task);
}

void
_oms_sync_step_push (GTask *task)
{
  push_next_batch (task);
}
