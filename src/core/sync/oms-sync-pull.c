/* oms-sync-pull.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-pull"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-protocol-error.h"
#include "oms-sync-buffer.h"
#include "oms-sync-buffer-body.h"
#include "oms-sync-run-private.h"
#include "oms-sync-settings.h"
#include "oms-v5-client.h"
#include "oms-v6-client.h"
/* The three pull steps (PROTOCOL.md §2.3, §3.3). Each batch is stored in sync_buffer together
 * with the cursor that covers it, so a run cut short resumes without gaps or duplicates; the
 * remote queue is acknowledged only after its batch is on disk.
 *
 * Pull central and Pull V6 run as a pipeline: as soon as a batch's body is in and its cursors
 * are read (a one-pass scan, in a worker), the next batch is asked for while the writer
 * stores this one, so the central's time and ours overlap. Batches are still written one at a time, in
 * order, each with its cursor, so what is on disk is always a whole prefix of the pull.
 *
 * A batch whose answer is cut short (the line drops mid-body) is not lost whole: the records
 * that came whole are stored as a batch of their own with the cursor of the last one
 * (oms_pulled_body_scan_cut()), and the batches already fetched are still stored, in order,
 * before the step fails. The next run goes on from there, so a line that keeps dropping costs
 * little more than the bytes of the records it cut.
 *
 * How many records each batch asks for adapts to the line (oms-batch-size.c): a pull step
 * starts from its stored size, reports every batch's size, count and time, and stores at its
 * end the size it would ask next, so the next run starts where this one ended. A step that
 * fails on the way (a stall, a dropped line) leaves half its size for the next run.
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
 * Batch sizes
 */

static const char *
stored_batch_key (OmsSyncStep step)
{
  if (step == OMS_SYNC_STEP_PULL_CENTRAL)
    return OMS_KV_BATCH_CENTRAL_PULL;
  if (step == OMS_SYNC_STEP_PULL_REMOTE)
    return OMS_KV_BATCH_REMOTE_PULL;

  g_assert (step == OMS_SYNC_STEP_PULL_V6);
  return OMS_KV_BATCH_V6_PULL;
}

static void
batch_sizes_start (GTask *task,
                   guint  start)
{
  OmsSyncRunData *data = _oms_sync_task_data (task);

  g_clear_pointer (&data->pull_batch, oms_batch_size_free);
  data->pull_batch = oms_batch_size_new (start, data->batch_sizes.max_records,
                                         OMS_BATCH_SIZE_DEFAULT_MAX_BYTES);
}

/* A request that failed on its way (a stall, a line that dropped) rather than being answered. */
static gboolean
is_timeout (const GError *error)
{
  OmsProtocolError code;

  return oms_sync_error_get_protocol_error (error, &code) &&
         (code == OMS_PROTOCOL_ERROR_CONNECTION || code == OMS_PROTOCOL_ERROR_TRANSPORT);
}

/* Ends a pull step: its batch sizes go into the run's log, and the size it would ask next into
 * the store, where the next run starts.
 */
static void
pull_step_done (GTask       *task,
                OmsSyncStep  step,
                GError      *error)
{
  OmsSyncRunData *data = _oms_sync_task_data (task);
  g_autoptr(OmsBatchSize) sizes = g_steal_pointer (&data->pull_batch);

  if (sizes != NULL && oms_batch_size_get_asked (sizes)->len > 0)
    {
      OmsStore *store = oms_sync_engine_get_store (_oms_sync_task_engine (task));
      g_autoptr(GError) save_error = NULL;

      if (error != NULL && is_timeout (error))
        oms_batch_size_report_timeout (sizes);
      if (step == OMS_SYNC_STEP_PULL_CENTRAL && error == NULL)
        data->central_ended_at = oms_batch_size_peek (sizes);
      _oms_sync_run_add_batch_sizes (task, step, oms_batch_size_get_asked (sizes));
      if (!oms_store_kv_set_int (store, stored_batch_key (step),
                                 (gint32) oms_batch_size_peek (sizes), &save_error))
        g_debug ("Could not store the next batch size: %s", save_error->message);
    }

  _oms_sync_run_step_done (task, error);
}

