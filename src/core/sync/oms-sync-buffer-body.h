/* oms-sync-buffer-body.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "oms-store.h"
#include "oms-sync-log.h"

G_BEGIN_DECLS

/* The pulled responses whose bodies SQLite can store without a parse in C. */
typedef enum
{
  OMS_PULLED_BODY_V5_CENTRAL, /* GET /sync/v5/central_records */
  OMS_PULLED_BODY_V6_PULL,    /* POST /central/sync/pull */
} OmsPulledBodyKind;

/* What a pulled body says, for the pull step's cursors and progress. */
typedef struct
{
  gint64   n_records;
  gint64   max_cursor;    /* v5: maxCursor */
  gint64   last_cursor;   /* v5: the last record's ID, or the request's cursor when none */
  gint64   end_cursor;    /* v6: end_cursor */
  gint64   total_records; /* v6: total_records */
  gboolean is_last_batch; /* v6: is_last_batch */
} OmsPulledBodySummary;

gboolean oms_pulled_body_summarize         (OmsPulledBodyKind            kind,
                                            GBytes                      *body,
                                            gint64                       request_cursor,
                                            OmsPulledBodySummary        *summary);
void     oms_pulled_body_summarize_async   (OmsPulledBodyKind            kind,
                                            GBytes                      *body,
                                            gint64                       request_cursor,
                                            GAsyncReadyCallback          callback,
                                            gpointer                     user_data);
gboolean oms_pulled_body_summarize_finish  (GAsyncResult                *result,
                                            OmsPulledBodySummary        *summary);
gint64   oms_pulled_body_next_cursor       (OmsPulledBodyKind            kind,
                                            const OmsPulledBodySummary  *summary,
                                            gint64                       request_cursor);
gboolean oms_pulled_body_is_last           (OmsPulledBodyKind            kind,
                                            const OmsPulledBodySummary  *summary);

gboolean oms_sync_buffer_store_body        (OmsStore                    *store,
                                            OmsPulledBodyKind            kind,
                                            GBytes                      *body,
                                            const OmsPulledBodySummary  *summary,
                                            gint64                       request_cursor,
                                            gboolean                     has_source_site_id,
                                            gint64                       source_site_id,
                                            OmsSyncRun                  *progress,
                                            gint64                       now,
                                            gboolean                    *stored,
                                            GError                     **error);
void     oms_sync_buffer_store_body_async  (OmsStore                    *store,
                                            OmsPulledBodyKind            kind,
                                            GBytes                      *body,
                                            const OmsPulledBodySummary  *summary,
                                            gint64                       request_cursor,
                                            gboolean                     has_source_site_id,
                                            gint64                       source_site_id,
                                            const OmsSyncRun            *progress,
                                            gint64                       now,
                                            GCancellable                *cancellable,
                                            GAsyncReadyCallback          callback,
                                            gpointer                     user_data);
gboolean oms_sync_buffer_store_body_finish (OmsStore                    *store,
                                            GAsyncResult                *result,
                                            gboolean                    *stored,
                                            GError                     **error);

G_END_DECLS
