/* oms-store-watch.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-store-watch"

#include "config.h"

#include "oms-store-watch.h"

/* A page that shows what the store holds refreshes when the store changes, as the Records and
 * Cold chain pages do:
 *
 * - once the writes of a burst are done, not at each: a sync commits many writes in a row, so
 *   the refresh waits for an idle moment (at low priority) and is queued only once;
 * - only while the page is shown: a page in a window but not mapped is only marked stale and
 *   reads the store when it is mapped again; reading large tables at every step of a sync
 *   would take frames from the window for nothing.
 *
 * The page owns its watch and drops it in dispose; the watch never outlives the widget.
 */

struct _OmsStoreWatch
{
  GObject               parent_instance;

  GtkWidget            *widget;          /* not owned: it owns this watch */
  OmsStoreWatchRefresh  refresh;
  GSignalGroup         *store_signals;
  gulong                map_id;
  guint                 refresh_source;
  gboolean              stale;           /* changed while not shown */
};

G_DEFINE_FINAL_TYPE (OmsStoreWatch, oms_store_watch, G_TYPE_OBJECT)

static gboolean
oms_store_watch_refresh_cb (gpointer user_data)
{
  OmsStoreWatch *self = user_data;

  self->refresh_source = 0;
  self->refresh (self->widget);

  return G_SOURCE_REMOVE;
}

static void
oms_store_watch_queue_refresh (OmsStoreWatch *self)
{
  if (gtk_widget_get_root (self->widget) != NULL && !gtk_widget_get_mapped (self->widget))
    {
      self->stale = TRUE;
      return;
    }

  if (self->refresh_source == 0)
    self->refresh_source = g_idle_add_full (G_PRIORITY_LOW, oms_store_watch_refresh_cb, self,
                                            NULL);
}

static void
oms_store_watch_map_cb (GtkWidget     *widget,
                        OmsStoreWatch *self)
{
  if (self->stale)
    {
      self->stale = FALSE;
      oms_store_watch_queue_refresh (self);
    }
}

static void
oms_store_watch_dispose (GObject *object)
{
  OmsStoreWatch *self = (OmsStoreWatch *)object;

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->widget != NULL)
    g_clear_signal_handler (&self->map_id, self->widget);
  self->widget = NULL;
  if (self->store_signals != NULL)
    g_signal_group_set_target (self->store_signals, NULL);
  g_clear_object (&self->store_signals);

  G_OBJECT_CLASS (oms_store_watch_parent_class)->dispose (object);
}

static void
oms_store_watch_class_init (OmsStoreWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = oms_store_watch_dispose;
}

static void
oms_store_watch_init (OmsStoreWatch *self)
{
  self->store_signals = g_signal_group_new (OMS_TYPE_STORE);
  g_signal_group_connect_object (self->store_signals, "changed",
                                 G_CALLBACK (oms_store_watch_queue_refresh), self,
                                 G_CONNECT_SWAPPED);
}

/**
 * oms_store_watch_new:
 * @widget: the page that shows the store; it owns the watch
 * @refresh: reads the store again into @widget
 *
 * Returns: (transfer full): a watch with no store yet
 */
OmsStoreWatch *
oms_store_watch_new (GtkWidget            *widget,
                     OmsStoreWatchRefresh  refresh)
{
  OmsStoreWatch *self;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (refresh != NULL, NULL);

  self = g_object_new (OMS_TYPE_STORE_WATCH, NULL);
  self->widget = widget;
  self->refresh = refresh;
  self->map_id = g_signal_connect (widget, "map", G_CALLBACK (oms_store_watch_map_cb), self);

  return self;
}

/**
 * oms_store_watch_set_store:
 * @self: an #OmsStoreWatch
 * @store: (nullable): the store to watch
 *
 * Watches @store from now on; a refresh queued for the store before is dropped (the page reads
 * the new store itself).
 */
void
oms_store_watch_set_store (OmsStoreWatch *self,
                           OmsStore      *store)
{
  g_return_if_fail (OMS_IS_STORE_WATCH (self));
  g_return_if_fail (store == NULL || OMS_IS_STORE (store));

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_signal_group_set_target (self->store_signals, store);
}
