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
gboolean   oms_push_queue_jump_to_end (OmsStore           *store,
                                      GError             **error);

G_END_DECLS