/*
 * Pull central and Pull V6: the pipeline
 */

/* One fetched batch on its way to sync_buffer. */
typedef struct
{
  GBytes               *body;
  guint                 status;
  gint64                request_cursor;
  guint                 asked;       /* records asked for */
  gint64                started_us;  /* monotonic, when it was asked for */
  gint64                elapsed_us;  /* until its body was whole */
  gsize                 bytes;
  OmsPulledBody        *scanned;     /* NULL when the scan declined it */
  OmsPulledBodySummary  summary;
  gboolean              needs_parse; /* the scan declined it: the full parser stores it */
  gboolean              reported;    /* its first progress report is made */
} PulledBatch;

static void
pulled_batch_free (PulledBatch *batch)
{
  g_clear_pointer (&batch->scanned, oms_pulled_body_free);
  g_clear_pointer (&batch->body, g_bytes_unref);
  g_free (batch);
}

struct _OmsSyncPullPipeline
{
  OmsPulledBodyKind  kind;
  gint64             next_cursor;
  gboolean           cursor_known; /* FALSE while a declined batch's cursors are unread */
  gboolean           fetched_all;  /* the last batch is in */
  gint64             max_cursor;   /* v5: maxCursor of the last batch scanned, or -1 */
  PulledBatch       *in_flight;    /* being fetched or scanned */
  gboolean           fetching;
  PulledBatch       *writing;      /* on the writer connection, by either road */
  GQueue             ready;        /* PulledBatch: fetched, waiting for the writer, in order */
  GError            *error;        /* the first failure; the step fails once nothing runs */
  gboolean           keep_writing; /* that failure was a fetch's: the batches in still go in */
};

/* At most this many batches wait for the writer, so memory stays flat on a fast network. */
#define MAX_READY 2

void
_oms_sync_pull_pipeline_free (OmsSyncPullPipeline *pipeline)
{
  g_queue_clear_full (&pipeline->ready, (GDestroyNotify) pulled_batch_free);
  g_clear_pointer (&pipeline->in_flight, pulled_batch_free);
  g_clear_pointer (&pipeline->writing, pulled_batch_free);
  g_clear_error (&pipeline->error);
  g_free (pipeline);
}

static void pipeline_advance (GTask *task);

static OmsSyncPullPipeline *
pipeline_of (GTask *task)
{
  return _oms_sync_task_data (task)->pull_pipeline;
}

static void
pipeline_set_error (OmsSyncPullPipeline *pipeline,
                    GError              *error)
{
  /* Nothing more is written after a write failed or the run was cancelled. */
  pipeline->keep_writing = FALSE;
  if (pipeline->error == NULL)
    pipeline->error = error;
  else
    g_error_free (error);
}

/* A fetch failed: nothing more is asked for, but what came whole is still stored. */
static void
pipeline_set_fetch_error (OmsSyncPullPipeline *pipeline,
                          GError              *error)
{
  if (pipeline->error == NULL)
    {
      pipeline->error = error;
      pipeline->keep_writing = TRUE;
    }
  else
    {
      g_error_free (error);
    }
}

/* The first report of a batch fixes the step's total (PROTOCOL.md §2.3, §3.3). */
static void
report_fetched (GTask       *task,
                PulledBatch *batch)
{
  OmsSyncPullPipeline *pipeline = pipeline_of (task);

  if (batch->reported)
    return;
  batch->reported = TRUE;

  if (pipeline->kind == OMS_PULLED_BODY_V5_CENTRAL)
    _oms_sync_run_report_remaining_unsaved (task,
                                            batch->summary.max_cursor - batch->request_cursor);
  else
    _oms_sync_run_report_remaining_unsaved (task, batch->summary.total_records);
}

