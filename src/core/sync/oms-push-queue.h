/* oms-push-queue.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-store.h"
#include "oms-translate.h"

G_BEGIN_DECLS

/* Records waiting to be pushed: distinct records in total, and per destination. */
typedef struct
{
  gint64 total;
  gint64 v5;
  gint64 v6;
} OmsPushQueueCounts;

/* One record waiting to be pushed, for people to see (oms_push_queue_list()). */
typedef struct
{
  gint64          cursor;
  char           *table_name;    /* local */
  char           *record_id;
  gboolean        is_delete;
  OmsPushTargets  targets;       /* the servers still to receive it */
  gint64          changed;       /* when it was changed, UTC µs; 0 when not known */
  char           *description;   /* oms_record_describe_stored() */
} OmsPendingRecord;

void       oms_pending_record_free   (OmsPendingRecord    *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsPendingRecord, oms_pending_record_free)

gboolean   oms_push_queue_count      (OmsStore            *store,
                                      OmsPushQueueCounts  *counts,
                                      GError             **error);
GPtrArray *oms_push_queue_read_batch (OmsStore            *store,
                                      OmsPushTargets       target,
                                      gint64               from_cursor,
                                      guint                limit,
                                      gint64              *last_cursor,
                                      gint64              *remaining,
                                      GError             **error);
GPtrArray *oms_push_queue_list       (OmsStore            *store,
                                      guint                limit,
                                      GError             **error);
gboolean   oms_push_queue_jump_to_end (OmsStore           *store,
                                      GError             **error);

G_END_DECLS
