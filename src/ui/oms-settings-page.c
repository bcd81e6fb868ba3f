/* oms-settings-page.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-settings-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "oms-background-group.h"
#include "oms-coldchain-devices-group.h"
#include "oms-coldchain-server.h"
#include "oms-qr-code.h"
#include "oms-qr-window.h"
#include "oms-settings-page.h"
#include "oms-sync-settings-group.h"
#include "oms-sync-settings.h"

/* Settings (UI.md §3): at the top right the cold chain server's URL as a QR code with the
 * site and version beside it, then the Synchronisation section, Display and Local data.
 *
 * The code never points at a server that is not there: it is the running server's own URL,
 * and while the server is not running (its port taken, say) the code and the enlarged view
 * give way to the reason and a Retry button (the app.coldchain-retry action). The server
 * tries again by itself (OmsColdchainKeeper) and the code comes back when it runs; when the
 * LAN addresses change the server starts again and the code follows its new URL.
 */

struct _OmsSettingsPage
{
  GtkWidget                 parent_instance;

  /* Template widgets */
  GtkWidget                *content;
  AdwActionRow             *data_dir_row;
  AdwActionRow             *database_row;
  OmsColdchainDevicesGroup *devices_group;
  GtkWidget                *preferences_page;
  OmsQrCode                *qr_code;
  GtkWidget                *retry_button;
  GtkLabel                 *server_label;
  GtkLabel                 *site_label;
  OmsSyncSettingsGroup     *sync_group;
  GtkLabel                 *version_label;

  /* Owned references */
  OmsStore                 *store;
  GSignalGroup             *store_signals;
  OmsColdchainServer       *server;
  GSignalGroup             *server_signals;
  GDateTime                *last_device_time;

  /* State */
  char                     *server_url;
  char                     *not_running_reason;
  char                    **server_urls;      /* every URL, for the enlarged view */
  char                     *last_device_name;
  OmsQrWindow              *qr_window;       /* weak: the open enlarged view */
};

G_DEFINE_FINAL_TYPE (OmsSettingsPage, oms_settings_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SERVER_URL,
  PROP_COLDCHAIN_SERVER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Why there is no code to show, or NULL when the server runs. */
static char *
oms_settings_page_dup_not_running_reason (OmsSettingsPage *self)
{
  const GError *error;

  if (self->server != NULL && oms_coldchain_server_get_running (self->server))
    return NULL;

  error = self->server != NULL ? oms_coldchain_server_get_start_error (self->server) : NULL;
  if (error != NULL)
    /* Translators: in place of the QR code; %s says why the server could not start. */
    return g_strdup_printf (_("The cold chain server is not running: %s"), error->message);

  return g_strdup (_("The cold chain server is not running."));
}

static void
oms_settings_page_update_server (OmsSettingsPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *site = NULL;
  g_autofree char *reason = NULL;
  g_auto(GStrv) urls = NULL;

  g_assert (OMS_IS_SETTINGS_PAGE (self));

  if (self->store != NULL)
    {
      site = oms_store_kv_get_string (self->store, OMS_KV_SYNC_USERNAME, &error);
      if (error != NULL)
        g_debug ("Cannot read the site name: %s", error->message);
    }

  gtk_label_set_label (self->site_label, site ? site : "");
  gtk_widget_set_visible (GTK_WIDGET (self->site_label), site != NULL && *site != '\0');

  reason = oms_settings_page_dup_not_running_reason (self);
  if (reason == NULL)
    {
      url = oms_coldchain_server_dup_url (self->server);
      urls = oms_coldchain_server_dup_urls (self->server);
    }

  /* A URL reads left to right in every language; a sentence follows the window's direction. */
  gtk_widget_set_direction (GTK_WIDGET (self->server_label),
                            url != NULL ? GTK_TEXT_DIR_LTR : GTK_TEXT_DIR_NONE);
  if (url != NULL)
    gtk_label_set_label (self->server_label, url);
  else if (reason != NULL)
    gtk_label_set_label (self->server_label, reason);
  else
    gtk_label_set_label (self->server_label,
                         _("No network address. Connect this computer to the network."));
  gtk_widget_set_visible (GTK_WIDGET (self->qr_code), url != NULL);
  /* Without a server (no application) there is nothing to retry. */
  gtk_widget_set_visible (self->retry_button, reason != NULL && self->server != NULL);

  /* The store changes often while syncing: the enlarged view is redrawn only when it must. */
  if (g_strcmp0 (url, self->server_url) == 0 &&
      g_strcmp0 (reason, self->not_running_reason) == 0 &&
      (urls == self->server_urls ||
       (urls != NULL && self->server_urls != NULL &&
        g_strv_equal ((const char * const *) urls, (const char * const *) self->server_urls))))
    return;

  g_free (self->not_running_reason);
  self->not_running_reason = g_steal_pointer (&reason);
  g_strfreev (self->server_urls);
  self->server_urls = g_steal_pointer (&urls);

  if (self->qr_window != NULL)
    {
      oms_qr_window_set_not_running (self->qr_window, self->not_running_reason);
      oms_qr_window_set_url (self->qr_window, url);
      oms_qr_window_set_urls (self->qr_window, (const char * const *)self->server_urls);
    }

  if (g_strcmp0 (url, self->server_url) == 0)
    return;

  g_free (self->server_url);
  self->server_url = g_steal_pointer (&url);
  oms_qr_code_set_text (self->qr_code, self->server_url);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);
}

