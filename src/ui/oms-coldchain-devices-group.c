/* oms-coldchain-devices-group.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-coldchain-devices-group"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "oms-application-private.h"
#include "oms-coldchain-accounts.h"
#include "oms-coldchain-devices-group.h"
#include "oms-coldchain-url.h"
#include "oms-locale.h"
#include "oms-value-widget.h"

/* Settings → Cold chain devices (UI.md §3): the accounts phones log in with, whether the
 * cold chain server is running, where and how, and the addresses it has seen wrong passwords
 * from lately, with until when each is locked out. Passwords are hashed in a worker thread
 * (oms_coldchain_accounts_add_async), so the window stays responsive.
 */

struct _OmsColdchainDevicesGroup
{
  AdwPreferencesGroup  parent_instance;

  /* Template widgets */
  GtkListBox          *accounts_list;
  GtkButton           *add_button;
  AdwActionRow        *connection_row;
  GtkLabel            *error_label;
  GtkListBox          *failed_logins_list;
  GtkSwitch           *https_switch;
  AdwPasswordEntryRow *password_row;
  GtkSpinButton       *port_spin;
  AdwActionRow        *server_row;
  GtkSpinner          *spinner;
  AdwEntryRow         *username_row;

  /* Owned references */
  OmsStore            *store;
  GCancellable        *cancellable;
  OmsColdchainThrottle *throttle;   /* the running server's, while shown */
  OmsColdchainServer  *server;      /* followed while shown: it may start again by itself */

  /* State */
  gboolean             busy;
  guint                tick_id;
};

G_DEFINE_FINAL_TYPE (OmsColdchainDevicesGroup, oms_coldchain_devices_group,
                     ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_STORE,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define RESOURCE_UI     "/io/github/omsync/OmSync/ui/"
/* How often the failed logins are redrawn while shown, so ended lockouts and forgotten
 * addresses go without a new failure.
 */
#define FAILED_LOGINS_REFRESH_SECONDS 15
#define RESPONSE_REMOVE "remove"
#define RESPONSE_CANCEL "cancel"

static OmsApplication *
oms_coldchain_devices_group_get_application (OmsColdchainDevicesGroup *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *app;

  if (!GTK_IS_WINDOW (root))
    return NULL;

  app = gtk_window_get_application (GTK_WINDOW (root));
  return OMS_IS_APPLICATION (app) ? OMS_APPLICATION (app) : NULL;
}

static void
oms_coldchain_devices_group_load_server_fields (OmsColdchainDevicesGroup *self)
{
  if (self->store == NULL)
    return;

  gtk_spin_button_set_value (self->port_spin, oms_coldchain_get_port (self->store));
  gtk_switch_set_active (self->https_switch, !oms_coldchain_get_use_http (self->store));
}

static void
oms_coldchain_devices_group_set_error (OmsColdchainDevicesGroup *self,
                                       const char               *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
oms_coldchain_devices_group_update_actions (OmsColdchainDevicesGroup *self)
{
  const char *username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  gboolean server_changed = FALSE;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "devices.add",
                                 self->store != NULL && !self->busy &&
                                 username[0] != '\0' && password[0] != '\0');

  if (self->store != NULL)
    server_changed =
      gtk_spin_button_get_value_as_int (self->port_spin) != oms_coldchain_get_port (self->store) ||
      gtk_switch_get_active (self->https_switch) == oms_coldchain_get_use_http (self->store);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "devices.apply-server", server_changed);
}