static void
report_written (GTask             *task,
                const PulledBatch *batch)
{
  OmsSyncPullPipeline *pipeline = pipeline_of (task);
  const OmsPulledBodySummary *summary = &batch->summary;

  if (pipeline->kind == OMS_PULLED_BODY_V5_CENTRAL)
    _oms_sync_run_report_remaining_unsaved (task,
                                            summary->max_cursor - MIN (summary->max_cursor,
                                                                       summary->last_cursor));
  else if (summary->is_last_batch)
    _oms_sync_run_report_remaining_unsaved (task, 0);
}

/* How the batch went, for the size of the next one. */
static void
report_batch (GTask             *task,
              const PulledBatch *batch)
{
  OmsSyncPullPipeline *pipeline = pipeline_of (task);
  const OmsPulledBodySummary *summary = &batch->summary;
  OmsBatchSample sample = { 0 };

  sample.asked = batch->asked;
  sample.received = (guint) CLAMP (summary->n_records, 0, G_MAXUINT);
  sample.bytes = batch->bytes;
  sample.elapsed_us = batch->elapsed_us;
  sample.more_waiting = pipeline->kind == OMS_PULLED_BODY_V5_CENTRAL
                          ? summary->last_cursor < summary->max_cursor
                          : !summary->is_last_batch;
  oms_batch_size_report (_oms_sync_task_data (task)->pull_batch, &sample);
}

/* Once a batch's cursors are known, the pull can go on past it. */
static void
learn_cursors (GTask       *task,
               PulledBatch *batch)
{
  OmsSyncPullPipeline *pipeline = pipeline_of (task);

  report_fetched (task, batch);
  report_batch (task, batch);
  if (pipeline->kind == OMS_PULLED_BODY_V5_CENTRAL)
    pipeline->max_cursor = batch->summary.max_cursor;
  pipeline->next_cursor = oms_pulled_body_summary_next_cursor (pipeline->kind, &batch->summary,
                                                               batch->request_cursor);
  pipeline->fetched_all = oms_pulled_body_summary_is_last (pipeline->kind, &batch->summary,
                                                           batch->request_cursor) &&
                          !(_oms_sync_task_data (task)->ask_until_empty &&
                            pipeline->kind == OMS_PULLED_BODY_V5_CENTRAL &&
                            batch->summary.n_records > 0);
  pipeline->cursor_known = TRUE;
}

/* A body is scanned: a whole one, or the whole records of a cut one (which has no body of its
 * own: its fetch failed), which go in after the batches before them.
 */
static void
scanned_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  OmsSyncPullPipeline *pipeline = pipeline_of (task);
  PulledBatch *batch = g_steal_pointer (&pipeline->in_flight);
  gboolean cut = batch->body == NULL;

  pipeline->fetching = FALSE;
  batch->scanned = oms_sync_buffer_scan_body_finish (result);
  if (cut && (batch->scanned == NULL || !pipeline->keep_writing))
    {
      pulled_batch_free (batch);
      pipeline_advance (task);
      return;
    }

  if (batch->scanned != NULL)
    {
      batch->summary = *oms_pulled_body_get_summary (batch->scanned);
      if (cut)
        {
          g_debug ("Answer cut after %" G_GINT64_FORMAT " whole records: keeping them",
                   batch->summary.n_records);
          report_fetched (task, batch);
        }
      else
        {
          learn_cursors (task, batch);
        }
    }
  else
    {
      /* The full parser reads it, and its cursors, when the writer reaches it. */
      batch->needs_parse = TRUE;
      pipeline->cursor_known = FALSE;
    }

  g_queue_push_tail (&pipeline->ready, batch);
  pipeline_advance (task);
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  OmsSyncPullPipeline *pipeline = pipeline_of (task);
  PulledBatch *batch = pipeline->in_flight;
  g_autoptr(GBytes) cut_body = NULL;
  GError *error = NULL;

  if (pipeline->kind == OMS_PULLED_BODY_V5_CENTRAL)
    batch->body = oms_v5_client_get_central_records_body_finish (OMS_V5_CLIENT (object), result,
                                                                 &batch->status, &error);
  else
    batch->body = oms_v6_client_pull_body_finish (OMS_V6_CLIENT (object), result,
                                                  &batch->status, &error);

  if (batch->body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          pipeline_set_error (pipeline, error);
        }
      else
        {
          pipeline_set_fetch_error (pipeline, error);
          cut_body = pipeline->kind == OMS_PULLED_BODY_V5_CENTRAL
                       ? oms_v5_client_steal_cut_body (OMS_V5_CLIENT (object), result)
                       : oms_v6_client_steal_cut_body (OMS_V6_CLIENT (object), result);
        }

      /* Its scan keeps the step going: still fetching, as far as the pipeline goes. */
      if (cut_body != NULL && pipeline->cursor_known && pipeline->keep_writing)
        {
          oms_sync_buffer_scan_cut_body_async (pipeline->kind, cut_body, batch->request_cursor,
                                               pipeline->max_cursor, scanned_cb, task);
          return;
        }

      g_clear_pointer (&pipeline->in_flight, pulled_batch_free);
      pipeline->fetching = FALSE;
      pipeline_advance (task);
      return;
    }

  batch->elapsed_us = g_get_monotonic_time () - batch->started_us;
  batch->bytes = g_bytes_get_size (batch->body);

  /* Still fetching: the next request needs the cursor the scan reads. */
  oms_sync_buffer_scan_body_async (pipeline->kind, batch->body, batch->request_cursor,
                                   scanned_cb, task);
}

