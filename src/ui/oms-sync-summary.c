/* oms-sync-summary.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-summary"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "oms-locale.h"
#include "oms-sync-log.h"
#include "oms-sync-settings.h"
#include "oms-sync-summary.h"

/* The step a running sync is on: the last one started and not finished. */
static int
current_step (const OmsSyncRun *run)
{
  for (int step = OMS_SYNC_N_STEPS - 1; step >= 0; step--)
    {
      if (run->steps[step].started != 0 && run->steps[step].finished == 0)
        return step;
    }

  return -1;
}

static char *
describe_age (gint64 finished)
{
  gint64 minutes = MAX (0, (g_get_real_time () - finished) / G_USEC_PER_SEC / 60);

  if (minutes < 1)
    return g_strdup (_("Synced just now"));
  if (minutes < 60)
    /* Translators: %d is a number of minutes since the last successful sync. */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Synced %d minute ago",
                                         "Synced %d minutes ago", (gulong) minutes),
                            (int) minutes);
  if (minutes < 24 * 60)
    /* Translators: %d is a number of hours since the last successful sync. */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Synced %d hour ago",
                                         "Synced %d hours ago", (gulong) (minutes / 60)),
                            (int) (minutes / 60));

  /* Translators: %d is a number of days since the last successful sync. */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Synced %d day ago",
                                       "Synced %d days ago", (gulong) (minutes / (24 * 60))),
                          (int) (minutes / (24 * 60)));
}

/**
 * oms_sync_summary_describe_runs:
 * @configured: whether the site has sync settings
 * @latest: (nullable): the newest run
 * @success: (nullable): the newest successful run
 * @network_wait: what timed syncs wait for (#OmsScheduler:network-wait)
 *
 * The short status line of the Sync row: "Syncing… Pull central", "Offline — will sync when
 * connected", "Sync error", "Synced 3 minutes ago", "Never synced".
 *
 * Returns: (transfer full): a translated sentence
 */
char *
oms_sync_summary_describe_runs (gboolean          configured,
                                const OmsSyncRun *latest,
                                const OmsSyncRun *success,
                                OmsNetworkWait    network_wait)
{
  if (!configured)
    return g_strdup (_("Not configured yet"));

  if (oms_sync_run_is_syncing (latest))
    {
      int step = current_step (latest);

      if (step >= 0)
        /* Translators: %s is a step of the sync, e.g. "Pull central". */
        return g_strdup_printf (_("Syncing… %s"), oms_sync_step_get_label (step));
      return g_strdup (_("Syncing…"));
    }

  /* Before an error: a connection error while offline says nothing more. */
  if (network_wait == OMS_NETWORK_WAIT_OFFLINE)
    return g_strdup (_("Offline — will sync when connected"));
  if (network_wait == OMS_NETWORK_WAIT_METERED)
    return g_strdup (_("Metered connection — automatic syncs wait"));

  if (latest != NULL && latest->error_message != NULL && !latest->interrupted)
    /* Translators: a short state shown in the sidebar: the last sync failed (a noun). */
    return g_strdup (_("Sync error"));

  if (success != NULL)
    return describe_age (success->finished);

  return g_strdup (_("Never synced"));
}

/**
 * oms_sync_summary_describe:
 * @store: an #OmsStore
 * @network_wait: what timed syncs wait for
 * @error: a location for a #GError
 *
 * Says in a few words where the site stands with synchronisation, for the Sync row of the
 * sidebar and the Sync group of the Overview page, so both always agree. It reads the sync
 * log, which the engine keeps current as it runs.
 *
 * Returns: (transfer full) (nullable): a translated sentence, or %NULL with @error set when
 *   the store cannot be read
 */
char *
oms_sync_summary_describe (OmsStore        *store,
                           OmsNetworkWait   network_wait,
                           GError         **error)
{
  g_autofree char *url = NULL;
  g_autoptr(OmsSyncRun) latest = NULL;
  g_autoptr(OmsSyncRun) success = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (OMS_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  url = oms_store_kv_get_string (store, OMS_KV_SYNC_URL, &local_error);
  if (local_error == NULL)
    latest = oms_sync_log_get_latest (store, &local_error);
  if (local_error == NULL)
    success = oms_sync_log_get_last_successful (store, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return oms_sync_summary_describe_runs (url != NULL && url[0] != '\0', latest, success,
                                         network_wait);
}

/**
 * oms_sync_summary_format_time:
 * @usec: a time, UTC microseconds since the epoch
 * @now: the time now, in the same unit
 *
 * Returns: (transfer full): the local time of day when @usec is today, else the date and time
 */
char *
oms_sync_summary_format_time (gint64 usec,
                              gint64 now)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) utc_now = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) local_now = NULL;

  if (utc == NULL || utc_now == NULL)
    return g_strdup ("?");

  local = g_date_time_to_local (utc);
  local_now = g_date_time_to_local (utc_now);

  if (g_date_time_get_year (local) == g_date_time_get_year (local_now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (local_now))
    return oms_locale_format_time (local);

  return oms_locale_format_date_time (local);
}

