/* oms-overview-page.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-overview-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "oms-locale.h"
#include "oms-overview-page.h"
#include "oms-push-queue.h"
#include "oms-sync-summary.h"

struct _OmsOverviewPage
{
  GtkWidget      parent_instance;

  /* Template widgets */
  AdwActionRow  *central_url_row;
  AdwActionRow  *data_dir_row;
  AdwActionRow  *empty_data_dir_row;
  AdwStatusPage *error_page;
  AdwActionRow  *site_id_row;
  AdwActionRow  *site_name_row;
  GtkStack      *stack;
  AdwActionRow  *queue_v5_row;
  AdwActionRow  *queue_v6_row;
  AdwActionRow  *sync_status_row;

  /* Owned references */
  OmsStore      *store;
  GSignalGroup  *store_signals;

  /* State */
  OmsNetworkWait network_wait;
};

G_DEFINE_FINAL_TYPE (OmsOverviewPage, oms_overview_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "12,345 records", with the locale's digit grouping. */
static char *
format_records (gint64 count)
{
  g_autofree char *number = oms_locale_format_count (count);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       /* Translators: a number of records still to send to a
                                        * central server, with the locale's digit grouping,
                                        * e.g. “1,204 records”. */
                                       "%s record", "%s records",
                                       (gulong) MIN (count, G_MAXLONG)),
                          number);
}

static void
oms_overview_page_show_error (OmsOverviewPage *self,
                              const GError    *error)
{
  g_assert (OMS_IS_OVERVIEW_PAGE (self));
  g_assert (error != NULL);

  g_debug ("Cannot read the site settings: %s", error->message);
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
oms_overview_page_refresh (OmsOverviewPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *display_dir = NULL;
  g_autofree char *site_id_text = NULL;
  g_autofree char *site_name = NULL;
  g_autofree char *url = NULL;
  g_autofree char *sync_status = NULL;
  g_autofree char *queue_v5 = NULL;
  g_autofree char *queue_v6 = NULL;
  OmsPushQueueCounts queue = { 0 };
  gint32 site_id = -1;

  g_assert (OMS_IS_OVERVIEW_PAGE (self));

  if (self->store == NULL)
    {
      adw_action_row_set_subtitle (self->empty_data_dir_row, "");
      gtk_stack_set_visible_child_name (self->stack, "not-configured");
      return;
    }

  display_dir = g_filename_display_name (oms_store_get_data_dir (self->store));
  adw_action_row_set_subtitle (self->data_dir_row, display_dir);
  adw_action_row_set_subtitle (self->empty_data_dir_row, display_dir);

  url = oms_store_kv_get_string (self->store, "SETTINGS_SYNC_URL", &error);
  if (error == NULL)
    site_name = oms_store_kv_get_string (self->store, "SETTINGS_SYNC_USERNAME", &error);
  if (error == NULL)
    site_id = oms_store_kv_get_int (self->store, "SETTINGS_SYNC_SITE_ID", -1, &error);
  if (error == NULL)
    sync_status = oms_sync_summary_describe (self->store, self->network_wait, &error);
  if (error == NULL)
    oms_push_queue_count (self->store, &queue, &error);

  if (error != NULL)
    {
      oms_overview_page_show_error (self, error);
      return;
    }

  if (url == NULL || url[0] == '\0')
    {
      gtk_stack_set_visible_child_name (self->stack, "not-configured");
      return;
    }

  adw_action_row_set_subtitle (self->central_url_row, url);

  adw_action_row_set_subtitle (self->site_name_row, site_name != NULL ? site_name : "");
  gtk_widget_set_visible (GTK_WIDGET (self->site_name_row),
                          site_name != NULL && site_name[0] != '\0');

  if (site_id >= 0)
    site_id_text = g_strdup_printf ("%d", (int)site_id);
  adw_action_row_set_subtitle (self->site_id_row, site_id_text != NULL ? site_id_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->site_id_row), site_id_text != NULL);

  adw_action_row_set_subtitle (self->sync_status_row, sync_status);

  /* What each server is still to receive; a record for both counts under each. */
  queue_v5 = format_records (queue.v5);
  queue_v6 = format_records (queue.v6);
  adw_action_row_set_subtitle (self->queue_v5_row, queue_v5);
  adw_action_row_set_subtitle (self->queue_v6_row, queue_v6);

  gtk_stack_set_visible_child_name (self->stack, "configured");
}

