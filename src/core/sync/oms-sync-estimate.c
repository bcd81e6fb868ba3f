/* oms-sync-estimate.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-estimate"

#include "config.h"

#include "oms-sync-estimate.h"

/* The time left of a step from its rate. A first sync on a bad line has bursts and pauses, so
 * the rate is sampled at most once a second and smoothed, and nothing is said until the step
 * has run for a while with progress: a wrong estimate is worse than none (issue 13). Only the
 * running step is estimated: later steps learn their totals when they start.
 */

#define SAMPLE_INTERVAL_US  G_USEC_PER_SEC
#define STEADY_AFTER_US     (5 * G_USEC_PER_SEC)
#define STEADY_AFTER_RATES  3
#define SMOOTHING           0.3

void
oms_sync_estimate_reset (OmsSyncEstimate *estimate)
{
  g_return_if_fail (estimate != NULL);

  *estimate = (OmsSyncEstimate) { .step = -1 };
}

/**
 * oms_sync_estimate_update:
 * @estimate: an estimate
 * @step: the running step, or -1 when none runs
 * @done: how many of its records are done
 * @total: of how many, or 0 when not known yet
 * @now: monotonic µs
 *
 * Feeds one observation; a new step, or a count going back, starts the measure again.
 */
void
oms_sync_estimate_update (OmsSyncEstimate *estimate,
                          int              step,
                          gint64           done,
                          gint64           total,
                          gint64           now)
{
  g_return_if_fail (estimate != NULL);

  if (step < 0 || total <= 0)
    {
      oms_sync_estimate_reset (estimate);
      return;
    }

  if (step != estimate->step || done < estimate->last_done || estimate->first_time == 0)
    {
      oms_sync_estimate_reset (estimate);
      estimate->step = step;
      estimate->first_time = estimate->last_time = now;
      estimate->first_done = estimate->last_done = done;
      estimate->total = total;
      return;
    }

  estimate->total = total;
  if (now - estimate->last_time < SAMPLE_INTERVAL_US)
    return;

  {
    double rate = (double) (done - estimate->last_done) * G_USEC_PER_SEC /
                  (double) (now - estimate->last_time);

    estimate->rate = estimate->n_rates == 0 ? rate
                                            : SMOOTHING * rate + (1 - SMOOTHING) * estimate->rate;
    estimate->n_rates++;
    estimate->last_time = now;
    estimate->last_done = done;
  }
}

/**
 * oms_sync_estimate_get_seconds_left:
 *
 * Returns: the seconds the step has left, or -1 while the rate is not steady yet
 */
gint64
oms_sync_estimate_get_seconds_left (const OmsSyncEstimate *estimate)
{
  gint64 left;

  g_return_val_if_fail (estimate != NULL, -1);

  if (estimate->step < 0 || estimate->n_rates < STEADY_AFTER_RATES ||
      estimate->last_time - estimate->first_time < STEADY_AFTER_US ||
      estimate->last_done <= estimate->first_done || estimate->rate <= 0)
    return -1;

  left = estimate->total - estimate->last_done;
  if (left <= 0)
    return 0;

  return (gint64) (left / estimate->rate + 0.5);
}