static void
fetch_next (GTask *task)
{
  OmsSyncRunData *data = _oms_sync_task_data (task);
  OmsSyncPullPipeline *pipeline = data->pull_pipeline;
  GCancellable *cancellable = g_task_get_cancellable (task);

  pipeline->fetching = TRUE;
  pipeline->in_flight = g_new0 (PulledBatch, 1);
  pipeline->in_flight->request_cursor = pipeline->next_cursor;
  pipeline->in_flight->asked = oms_batch_size_take (data->pull_batch);
  pipeline->in_flight->started_us = g_get_monotonic_time ();

  if (pipeline->kind == OMS_PULLED_BODY_V5_CENTRAL)
    oms_v5_client_get_central_records_body_async (data->v5, pipeline->next_cursor,
                                                  pipeline->in_flight->asked, cancellable,
                                                  fetched_cb, task);
  else
    oms_v6_client_pull_body_async (data->v6, pipeline->next_cursor,
                                   pipeline->in_flight->asked, data->is_initialised,
                                   cancellable, fetched_cb, task);
}

/* A batch is stored, by either road: from its scanned body, or parsed in full. */
static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  OmsSyncPullPipeline *pipeline = pipeline_of (task);
  GError *error = NULL;
  gboolean stored;

  if (g_async_result_is_tagged (result, oms_sync_buffer_store_body_async))
    stored = oms_sync_buffer_store_body_finish (OMS_STORE (object), result, &error);
  else
    stored = oms_sync_buffer_store_batch_finish (OMS_STORE (object), result, &error);

  if (stored)
    report_written (task, pipeline->writing);
  else
    pipeline_set_error (pipeline, error);

  g_clear_pointer (&pipeline->writing, pulled_batch_free);
  pipeline_advance (task);
}

/* The full parser has read a declined batch: store its records the long way. */
static void
store_parsed (GTask     *task,
              GPtrArray *records)
{
  OmsSyncRunData *data = _oms_sync_task_data (task);
  OmsSyncPullPipeline *pipeline = data->pull_pipeline;
  PulledBatch *batch = pipeline->writing;
  gboolean is_v5 = pipeline->kind == OMS_PULLED_BODY_V5_CENTRAL;

  batch->summary.n_records = records->len;
  if (is_v5)
    batch->summary.last_cursor = records->len > 0
                                   ? ((OmsSyncRecord *) g_ptr_array_index (records,
                                                                           records->len - 1))->cursor
                                   : batch->request_cursor;

  /* Its cursors were unknown until now if the scan declined it. */
  if (!pipeline->cursor_known && g_queue_is_empty (&pipeline->ready))
    learn_cursors (task, batch);
  else
    report_fetched (task, batch);

  oms_sync_buffer_store_batch_async (data->writer, records, is_v5,
                                     is_v5 ? data->site->msupply_central_site_id : 0,
                                     is_v5 ? OMS_KV_CENTRAL_SYNC_PULL_CURSOR
                                           : OMS_KV_SYNC_PULL_CURSOR_V6,
                                     oms_pulled_body_summary_next_cursor (pipeline->kind,
                                                                          &batch->summary,
                                                                          batch->request_cursor),
                                     run_progress (task), _oms_sync_now (),
                                     g_task_get_cancellable (task),
                                     written_cb, task);
}

