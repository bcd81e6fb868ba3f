/* oms-sync-estimate.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How long the running step has left, from its own rate once that rate is steady. */
typedef struct
{
  int     step;          /* the step measured, or -1 */
  gint64  first_time;    /* monotonic µs of the first sample of the step */
  gint64  first_done;
  gint64  last_time;
  gint64  last_done;
  gint64  total;
  double  rate;          /* records per second, smoothed */
  guint   n_rates;       /* how many rate samples the smoothing has seen */
} OmsSyncEstimate;

void    oms_sync_estimate_reset            (OmsSyncEstimate *estimate);
void    oms_sync_estimate_update           (OmsSyncEstimate *estimate,
                                            int              step,
                                            gint64           done,
                                            gint64           total,
                                            gint64           now);
gint64  oms_sync_estimate_get_seconds_left (const OmsSyncEstimate *estimate);

G_END_DECLS