/**
 * oms_sync_summary_format_duration:
 * @seconds: a duration
 *
 * Formats like Open mSupply: hours and minutes when there are any, seconds always
 * ("1 hour 2 minutes 5 seconds", "0 seconds").
 *
 * Returns: (transfer full): the translated duration
 */
char *
oms_sync_summary_format_duration (gint64 seconds)
{
  GString *text = g_string_new (NULL);
  int hours;
  int minutes;
  int secs;

  seconds = CLAMP (seconds, 0, (gint64) G_MAXINT);
  hours = (int) (seconds / 3600);
  minutes = (int) (seconds / 60 % 60);
  secs = (int) (seconds % 60);

  if (hours > 0)
    {
      /* Translators: part of a duration, e.g. “1 hour 5 minutes 3 seconds”. */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours",
                                                 (gulong) hours), hours);
      g_string_append_c (text, ' ');
    }
  if (minutes > 0)
    {
      /* Translators: part of a duration, e.g. “1 hour 5 minutes 3 seconds”. */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes",
                                                 (gulong) minutes), minutes);
      g_string_append_c (text, ' ');
    }
  /* Translators: part of a duration, e.g. “1 hour 5 minutes 3 seconds”. */
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%d second", "%d seconds",
                                             (gulong) secs), secs);

  return g_string_free (text, FALSE);
}

/**
 * oms_sync_summary_format_queue:
 * @is_syncing: whether a sync runs
 * @queued: the number of distinct records waiting to be pushed
 *
 * Returns: (transfer full): the status line of the sync status window
 */
char *
oms_sync_summary_format_queue (gboolean is_syncing,
                               gint64   queued)
{
  g_autofree char *count = NULL;

  if (is_syncing)
    return g_strdup (_("Syncing…"));

  if (queued <= 0)
    return g_strdup (_("There are no records to push"));

  count = oms_locale_format_count (queued);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       /* Translators: %s is a number of records stored here that
                                        * the next sync sends (pushes) to the central server,
                                        * with the locale's digit grouping: “1,204”. */
                                       "There is %s record to push",
                                       "There are %s records to push",
                                       (gulong) MIN (queued, G_MAXLONG)),
                          count);
}

/**
 * oms_sync_summary_format_last_success:
 * @success: (nullable): the newest successful run
 * @now: the time now, UTC microseconds
 *
 * Returns: (transfer full): "Last successful sync <time> (completed in <duration>)", with
 *   that run's own time and duration, or "Never synced"
 */
char *
oms_sync_summary_format_last_success (const OmsSyncRun *success,
                                      gint64            now)
{
  g_autofree char *time = NULL;
  g_autofree char *duration = NULL;

  if (success == NULL || success->finished == 0)
    return g_strdup (_("Never synced"));

  time = oms_sync_summary_format_time (success->finished, now);
  duration = oms_sync_summary_format_duration (success->duration_seconds);

  /* Translators: The first %s is a time ("14:05") or date and time, the second a duration
   * ("1 minute 5 seconds").
   */
  return g_strdup_printf (_("Last successful sync %s (completed in %s)"), time, duration);
}

/**
 * oms_sync_summary_format_batch_sizes:
 * @run: a run
 *
 * The pull batch sizes @run asked for, step by step in run order, e.g. "Batches: Pull central
 * 500, 1000, 2000; Pull V6 500".
 *
 * Returns: (transfer full) (nullable): the translated line, or %NULL when the run has none
 */
char *
oms_sync_summary_format_batch_sizes (const OmsSyncRun *run)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GString) steps = g_string_new (NULL);
  JsonObject *object;

  g_return_val_if_fail (run != NULL, NULL);

  if (run->batch_sizes != NULL)
    root = json_from_string (run->batch_sizes, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);

  for (int step = 0; step < OMS_SYNC_N_STEPS; step++)
    {
      JsonNode *member = json_object_get_member (object, oms_sync_step_get_nick (step));
      JsonArray *sizes;
      g_autoptr(GString) list = g_string_new (NULL);

      if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
        continue;
      sizes = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (sizes); i++)
        g_string_append_printf (list, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                                json_array_get_int_element (sizes, i));
      if (list->len == 0)
        continue;

      if (steps->len > 0)
        g_string_append (steps, "; ");
      /* Translators: A step of the sync and the batch sizes it asked for, e.g.
       * "Pull central 500, 1000".
       */
      g_string_append_printf (steps, _("%s %s"), oms_sync_step_get_label (step), list->str);
    }

  if (steps->len == 0)
    return NULL;

  /* Translators: %s lists the pull steps with the batch sizes each asked for. */
  return g_strdup_printf (_("Batches: %s"), steps->str);
}
