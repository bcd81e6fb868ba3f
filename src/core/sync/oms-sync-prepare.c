/* oms-sync-prepare.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-prepare"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-sync-run-private.h"
/* Prepare initial (PROTOCOL.md §1 step 4): once per site, ask the legacy central to fill this
 * site's queue with everything it holds for it, waiting for it when the request drops.
 */

static void prepare_initial_poll (GTask *task);

static void
prepare_initial_status_cb (GObject      *object,
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
      _oms_sync_run_step_done (task,
                               oms_sync_error_new (OMS_SYNC_ERROR_VARIANT_UNKNOWN,
                                                   "Timed out waiting for the legacy central "
                                                   "to finish preparing this site's "
                                                   "initialisation",
                                                   NULL, NULL));
      return;
    }

  prepare_initial_poll (task);
}

static gboolean
prepare_initial_poll_cb (gpointer user_data)
{
  GTask *task = user_data;
  OmsSyncRunData *data = _oms_sync_task_data (task);

  data->timeout_id = 0;
  if (_oms_sync_run_check_cancelled (task))
    return G_SOURCE_REMOVE;

  oms_v5_client_get_site_status_async (data->v5, g_task_get_cancellable (task),
                                       prepare_initial_status_cb, task);
  return G_SOURCE_REMOVE;
}

static void
prepare_initial_poll (GTask *task)
{
  _oms_sync_run_wait_then (task, _oms_sync_task_timing (task)->initialisation_poll_ms,
                           prepare_initial_poll_cb);
}

static gboolean
is_transport_error (const GError *error)
{
  OmsProtocolError code;

  /* The initialise call is long and often drops: a lost connection is not a failure. */
  return oms_sync_error_get_protocol_error (error, &code) &&
         (code == OMS_PROTOCOL_ERROR_CONNECTION || code == OMS_PROTOCOL_ERROR_TRANSPORT);
}

static void
initialise_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  OmsSyncRunData *data = _oms_sync_task_data (task);
  g_autoptr(OmsV5RemoteBatch) batch = NULL;
  GError *error = NULL;

  batch = oms_v5_client_initialise_finish (OMS_V5_CLIENT (object), result, &error);
  if (batch != NULL)
    {
      _oms_sync_run_step_done (task, NULL);
      return;
    }

  if (!is_transport_error (error))
    {
      _oms_sync_run_step_done (task, error);
      return;
    }

  g_debug ("Initialise request dropped (%s); waiting for the central", error->message);
  g_error_free (error);
  data->deadline = g_get_monotonic_time () +
                   (gint64) _oms_sync_task_timing (task)->initialisation_timeout_ms * 1000;
  prepare_initial_poll (task);
}

void
_oms_sync_step_prepare_initial (GTask *task)
{
  OmsSyncRunData *data = _oms_sync_task_data (task);

  if (data->site->initialisation_status == OMS_V5_INITIALISATION_STATUS_STARTED)
    {
      data->deadline = g_get_monotonic_time () +
                       (gint64) _oms_sync_task_timing (task)->initialisation_timeout_ms * 1000;
      prepare_initial_poll (task);
      return;
    }

  oms_v5_client_initialise_async (data->v5, g_task_get_cancellable (task), initialise_cb, task);
}
