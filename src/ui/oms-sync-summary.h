/* oms-sync-summary.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-scheduler.h"
#include "oms-store.h"
#include "oms-sync-log.h"

G_BEGIN_DECLS

char       *oms_sync_summary_describe            (OmsStore          *store,
                                                  OmsNetworkWait     network_wait,
                                                  GError           **error);
char       *oms_sync_summary_describe_runs       (gboolean           configured,
                                                  const OmsSyncRun  *latest,
                                                  const OmsSyncRun  *success,
                                                  OmsNetworkWait     network_wait);
char       *oms_sync_summary_format_time         (gint64             usec,
                                                  gint64             now);
char       *oms_sync_summary_format_duration     (gint64             seconds);
char       *oms_sync_summary_format_queue        (gboolean           is_syncing,
                                                  gint64             queued);
char       *oms_sync_summary_format_last_success (const OmsSyncRun  *success,
                                                  gint64             now);
char       *oms_sync_summary_format_batch_sizes  (const OmsSyncRun  *run);

G_END_DECLS