static void
v5_parsed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  OmsSyncPullPipeline *pipeline = pipeline_of (task);
  g_autoptr(OmsV5CentralBatch) parsed = NULL;
  GError *error = NULL;

  parsed = oms_v5_client_get_central_records_finish (OMS_V5_CLIENT (object), result, &error);
  if (parsed == NULL)
    {
      g_clear_pointer (&pipeline->writing, pulled_batch_free);
      pipeline_set_error (pipeline, error);
      pipeline_advance (task);
      return;
    }

  pipeline->writing->summary.max_cursor = parsed->max_cursor;
  store_parsed (task, parsed->records);
}

static void
v6_parsed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  OmsSyncPullPipeline *pipeline = pipeline_of (task);
  g_autoptr(OmsV6Batch) parsed = NULL;
  GError *error = NULL;

  parsed = oms_v6_client_pull_finish (OMS_V6_CLIENT (object), result, &error);
  if (parsed == NULL)
    {
      g_clear_pointer (&pipeline->writing, pulled_batch_free);
      pipeline_set_error (pipeline, error);
      pipeline_advance (task);
      return;
    }

  pipeline->writing->summary.end_cursor = parsed->end_cursor;
  pipeline->writing->summary.total_records = parsed->total_records;
  pipeline->writing->summary.is_last_batch = parsed->is_last_batch;
  store_parsed (task, parsed->records);
}

static void
write_next (GTask *task)
{
  OmsSyncRunData *data = _oms_sync_task_data (task);
  OmsSyncPullPipeline *pipeline = data->pull_pipeline;
  GCancellable *cancellable = g_task_get_cancellable (task);
  PulledBatch *batch;

  batch = pipeline->writing = g_queue_pop_head (&pipeline->ready);

  if (!batch->needs_parse)
    {
      oms_sync_buffer_store_body_async (data->writer, batch->scanned,
                                        pipeline->kind == OMS_PULLED_BODY_V5_CENTRAL,
                                        data->site->msupply_central_site_id,
                                        run_progress (task), _oms_sync_now (), cancellable,
                                        written_cb, task);
      return;
    }

  /* Parsed in full only here, in order: it either stores or names what is wrong. */
  if (pipeline->kind == OMS_PULLED_BODY_V5_CENTRAL)
    oms_v5_client_parse_central_records_async (data->v5, batch->body, batch->status,
                                               batch->request_cursor, batch->asked, cancellable,
                                               v5_parsed_cb, task);
  else
    oms_v6_client_parse_pull_async (data->v6, batch->body, batch->status, cancellable,
                                    v6_parsed_cb, task);
}

static void
pipeline_finish (GTask *task)
{
  OmsSyncRunData *data = _oms_sync_task_data (task);
  OmsSyncPullPipeline *pipeline = g_steal_pointer (&data->pull_pipeline);
  OmsPulledBodyKind kind = pipeline->kind;
  GError *error = g_steal_pointer (&pipeline->error);

  _oms_sync_pull_pipeline_free (pipeline);

  if (error == NULL && kind == OMS_PULLED_BODY_V6_PULL)
    _oms_sync_run_report_remaining_unsaved (task, 0);

  pull_step_done (task,
                  kind == OMS_PULLED_BODY_V5_CENTRAL ? OMS_SYNC_STEP_PULL_CENTRAL
                                                     : OMS_SYNC_STEP_PULL_V6,
                  error);
}

