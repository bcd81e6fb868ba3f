/* test-temperature-history.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "oms-store-private.h"
#include "oms-temperature-history.h"
#include "oms-test-util.h"

/* The chart's reads: a week of one-minute logs comes back as a few hundred slices that keep
 * a one-minute spike, the breaches that overlap the period, and the limits a sensor's
 * breaches give.
 */

typedef struct
{
  char     *data_dir;
  OmsStore *store;
} Fixture;

/* 2026-11-26T12:00:00Z */
#define END_TIME G_GINT64_CONSTANT (1795694400)
#define DAY      (24 * 3600)

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->data_dir = oms_test_make_tmp_dir ("omsync-test-temperature-history-XXXXXX");
  f->store = oms_store_open (f->data_dir, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->store);
  oms_test_remove_dir (f->data_dir);
  g_free (f->data_dir);
}

/* @n logs a minute apart ending at @end, 5.0 °C but for a minute at 12.5 °C in the middle. */
static void
insert_minute_logs (OmsStore *store,
                    guint     n,
                    gint64    end)
{
  g_autofree char *sql = NULL;

  sql = g_strdup_printf ("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n "
                         "WHERE i + 1 < %u)\n"
                         "INSERT INTO temperature_log (id, temperature, sensor_id, store_id, "
                         "datetime)\n"
                         "SELECT 'log-' || i, CASE WHEN i = %u THEN 12.5 ELSE 5.0 + (i %% 7) / "
                         "10.0 END, 'S1', 'store1', strftime('%%Y-%%m-%%dT%%H:%%M:%%S', "
                         "%" G_GINT64_FORMAT " - i * 60, 'unixepoch') FROM n",
                         n, n / 2, end);
  oms_test_exec_sql (store, sql);
}

static void
insert_breach (OmsStore   *store,
               const char *id,
               const char *type,
               const char *start,
               const char *end,
               double      minimum,
               double      maximum)
{
  g_autofree char *sql = NULL;

  sql = g_strdup_printf ("INSERT INTO temperature_breach (id, duration_milliseconds, type, "
                         "sensor_id, store_id, start_datetime, end_datetime, unacknowledged, "
                         "threshold_minimum, threshold_maximum, threshold_duration_milliseconds)"
                         " VALUES ('%s', 0, '%s', 'S1', 'store1', '%s', %s%s%s, 1, %g, %g, 0)",
                         id, type, start, end ? "'" : "", end ? end : "NULL", end ? "'" : "",
                         minimum, maximum);
  oms_test_exec_sql (store, sql);
}

static void
test_bucket_seconds (void)
{
  g_assert_cmpint (oms_temperature_history_bucket_seconds (3600), ==, 60);
  g_assert_cmpint (oms_temperature_history_bucket_seconds (DAY), ==, 300);
  g_assert_cmpint (oms_temperature_history_bucket_seconds (7 * DAY), ==, 1800);
  g_assert_cmpint (oms_temperature_history_bucket_seconds (31 * DAY), ==, 7200);
}