static void
oms_overview_page_dispose (GObject *object)
{
  OmsOverviewPage *self = (OmsOverviewPage *)object;

  if (self->store_signals != NULL)
    g_signal_group_set_target (self->store_signals, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), OMS_TYPE_OVERVIEW_PAGE);

  g_clear_object (&self->store_signals);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (oms_overview_page_parent_class)->dispose (object);
}

static void
oms_overview_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  OmsOverviewPage *self = OMS_OVERVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_overview_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  OmsOverviewPage *self = OMS_OVERVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      oms_overview_page_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_overview_page_class_init (OmsOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = oms_overview_page_dispose;
  object_class->get_property = oms_overview_page_get_property;
  object_class->set_property = oms_overview_page_set_property;

  /**
   * OmsOverviewPage:store:
   *
   * The store whose site settings the page shows.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         OMS_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/omsync/OmSync/ui/oms-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OmsOverviewPage, central_url_row);
  gtk_widget_class_bind_template_child (widget_class, OmsOverviewPage, data_dir_row);
  gtk_widget_class_bind_template_child (widget_class, OmsOverviewPage, empty_data_dir_row);
  gtk_widget_class_bind_template_child (widget_class, OmsOverviewPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, OmsOverviewPage, site_id_row);
  gtk_widget_class_bind_template_child (widget_class, OmsOverviewPage, site_name_row);
  gtk_widget_class_bind_template_child (widget_class, OmsOverviewPage, stack);
  gtk_widget_class_bind_template_child (widget_class, OmsOverviewPage, queue_v5_row);
  gtk_widget_class_bind_template_child (widget_class, OmsOverviewPage, queue_v6_row);
  gtk_widget_class_bind_template_child (widget_class, OmsOverviewPage, sync_status_row);
}

static void
oms_overview_page_init (OmsOverviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Reading a few keys is cheap, so the page follows every committed write at once. */
  self->store_signals = g_signal_group_new (OMS_TYPE_STORE);
  g_signal_group_connect_object (self->store_signals,
                                 "changed",
                                 G_CALLBACK (oms_overview_page_refresh),
                                 self,
                                 G_CONNECT_SWAPPED);

  oms_overview_page_refresh (self);
}

/**
 * oms_overview_page_get_store:
 * @self: an #OmsOverviewPage
 *
 * Returns: (transfer none) (nullable): the store
 */
OmsStore *
oms_overview_page_get_store (OmsOverviewPage *self)
{
  g_return_val_if_fail (OMS_IS_OVERVIEW_PAGE (self), NULL);

  return self->store;
}

void
oms_overview_page_set_store (OmsOverviewPage *self,
                             OmsStore        *store)
{
  g_return_if_fail (OMS_IS_OVERVIEW_PAGE (self));
  g_return_if_fail (store == NULL || OMS_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  g_signal_group_set_target (self->store_signals, store);
  oms_overview_page_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * oms_overview_page_set_network_wait:
 * @network_wait: what timed syncs wait for (#OmsScheduler:network-wait)
 *
 * The sync status says so: "Offline — will sync when connected".
 */
void
oms_overview_page_set_network_wait (OmsOverviewPage *self,
                                    OmsNetworkWait   network_wait)
{
  g_return_if_fail (OMS_IS_OVERVIEW_PAGE (self));

  if (self->network_wait == network_wait)
    return;

  self->network_wait = network_wait;
  oms_overview_page_refresh (self);
}