static void
oms_coldchain_devices_group_set_busy (OmsColdchainDevicesGroup *self,
                                      gboolean                  busy)
{
  if (self->busy == busy)
    return;

  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->username_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  oms_coldchain_devices_group_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
oms_coldchain_devices_group_update_server (OmsColdchainDevicesGroup *self)
{
  OmsApplication *app = oms_coldchain_devices_group_get_application (self);
  OmsColdchainServer *server = NULL;
  const GError *server_error = NULL;
  g_autofree char *connection = NULL;
  int port;
  gboolean use_http;

  if (app != NULL)
    {
      server = _oms_application_get_coldchain_server (app);
      server_error = _oms_application_get_coldchain_error (app);
    }

  if (server != NULL && oms_coldchain_server_get_running (server))
    {
      g_autofree char *url = oms_coldchain_server_dup_url (server);

      port = (int)oms_coldchain_server_get_bound_port (server);
      use_http = !oms_coldchain_server_get_use_https (server);

      if (url != NULL)
        adw_action_row_set_subtitle (self->server_row, url);
      else
        adw_action_row_set_subtitle (self->server_row,
                                     _("Running, but this machine has no network address a "
                                       "phone can reach. Connect it to the store's network."));
    }
  else
    {
      port = self->store != NULL ? oms_coldchain_get_port (self->store)
                                 : OMS_COLDCHAIN_DEFAULT_PORT;
      use_http = self->store != NULL && oms_coldchain_get_use_http (self->store);

      if (server_error != NULL)
        {
          g_autofree char *reason = NULL;

          /* Translators: the cold chain server failed to start; %s says why. */
          reason = g_strdup_printf (_("Not running: %s"), server_error->message);
          adw_action_row_set_subtitle (self->server_row, reason);
        }
      else
        {
          adw_action_row_set_subtitle (self->server_row,
                                       _("Not running. It starts with the omsync window or "
                                         "with “omsync-cli serve”."));
        }
    }

  if (use_http)
    /* Translators: the cold chain server's port, with plain HTTP. */
    connection = g_strdup_printf (_("Port %d, plain HTTP (unencrypted)"), port);
  else
    /* Translators: the cold chain server's port, with HTTPS. */
    connection = g_strdup_printf (_("Port %d, HTTPS with a certificate made on this machine"),
                                  port);
  adw_action_row_set_subtitle (self->connection_row, connection);
}

static GtkWidget *
failed_login_row_new (const OmsColdchainFailedLogins *item)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = NULL;
  g_autofree char *count = NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), item->address);

  /* Translators: how many wrong passwords came from one network address lately. */
  count = g_strdup_printf (ngettext ("%u failed login", "%u failed logins", item->failures),
                           item->failures);
  if (item->locked_until != NULL)
    {
      g_autofree char *until = oms_locale_format_time (item->locked_until);

      /* Translators: "5 failed logins", then the time (14:32) until which logins from that
       * address are refused.
       */
      subtitle = g_strdup_printf (_("%s, locked out until %s"), count, until);
    }

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle != NULL ? subtitle : count);
  return row;
}

static void
oms_coldchain_devices_group_refresh_failed_logins (OmsColdchainDevicesGroup *self)
{
  g_autoptr(GPtrArray) failed = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->failed_logins_list))) != NULL)
    gtk_list_box_remove (self->failed_logins_list, child);

  if (self->throttle != NULL)
    failed = oms_coldchain_throttle_list_failed_logins (self->throttle);

  if (failed == NULL || failed->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No failed logins"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Addresses that send wrong passwords are listed here for "
                                     "fifteen minutes. After five, logins from them are refused "
                                     "for a while."));
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (self->failed_logins_list, row);
      return;
    }

  for (guint i = 0; i < failed->len; i++)
    gtk_list_box_append (self->failed_logins_list,
                         failed_login_row_new (g_ptr_array_index (failed, i)));
}

static gboolean
oms_coldchain_devices_group_tick_cb (gpointer user_data)
{
  oms_coldchain_devices_group_refresh_failed_logins (user_data);
  return G_SOURCE_CONTINUE;
}

/* Follows the running server's failed logins while the group is shown. */
static void
oms_coldchain_devices_group_watch_throttle (OmsColdchainDevicesGroup *self,
                                            gboolean                  watch)
{
  OmsApplication *app = oms_coldchain_devices_group_get_application (self);
  OmsColdchainServer *server = app != NULL ? _oms_application_get_coldchain_server (app) : NULL;

  if (self->throttle != NULL)
    g_signal_handlers_disconnect_by_data (self->throttle, self);
  g_clear_object (&self->throttle);
  if (self->server != NULL)
    g_signal_handlers_disconnect_by_data (self->server, self);
  g_clear_object (&self->server);
  g_clear_handle_id (&self->tick_id, g_source_remove);

  if (watch && server != NULL)
    {
      self->server = g_object_ref (server);
      g_signal_connect_object (server, "notify",
                               G_CALLBACK (oms_coldchain_devices_group_update_server),
                               self, G_CONNECT_SWAPPED);
      self->throttle = g_object_ref (oms_coldchain_server_get_throttle (server));
      g_signal_connect_object (self->throttle, "changed",
                               G_CALLBACK (oms_coldchain_devices_group_refresh_failed_logins),
                               self, G_CONNECT_SWAPPED);
      self->tick_id = g_timeout_add_seconds (FAILED_LOGINS_REFRESH_SECONDS,
                                             oms_coldchain_devices_group_tick_cb, self);
    }

  oms_coldchain_devices_group_refresh_failed_logins (self);
}

