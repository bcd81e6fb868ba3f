/* oms-store-watch.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "oms-store.h"

G_BEGIN_DECLS

#define OMS_TYPE_STORE_WATCH (oms_store_watch_get_type ())

G_DECLARE_FINAL_TYPE (OmsStoreWatch, oms_store_watch, OMS, STORE_WATCH, GObject)

/* Reads the store again and shows what it holds. */
typedef void (*OmsStoreWatchRefresh) (GtkWidget *widget);

OmsStoreWatch *oms_store_watch_new        (GtkWidget             *widget,
                                           OmsStoreWatchRefresh   refresh);
void           oms_store_watch_set_store  (OmsStoreWatch         *self,
                                           OmsStore              *store);

G_END_DECLS
