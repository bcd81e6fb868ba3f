/* oms-sync-run-private.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-batch-size.h"
#include "oms-sync-engine.h"
#include "oms-sync-settings.h"
#include "oms-v5-client.h"
#include "oms-v6-client.h"

G_BEGIN_DECLS

/* What one run shares between oms-sync-engine.c, which starts and ends it and keeps its log,
 * oms-sync-sequence.c, which holds the order of its steps and walks it, and the step files
 * (oms-sync-prepare.c, -push.c, -pull.c, -integrate.c), which each do one step's work and
 * give the result back to the sequence with _oms_sync_run_step_done(). The run's GTask
 * carries this as its task data; every callback borrows the task, and the run ends exactly
 * once, in _oms_sync_run_fail() or _oms_sync_run_succeed().
 */
/* Pull central's and Pull V6's batches in flight (oms-sync-pull.c). */
typedef struct _OmsSyncPullPipeline OmsSyncPullPipeline;

typedef struct
{
  OmsSyncApiSettings *api;
  OmsV5Client        *v5;
  OmsV6Client        *v6;           /* NULL when the legacy central is Open mSupply's central */
  OmsV5SiteInfo      *site;
  gboolean            is_initialised;
  gboolean            queue_initialised;
  gint64              deadline;     /* monotonic µs for the current wait */
  GPtrArray          *sync_ids;     /* the pulled remote batch waiting for its ack */
  gint64              batch_remaining;
  gint64              last_cursor;
  guint               timeout_id;
  int                 lock_fd;      /* the site's sync lock, held for the whole run */
  guint               row;          /* the step being run: a row of oms-sync-sequence.c's table */
  OmsSyncBatchSizes   batch_sizes;
  OmsBatchSize       *pull_batch;   /* the running pull step's batch sizes (oms-batch-size.c) */
  guint               central_ended_at;  /* the size Pull central would ask next, once done */
  gboolean            ask_until_empty;   /* end each v5 pull with an empty answer, as Open
                                          * mSupply does (its transport, for the bench) */
  guint               remote_asked;      /* Pull remote's batch in flight: its size, */
  gint64              remote_started_us; /* and when it was asked for (monotonic) */
  guint               idle_timeout_seconds;
  char               *fetch_patient_id; /* a patient pull replaces Pull V6's usual pull */
  gint64              patient_cursor;   /* its cursor, in memory only (PROTOCOL.md §3.3) */

  /* Pulled batches are stored by a worker thread on a connection of the run's own, so the
   * main loop never waits for an insert, an fsync or a WAL checkpoint; the batch waits here
   * until it is stored.
   */
  OmsStore           *writer;
  OmsSyncPullPipeline *pull_pipeline;
  OmsV5RemoteBatch   *remote_batch;
} OmsSyncRunData;

/* Open mSupply's waits; tests shorten them (oms-sync-engine-private.h). */
typedef struct
{
  guint integration_poll_ms;
  guint integration_timeout_ms;
  guint initialisation_poll_ms;
  guint initialisation_timeout_ms;
} OmsSyncTiming;

gint64               _oms_sync_now                          (void);
OmsSyncEngine       *_oms_sync_task_engine                  (GTask       *task);
OmsSyncRunData      *_oms_sync_task_data                    (GTask       *task);
const OmsSyncTiming *_oms_sync_task_timing                  (GTask       *task);

void                 _oms_sync_pull_pipeline_free           (OmsSyncPullPipeline *pipeline);
void                 _oms_sync_run_set_up_v6                (GTask       *task,
                                                             OmsV6Client *client);

void                 _oms_sync_run_fail                     (GTask       *task,
                                                             GError      *error);
void                 _oms_sync_run_succeed                  (GTask       *task);
void                 _oms_sync_run_update_mode              (GTask       *task);
void                 _oms_sync_run_start_step               (GTask       *task,
                                                             OmsSyncStep  step);
void                 _oms_sync_run_finish_step              (GTask       *task,
                                                             OmsSyncStep  step);
void                 _oms_sync_run_report_remaining         (GTask       *task,
                                                             gint64       remaining);
void                 _oms_sync_run_report_remaining_unsaved (GTask       *task,
                                                             gint64       remaining);
void                 _oms_sync_run_add_batch_sizes          (GTask       *task,
                                                             OmsSyncStep  step,
                                                             const GArray *asked);
gboolean             _oms_sync_run_check_cancelled          (GTask       *task);
void                 _oms_sync_run_wait_then                (GTask       *task,
                                                             guint        ms,
                                                             GSourceFunc  next);

/* The sequence (oms-sync-sequence.c): runs PROTOCOL.md §1 from site info on. */
void                 _oms_sync_sequence_start               (GTask       *task);
void                 _oms_sync_run_step_done                (GTask       *task,
                                                             GError      *error);

/* The steps' work. Each ends with one _oms_sync_run_step_done(); which step runs when is the
 * sequence's table, not theirs. Progress goes to the step being run.
 */
void                 _oms_sync_step_prepare_initial         (GTask       *task);
void                 _oms_sync_step_push_v6                 (GTask       *task);
void                 _oms_sync_step_push                    (GTask       *task);
void                 _oms_sync_step_pull_central            (GTask       *task);
void                 _oms_sync_step_pull_remote             (GTask       *task);
void                 _oms_sync_step_pull_v6                 (GTask       *task);
void                 _oms_sync_step_pull_patient            (GTask       *task);
void                 _oms_sync_step_integrate               (GTask       *task);

G_END_DECLS
