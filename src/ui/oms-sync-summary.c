/* oms-sync-summary.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-summary"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-sync-summary.h"

/**
 * oms_sync_summary_describe:
 * @store: an #OmsStore
 * @error: a location for a #GError
 *
 * Says in a few words where the site stands with synchronisation, for the Sync row of the
 * sidebar and the Sync group of the Overview page, so both always agree.
 *
 * Returns: (transfer none) (nullable): a translated sentence, or %NULL with @error set when
 *   the store cannot be read
 */
const char *
oms_sync_summary_describe (OmsStore  *store,
                           GError   **error)
{
  g_autofree char *url = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (OMS_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  url = oms_store_kv_get_string (store, "SETTINGS_SYNC_URL", &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (url == NULL || url[0] == '\0')
    return _("Not configured yet");

  /* Nothing records a finished sync yet: the sync log arrives with the sync engine. */
  return _("Never synced");
}
