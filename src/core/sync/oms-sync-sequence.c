/* oms-sync-sequence.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-sequence"

#include "config.h"

#include "oms-push-queue.h"
#include "oms-store-private.h"
#include "oms-sync-run-private.h"
#include "oms-sync-settings.h"

/* The order of one sync run (PROTOCOL.md §1), in one place: site info, then the table of
 * steps, then what a site's first run does last.
 *
 * Why a table: the order and the skip rules are data, read together as in PROTOCOL.md's own
 * table (Open mSupply's synchroniser lists its steps in one function the same way). walk()
 * advances through it; a step only does its work and calls _oms_sync_run_step_done(), and
 * never names the step after it. A variant of the run, a patient pull or a legacy central that
 * is Open mSupply's own, is rows absent from it, not a path of its own.
 */

/* When a step is skipped (PROTOCOL.md §1, "Skipped when"). A step whose work is skipped still
 * writes both its timestamps; an absent step writes none.
 */
typedef enum
{
  SKIP_WORK_IF_QUEUE_INITIALISED = 1 << 0,
  SKIP_WORK_IF_NOT_INITIALISED   = 1 << 1,
  SKIP_WORK_IF_NO_V6             = 1 << 2,
  ABSENT_IF_NO_V6                = 1 << 3,
  ABSENT_IF_PATIENT_PULL         = 1 << 4,
  ABSENT_UNLESS_PATIENT_PULL     = 1 << 5,
} SkipRules;

/* The central a step talks to. The legacy central's client is made with the run; Open
 * mSupply's central's client before the first step that talks to it (PROTOCOL.md §1 step 5).
 */
typedef enum
{
  CENTRAL_NONE,
  CENTRAL_V5,
  CENTRAL_V6,
} Central;

typedef struct
{
  OmsSyncStep  step;
  void       (*run) (GTask *task);
  SkipRules    skip;
  Central      central;
} RunStep;

static const RunStep run_steps[] = {
  { OMS_SYNC_STEP_PREPARE_INITIAL, _oms_sync_step_prepare_initial,
    SKIP_WORK_IF_QUEUE_INITIALISED, CENTRAL_V5 },
  { OMS_SYNC_STEP_PUSH_V6, _oms_sync_step_push_v6,
    SKIP_WORK_IF_NOT_INITIALISED | SKIP_WORK_IF_NO_V6, CENTRAL_V6 },
  { OMS_SYNC_STEP_PUSH, _oms_sync_step_push,
    SKIP_WORK_IF_NOT_INITIALISED, CENTRAL_V5 },
  { OMS_SYNC_STEP_PULL_CENTRAL, _oms_sync_step_pull_central, 0, CENTRAL_V5 },
  { OMS_SYNC_STEP_PULL_REMOTE, _oms_sync_step_pull_remote, 0, CENTRAL_V5 },
  /* Pull V6 fetches the site's changes or, in a patient pull, one patient's records. */
  { OMS_SYNC_STEP_PULL_V6, _oms_sync_step_pull_v6,
    ABSENT_IF_NO_V6 | ABSENT_IF_PATIENT_PULL, CENTRAL_V6 },
  { OMS_SYNC_STEP_PULL_V6, _oms_sync_step_pull_patient,
    ABSENT_IF_NO_V6 | ABSENT_UNLESS_PATIENT_PULL, CENTRAL_V6 },
  { OMS_SYNC_STEP_INTEGRATE, _oms_sync_step_integrate, 0, CENTRAL_NONE },
};

static gboolean
is_absent (const RunStep        *row,
           const OmsSyncRunData *data)
{
  gboolean patient_pull = data->fetch_patient_id != NULL;

  return ((row->skip & ABSENT_IF_NO_V6) && data->v6 == NULL) ||
         ((row->skip & ABSENT_IF_PATIENT_PULL) && patient_pull) ||
         ((row->skip & ABSENT_UNLESS_PATIENT_PULL) && !patient_pull);
}

static gboolean
skips_work (const RunStep        *row,
            const OmsSyncRunData *data)
{
  return ((row->skip & SKIP_WORK_IF_QUEUE_INITIALISED) && data->queue_initialised) ||
         ((row->skip & SKIP_WORK_IF_NOT_INITIALISED) && !data->is_initialised) ||
         ((row->skip & SKIP_WORK_IF_NO_V6) && data->v6 == NULL);
}

/* No v6 client when the legacy central is itself Open mSupply's central; a URL that is not
 * one fails the run, every run (CENTRAL_V6_NOT_CONFIGURED).
 */
