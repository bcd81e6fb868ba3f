/* oms-sync-log.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-log"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "oms-store-private.h"
#include "oms-sync-log.h"

/* The sync_log table follows Open mSupply's logger (PROTOCOL.md §5.1): a row per run, each
 * step's start and finish, progress whose total is fixed by the first report, and an error
 * that leaves finished_datetime empty. OmsSyncRun is that row in memory; the engine updates
 * it and saves it at every change it makes visible.
 */

G_DEFINE_BOXED_TYPE (OmsSyncRun, oms_sync_run, oms_sync_run_copy, oms_sync_run_free)

OmsSyncRun *
oms_sync_run_copy (const OmsSyncRun *run)
{
  OmsSyncRun *copy;

  g_return_val_if_fail (run != NULL, NULL);

  copy = g_memdup2 (run, sizeof *run);
  copy->id = g_strdup (run->id);
  copy->error_message = g_strdup (run->error_message);
  copy->error_code = g_strdup (run->error_code);
  copy->batch_sizes = g_strdup (run->batch_sizes);
  copy->error_info = g_strdup (run->error_info);

  return copy;
}

void
oms_sync_run_free (OmsSyncRun *run)
{
  if (run == NULL)
    return;

  g_free (run->id);
  g_free (run->error_message);
  g_free (run->error_code);
  g_free (run->batch_sizes);
  g_free (run->error_info);
  g_free (run);
}

/* As Open mSupply derives isSyncing: no finish and no error. */
gboolean
oms_sync_run_is_syncing (const OmsSyncRun *run)
{
  return run != NULL && run->finished == 0 && run->error_message == NULL &&
         run->error_code == NULL && !run->interrupted;
}

gboolean
oms_sync_run_is_successful (const OmsSyncRun *run)
{
  return run != NULL && run->finished != 0 && run->error_message == NULL;
}

/**
 * oms_sync_run_get_open_step:
 * @run: (nullable): a run
 *
 * Returns: the last step of @run that started and did not finish (where a failed run stopped),
 *   or -1
 */
int
oms_sync_run_get_open_step (const OmsSyncRun *run)
{
  for (int i = OMS_SYNC_N_STEPS - 1; run != NULL && i >= 0; i--)
    {
      if (run->steps[i].started != 0 && run->steps[i].finished == 0)
        return i;
    }

  return -1;
}

static void
update_duration (OmsSyncRun *run,
                 gint64      now)
{
  run->duration_seconds = MAX (0, (now - run->started) / G_USEC_PER_SEC);
}

void
oms_sync_run_start_step (OmsSyncRun  *run,
                         OmsSyncStep  step,
                         gint64       now)
{
  g_return_if_fail (step < OMS_SYNC_N_STEPS);

  run->steps[step].started = now;
  update_duration (run, now);
}

void
oms_sync_run_finish_step (OmsSyncRun  *run,
                          OmsSyncStep  step,
                          gint64       now)
{
  g_return_if_fail (step < OMS_SYNC_N_STEPS);

  run->steps[step].finished = now;
  update_duration (run, now);
}

/* The first report fixes the total; later ones only move done = total − remaining. */
void
oms_sync_run_set_remaining (OmsSyncRun  *run,
                            OmsSyncStep  step,
                            gint64       remaining)
{
  OmsSyncStepProgress *progress;

  g_return_if_fail (step < OMS_SYNC_N_STEPS);

  progress = &run->steps[step];
  remaining = MAX (0, remaining);

  if (!progress->has_total)
    {
      progress->has_total = TRUE;
      progress->total = remaining;
      progress->done = 0;
    }
  else
    {
      progress->done = CLAMP (progress->total - remaining, 0, progress->total);
    }
}

/*
 * Time and ids
 */

/**
 * oms_sync_format_timestamp:
 * @usec: UTC microseconds since the epoch
 *
 * Returns: (transfer full) (nullable): the time as Open mSupply stores it (UTC, no zone,
 *   e.g. "2026-11-26 10:04:05.123456"), or %NULL for 0
 */
char *
oms_sync_format_timestamp (gint64 usec)
{
  g_autoptr(GDateTime) time = NULL;

  if (usec == 0)
    return NULL;

  time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  if (time == NULL)
    return NULL;

  return g_strdup_printf ("%04d-%02d-%02d %02d:%02d:%02d.%06d",
                          g_date_time_get_year (time), g_date_time_get_month (time),
                          g_date_time_get_day_of_month (time), g_date_time_get_hour (time),
                          g_date_time_get_minute (time), g_date_time_get_second (time),
                          (int) (usec % G_USEC_PER_SEC));
}

