/* oms-temperature-history.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-temperature-history"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-store-private.h"
#include "oms-temperature-history.h"

/* What the Cold chain page's chart draws for one sensor and period. A sensor logging every
 * minute writes 10,080 rows a week, so the logs are reduced in SQL to at most
 * OMS_TEMPERATURE_HISTORY_MAX_BUCKETS slices, each keeping its lowest, highest and mean
 * temperature: a short spike still shows, and the page never holds more than a few hundred
 * rows. Every read is a range on the temperature_log (sensor_id, datetime) index.
 *
 * Stored times are naive UTC text ("YYYY-MM-DDTHH:MM:SS", maybe with a fraction), which sorts
 * as time does, so the period is a text range and SQLite's unixepoch() (3.38) gives the seconds.
 */

static const char buckets_sql[] =
  "SELECT (unixepoch(datetime) - :from) / :bucket AS bucket,\n"
  "  MIN(temperature), MAX(temperature), AVG(temperature), COUNT(*)\n"
  "FROM temperature_log\n"
  "WHERE sensor_id = :sensor AND datetime >= :from_text AND datetime <= :to_text\n"
  "GROUP BY bucket ORDER BY bucket";

static const char latest_sql[] =
  "SELECT temperature, unixepoch(datetime)\n"
  "FROM temperature_log\n"
  "WHERE sensor_id = :sensor AND datetime <= :to_text\n"
  "ORDER BY datetime DESC, id DESC LIMIT 1";

/* A breach table holds a handful of rows per sensor, so these scan it. The limit keeps a
 * flood of bad rows from costing the window more than a moment.
 */
static const char breaches_sql[] =
  "SELECT type, unixepoch(start_datetime), unixepoch(end_datetime)\n"
  "FROM temperature_breach\n"
  "WHERE sensor_id = :sensor AND start_datetime <= :to_text\n"
  "  AND (end_datetime IS NULL OR end_datetime >= :from_text)\n"
  "ORDER BY start_datetime, id LIMIT 1000";

/* Open mSupply's breach configurations: a hot breach is a temperature from threshold_minimum
 * up (to an absurd maximum such as 100), a cold one up to threshold_maximum. Placeholder
 * breaches made for a log that named an unknown breach have 0 to 0, and say nothing.
 */
static const char upper_limit_sql[] =
  "SELECT threshold_minimum FROM temperature_breach\n"
  "WHERE sensor_id = :sensor AND type IN ('HOT_CONSECUTIVE', 'HOT_CUMULATIVE')\n"
  "  AND threshold_minimum < threshold_maximum\n"
  "ORDER BY start_datetime DESC, id LIMIT 1";

static const char lower_limit_sql[] =
  "SELECT threshold_maximum FROM temperature_breach\n"
  "WHERE sensor_id = :sensor AND type IN ('COLD_CONSECUTIVE', 'COLD_CUMULATIVE')\n"
  "  AND threshold_minimum < threshold_maximum\n"
  "ORDER BY start_datetime DESC, id LIMIT 1";

void
oms_temperature_history_free (OmsTemperatureHistory *history)
{
  if (history == NULL)
    return;

  g_clear_pointer (&history->buckets, g_array_unref);
  g_clear_pointer (&history->breaches, g_array_unref);
  g_free (history);
}

/**
 * oms_temperature_history_bucket_seconds:
 * @period: the length of the period in seconds
 *
 * Returns: the shortest round slice (a minute, 2, 5, 10, 15 or 30 minutes, an hour, …) that
 *   cuts @period into at most %OMS_TEMPERATURE_HISTORY_MAX_BUCKETS slices
 */
gint64
oms_temperature_history_bucket_seconds (gint64 period)
{
  static const gint64 sizes[] = { 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600,
                                  43200, 86400 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    if (period <= sizes[i] * OMS_TEMPERATURE_HISTORY_MAX_BUCKETS)
      return sizes[i];

  return (period + OMS_TEMPERATURE_HISTORY_MAX_BUCKETS - 1) / OMS_TEMPERATURE_HISTORY_MAX_BUCKETS;
}

static char *
format_stored_datetime (gint64 seconds)
{
  g_autoptr(GDateTime) datetime = g_date_time_new_from_unix_utc (seconds);

  if (datetime == NULL)
    return NULL;

  return g_date_time_format (datetime, "%Y-%m-%dT%H:%M:%S");
}

static gboolean
finish_read (OmsStore      *store,
             sqlite3_stmt  *stmt,
             int            rc,
             GError       **error)
{
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;

  oms_store_set_sql_error (store, error, _("read the temperature history"));
  return FALSE;
}

/* What every read of one history binds: its statements name only the parameters they use. */
typedef struct
{
  OmsStore   *store;
  const char *sensor_id;
  const char *from_text;
  const char *to_text;
  gint64      from;
  gint64      bucket_seconds;
} Period;

static void
bind_text (sqlite3_stmt *stmt,
           const char   *name,
           const char   *value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
}

static void
bind_int64 (sqlite3_stmt *stmt,
            const char   *name,
            gint64        value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_int64 (stmt, index, value);
}

static sqlite3_stmt *
prepare_period (const Period  *period,
                const char    *sql,
                GError       **error)
{
  sqlite3_stmt *stmt = oms_store_prepare (period->store, sql, error);

  if (stmt == NULL)
    return NULL;

  bind_text (stmt, ":sensor", period->sensor_id);
  bind_text (stmt, ":from_text", period->from_text);
  bind_text (stmt, ":to_text", period->to_text);
  bind_int64 (stmt, ":from", period->from);
  bind_int64 (stmt, ":bucket", period->bucket_seconds);

  return stmt;
}

static gboolean
load_buckets (const Period           *period,
              OmsTemperatureHistory  *history,
              GError                **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = prepare_period (period, buckets_sql, error)))
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OmsTemperatureBucket bucket;

      /* A datetime SQLite cannot read has no bucket; it is left out. */
      if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
        continue;

      bucket.start = history->from + sqlite3_column_int64 (stmt, 0) * history->bucket_seconds;
      bucket.minimum = sqlite3_column_double (stmt, 1);
      bucket.maximum = sqlite3_column_double (stmt, 2);
      bucket.mean = sqlite3_column_double (stmt, 3);
      bucket.n_logs = (guint) sqlite3_column_int64 (stmt, 4);

      if (history->n_logs == 0)
        {
          history->minimum = bucket.minimum;
          history->maximum = bucket.maximum;
        }
      history->minimum = MIN (history->minimum, bucket.minimum);
      history->maximum = MAX (history->maximum, bucket.maximum);
      history->n_logs += bucket.n_logs;
      g_array_append_val (history->buckets, bucket);
    }

  return finish_read (period->store, stmt, rc, error);
}