/* Starts whatever can run now; ends the step once nothing runs and nothing is left. A failure
 * waits for the work under way, so no callback outlives the run and a batch being committed
 * is committed.
 */
static void
pipeline_advance (GTask *task)
{
  OmsSyncPullPipeline *pipeline = pipeline_of (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if ((pipeline->error == NULL || pipeline->keep_writing) &&
      g_cancellable_set_error_if_cancelled (cancellable, &error))
    pipeline_set_error (pipeline, error);

  if ((pipeline->error == NULL || pipeline->keep_writing) && pipeline->writing == NULL &&
      !g_queue_is_empty (&pipeline->ready))
    write_next (task);

  if (pipeline->error == NULL && !pipeline->fetching && pipeline->cursor_known &&
      !pipeline->fetched_all && g_queue_get_length (&pipeline->ready) < MAX_READY)
    fetch_next (task);

  if (pipeline->fetching || pipeline->writing != NULL)
    return;

  if ((pipeline->error != NULL && !(pipeline->keep_writing &&
                                    !g_queue_is_empty (&pipeline->ready))) ||
      (g_queue_is_empty (&pipeline->ready) && pipeline->fetched_all))
    pipeline_finish (task);
}

static void
pipeline_start (GTask             *task,
                OmsPulledBodyKind  kind,
                const char        *cursor_key,
                guint              start_size)
{
  OmsSyncRunData *data = _oms_sync_task_data (task);
  OmsStore *store = oms_sync_engine_get_store (_oms_sync_task_engine (task));
  OmsSyncPullPipeline *pipeline;
  GError *error = NULL;
  gint64 cursor;

  cursor = oms_store_kv_get_int (store, cursor_key, 0, &error);
  if (error != NULL)
    {
      _oms_sync_run_step_done (task, error);
      return;
    }

  g_assert (data->pull_pipeline == NULL);
  batch_sizes_start (task, start_size);
  pipeline = data->pull_pipeline = g_new0 (OmsSyncPullPipeline, 1);
  pipeline->kind = kind;
  pipeline->next_cursor = cursor;
  pipeline->cursor_known = TRUE;
  pipeline->max_cursor = -1;
  g_queue_init (&pipeline->ready);

  pipeline_advance (task);
}

/*
 * Pull central (PROTOCOL.md §2.3)
 */

void
_oms_sync_step_pull_central (GTask *task)
{
  pipeline_start (task, OMS_PULLED_BODY_V5_CENTRAL, OMS_KV_CENTRAL_SYNC_PULL_CURSOR,
                  _oms_sync_task_data (task)->batch_sizes.central_pull);
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
      pull_step_done (task, OMS_SYNC_STEP_PULL_REMOTE, error);
      return;
    }

  /* sync_ids ends with the NULL that terminates it. */
  acknowledged = (gint64) data->sync_ids->len - 1;
  _oms_sync_run_report_remaining_unsaved (task, MAX (data->batch_remaining - acknowledged, 0));
  g_clear_pointer (&data->sync_ids, g_ptr_array_unref);

  /* queueLength counted this batch: when it held the whole queue, the empty answer Open
   * mSupply asks for next would only cost a round trip. A record the central queues later
   * comes in the next run, as it would had it been queued a moment after that request.
   */
  if (data->batch_remaining <= acknowledged && !data->ask_until_empty)
    {
      pull_step_done (task, OMS_SYNC_STEP_PULL_REMOTE, NULL);
      return;
    }

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
      pull_step_done (task, OMS_SYNC_STEP_PULL_REMOTE, error);
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
  OmsBatchSample sample = { 0 };
  GError *error = NULL;

  batch = oms_v5_client_get_queued_records_finish (OMS_V5_CLIENT (object), result, &error);
  if (batch == NULL)
    {
      pull_step_done (task, OMS_SYNC_STEP_PULL_REMOTE, error);
      return;
    }

  /* queueLength counts this batch too. No body size here: the records stand for it. */
  sample.asked = data->remote_asked;
  sample.received = batch->records->len;
  sample.elapsed_us = g_get_monotonic_time () - data->remote_started_us;
  sample.more_waiting = batch->queue_length > (gint64) batch->records->len;
  oms_batch_size_report (data->pull_batch, &sample);

  _oms_sync_run_report_remaining_unsaved (task, batch->queue_length);

  if (batch->records->len == 0)
    {
      pull_step_done (task, OMS_SYNC_STEP_PULL_REMOTE, NULL);
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
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      pull_step_done (task, OMS_SYNC_STEP_PULL_REMOTE, error);
      return;
    }

  data->remote_asked = oms_batch_size_take (data->pull_batch);
  data->remote_started_us = g_get_monotonic_time ();
  oms_v5_client_get_queued_records_async (data->v5, data->remote_asked,
                                          g_task_get_cancellable (task), pull_remote_cb, task);
}