gboolean
oms_sync_parse_timestamp (const char *text,
                          gint64     *usec)
{
  g_autoptr(GDateTime) time = NULL;
  int year, month, day, hour, minute, second;
  int consumed = 0;
  gint64 fraction = 0;

  *usec = 0;
  if (text == NULL)
    return FALSE;

  if (sscanf (text, "%4d-%2d-%2d%*1[ T]%2d:%2d:%2d%n",
              &year, &month, &day, &hour, &minute, &second, &consumed) != 6)
    return FALSE;

  if (text[consumed] == '.')
    {
      const char *digits = text + consumed + 1;
      gint64 scale = 100000;

      for (; g_ascii_isdigit (*digits) && scale > 0; digits++, scale /= 10)
        fraction += (*digits - '0') * scale;
    }

  time = g_date_time_new_utc (year, month, day, hour, minute, second);
  if (time == NULL)
    return FALSE;

  *usec = g_date_time_to_unix (time) * G_USEC_PER_SEC + fraction;
  return TRUE;
}

/**
 * oms_sync_new_uuid_v7:
 *
 * Returns: (transfer full): a time-ordered UUID (version 7), as Open mSupply uses for
 *   sync_log ids
 */
char *
oms_sync_new_uuid_v7 (gint64 now)
{
  guint64 ms = (guint64) (now / 1000);
  guint8 bytes[16];

  for (guint i = 0; i < 6; i++)
    bytes[i] = (guint8) (ms >> (8 * (5 - i)));
  for (guint i = 6; i < 16; i++)
    bytes[i] = (guint8) g_random_int_range (0, 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                          "%02x%02x%02x%02x%02x%02x",
                          bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5],
                          bytes[6], bytes[7], bytes[8], bytes[9], bytes[10], bytes[11],
                          bytes[12], bytes[13], bytes[14], bytes[15]);
}

/*
 * The table
 */

/* Step columns in a fixed order, shared by reads and writes. */
static const char *
step_columns_sql (void)
{
  static char *columns = NULL;

  if (g_once_init_enter (&columns))
    {
      GString *sql = g_string_new (NULL);

      for (guint i = 0; i < OMS_SYNC_N_STEPS; i++)
        {
          const char *prefix = oms_sync_step_get_column_prefix (i);

          g_string_append_printf (sql, ", %s_started_datetime, %s_finished_datetime",
                                  prefix, prefix);
          if (oms_sync_step_has_progress (i))
            g_string_append_printf (sql, ", %s_progress_total, %s_progress_done",
                                    prefix, prefix);
        }

      g_once_init_leave (&columns, g_string_free (sql, FALSE));
    }

  return columns;
}

#define RUN_COLUMNS_BEFORE "id, started_datetime, finished_datetime"
#define RUN_COLUMNS_AFTER  ", error_message, error_code, duration_in_seconds, interrupted"
/* omsync's own figures for a run, kept beside Open mSupply's row (schema 6). */
#define RUN_DETAIL_COLUMNS ", coalesce (bytes_down, 0), coalesce (bytes_up, 0), batch_sizes, " \
                           "error_info"
#define RUN_FROM           " FROM sync_log LEFT JOIN sync_log_detail ON sync_log_id = id"

