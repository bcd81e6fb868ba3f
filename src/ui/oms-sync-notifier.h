/* oms-sync-notifier.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "oms-sync-engine.h"

G_BEGIN_DECLS

/* The ids of the desktop notifications omsync sends (g_application_send_notification()). */
#define OMS_NOTIFICATION_SYNC_FAILED "sync-failed"
#define OMS_NOTIFICATION_SYNC_STALE  "sync-stale"

/* How long without a successful sync before omsync says so with a notification. */
#define OMS_SYNC_NOTIFIER_STALE_AFTER (G_GINT64_CONSTANT (24) * 3600 * G_USEC_PER_SEC)

#define OMS_TYPE_SYNC_NOTIFIER (oms_sync_notifier_get_type ())

G_DECLARE_FINAL_TYPE (OmsSyncNotifier, oms_sync_notifier, OMS, SYNC_NOTIFIER, GObject)

OmsSyncNotifier *oms_sync_notifier_new (GtkApplication *application,
                                        OmsSyncEngine  *engine);

G_END_DECLS
