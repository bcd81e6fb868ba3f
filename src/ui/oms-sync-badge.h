/* oms-sync-badge.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "oms-protocol-error.h"

G_BEGIN_DECLS

typedef enum
{
  OMS_SYNC_BADGE_LEVEL_NEUTRAL,
  OMS_SYNC_BADGE_LEVEL_WARNING,
  OMS_SYNC_BADGE_LEVEL_ERROR,
} OmsSyncBadgeLevel;

/* What the Sync row of the sidebar shows next to its label (UI.md §1). */
typedef struct
{
  gboolean           visible;      /* anything at all to show */
  char              *text;         /* the count ("7", "99+"), NULL when there is none */
  OmsSyncBadgeLevel  level;
  const char        *style_class;  /* "badge-neutral", "badge-warning" or "badge-error" */
  const char        *icon_name;    /* NULL, or an icon that says why without a count */
  char              *tooltip;      /* the exact count and the reason for the colour */
  char              *description;  /* the exact count and a serious error, for the row's
                                    * accessible description; the age is in the status line */
} OmsSyncBadge;

/* The inputs, gathered so the decision is a pure function that tests can table. */
typedef struct
{
  gboolean             configured;        /* FALSE: nothing to sync yet, so no badge */
  gint64               queued;            /* distinct records waiting to be pushed */
  gint64               last_success;      /* UTC microseconds, 0 when never */
  gint64               now;               /* UTC microseconds */
  guint                warning_days;
  guint                error_days;
  gboolean             has_error;         /* the latest run failed (not interrupted) */
  OmsSyncErrorVariant  error_variant;
} OmsSyncBadgeInput;

void  oms_sync_badge_compute (const OmsSyncBadgeInput *input,
                              OmsSyncBadge            *badge);
void  oms_sync_badge_clear   (OmsSyncBadge            *badge);

G_END_DECLS