static gboolean
make_client (GTask    *task,
             Central   central,
             GError  **error)
{
  OmsSyncRunData *data = _oms_sync_task_data (task);

  if (central != CENTRAL_V6 || data->v6 != NULL || data->site->is_central_server)
    return TRUE;

  /* One session for both APIs: one connection when both centrals are one host (oms-http.c). */
  data->v6 = oms_v6_client_new_with_session (data->site->central_server_url, data->api,
                                             oms_v5_client_get_session (data->v5), error);
  if (data->v6 == NULL)
    return FALSE;

  _oms_sync_run_set_up_v6 (task, data->v6);
  return TRUE;
}

/* PROTOCOL.md §1 step 12: after a site's first successful run, what was just integrated must
 * not be pushed back.
 */
static void
finish_sequence (GTask *task)
{
  OmsStore *store = oms_sync_engine_get_store (_oms_sync_task_engine (task));
  OmsSyncRunData *data = _oms_sync_task_data (task);
  GError *error = NULL;

  if (!data->is_initialised && !oms_push_queue_jump_to_end (store, &error))
    {
      _oms_sync_run_fail (task, error);
      return;
    }

  _oms_sync_run_succeed (task);
}

/* Walks the table from data->row: a step starts, then runs its work or skips it; the walk goes
 * on from _oms_sync_run_step_done() once the work is done.
 */
static void
walk (GTask *task)
{
  OmsSyncRunData *data = _oms_sync_task_data (task);

  for (; data->row < G_N_ELEMENTS (run_steps); data->row++)
    {
      const RunStep *row = &run_steps[data->row];
      GError *error = NULL;

      if (!make_client (task, row->central, &error))
        {
          _oms_sync_run_fail (task, error);
          return;
        }

      if (is_absent (row, data))
        continue;

      _oms_sync_run_start_step (task, row->step);
      if (!skips_work (row, data))
        {
          row->run (task);
          return;
        }
      _oms_sync_run_finish_step (task, row->step);
    }

  finish_sequence (task);
}

/**
 * _oms_sync_run_step_done:
 * @error: (transfer full) (nullable): why the step failed
 *
 * Every step calls this once, when its work is done. A failure ends the run in its step: the
 * step is not finished and no later step starts (PROTOCOL.md §1).
 */
void
_oms_sync_run_step_done (GTask  *task,
                         GError *error)
{
  OmsSyncRunData *data = _oms_sync_task_data (task);

  if (error != NULL)
    {
      _oms_sync_run_fail (task, error);
      return;
    }

  _oms_sync_run_finish_step (task, run_steps[data->row].step);
  data->row++;
  walk (task);
}

/*
 * Site info (PROTOCOL.md §1 steps 2 and 3)
 */

static void
site_info_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  OmsStore *store = oms_sync_engine_get_store (_oms_sync_task_engine (task));
  OmsSyncRunData *data = _oms_sync_task_data (task);
  GError *error = NULL;
  gboolean saved;

  data->site = oms_v5_client_get_site_info_finish (OMS_V5_CLIENT (object), result, &error);
  if (data->site == NULL)
    {
      _oms_sync_run_fail (task, error);
      return;
    }

  /* Refreshed by every run, so written relaxed (oms_store_set_relaxed()). */
  oms_store_set_relaxed (store, TRUE);
  saved = oms_store_kv_set_int (store, OMS_KV_SYNC_CENTRAL_SERVER_SITE_ID,
                                data->site->msupply_central_site_id, &error) &&
          oms_store_kv_set_string (store, OMS_KV_OMS_CENTRAL_URL,
                                   data->site->is_central_server
                                     ? "" : (data->site->central_server_url
                                               ? data->site->central_server_url : ""),
                                   &error);
  oms_store_set_relaxed (store, FALSE);
  if (!saved)
    {
      _oms_sync_run_fail (task, error);
      return;
    }
  _oms_sync_run_update_mode (task);

  data->is_initialised = oms_sync_log_is_initialised (store, &error);
  if (error == NULL)
    data->queue_initialised = oms_sync_log_is_queue_initialised (store, _oms_sync_now (),
                                                                 &error);
  if (error != NULL)
    {
      _oms_sync_run_fail (task, error);
      return;
    }

  data->row = 0;
  walk (task);
}

/* The run's row is written and its v5 client made (oms-sync-engine.c); the rest is here. */
void
_oms_sync_sequence_start (GTask *task)
{
  OmsSyncRunData *data = _oms_sync_task_data (task);

  oms_v5_client_get_site_info_async (data->v5, g_task_get_cancellable (task), site_info_cb, task);
}