static void
oms_settings_page_update (OmsSettingsPage *self)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *path = NULL;

  g_assert (OMS_IS_SETTINGS_PAGE (self));

  if (self->store != NULL)
    {
      data_dir = g_filename_display_name (oms_store_get_data_dir (self->store));
      path = g_filename_display_name (oms_store_get_path (self->store));
    }

  adw_action_row_set_subtitle (self->data_dir_row, data_dir != NULL ? data_dir : "");
  adw_action_row_set_subtitle (self->database_row, path != NULL ? path : "");

  oms_settings_page_update_server (self);
}

static void
oms_settings_page_qr_activate_cb (OmsSettingsPage *self,
                                  OmsQrCode       *qr_code)
{
  oms_settings_page_show_qr_window (self);
}

static void
oms_settings_page_dispose (GObject *object)
{
  OmsSettingsPage *self = (OmsSettingsPage *)object;

  if (self->qr_window != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->qr_window), (gpointer *)&self->qr_window);
      gtk_window_destroy (GTK_WINDOW (self->qr_window));
      self->qr_window = NULL;
    }

  if (self->store_signals != NULL)
    g_signal_group_set_target (self->store_signals, NULL);
  if (self->server_signals != NULL)
    g_signal_group_set_target (self->server_signals, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), OMS_TYPE_SETTINGS_PAGE);

  g_clear_object (&self->store_signals);
  g_clear_object (&self->store);
  g_clear_object (&self->server_signals);
  g_clear_object (&self->server);
  g_clear_pointer (&self->last_device_time, g_date_time_unref);

  G_OBJECT_CLASS (oms_settings_page_parent_class)->dispose (object);
}

static void
oms_settings_page_finalize (GObject *object)
{
  OmsSettingsPage *self = (OmsSettingsPage *)object;

  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->not_running_reason, g_free);
  g_clear_pointer (&self->server_urls, g_strfreev);
  g_clear_pointer (&self->last_device_name, g_free);

  G_OBJECT_CLASS (oms_settings_page_parent_class)->finalize (object);
}