static void
oms_coldchain_devices_group_refresh (OmsColdchainDevicesGroup *self)
{
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  g_assert (OMS_IS_COLDCHAIN_DEVICES_GROUP (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->accounts_list))) != NULL)
    gtk_list_box_remove (self->accounts_list, child);

  oms_coldchain_devices_group_update_server (self);

  if (self->store == NULL)
    return;

  accounts = oms_coldchain_accounts_list (self->store, &error);
  if (accounts == NULL)
    {
      g_debug ("Cannot list the cold chain accounts: %s", error->message);
      oms_coldchain_devices_group_set_error (self, error->message);
      return;
    }

  if (accounts->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No accounts yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Add one below, then enter it in mSupply Cold Chain after "
                                     "scanning the QR code."));
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (self->accounts_list, row);
      return;
    }

  for (guint i = 0; i < accounts->len; i++)
    {
      const OmsColdchainAccount *account = g_ptr_array_index (accounts, i);
      g_autoptr(GDateTime) created = g_date_time_new_from_unix_local (account->created);
      g_autofree char *when = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *remove_label = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), account->username);
      if (created != NULL)
        {
          when = oms_locale_format_date_time (created);
          /* Translators: when a phone account was created. */
          subtitle = g_strdup_printf (_("Added %s"), when);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
        }

      button = gtk_button_new_from_icon_name ("user-trash-symbolic");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      /* Translators: the tooltip of the button that removes the account %s. */
      remove_label = g_strdup_printf (_("Remove “%s”"), account->username);
      gtk_widget_set_tooltip_text (button, remove_label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label,
                                      -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "devices.remove");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", account->username);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

      gtk_list_box_append (self->accounts_list, row);
    }
}

static void
oms_coldchain_devices_group_apply_server_action (GtkWidget  *widget,
                                                 const char *action_name,
                                                 GVariant   *parameter)
{
  OmsColdchainDevicesGroup *self = OMS_COLDCHAIN_DEVICES_GROUP (widget);
  g_autoptr(GError) error = NULL;
  OmsApplication *app;

  if (self->store == NULL)
    return;

  if (!oms_store_kv_set_int (self->store, OMS_KV_COLDCHAIN_PORT,
                             gtk_spin_button_get_value_as_int (self->port_spin), &error) ||
      !oms_store_kv_set_bool (self->store, OMS_KV_COLDCHAIN_HTTP,
                              !gtk_switch_get_active (self->https_switch), &error))
    {
      g_debug ("Cannot save the cold chain server settings: %s", error->message);
      oms_coldchain_devices_group_set_error (self, error->message);
      return;
    }

  oms_coldchain_devices_group_set_error (self, NULL);

  app = oms_coldchain_devices_group_get_application (self);
  if (app != NULL)
    _oms_application_restart_coldchain_server (app);

  /* The Settings page's QR code follows the store. */
  oms_store_emit_changed (self->store);

  oms_coldchain_devices_group_load_server_fields (self);
  oms_coldchain_devices_group_update_actions (self);
  oms_coldchain_devices_group_update_server (self);
}

static void
oms_coldchain_devices_group_field_changed_cb (OmsColdchainDevicesGroup *self)
{
  g_assert (OMS_IS_COLDCHAIN_DEVICES_GROUP (self));

  oms_coldchain_devices_group_update_actions (self);
}

static void
oms_coldchain_devices_group_entry_activated_cb (OmsColdchainDevicesGroup *self)
{
  g_assert (OMS_IS_COLDCHAIN_DEVICES_GROUP (self));

  gtk_widget_activate_action (GTK_WIDGET (self), "devices.add", NULL);
}