/* Pull remote starts where Pull central ended in this run when that is larger than its own
 * stored size: the same line, just measured. Each of its batches costs two round trips (the
 * batch, then its acknowledgement), so on a slow line far away doubling up from a small size
 * again costs most of its time.
 */
void
_oms_sync_step_pull_remote (GTask *task)
{
  OmsSyncRunData *data = _oms_sync_task_data (task);

  batch_sizes_start (task, MAX (data->batch_sizes.remote_pull, data->central_ended_at));
  pull_remote_next_batch (task);
}

/*
 * Pull V6 (PROTOCOL.md §3.3): the site's changes, or one patient's records
 */

void
_oms_sync_step_pull_v6 (GTask *task)
{
  pipeline_start (task, OMS_PULLED_BODY_V6_PULL, OMS_KV_SYNC_PULL_CURSOR_V6,
                  _oms_sync_task_data (task)->batch_sizes.v6_pull);
}

/* A patient pull (manual sync with fetchPatientId): from cursor 0, in memory only, until the
 * last batch; the site's own v6 cursor is not moved. Patient pulls are small: one batch at a
 * time, parsed in full.
 */
static void patient_pull_next_batch (GTask *task);

static void
patient_stored_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  OmsSyncRunData *data = _oms_sync_task_data (task);
  GError *error = NULL;

  if (!oms_sync_buffer_store_batch_finish (OMS_STORE (object), result, &error))
    {
      _oms_sync_run_step_done (task, error);
      return;
    }

  if (data->patient_cursor < 0)
    {
      _oms_sync_run_report_remaining_unsaved (task, 0);
      _oms_sync_run_step_done (task, NULL);
      return;
    }

  patient_pull_next_batch (task);
}

static void
patient_pulled_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  OmsSyncRunData *data = _oms_sync_task_data (task);
  g_autoptr(OmsV6Batch) batch = NULL;
  GError *error = NULL;

  batch = oms_v6_client_patient_pull_finish (OMS_V6_CLIENT (object), result, &error);
  if (batch == NULL)
    {
      _oms_sync_run_step_done (task, error);
      return;
    }

  _oms_sync_run_report_remaining_unsaved (task, batch->total_records);
  /* -1: the last batch is in. */
  data->patient_cursor = batch->is_last_batch ? -1 : batch->end_cursor + 1;

  oms_sync_buffer_store_batch_async (data->writer, batch->records, FALSE, 0, NULL, 0,
                                     run_progress (task), _oms_sync_now (),
                                     g_task_get_cancellable (task), patient_stored_cb, task);
}

static void
patient_pull_next_batch (GTask *task)
{
  OmsSyncRunData *data = _oms_sync_task_data (task);

  if (_oms_sync_run_check_cancelled (task))
    return;

  oms_v6_client_patient_pull_async (data->v6, data->patient_cursor,
                                    data->batch_sizes.v6_pull, data->fetch_patient_id,
                                    g_task_get_cancellable (task), patient_pulled_cb, task);
}

void
_oms_sync_step_pull_patient (GTask *task)
{
  _oms_sync_task_data (task)->patient_cursor = 0;
  patient_pull_next_batch (task);
}