static void
oms_settings_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  OmsSettingsPage *self = OMS_SETTINGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;

    case PROP_COLDCHAIN_SERVER:
      g_value_set_object (value, self->server);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_settings_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  OmsSettingsPage *self = OMS_SETTINGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      oms_settings_page_set_store (self, g_value_get_object (value));
      break;

    case PROP_COLDCHAIN_SERVER:
      oms_settings_page_set_coldchain_server (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_settings_page_class_init (OmsSettingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = oms_settings_page_dispose;
  object_class->finalize = oms_settings_page_finalize;
  object_class->get_property = oms_settings_page_get_property;
  object_class->set_property = oms_settings_page_set_property;

  /**
   * OmsSettingsPage:store:
   *
   * The store whose settings the page shows.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         OMS_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OmsSettingsPage:server-url:
   *
   * The cold chain server URL the QR code encodes, or %NULL while the server is not running
   * or without a LAN address.
   */
  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OmsSettingsPage:coldchain-server:
   *
   * The cold chain server whose URL the QR code shows, or why it is not running.
   */
  properties[PROP_COLDCHAIN_SERVER] =
    g_param_spec_object ("coldchain-server", NULL, NULL,
                         OMS_TYPE_COLDCHAIN_SERVER,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/omsync/OmSync/ui/oms-settings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OmsSettingsPage, content);
  gtk_widget_class_bind_template_child (widget_class, OmsSettingsPage, data_dir_row);
  gtk_widget_class_bind_template_child (widget_class, OmsSettingsPage, database_row);
  gtk_widget_class_bind_template_child (widget_class, OmsSettingsPage, devices_group);
  gtk_widget_class_bind_template_child (widget_class, OmsSettingsPage, preferences_page);
  gtk_widget_class_bind_template_child (widget_class, OmsSettingsPage, qr_code);
  gtk_widget_class_bind_template_child (widget_class, OmsSettingsPage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, OmsSettingsPage, server_label);
  gtk_widget_class_bind_template_child (widget_class, OmsSettingsPage, site_label);
  gtk_widget_class_bind_template_child (widget_class, OmsSettingsPage, sync_group);
  gtk_widget_class_bind_template_child (widget_class, OmsSettingsPage, version_label);
  gtk_widget_class_bind_template_callback (widget_class, oms_settings_page_qr_activate_cb);

  g_type_ensure (OMS_TYPE_BACKGROUND_GROUP);
  g_type_ensure (OMS_TYPE_COLDCHAIN_DEVICES_GROUP);
  g_type_ensure (OMS_TYPE_QR_CODE);
  g_type_ensure (OMS_TYPE_SYNC_SETTINGS_GROUP);
}

static void
oms_settings_page_init (OmsSettingsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_label_set_label (self->version_label, PACKAGE_VERSION);

  self->store_signals = g_signal_group_new (OMS_TYPE_STORE);
  g_signal_group_connect_object (self->store_signals,
                                 "changed",
                                 G_CALLBACK (oms_settings_page_update_server),
                                 self,
                                 G_CONNECT_SWAPPED);

  /* Running or not, why not, and its addresses: the server's keeper follows the network. */
  self->server_signals = g_signal_group_new (OMS_TYPE_COLDCHAIN_SERVER);
  g_signal_group_connect_object (self->server_signals,
                                 "notify",
                                 G_CALLBACK (oms_settings_page_update_server),
                                 self,
                                 G_CONNECT_SWAPPED);

  oms_settings_page_update (self);
}

/**
 * oms_settings_page_get_store:
 * @self: an #OmsSettingsPage
 *
 * Returns: (transfer none) (nullable): the store
 */
OmsStore *
oms_settings_page_get_store (OmsSettingsPage *self)
{
  g_return_val_if_fail (OMS_IS_SETTINGS_PAGE (self), NULL);

  return self->store;
}

void
oms_settings_page_set_store (OmsSettingsPage *self,
                             OmsStore        *store)
{
  g_return_if_fail (OMS_IS_SETTINGS_PAGE (self));
  g_return_if_fail (store == NULL || OMS_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  g_signal_group_set_target (self->store_signals, store);
  oms_sync_settings_group_set_store (self->sync_group, store);
  oms_coldchain_devices_group_set_store (self->devices_group, store);
  oms_settings_page_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * oms_settings_page_get_coldchain_server:
 * @self: an #OmsSettingsPage
 *
 * Returns: (transfer none) (nullable): the cold chain server the QR code stands for
 */
OmsColdchainServer *
oms_settings_page_get_coldchain_server (OmsSettingsPage *self)
{
  g_return_val_if_fail (OMS_IS_SETTINGS_PAGE (self), NULL);

  return self->server;
}

void
oms_settings_page_set_coldchain_server (OmsSettingsPage    *self,
                                        OmsColdchainServer *server)
{
  g_return_if_fail (OMS_IS_SETTINGS_PAGE (self));
  g_return_if_fail (server == NULL || OMS_IS_COLDCHAIN_SERVER (server));

  if (!g_set_object (&self->server, server))
    return;

  g_signal_group_set_target (self->server_signals, server);
  oms_settings_page_update_server (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLDCHAIN_SERVER]);
}

/**
 * oms_settings_page_get_server_url:
 * @self: an #OmsSettingsPage
 *
 * Returns: (nullable): the URL the QR code encodes, or %NULL while the server is not running
 *   or without a LAN address
 */
const char *
oms_settings_page_get_server_url (OmsSettingsPage *self)
{
  g_return_val_if_fail (OMS_IS_SETTINGS_PAGE (self), NULL);

  return self->server_url;
}

/**
 * oms_settings_page_show_qr_window:
 * @self: an #OmsSettingsPage
 *
 * Opens the enlarged view of the code, or raises it when it is open. While the server is not
 * running the view shows why, with a Retry button, and the code once it runs.
 *
 * Returns: (transfer none) (nullable): the window, or %NULL without a URL to show
 */
OmsQrWindow *
oms_settings_page_show_qr_window (OmsSettingsPage *self)
{
  GtkRoot *root;

  g_return_val_if_fail (OMS_IS_SETTINGS_PAGE (self), NULL);

  if (self->server_url == NULL)
    return NULL;

  if (self->qr_window == NULL)
    {
      root = gtk_widget_get_root (GTK_WIDGET (self));
      self->qr_window = oms_qr_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                           self->server_url,
                                           (const char * const *)self->server_urls);
      if (GTK_IS_WINDOW (root))
        gtk_window_set_application (GTK_WINDOW (self->qr_window),
                                    gtk_window_get_application (GTK_WINDOW (root)));
      gtk_window_set_destroy_with_parent (GTK_WINDOW (self->qr_window), TRUE);
      oms_qr_window_set_last_device (self->qr_window, self->last_device_name,
                                     self->last_device_time);
      g_object_add_weak_pointer (G_OBJECT (self->qr_window), (gpointer *)&self->qr_window);
    }

  gtk_window_present (GTK_WINDOW (self->qr_window));

  return self->qr_window;
}

/**
 * oms_settings_page_get_qr_window:
 * @self: an #OmsSettingsPage
 *
 * Returns: (transfer none) (nullable): the open enlarged view, if any
 */
OmsQrWindow *
oms_settings_page_get_qr_window (OmsSettingsPage *self)
{
  g_return_val_if_fail (OMS_IS_SETTINGS_PAGE (self), NULL);

  return self->qr_window;
}

/**
 * oms_settings_page_set_last_device:
 * @self: an #OmsSettingsPage
 * @name: (nullable): the phone that last logged in to the cold chain server
 * @time: (nullable): when
 *
 * Remembers the last phone for the enlarged view, open now or later.
 */
void
oms_settings_page_set_last_device (OmsSettingsPage *self,
                                   const char      *name,
                                   GDateTime       *time)
{
  g_return_if_fail (OMS_IS_SETTINGS_PAGE (self));

  g_free (self->last_device_name);
  self->last_device_name = g_strdup (name);
  g_clear_pointer (&self->last_device_time, g_date_time_unref);
  if (time != NULL)
    self->last_device_time = g_date_time_ref (time);

  if (self->qr_window != NULL)
    oms_qr_window_set_last_device (self->qr_window, name, time);
}

/**
 * oms_settings_page_focus_sync:
 * @self: an #OmsSettingsPage
 *
 * Brings the Synchronisation section into view, for the sync status window's Settings button.
 */
void
oms_settings_page_focus_sync (OmsSettingsPage *self)
{
  g_return_if_fail (OMS_IS_SETTINGS_PAGE (self));

  oms_sync_settings_group_focus (self->sync_group);
}
