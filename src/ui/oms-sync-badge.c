/* oms-sync-badge.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-badge"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "oms-locale.h"
#include "oms-sync-badge.h"

#define USEC_PER_DAY (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)

/* The count is capped where the sidebar has no room for more digits; the tooltip and the
 * row's accessible description keep the exact number.
 */
#define MAX_SHOWN_COUNT 99

static const char *
style_class_for_level (OmsSyncBadgeLevel level)
{
  switch (level)
    {
    case OMS_SYNC_BADGE_LEVEL_NEUTRAL:
      return "badge-neutral";

    case OMS_SYNC_BADGE_LEVEL_WARNING:
      return "badge-warning";

    case OMS_SYNC_BADGE_LEVEL_ERROR:
      return "badge-error";

    default:
      g_return_val_if_reached ("badge-neutral");
    }
}

/**
 * oms_sync_badge_compute:
 * @input: the push queue, the last successful sync, the time now, the thresholds and the
 *   latest error
 * @badge: (out caller-allocates): what to show; free its contents with oms_sync_badge_clear()
 *
 * Decides the Sync row's badge (UI.md §1). The colour follows the days since the last
 * successful sync, whether or not records are queued; a site without sync settings shows
 * none, since its status line already says so; a site that never synced successfully
 * is a warning; any error but a connection error shows an error icon at once.
 */
void
oms_sync_badge_compute (const OmsSyncBadgeInput *input,
                        OmsSyncBadge            *badge)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  gboolean serious_error;
  gboolean never;
  gint64 days = 0;

  g_return_if_fail (input != NULL);
  g_return_if_fail (badge != NULL);

  memset (badge, 0, sizeof *badge);

  if (!input->configured)
    {
      badge->style_class = style_class_for_level (OMS_SYNC_BADGE_LEVEL_NEUTRAL);
      return;
    }

  never = input->last_success <= 0;
  if (!never)
    days = MAX (0, (input->now - input->last_success) / USEC_PER_DAY);

  serious_error = input->has_error &&
                  input->error_variant != OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR;

  if (serious_error)
    badge->level = OMS_SYNC_BADGE_LEVEL_ERROR;
  else if (never)
    badge->level = OMS_SYNC_BADGE_LEVEL_WARNING;
  else if (days >= input->error_days)
    badge->level = OMS_SYNC_BADGE_LEVEL_ERROR;
  else if (days >= input->warning_days)
    badge->level = OMS_SYNC_BADGE_LEVEL_WARNING;
  else
    badge->level = OMS_SYNC_BADGE_LEVEL_NEUTRAL;

  badge->style_class = style_class_for_level (badge->level);

  if (input->queued > MAX_SHOWN_COUNT)
    badge->text = g_strdup_printf ("%d+", MAX_SHOWN_COUNT);
  else if (input->queued > 0)
    badge->text = g_strdup_printf ("%" G_GINT64_FORMAT, input->queued);

  if (serious_error)
    badge->icon_name = "dialog-error-symbolic";
  else if (badge->text == NULL && badge->level != OMS_SYNC_BADGE_LEVEL_NEUTRAL)
    badge->icon_name = "dialog-warning-symbolic";

  badge->visible = badge->text != NULL || badge->icon_name != NULL;

  if (serious_error)
    g_ptr_array_add (lines, g_strdup (oms_sync_error_variant_get_message (input->error_variant)));

  if (input->queued > 0)
    {
      g_autofree char *queued = oms_locale_format_count (input->queued);

      g_ptr_array_add (lines,
                       g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     /* Translators: %s is a number of records
                                                      * stored here that the next sync sends
                                                      * (pushes) to the central server, with
                                                      * the locale's digit grouping: “1,204”. */
                                                     "%s record waiting to be pushed",
                                                     "%s records waiting to be pushed",
                                                     (gulong) MIN (input->queued, G_MAXLONG)),
                                        queued));
    }

  if (lines->len > 0)
    {
      g_ptr_array_add (lines, NULL);
      badge->description = g_strjoinv ("\n", (char **) lines->pdata);
      g_ptr_array_remove_index (lines, lines->len - 1);
    }

  if (never)
    g_ptr_array_add (lines, g_strdup (_("Never synced successfully")));
  else if (days > 0)
    /* Translators: %d is a number of whole days. */
    g_ptr_array_add (lines,
                     g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                   /* Translators: %d is a number of whole days. */
                                                   "Last successful sync %d day ago",
                                                   "Last successful sync %d days ago",
                                                   (gulong) MIN (days, G_MAXINT)),
                                      (int) MIN (days, G_MAXINT)));

  if (lines->len > 0)
    {
      g_ptr_array_add (lines, NULL);
      badge->tooltip = g_strjoinv ("\n", (char **) lines->pdata);
    }
}

void
oms_sync_badge_clear (OmsSyncBadge *badge)
{
  g_return_if_fail (badge != NULL);

  g_clear_pointer (&badge->text, g_free);
  g_clear_pointer (&badge->tooltip, g_free);
  g_clear_pointer (&badge->description, g_free);
  badge->icon_name = NULL;
  badge->style_class = NULL;
  badge->visible = FALSE;
}
