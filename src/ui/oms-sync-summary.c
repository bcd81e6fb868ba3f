/* oms-sync-summary.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-summary"

#include "config.h"

#include <glib/gi18n.h>

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
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Synced %d minute ago",
                                         "Synced %d minutes ago", (gulong) minutes),
                            (int) minutes);
  if (minutes < 24 * 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Synced %d hour ago",
                                         "Synced %d hours ago", (gulong) (minutes / 60)),
                            (int) (minutes / 60));

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Synced %d day ago",
                                       "Synced %d days ago", (gulong) (minutes / (24 * 60))),
                          (int) (minutes / (24 * 60)));
}

/**
 * oms_sync_summary_describe:
 * @store: an #OmsStore
 * @error: a location for a #GError
 *
 * Says in a few words where the site stands with synchronisation ("Syncing… Pull central",
 * "Sync error", "Synced 3 minutes ago", "Never synced"), for the Sync row of the sidebar and
 * the Sync group of the Overview page, so both always agree. It reads the sync log, which
 * the engine keeps current as it runs.
 *
 * Returns: (transfer full) (nullable): a translated sentence, or %NULL with @error set when
 *   the store cannot be read
 */
char *
oms_sync_summary_describe (OmsStore  *store,
                           GError   **error)
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

  if (url == NULL || url[0] == '\0')
    return g_strdup (_("Not configured yet"));

  if (oms_sync_run_is_syncing (latest))
    {
      int step = current_step (latest);

      if (step >= 0)
        /* Translators: %s is a step of the sync, e.g. "Pull central". */
        return g_strdup_printf (_("Syncing… %s"), oms_sync_step_get_label (step));
      return g_strdup (_("Syncing…"));
    }

  if (latest != NULL && latest->error_message != NULL && !latest->interrupted)
    return g_strdup (_("Sync error"));

  if (success != NULL)
    return describe_age (success->finished);

  return g_strdup (_("Never synced"));
}