static void
oms_coldchain_devices_group_add_cb (GObject      *object,
                                    GAsyncResult *result,
                                    gpointer      user_data)
{
  g_autoptr(OmsColdchainDevicesGroup) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!oms_coldchain_accounts_add_finish (OMS_STORE (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_debug ("Cannot add the cold chain account: %s", error->message);
      oms_coldchain_devices_group_set_busy (self, FALSE);
      oms_coldchain_devices_group_set_error (self, error->message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->username_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  oms_coldchain_devices_group_set_busy (self, FALSE);
  oms_coldchain_devices_group_refresh (self);
}

static void
oms_coldchain_devices_group_add_action (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *parameter)
{
  OmsColdchainDevicesGroup *self = OMS_COLDCHAIN_DEVICES_GROUP (widget);
  const char *username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (self->store == NULL || self->busy || username[0] == '\0' || password[0] == '\0')
    return;

  oms_coldchain_devices_group_set_error (self, NULL);
  oms_coldchain_devices_group_set_busy (self, TRUE);
  oms_coldchain_accounts_add_async (self->store, username, password, self->cancellable,
                                    oms_coldchain_devices_group_add_cb,
                                    g_object_ref (self));
}

static void
oms_coldchain_devices_group_remove_response_cb (OmsColdchainDevicesGroup *self,
                                                const char               *response,
                                                AdwMessageDialog         *dialog)
{
  g_autoptr(GError) error = NULL;
  const char *username;

  g_assert (OMS_IS_COLDCHAIN_DEVICES_GROUP (self));

  if (g_strcmp0 (response, RESPONSE_REMOVE) != 0 || self->store == NULL)
    return;

  username = g_object_get_data (G_OBJECT (dialog), "username");
  if (!oms_coldchain_accounts_remove (self->store, username, &error))
    {
      g_debug ("Cannot remove the cold chain account %s: %s", username, error->message);
      oms_coldchain_devices_group_set_error (self, error->message);
      return;
    }

  oms_coldchain_devices_group_set_error (self, NULL);
  oms_coldchain_devices_group_refresh (self);
}

static void
oms_coldchain_devices_group_remove_action (GtkWidget  *widget,
                                           const char *action_name,
                                           GVariant   *parameter)
{
  OmsColdchainDevicesGroup *self = OMS_COLDCHAIN_DEVICES_GROUP (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  const char *username = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  /* Translators: %s is the username of a phone account. */
  heading = g_strdup_printf (_("Remove “%s”?"), username);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                             : NULL,
                                                       heading,
                                                       _("Phones using this account can no "
                                                         "longer send temperatures until they "
                                                         "log in with another one.")));
  adw_message_dialog_add_responses (dialog,
                                    RESPONSE_CANCEL, _("_Cancel"),
                                    RESPONSE_REMOVE, _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, RESPONSE_REMOVE,
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, RESPONSE_CANCEL);
  adw_message_dialog_set_close_response (dialog, RESPONSE_CANCEL);

  g_object_set_data_full (G_OBJECT (dialog), "username", g_strdup (username), g_free);
  g_signal_connect_object (dialog, "response",
                           G_CALLBACK (oms_coldchain_devices_group_remove_response_cb),
                           self,
                           G_CONNECT_SWAPPED);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
oms_coldchain_devices_group_map (GtkWidget *widget)
{
  OmsColdchainDevicesGroup *self = OMS_COLDCHAIN_DEVICES_GROUP (widget);

  GTK_WIDGET_CLASS (oms_coldchain_devices_group_parent_class)->map (widget);

  /* The server starts or fails after the window is built; show its state when seen. */
  oms_coldchain_devices_group_update_server (self);
  oms_coldchain_devices_group_watch_throttle (self, TRUE);
}

static void
oms_coldchain_devices_group_unmap (GtkWidget *widget)
{
  OmsColdchainDevicesGroup *self = OMS_COLDCHAIN_DEVICES_GROUP (widget);

  oms_coldchain_devices_group_watch_throttle (self, FALSE);

  GTK_WIDGET_CLASS (oms_coldchain_devices_group_parent_class)->unmap (widget);
}

static void
oms_coldchain_devices_group_dispose (GObject *object)
{
  OmsColdchainDevicesGroup *self = (OmsColdchainDevicesGroup *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->throttle != NULL)
    g_signal_handlers_disconnect_by_data (self->throttle, self);
  g_clear_object (&self->throttle);
  if (self->server != NULL)
    g_signal_handlers_disconnect_by_data (self->server, self);
  g_clear_object (&self->server);
  g_clear_handle_id (&self->tick_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), OMS_TYPE_COLDCHAIN_DEVICES_GROUP);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (oms_coldchain_devices_group_parent_class)->dispose (object);
}

static void
oms_coldchain_devices_group_get_property (GObject    *object,
                                          guint       prop_id,
                                          GValue     *value,
                                          GParamSpec *pspec)
{
  OmsColdchainDevicesGroup *self = OMS_COLDCHAIN_DEVICES_GROUP (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_coldchain_devices_group_set_property (GObject      *object,
                                          guint         prop_id,
                                          const GValue *value,
                                          GParamSpec   *pspec)
{
  OmsColdchainDevicesGroup *self = OMS_COLDCHAIN_DEVICES_GROUP (object);

  switch (prop_id)
    {
    case PROP_STORE:
      oms_coldchain_devices_group_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_coldchain_devices_group_class_init (OmsColdchainDevicesGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = oms_coldchain_devices_group_dispose;
  object_class->get_property = oms_coldchain_devices_group_get_property;
  object_class->set_property = oms_coldchain_devices_group_set_property;

  widget_class->map = oms_coldchain_devices_group_map;
  widget_class->unmap = oms_coldchain_devices_group_unmap;

  /**
   * OmsColdchainDevicesGroup:store:
   *
   * The store holding the phone accounts.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         OMS_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OmsColdchainDevicesGroup:busy:
   *
   * Whether a new account's password is being hashed.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_UI "oms-coldchain-devices-group.ui");
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainDevicesGroup, accounts_list);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainDevicesGroup, add_button);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainDevicesGroup, connection_row);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainDevicesGroup, error_label);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainDevicesGroup,
                                        failed_logins_list);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainDevicesGroup, https_switch);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainDevicesGroup, password_row);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainDevicesGroup, port_spin);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainDevicesGroup, server_row);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainDevicesGroup, spinner);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainDevicesGroup, username_row);
  gtk_widget_class_bind_template_callback (widget_class,
                                           oms_coldchain_devices_group_entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class,
                                           oms_coldchain_devices_group_field_changed_cb);

  gtk_widget_class_install_action (widget_class, "devices.add", NULL,
                                   oms_coldchain_devices_group_add_action);
  gtk_widget_class_install_action (widget_class, "devices.apply-server", NULL,
                                   oms_coldchain_devices_group_apply_server_action);
  gtk_widget_class_install_action (widget_class, "devices.remove", "s",
                                   oms_coldchain_devices_group_remove_action);
}

static void
oms_coldchain_devices_group_init (OmsColdchainDevicesGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  oms_value_widget_scroll_only_when_focused (GTK_WIDGET (self->port_spin));

  self->cancellable = g_cancellable_new ();
  oms_coldchain_devices_group_update_actions (self);
  oms_coldchain_devices_group_refresh (self);
  oms_coldchain_devices_group_refresh_failed_logins (self);
}

/**
 * oms_coldchain_devices_group_get_store:
 * @self: an #OmsColdchainDevicesGroup
 *
 * Returns: (transfer none) (nullable): the store
 */
OmsStore *
oms_coldchain_devices_group_get_store (OmsColdchainDevicesGroup *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_DEVICES_GROUP (self), NULL);

  return self->store;
}

void
oms_coldchain_devices_group_set_store (OmsColdchainDevicesGroup *self,
                                       OmsStore                 *store)
{
  g_return_if_fail (OMS_IS_COLDCHAIN_DEVICES_GROUP (self));
  g_return_if_fail (store == NULL || OMS_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  oms_coldchain_devices_group_set_error (self, NULL);
  oms_coldchain_devices_group_load_server_fields (self);
  oms_coldchain_devices_group_update_actions (self);
  oms_coldchain_devices_group_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * oms_coldchain_devices_group_get_busy:
 * @self: an #OmsColdchainDevicesGroup
 *
 * Returns: whether a new account is being added
 */
gboolean
oms_coldchain_devices_group_get_busy (OmsColdchainDevicesGroup *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_DEVICES_GROUP (self), FALSE);

  return self->busy;
}