static void
bind_timestamp (sqlite3_stmt *stmt,
                int           index,
                gint64        usec)
{
  char *text = oms_sync_format_timestamp (usec);

  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, g_free);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_optional_text (sqlite3_stmt *stmt,
                    int           index,
                    const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* Binds every column after the id, in the order of the column lists above. */
static int
bind_run (sqlite3_stmt     *stmt,
          int               index,
          const OmsSyncRun *run)
{
  bind_timestamp (stmt, index++, run->started);
  bind_timestamp (stmt, index++, run->finished);

  for (guint i = 0; i < OMS_SYNC_N_STEPS; i++)
    {
      const OmsSyncStepProgress *step = &run->steps[i];

      bind_timestamp (stmt, index++, step->started);
      bind_timestamp (stmt, index++, step->finished);
      if (oms_sync_step_has_progress (i))
        {
          if (step->has_total)
            {
              sqlite3_bind_int64 (stmt, index++, step->total);
              sqlite3_bind_int64 (stmt, index++, step->done);
            }
          else
            {
              sqlite3_bind_null (stmt, index++);
              sqlite3_bind_null (stmt, index++);
            }
        }
    }

  bind_optional_text (stmt, index++, run->error_message);
  bind_optional_text (stmt, index++, run->error_code);
  sqlite3_bind_int64 (stmt, index++, run->duration_seconds);
  sqlite3_bind_int (stmt, index++, run->interrupted);

  return index;
}

static gint64
column_timestamp (sqlite3_stmt *stmt,
                  int           index)
{
  gint64 usec = 0;

  if (sqlite3_column_type (stmt, index) != SQLITE_NULL)
    oms_sync_parse_timestamp ((const char *) sqlite3_column_text (stmt, index), &usec);

  return usec;
}

static OmsSyncRun *
read_run (sqlite3_stmt *stmt)
{
  OmsSyncRun *run = g_new0 (OmsSyncRun, 1);
  int index = 0;

  run->id = g_strdup ((const char *) sqlite3_column_text (stmt, index++));
  run->started = column_timestamp (stmt, index++);
  run->finished = column_timestamp (stmt, index++);

  for (guint i = 0; i < OMS_SYNC_N_STEPS; i++)
    {
      OmsSyncStepProgress *step = &run->steps[i];

      step->started = column_timestamp (stmt, index++);
      step->finished = column_timestamp (stmt, index++);
      if (oms_sync_step_has_progress (i))
        {
          step->has_total = sqlite3_column_type (stmt, index) != SQLITE_NULL;
          step->total = sqlite3_column_int64 (stmt, index++);
          step->done = sqlite3_column_int64 (stmt, index++);
        }
    }

  run->error_message = g_strdup ((const char *) sqlite3_column_text (stmt, index++));
  run->error_code = g_strdup ((const char *) sqlite3_column_text (stmt, index++));
  run->duration_seconds = sqlite3_column_int64 (stmt, index++);
  run->interrupted = sqlite3_column_int (stmt, index++) != 0;
  run->bytes_down = sqlite3_column_int64 (stmt, index++);
  run->bytes_up = sqlite3_column_int64 (stmt, index++);
  run->batch_sizes = g_strdup ((const char *) sqlite3_column_text (stmt, index++));
  run->error_info = g_strdup ((const char *) sqlite3_column_text (stmt, index++));

  return run;
}

static char *
parameter_marks (guint n)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (text, i ? ", ?" : "?");

  return g_string_free (text, FALSE);
}

static guint
count_run_columns (void)
{
  guint n = 3 + 4;

  for (guint i = 0; i < OMS_SYNC_N_STEPS; i++)
    n += oms_sync_step_has_progress (i) ? 4 : 2;

  return n;
}

/**
 * oms_sync_log_start_run:
 *
 * Inserts the row for a new run (step 0 of PROTOCOL.md §1).
 *
 * Returns: (transfer full) (nullable): the run
 */
OmsSyncRun *
oms_sync_log_start_run (OmsStore  *store,
                        gint64     now,
                        GError   **error)
{
  g_autoptr(OmsSyncRun) run = g_new0 (OmsSyncRun, 1);
  g_autofree char *marks = parameter_marks (count_run_columns ());
  g_autofree char *sql = g_strdup_printf ("INSERT INTO sync_log (" RUN_COLUMNS_BEFORE "%s"
                                          RUN_COLUMNS_AFTER ") VALUES (%s)",
                                          step_columns_sql (), marks);
  sqlite3_stmt *stmt;
  int rc;

  run->id = oms_sync_new_uuid_v7 (now);
  run->started = now;

  stmt = oms_store_prepare (store, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, run->id, -1, SQLITE_TRANSIENT);
  bind_run (stmt, 2, run);
  /* The log is bookkeeping written on the main thread: see oms_store_set_relaxed(). The
   * run's end is written durably (oms_sync_log_finish(), oms_sync_log_fail()), and the
   * checkpoint after each run makes everything durable in a worker; lost in a power cut
   * before that, a run shows as interrupted or not at all, and the next one repeats it.
   */
  oms_store_set_relaxed (store, TRUE);
  rc = sqlite3_step (stmt);
  oms_store_set_relaxed (store, FALSE);
  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("record the start of a sync"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&run);
}

/* Writes @run's bytes, batch sizes and error info into sync_log_detail; returns the SQLite
 * result code.
 */
