/* oms-sync-log.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-store.h"
#include "oms-sync-step.h"

G_BEGIN_DECLS

/* One step's part of a run; times are UTC microseconds since the epoch, 0 when unset. */
typedef struct
{
  gint64   started;
  gint64   finished;
  gboolean has_total;
  gint64   total;
  gint64   done;
} OmsSyncStepProgress;

/* One row of sync_log (PROTOCOL.md §5.1), also the engine's live status while it runs. */
typedef struct
{
  char                *id;
  gint64               started;
  gint64               finished;
  gint64               duration_seconds;
  char                *error_message;   /* the full technical error, NULL when none */
  char                *error_code;      /* the stored code, NULL for none or UNKNOWN */
  char                *error_info;      /* omsync's reason, oms_sync_error_info_to_json() */
  gboolean             interrupted;
  gint64               bytes_down;      /* bytes on the wire (compressed) from the centrals */
  gint64               bytes_up;        /* bytes on the wire to the centrals */
  char                *batch_sizes;     /* JSON object: step name → the pull batch sizes
                                         * asked for, in order; NULL when none */
  OmsSyncStepProgress  steps[OMS_SYNC_N_STEPS];
} OmsSyncRun;

#define OMS_TYPE_SYNC_RUN (oms_sync_run_get_type ())

GType       oms_sync_run_get_type           (void) G_GNUC_CONST;
OmsSyncRun *oms_sync_run_copy               (const OmsSyncRun     *run);
void        oms_sync_run_free               (OmsSyncRun           *run);
gboolean    oms_sync_run_is_syncing         (const OmsSyncRun     *run);
gboolean    oms_sync_run_is_successful      (const OmsSyncRun     *run);
int         oms_sync_run_get_open_step      (const OmsSyncRun     *run);
void        oms_sync_run_start_step         (OmsSyncRun           *run,
                                             OmsSyncStep           step,
                                             gint64                now);
void        oms_sync_run_finish_step        (OmsSyncRun           *run,
                                             OmsSyncStep           step,
                                             gint64                now);
void        oms_sync_run_set_remaining      (OmsSyncRun           *run,
                                             OmsSyncStep           step,
                                             gint64                remaining);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsSyncRun, oms_sync_run_free)

char       *oms_sync_format_timestamp       (gint64                usec);
gboolean    oms_sync_parse_timestamp        (const char           *text,
                                             gint64               *usec);
char       *oms_sync_new_uuid_v7            (gint64                now);

OmsSyncRun *oms_sync_log_start_run          (OmsStore             *store,
                                             gint64                now,
                                             GError              **error);
gboolean    oms_sync_log_save               (OmsStore             *store,
                                             const OmsSyncRun     *run,
                                             GError              **error);
gboolean    oms_sync_log_fail               (OmsStore             *store,
                                             OmsSyncRun           *run,
                                             const char           *error_message,
                                             const char           *error_code,
                                             gint64                now,
                                             GError              **error);
gboolean    oms_sync_log_finish             (OmsStore             *store,
                                             OmsSyncRun           *run,
                                             gint64                now,
                                             GError              **error);
int         oms_sync_log_close_interrupted  (OmsStore             *store,
                                             GError              **error);
OmsSyncRun *oms_sync_log_get_latest         (OmsStore             *store,
                                             GError              **error);
OmsSyncRun *oms_sync_log_get_last_successful (OmsStore            *store,
                                             GError              **error);
GPtrArray  *oms_sync_log_list               (OmsStore             *store,
                                             guint                 limit,
                                             GError              **error);
gboolean    oms_sync_log_sum_bytes_since    (OmsStore             *store,
                                             gint64                since,
                                             gint64               *out_down,
                                             gint64               *out_up,
                                             GError              **error);
gboolean    oms_sync_log_is_initialised     (OmsStore             *store,
                                             GError              **error);
gboolean    oms_sync_log_is_queue_initialised (OmsStore           *store,
                                             gint64                now,
                                             GError              **error);

G_END_DECLS
