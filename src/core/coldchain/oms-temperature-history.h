/* oms-temperature-history.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "oms-store.h"

G_BEGIN_DECLS

/* The usual cold chain range for vaccines, used when a sensor's breach limits are unknown. */
#define OMS_TEMPERATURE_USUAL_MINIMUM 2.0
#define OMS_TEMPERATURE_USUAL_MAXIMUM 8.0

/* At most this many buckets per period, whatever the number of logs. */
#define OMS_TEMPERATURE_HISTORY_MAX_BUCKETS 400

/* The logs of one slice of the period; times are Unix seconds (UTC). */
typedef struct
{
  gint64 start;
  double minimum;
  double maximum;
  double mean;
  guint  n_logs;
} OmsTemperatureBucket;

/* A breach that overlaps the period. */
typedef struct
{
  gint64   start;
  gint64   end;                   /* the end of the period while it goes on */
  gboolean ongoing;
  gboolean hot;                   /* HOT_* type; otherwise cold or another type */
} OmsTemperatureBreachSpan;

typedef struct
{
  gint64    from;
  gint64    to;
  gint64    bucket_seconds;
  GArray   *buckets;              /* OmsTemperatureBucket with logs, oldest first */
  guint     n_logs;
  double    minimum;              /* over the period; only when n_logs > 0 */
  double    maximum;
  gboolean  has_latest;           /* the newest log at or before @to, maybe before @from */
  double    latest;
  gint64    latest_time;
  GArray   *breaches;             /* OmsTemperatureBreachSpan, oldest first */
  gboolean  has_upper_limit;      /* from the sensor's newest hot breach */
  double    upper_limit;
  gboolean  has_lower_limit;      /* from the sensor's newest cold breach */
  double    lower_limit;
} OmsTemperatureHistory;

void                   oms_temperature_history_free           (OmsTemperatureHistory  *history);
gint64                 oms_temperature_history_bucket_seconds (gint64                  period);
OmsTemperatureHistory *oms_temperature_history_load           (OmsStore               *store,
                                                               const char             *sensor_id,
                                                               gint64                  from,
                                                               gint64                  to,
                                                               GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsTemperatureHistory, oms_temperature_history_free)

G_END_DECLS