static int
save_run_detail (OmsStore         *store,
                 const OmsSyncRun *run)
{
  sqlite3_stmt *stmt;
  int rc;

  if (run->bytes_down == 0 && run->bytes_up == 0 && run->batch_sizes == NULL &&
      run->error_info == NULL)
    return SQLITE_DONE;

  stmt = oms_store_prepare (store,
                            "INSERT INTO sync_log_detail (sync_log_id, bytes_down, bytes_up, "
                            "  batch_sizes, error_info) VALUES (?1, ?2, ?3, ?4, ?5) "
                            "ON CONFLICT (sync_log_id) DO UPDATE SET bytes_down = ?2, "
                            "  bytes_up = ?3, batch_sizes = ?4, error_info = ?5", NULL);
  if (stmt == NULL)
    return SQLITE_ERROR;

  sqlite3_bind_text (stmt, 1, run->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, run->bytes_down);
  sqlite3_bind_int64 (stmt, 3, run->bytes_up);
  bind_optional_text (stmt, 4, run->batch_sizes);
  bind_optional_text (stmt, 5, run->error_info);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  return rc;
}

/* Writes the whole in-memory @run over its row; @relaxed as oms_store_set_relaxed(). */
static gboolean
save_run (OmsStore          *store,
          const OmsSyncRun  *run,
          gboolean           relaxed,
          GError           **error)
{
  static char *sql = NULL;
  sqlite3_stmt *stmt;
  int index;
  int rc;

  if (g_once_init_enter (&sql))
    {
      g_auto(GStrv) columns = NULL;
      GString *text = g_string_new ("UPDATE sync_log SET ");
      g_autofree char *list = g_strdup_printf ("started_datetime, finished_datetime%s"
                                               RUN_COLUMNS_AFTER, step_columns_sql ());

      columns = g_strsplit (list, ", ", -1);
      for (guint i = 0; columns[i] != NULL; i++)
        g_string_append_printf (text, "%s%s = ?%u", i ? ", " : "", columns[i], i + 1);
      g_string_append_printf (text, " WHERE id = ?%u", g_strv_length (columns) + 1);

      g_once_init_leave (&sql, g_string_free (text, FALSE));
    }

  stmt = oms_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  index = bind_run (stmt, 1, run);
  sqlite3_bind_text (stmt, index, run->id, -1, SQLITE_TRANSIENT);

  oms_store_set_relaxed (store, relaxed);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    rc = save_run_detail (store, run);
  oms_store_set_relaxed (store, FALSE);
  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("record sync progress"));
      return FALSE;
    }

  return TRUE;
}

/**
 * oms_sync_log_save:
 *
 * Writes the whole in-memory @run over its row: a step's start, end or progress, committed
 * relaxed (oms_sync_log_start_run()).
 */
gboolean
oms_sync_log_save (OmsStore          *store,
                   const OmsSyncRun  *run,
                   GError           **error)
{
  return save_run (store, run, TRUE, error);
}

/**
 * oms_sync_log_fail:
 * @error_message: the full technical error (Open mSupply's `fullError`)
 * @error_code: (nullable): the stored code, or %NULL for UNKNOWN
 *
 * Records the error that ended @run, with @run's error_info when it has one.
 * finished_datetime stays empty, as in Open mSupply.
 */
gboolean
oms_sync_log_fail (OmsStore    *store,
                   OmsSyncRun  *run,
                   const char  *error_message,
                   const char  *error_code,
                   gint64       now,
                   GError     **error)
{
  g_free (run->error_message);
  run->error_message = g_strdup (error_message);
  g_free (run->error_code);
  run->error_code = g_strdup (error_code);
  update_duration (run, now);

  return save_run (store, run, FALSE, error);
}

/* Durable, like oms_sync_log_fail(): whether the site is initialised is read from the log,
 * and a lost end of the first run would have the next run initialise again, moving the push
 * cursors past local changes made meanwhile.
 */
gboolean
oms_sync_log_finish (OmsStore    *store,
                     OmsSyncRun  *run,
                     gint64       now,
                     GError     **error)
{
  run->finished = now;
  update_duration (run, now);

  return save_run (store, run, FALSE, error);
}

/**
 * oms_sync_log_close_interrupted:
 *
 * Closes every run that has neither a finish nor an error: it was cut short when omsync
 * stopped, and must not show as syncing.
 *
 * Returns: the number of runs closed, or -1 on failure
 */
int
oms_sync_log_close_interrupted (OmsStore  *store,
                                GError   **error)
{
  sqlite3_stmt *stmt;

  stmt = oms_store_prepare (store,
                            "UPDATE sync_log SET interrupted = 1, error_message = ?1 "
                            "WHERE finished_datetime IS NULL AND error_message IS NULL "
                            "AND error_code IS NULL",
                            error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_text (stmt, 1, _("The sync was interrupted because omsync stopped before it "
                                "finished."), -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("close an interrupted sync"));
      sqlite3_reset (stmt);
      return -1;
    }
  sqlite3_reset (stmt);

  return sqlite3_changes (oms_store_get_db (store));
}