static void
test_week_of_minutes (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsTemperatureHistory) week = NULL;
  g_autoptr(OmsTemperatureHistory) day = NULL;
  guint n_logs = 0;

  insert_minute_logs (f->store, 7 * 24 * 60, END_TIME);

  week = oms_temperature_history_load (f->store, "S1", END_TIME - 7 * DAY, END_TIME, &error);
  g_assert_no_error (error);
  g_assert_nonnull (week);
  g_assert_cmpint (week->bucket_seconds, ==, 1800);
  g_assert_cmpuint (week->buckets->len, <=, OMS_TEMPERATURE_HISTORY_MAX_BUCKETS);
  g_assert_cmpuint (week->buckets->len, ==, 7 * 48 + 1);
  g_assert_cmpuint (week->n_logs, ==, 7 * 24 * 60);
  g_assert_cmpfloat_with_epsilon (week->minimum, 5.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (week->maximum, 12.5, 1e-9);
  g_assert_true (week->has_latest);
  g_assert_cmpint (week->latest_time, ==, END_TIME);
  g_assert_cmpfloat_with_epsilon (week->latest, 5.0, 1e-9);

  for (guint i = 0; i < week->buckets->len; i++)
    {
      const OmsTemperatureBucket *bucket = &g_array_index (week->buckets, OmsTemperatureBucket, i);

      g_assert_cmpint (bucket->start, >=, week->from);
      g_assert_cmpint (bucket->start, <=, week->to);
      g_assert_cmpint ((bucket->start - week->from) % 1800, ==, 0);
      g_assert_cmpfloat (bucket->minimum, <=, bucket->mean);
      g_assert_cmpfloat (bucket->mean, <=, bucket->maximum);
      if (i > 0)
        g_assert_cmpint (bucket->start, >, g_array_index (week->buckets, OmsTemperatureBucket,
                                                          i - 1).start);
      n_logs += bucket->n_logs;
    }
  g_assert_cmpuint (n_logs, ==, week->n_logs);

  /* The last day leaves the spike, three and a half days back, out; the period includes both
   * ends, so the log at exactly its start counts.
   */
  day = oms_temperature_history_load (f->store, "S1", END_TIME - DAY, END_TIME, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (day->n_logs, ==, 24 * 60 + 1);
  g_assert_cmpuint (day->buckets->len, ==, 24 * 12 + 1);
  g_assert_cmpfloat (day->maximum, <, 6.0);

  /* Another sensor's period is empty. */
  g_clear_pointer (&day, oms_temperature_history_free);
  day = oms_temperature_history_load (f->store, "S2", END_TIME - DAY, END_TIME, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (day->n_logs, ==, 0);
  g_assert_cmpuint (day->buckets->len, ==, 0);
  g_assert_false (day->has_latest);
}

static void
test_query_plan (Fixture       *f,
                 gconstpointer  data)
{
  /* The period is a range on the (sensor_id, datetime) index, not a scan of every log. */
  g_autoptr(GString) plan = g_string_new (NULL);
  sqlite3_stmt *stmt;
  g_autoptr(GError) error = NULL;

  stmt = oms_store_prepare (f->store,
                            "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM temperature_log "
                            "WHERE sensor_id = 'S1' AND datetime >= '2026-11-25T12:00:00' "
                            "AND datetime <= '2026-11-26T12:00:00'", &error);
  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", sqlite3_column_text (stmt, 3));
  sqlite3_reset (stmt);

  g_test_message ("%s", plan->str);
  g_assert_nonnull (strstr (plan->str, "temperature_log_sensor (sensor_id=? AND datetime>? "
                                       "AND datetime<?)"));
}

static void
test_breaches_and_limits (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsTemperatureHistory) day = NULL;
  const OmsTemperatureBreachSpan *span;

  /* Before the period, in it, across its start, still going; an unknown placeholder. */
  insert_breach (f->store, "B0", "HOT_CONSECUTIVE", "2026-11-20T08:00:00",
                 "2026-11-20T09:00:00", 9.0, 100.0);
  insert_breach (f->store, "B1", "HOT_CONSECUTIVE", "2026-11-26T08:00:00",
                 "2026-11-26T09:00:00", 8.0, 100.0);
  insert_breach (f->store, "B2", "COLD_CUMULATIVE", "2026-11-25T10:00:00",
                 "2026-11-25T13:00:00", -273.0, 3.0);
  insert_breach (f->store, "B3", "HOT_CUMULATIVE", "2026-11-26T11:00:00", NULL, 0.0, 0.0);

  day = oms_temperature_history_load (f->store, "S1", END_TIME - DAY, END_TIME, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (day->breaches->len, ==, 3);
  span = &g_array_index (day->breaches, OmsTemperatureBreachSpan, 0);
  g_assert_false (span->hot);
  g_assert_false (span->ongoing);
  g_assert_cmpint (span->start, ==, END_TIME - 26 * 3600);
  g_assert_cmpint (span->end, ==, END_TIME - 23 * 3600);
  span = &g_array_index (day->breaches, OmsTemperatureBreachSpan, 1);
  g_assert_true (span->hot);
  g_assert_cmpint (span->start, ==, END_TIME - 4 * 3600);
  g_assert_cmpint (span->end, ==, END_TIME - 3 * 3600);
  span = &g_array_index (day->breaches, OmsTemperatureBreachSpan, 2);
  g_assert_true (span->ongoing);
  g_assert_cmpint (span->end, ==, END_TIME);

  /* The newest hot breach with real limits says 8, the cold one 3; the placeholder nothing. */
  g_assert_true (day->has_upper_limit);
  g_assert_cmpfloat_with_epsilon (day->upper_limit, 8.0, 1e-9);
  g_assert_true (day->has_lower_limit);
  g_assert_cmpfloat_with_epsilon (day->lower_limit, 3.0, 1e-9);
}

static void
test_no_limits (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsTemperatureHistory) day = NULL;

  insert_breach (f->store, "B3", "HOT_CUMULATIVE", "2026-11-26T11:00:00", NULL, 0.0, 0.0);
  oms_test_exec_sql (f->store,
                     "INSERT INTO temperature_log (id, temperature, sensor_id, store_id, "
                     "datetime) VALUES ('old', 4.5, 'S1', 'store1', '2026-11-20T06:30:00')");

  day = oms_temperature_history_load (f->store, "S1", END_TIME - DAY, END_TIME, &error);
  g_assert_no_error (error);
  g_assert_false (day->has_upper_limit);
  g_assert_false (day->has_lower_limit);

  /* No log in the period, but the newest before it is known, for the empty state. */
  g_assert_cmpuint (day->n_logs, ==, 0);
  g_assert_true (day->has_latest);
  g_assert_cmpfloat_with_epsilon (day->latest, 4.5, 1e-9);
  g_assert_cmpint (day->latest_time, ==, END_TIME - 6 * DAY - 5 * 3600 - 1800);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/oms/temperature-history/bucket-seconds", test_bucket_seconds);
  g_test_add ("/oms/temperature-history/week-of-minutes", Fixture, NULL,
              fixture_set_up, test_week_of_minutes, fixture_tear_down);
  g_test_add ("/oms/temperature-history/query-plan", Fixture, NULL,
              fixture_set_up, test_query_plan, fixture_tear_down);
  g_test_add ("/oms/temperature-history/breaches-and-limits", Fixture, NULL,
              fixture_set_up, test_breaches_and_limits, fixture_tear_down);
  g_test_add ("/oms/temperature-history/no-limits", Fixture, NULL,
              fixture_set_up, test_no_limits, fixture_tear_down);

  return g_test_run ();
}