static gboolean
load_latest (const Period           *period,
             OmsTemperatureHistory  *history,
             GError                **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = prepare_period (period, latest_sql, error)))
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 1) != SQLITE_NULL)
    {
      history->has_latest = TRUE;
      history->latest = sqlite3_column_double (stmt, 0);
      history->latest_time = sqlite3_column_int64 (stmt, 1);
    }

  return finish_read (period->store, stmt, rc, error);
}

static gboolean
load_breaches (const Period           *period,
               OmsTemperatureHistory  *history,
               GError                **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = prepare_period (period, breaches_sql, error)))
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *type = (const char *) sqlite3_column_text (stmt, 0);
      OmsTemperatureBreachSpan span = { 0, };

      if (sqlite3_column_type (stmt, 1) == SQLITE_NULL)
        continue;

      span.start = sqlite3_column_int64 (stmt, 1);
      span.ongoing = sqlite3_column_type (stmt, 2) == SQLITE_NULL;
      span.end = span.ongoing ? history->to : sqlite3_column_int64 (stmt, 2);
      span.hot = type != NULL && g_str_has_prefix (type, "HOT_");
      if (span.end < span.start)
        span.end = span.start;
      g_array_append_val (history->breaches, span);
    }

  return finish_read (period->store, stmt, rc, error);
}

static gboolean
load_limit (const Period  *period,
            const char    *sql,
            gboolean      *has_limit,
            double        *limit,
            GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = prepare_period (period, sql, error)))
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *has_limit = TRUE;
      *limit = sqlite3_column_double (stmt, 0);
    }

  return finish_read (period->store, stmt, rc, error);
}

/**
 * oms_temperature_history_load:
 * @store: an #OmsStore
 * @sensor_id: the sensor
 * @from: the start of the period, Unix seconds
 * @to: the end of the period, Unix seconds, after @from
 *
 * Reads the sensor's temperature logs in the period, reduced to slices of
 * oms_temperature_history_bucket_seconds(), with the lowest and highest temperature, the
 * newest log, the breaches that overlap the period and the breach limits known for the sensor.
 *
 * Returns: (transfer full) (nullable): the history, or %NULL with @error set
 */
OmsTemperatureHistory *
oms_temperature_history_load (OmsStore    *store,
                              const char  *sensor_id,
                              gint64       from,
                              gint64       to,
                              GError     **error)
{
  g_autoptr(OmsTemperatureHistory) history = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  Period period;

  g_return_val_if_fail (OMS_IS_STORE (store), NULL);
  g_return_val_if_fail (sensor_id != NULL, NULL);
  g_return_val_if_fail (from < to, NULL);

  from_text = format_stored_datetime (from);
  to_text = format_stored_datetime (to);
  if (from_text == NULL || to_text == NULL)
    {
      g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_INVALID,
                   _("The period of the temperature history is out of range."));
      return NULL;
    }

  history = g_new0 (OmsTemperatureHistory, 1);
  history->from = from;
  history->to = to;
  history->bucket_seconds = oms_temperature_history_bucket_seconds (to - from);
  history->buckets = g_array_new (FALSE, FALSE, sizeof (OmsTemperatureBucket));
  history->breaches = g_array_new (FALSE, FALSE, sizeof (OmsTemperatureBreachSpan));

  period = (Period) {
    .store = store,
    .sensor_id = sensor_id,
    .from_text = from_text,
    .to_text = to_text,
    .from = from,
    .bucket_seconds = history->bucket_seconds,
  };

  if (!load_buckets (&period, history, error) ||
      !load_latest (&period, history, error) ||
      !load_breaches (&period, history, error) ||
      !load_limit (&period, upper_limit_sql,
                   &history->has_upper_limit, &history->upper_limit, error) ||
      !load_limit (&period, lower_limit_sql,
                   &history->has_lower_limit, &history->lower_limit, error))
    return NULL;

  return g_steal_pointer (&history);
}