static GPtrArray *
select_runs (OmsStore    *store,
             const char  *where_order_limit,
             guint        limit,
             GError     **error)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_sync_run_free);
  g_autofree char *sql = g_strdup_printf ("SELECT " RUN_COLUMNS_BEFORE "%s" RUN_COLUMNS_AFTER
                                          RUN_DETAIL_COLUMNS RUN_FROM " %s",
                                          step_columns_sql (), where_order_limit);
  sqlite3_stmt *stmt;
  int rc;

  stmt = oms_store_prepare (store, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, limit > 0 ? (gint64) limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (runs, read_run (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("read the sync history"));
      return NULL;
    }

  return g_steal_pointer (&runs);
}

static OmsSyncRun *
select_one (OmsStore    *store,
            const char  *where_order,
            GError     **error)
{
  g_autofree char *clause = g_strdup_printf ("%s LIMIT ?1", where_order);
  g_autoptr(GPtrArray) runs = select_runs (store, clause, 1, error);

  if (runs == NULL || runs->len == 0)
    return NULL;

  return g_ptr_array_steal_index (runs, 0);
}

/**
 * oms_sync_log_get_latest:
 *
 * Returns: (transfer full) (nullable): the newest run by start, or %NULL when there is none
 *   (with @error unset)
 */
OmsSyncRun *
oms_sync_log_get_latest (OmsStore  *store,
                         GError   **error)
{
  return select_one (store, "ORDER BY started_datetime DESC", error);
}

/**
 * oms_sync_log_get_last_successful:
 *
 * Returns: (transfer full) (nullable): the newest run that finished without error
 */
OmsSyncRun *
oms_sync_log_get_last_successful (OmsStore  *store,
                                  GError   **error)
{
  return select_one (store,
                     "WHERE finished_datetime IS NOT NULL AND error_message IS NULL "
                     "ORDER BY started_datetime DESC",
                     error);
}

/**
 * oms_sync_log_list:
 * @limit: the most runs to return, 0 for all
 *
 * Returns: (transfer full) (element-type OmsSyncRun) (nullable): runs, newest first
 */
GPtrArray *
oms_sync_log_list (OmsStore  *store,
                   guint      limit,
                   GError   **error)
{
  return select_runs (store, "ORDER BY started_datetime DESC LIMIT ?1", limit, error);
}

/**
 * oms_sync_log_sum_bytes_since:
 * @store: the store
 * @since: UTC microseconds since the epoch: runs that started then or later count
 * @out_down: (out): their bytes received, in total
 * @out_up: (out): their bytes sent, in total
 * @error: return location for an error
 *
 * The data runs used (OmsSyncRun's bytes_down and bytes_up), e.g. this month's.
 *
 * Returns: %TRUE if the history could be read
 */
gboolean
oms_sync_log_sum_bytes_since (OmsStore  *store,
                              gint64     since,
                              gint64    *out_down,
                              gint64    *out_up,
                              GError   **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *out_down = 0;
  *out_up = 0;
  stmt = oms_store_prepare (store,
                            "SELECT coalesce (sum (bytes_down), 0), coalesce (sum (bytes_up), 0)"
                            RUN_FROM " WHERE started_datetime >= ?1", error);
  if (stmt == NULL)
    return FALSE;

  bind_timestamp (stmt, 1, since);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_down = sqlite3_column_int64 (stmt, 0);
      *out_up = sqlite3_column_int64 (stmt, 1);
    }
  else
    oms_store_set_sql_error (store, error, _("read the sync history"));
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW;
}

static gboolean
exists (OmsStore    *store,
        const char  *sql,
        gint64       now,
        GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = oms_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  if (now != 0)
    bind_timestamp (stmt, 1, now);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    oms_store_set_sql_error (store, error, _("read the sync history"));
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW;
}

/* Initialised once any run has finished (PROTOCOL.md §1 step 3). */
gboolean
oms_sync_log_is_initialised (OmsStore  *store,
                             GError   **error)
{
  return exists (store, "SELECT 1 FROM sync_log WHERE finished_datetime IS NOT NULL LIMIT 1",
                 0, error);
}

/* The legacy central has filled this site's queue once any run got past Prepare. */
gboolean
oms_sync_log_is_queue_initialised (OmsStore  *store,
                                   gint64     now,
                                   GError   **error)
{
  return exists (store,
                 "SELECT 1 FROM sync_log WHERE prepare_initial_finished_datetime <= ?1 LIMIT 1",
                 now, error);
}
