/* oms-sync-settings-group.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-settings-group"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "oms-application.h"
#include "oms-inline-error.h"
#include "oms-protocol-error.h"
#include "oms-sync-error-text.h"
#include "oms-sync-log.h"
#include "oms-sync-settings-group.h"
#include "oms-sync-settings.h"
#include "oms-value-widget.h"

/* The Synchronisation section of Settings (UI.md §4). The connection fields are checked with
 * the legacy central before anything is stored, and nothing is stored when the check fails;
 * the interval is saved on its own so it never needs the password (Open mSupply #3407).
 */

typedef enum
{
  RUNG_ADDRESS,
  RUNG_CONNECTION,
  RUNG_TLS,
  RUNG_CREDENTIALS,
  RUNG_API_VERSION,
  RUNG_OMS_CENTRAL,
  N_RUNGS
} Rung;

typedef enum
{
  RUNG_NOT_CHECKED,
  RUNG_PASSED,
  RUNG_FAILED,
  RUNG_NOT_USED,
} RungState;

#define SYNC_SCHEMA_ID "io.github.omsync.OmSync.sync"

struct _OmsSyncSettingsGroup
{
  AdwPreferencesGroup  parent_instance;

  /* Template widgets */
  GtkLabel            *busy_label;
  OmsInlineError      *error;
  AdwActionRow        *interval_row;
  AdwActionRow        *data_used_row;
  GtkSpinButton       *interval_spin;
  GtkSwitch           *metered_switch;
  AdwPasswordEntryRow *password_row;
  GtkListBox          *rungs_list;
  AdwEntryRow         *site_row;
  GtkSpinner          *spinner;
  GtkLabel            *status_label;
  AdwEntryRow         *url_row;

  /* Owned references */
  OmsStore            *store;
  GSignalGroup        *store_signals;
  GCancellable        *cancellable;
  GSettings           *sync_settings;

  /* State */
  gint64               saved_interval;
  guint                loading : 1;
  guint                edited : 1;       /* the person changed a connection field */
};

G_DEFINE_FINAL_TYPE (OmsSyncSettingsGroup, oms_sync_settings_group, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_STORE,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const rung_titles[N_RUNGS] = {
  /* Translators: the steps of the connection test, shown as a list: the server's address is
   * valid. */
  [RUNG_ADDRESS] = N_("Address"),
  [RUNG_CONNECTION] = N_("Connection"),
  [RUNG_TLS] = N_("Secure connection (TLS)"),
  [RUNG_CREDENTIALS] = N_("Site name and password"),
  [RUNG_API_VERSION] = N_("Sync API version"),
  [RUNG_OMS_CENTRAL] = N_("Open mSupply central server"),
};

static void
oms_sync_settings_group_add_rung (OmsSyncSettingsGroup *self,
                                  Rung                  rung,
                                  RungState             state,
                                  const char           *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;
  const char *icon_name;
  const char *state_text;
  const char *css_class;

  switch (state)
    {
    case RUNG_PASSED:
      icon_name = "emblem-ok-symbolic";
      /* Translators: the outcome of one step of the connection test. */
      state_text = _("Passed");
      css_class = "success";
      break;

    case RUNG_FAILED:
      icon_name = "dialog-error-symbolic";
      state_text = _("Failed");
      css_class = "error";
      break;

    case RUNG_NOT_USED:
      icon_name = "dialog-information-symbolic";
      /* Translators: the outcome of one step of the connection test: the step does not apply
       * (e.g. TLS on a plain http address). */
      state_text = _("Not used");
      css_class = "dim-label";
      break;

    case RUNG_NOT_CHECKED:
    default:
      icon_name = "content-loading-symbolic";
      /* Translators: the outcome of one step of the connection test: not reached, because an
       * earlier step failed. */
      state_text = _("Not checked");
      css_class = "dim-label";
      break;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(rung_titles[rung]));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle ? subtitle : state_text);

  icon = gtk_image_new_from_icon_name (icon_name);
  gtk_widget_add_css_class (icon, css_class);
  gtk_widget_set_tooltip_text (icon, state_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, state_text,
                                  -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  gtk_list_box_append (self->rungs_list, row);
}

static void
oms_sync_settings_group_clear_rungs (OmsSyncSettingsGroup *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rungs_list))) != NULL)
    gtk_list_box_remove (self->rungs_list, child);

  gtk_widget_set_visible (GTK_WIDGET (self->rungs_list), FALSE);
}

/* Reports each rung of the ladder that the answer truthfully tells: what failed, what passed
 * before it, and what was never reached.
 */
static void
oms_sync_settings_group_show_rungs (OmsSyncSettingsGroup *self,
                                   const char           *url,
                                   const OmsV5SiteInfo  *site,
                                   const GError         *error)
{
  RungState states[N_RUNGS];
  const char *subtitles[N_RUNGS] = { NULL };
  g_autofree char *oms_central = NULL;
  g_autofree char *failed_message = NULL;
  gboolean https = g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "HTTPS://");
  int reached = N_RUNGS;     /* the rungs before this one passed */
  Rung failed = N_RUNGS;

  oms_sync_settings_group_clear_rungs (self);

  if (error != NULL && error->domain == OMS_SYNC_ERROR)
    {
      OmsSyncErrorVariant variant = oms_sync_error_get_variant (error);

      switch (variant)
        {
        case OMS_SYNC_ERROR_VARIANT_INVALID_URL:
          failed = RUNG_ADDRESS;
          break;

        case OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR:
          {
            const OmsSyncErrorInfo *info = oms_sync_error_get_info (error);

            /* A TLS handshake failure: the connection was made, the TLS rung failed. */
            if (https && info != NULL &&
                (info->reason == OMS_SYNC_ERROR_REASON_CERTIFICATE_UNTRUSTED ||
                 info->reason == OMS_SYNC_ERROR_REASON_TLS_FAILED))
              failed = RUNG_TLS;
            else
              failed = RUNG_CONNECTION;
          }
          break;

        case OMS_SYNC_ERROR_VARIANT_API_VERSION_INCOMPATIBLE:
          failed = RUNG_API_VERSION;
          break;

        case OMS_SYNC_ERROR_VARIANT_SITE_NAME_NOT_FOUND:
        case OMS_SYNC_ERROR_VARIANT_INCORRECT_PASSWORD:
        case OMS_SYNC_ERROR_VARIANT_HARDWARE_ID_MISMATCH:
        case OMS_SYNC_ERROR_VARIANT_SITE_HAS_NO_STORE:
        case OMS_SYNC_ERROR_VARIANT_SITE_AUTH_TIMEOUT:
        case OMS_SYNC_ERROR_VARIANT_SITE_UUID_IS_BEING_CHANGED:
          failed = RUNG_CREDENTIALS;
          break;

        case OMS_SYNC_ERROR_VARIANT_INTEGRATION_TIMEOUT_REACHED:
        case OMS_SYNC_ERROR_VARIANT_UNKNOWN:
        case OMS_SYNC_ERROR_VARIANT_CENTRAL_V6_NOT_CONFIGURED:
        case OMS_SYNC_ERROR_VARIANT_V6_API_VERSION_INCOMPATIBLE:
        case OMS_SYNC_ERROR_VARIANT_INTEGRATION_ERROR:
        default:
          /* An answer nobody expected: it shows the server was reached, nothing more. */
          reached = oms_sync_error_get_http_status (error) > 0 ? RUNG_CREDENTIALS
                                                                : RUNG_CONNECTION;
          break;
        }

      if (failed != N_RUNGS)
        {
          reached = failed;
          oms_sync_error_describe_error (error, -1, NULL, &failed_message, NULL);
          subtitles[failed] = failed_message;
        }
    }
  else if (error != NULL)
    {
      reached = RUNG_ADDRESS;
    }

  for (int i = 0; i < N_RUNGS; i++)
    {
      if ((Rung)i == failed)
        states[i] = RUNG_FAILED;
      else if (i < reached)
        states[i] = RUNG_PASSED;
      else
        states[i] = RUNG_NOT_CHECKED;
    }

  /* The credentials and API version are only known together, from the site's answer. */
  if (failed == RUNG_API_VERSION)
    states[RUNG_CREDENTIALS] = RUNG_NOT_CHECKED;

  if (!https && states[RUNG_TLS] == RUNG_PASSED)
    {
      states[RUNG_TLS] = RUNG_NOT_USED;
      subtitles[RUNG_TLS] = _("Not used: the URL starts with http://, so nothing is encrypted");
    }
  else if (states[RUNG_TLS] == RUNG_PASSED)
    {
      subtitles[RUNG_TLS] = _("The server’s certificate was accepted");
    }

  if (states[RUNG_ADDRESS] == RUNG_PASSED)
    subtitles[RUNG_ADDRESS] = _("The URL is valid");
  if (states[RUNG_CONNECTION] == RUNG_PASSED)
    subtitles[RUNG_CONNECTION] = _("The server answered");
  if (states[RUNG_CREDENTIALS] == RUNG_PASSED)
    subtitles[RUNG_CREDENTIALS] = _("The central server accepted them");
  if (states[RUNG_API_VERSION] == RUNG_PASSED)
    subtitles[RUNG_API_VERSION] = _("The central server accepts this version of omsync");

  if (site != NULL)
    {
      if (site->central_server_url != NULL && *site->central_server_url != '\0')
        {
          /* Translators: %s is the URL of the Open mSupply central server. */
          oms_central = g_strdup_printf (_("Announced at %s"), site->central_server_url);
          states[RUNG_OMS_CENTRAL] = RUNG_PASSED;
          subtitles[RUNG_OMS_CENTRAL] = oms_central;
        }
      else
        {
          states[RUNG_OMS_CENTRAL] = RUNG_NOT_USED;
          subtitles[RUNG_OMS_CENTRAL] = _("None announced: this site syncs with the mSupply "
                                          "central server only");
        }
    }

  for (int i = 0; i < N_RUNGS; i++)
    oms_sync_settings_group_add_rung (self, i, states[i], subtitles[i]);

  gtk_widget_set_visible (GTK_WIDGET (self->rungs_list), TRUE);
}

/* A focused entry that turns insensitive keeps blinking its cursor without focus (GTK 4.8
 * warns about it), so the focus leaves the form first.
 */
static void
oms_sync_settings_group_release_focus (OmsSyncSettingsGroup *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
    gtk_root_set_focus (root, NULL);
}

static void
oms_sync_settings_group_set_busy (OmsSyncSettingsGroup *self,
                                  gboolean              busy)
{
  if (busy == oms_sync_settings_group_get_busy (self))
    return;

  if (busy)
    oms_sync_settings_group_release_focus (self);

  /* Shown and hidden here, on every outcome: "Checking…" must not outlive the check. */
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_widget_set_visible (GTK_WIDGET (self->busy_label), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->url_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->site_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync-settings.save", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync-settings.test", !busy);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
oms_sync_settings_group_update_interval_action (OmsSyncSettingsGroup *self)
{
  gint64 value = (gint64)gtk_spin_button_get_value (self->interval_spin);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync-settings.save-interval",
                                 self->store != NULL && value != self->saved_interval);
}

/* The syncs' bytes on the wire since the first of this month, local time (oms-http.c says
 * what counts: headers and bodies as sent, compressed; file transfers not).
 */
static void
oms_sync_settings_group_load_data_used (OmsSyncSettingsGroup *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) month = g_date_time_new_local (g_date_time_get_year (now),
                                                      g_date_time_get_month (now), 1, 0, 0, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *down = NULL;
  g_autofree char *up = NULL;
  g_autofree char *subtitle = NULL;
  gint64 bytes_down = 0;
  gint64 bytes_up = 0;

  if (self->store == NULL)
    return;

  if (!oms_sync_log_sum_bytes_since (self->store, g_date_time_to_unix (month) * G_USEC_PER_SEC,
                                     &bytes_down, &bytes_up, &error))
    {
      g_debug ("Cannot read the data used: %s", error->message);
      adw_action_row_set_subtitle (self->data_used_row, _("The sync history cannot be read"));
      return;
    }

  down = g_format_size ((guint64) bytes_down);
  up = g_format_size ((guint64) bytes_up);
  /* Translators: what this month's syncs used on the network, e.g. "12.3 MB received,
   * 401.2 kB sent".
   */
  subtitle = g_strdup_printf (_("%s received, %s sent"), down, up);
  adw_action_row_set_subtitle (self->data_used_row, subtitle);
}

static void
oms_sync_settings_group_load (OmsSyncSettingsGroup *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *username = NULL;
  gint64 interval = OMS_SYNC_DEFAULT_INTERVAL_SECONDS;

  if (self->store != NULL)
    {
      url = oms_store_kv_get_string (self->store, OMS_KV_SYNC_URL, &error);
      if (error == NULL)
        username = oms_store_kv_get_string (self->store, OMS_KV_SYNC_USERNAME, &error);
      if (error == NULL)
        interval = oms_store_kv_get_bigint (self->store, OMS_KV_SYNC_INTERVAL_SECONDS,
                                            OMS_SYNC_DEFAULT_INTERVAL_SECONDS, &error);
      if (error != NULL)
        oms_inline_error_set (self->error, _("The sync settings cannot be read"), NULL,
                              error->message);
    }

  if (interval < 1)
    interval = OMS_SYNC_DEFAULT_INTERVAL_SECONDS;

  self->loading = TRUE;

  /* What the person is typing is never overwritten. The password is never shown again, as
   * in Open mSupply: only its hash is kept.
   */
  if (!self->edited)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->url_row), url ? url : "");
      gtk_editable_set_text (GTK_EDITABLE (self->site_row), username ? username : "");
      gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
    }

  if ((gint64)gtk_spin_button_get_value (self->interval_spin) == self->saved_interval)
    gtk_spin_button_set_value (self->interval_spin, (double)interval);
  self->saved_interval = interval;
  oms_sync_settings_group_update_interval_action (self);
  oms_sync_settings_group_load_data_used (self);

  self->loading = FALSE;
}

/* Another program or the engine wrote to the store: show what it holds now. */
static void
oms_sync_settings_group_store_changed_cb (OmsSyncSettingsGroup *self,
                                          OmsStore             *store)
{
  if (!oms_sync_settings_group_get_busy (self))
    oms_sync_settings_group_load (self);
}

static void
oms_sync_settings_group_clear_feedback (OmsSyncSettingsGroup *self)
{
  oms_inline_error_clear (self->error);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);
}

/* Empty fields are reported at once, without asking the server anything. */
static gboolean
oms_sync_settings_group_validate (OmsSyncSettingsGroup  *self,
                                  char                 **url,
                                  char                 **username,
                                  char                 **password)
{
  g_autofree char *u = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row)));
  g_autofree char *s = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->site_row)));
  const char *p = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  GtkWidget *focus = NULL;

  g_strstrip (u);
  g_strstrip (s);
  oms_sync_settings_group_clear_feedback (self);

  if (*u == '\0')
    {
      oms_inline_error_set (self->error, _("Enter the central server URL."), NULL, NULL);
      focus = GTK_WIDGET (self->url_row);
    }
  else if (*s == '\0')
    {
      oms_inline_error_set (self->error, _("Enter the site name."), NULL, NULL);
      focus = GTK_WIDGET (self->site_row);
    }
  else if (*p == '\0')
    {
      oms_inline_error_set (self->error, _("Enter the site password."), NULL, NULL);
      focus = GTK_WIDGET (self->password_row);
    }

  if (focus != NULL)
    {
      gtk_widget_grab_focus (focus);
      return FALSE;
    }

  *url = g_steal_pointer (&u);
  *username = g_steal_pointer (&s);
  *password = g_strdup (p);

  return TRUE;
}

static OmsApplication *
oms_sync_settings_group_get_application (OmsSyncSettingsGroup *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *app = NULL;

  if (GTK_IS_WINDOW (root))
    app = gtk_window_get_application (GTK_WINDOW (root));

  return OMS_IS_APPLICATION (app) ? OMS_APPLICATION (app) : NULL;
}

typedef struct
{
  OmsSyncSettingsGroup *self;
  char                 *url;
  char                 *username;
} Request;

static void
request_free (Request *request)
{
  g_object_unref (request->self);
  g_free (request->url);
  g_free (request->username);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static Request *
request_new (OmsSyncSettingsGroup *self,
             const char           *url,
             const char           *username)
{
  Request *request = g_new0 (Request, 1);

  request->self = g_object_ref (self);
  request->url = g_strdup (url);
  request->username = g_strdup (username);

  return request;
}

static void
oms_sync_settings_group_save_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  OmsSyncSettingsGroup *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  OmsApplication *app;

  if (!oms_sync_settings_save_finish (OMS_STORE (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      oms_sync_settings_group_set_busy (self, FALSE);
      oms_inline_error_set_error (self->error, error, _("Unable to save settings"));
      return;
    }

  oms_sync_settings_group_set_busy (self, FALSE);
  self->edited = FALSE;
  oms_sync_settings_group_load (self);

  /* Translators: %s is the site name. */
  status = g_strdup_printf (_("Connected to %s. The settings are saved."), request->username);
  gtk_label_set_label (self->status_label, status);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);

  app = oms_sync_settings_group_get_application (self);
  if (app != NULL && oms_application_get_engine (app) != NULL)
    oms_sync_engine_refresh (oms_application_get_engine (app));
}

static void
oms_sync_settings_group_save_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  OmsSyncSettingsGroup *self = OMS_SYNC_SETTINGS_GROUP (widget);
  g_autofree char *url = NULL;
  g_autofree char *username = NULL;
  g_autofree char *password = NULL;

  if (self->store == NULL || oms_sync_settings_group_get_busy (self))
    return;

  oms_sync_settings_group_clear_rungs (self);

  if (!oms_sync_settings_group_validate (self, &url, &username, &password))
    return;

  oms_sync_settings_group_set_busy (self, TRUE);
  oms_sync_settings_save_async (self->store, url, username, password,
                                (gint64)gtk_spin_button_get_value (self->interval_spin),
                                self->cancellable, oms_sync_settings_group_save_cb,
                                request_new (self, url, username));
}

static void
oms_sync_settings_group_test_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  OmsSyncSettingsGroup *self = request->self;
  g_autoptr(OmsV5SiteInfo) site = NULL;
  g_autoptr(GError) error = NULL;

  site = oms_sync_settings_check_finish (OMS_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  oms_sync_settings_group_set_busy (self, FALSE);
  oms_sync_settings_group_show_rungs (self, request->url, site, error);

  if (site == NULL)
    {
      oms_inline_error_set_error (self->error, error, _("Unable to connect to server"));
    }
  else
    {
      g_autofree char *status = NULL;

      /* Translators: %s is the site name. */
      status = g_strdup_printf (_("The central server accepts these settings for %s. They "
                                  "are not saved yet."), request->username);
      gtk_label_set_label (self->status_label, status);
      gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
    }
}

static void
oms_sync_settings_group_test_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  OmsSyncSettingsGroup *self = OMS_SYNC_SETTINGS_GROUP (widget);
  g_autofree char *url = NULL;
  g_autofree char *username = NULL;
  g_autofree char *password = NULL;

  if (self->store == NULL || oms_sync_settings_group_get_busy (self))
    return;

  oms_sync_settings_group_clear_rungs (self);

  if (!oms_sync_settings_group_validate (self, &url, &username, &password))
    return;

  oms_sync_settings_group_set_busy (self, TRUE);
  oms_sync_settings_check_async (self->store, url, username, password, self->cancellable,
                                 oms_sync_settings_group_test_cb,
                                 request_new (self, url, username));
}

static void
oms_sync_settings_group_save_interval_action (GtkWidget  *widget,
                                              const char *action_name,
                                              GVariant   *parameter)
{
  OmsSyncSettingsGroup *self = OMS_SYNC_SETTINGS_GROUP (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  gint64 interval;

  if (self->store == NULL)
    return;

  gtk_spin_button_update (self->interval_spin);
  interval = (gint64)gtk_spin_button_get_value (self->interval_spin);

  oms_sync_settings_group_clear_feedback (self);

  if (!oms_sync_settings_save_interval (self->store, interval, &error))
    {
      oms_inline_error_set (self->error, _("The interval cannot be saved"), NULL,
                            error->message);
      return;
    }

  self->saved_interval = interval;
  oms_sync_settings_group_update_interval_action (self);

  /* The spin button's range fits an int; a format macro inside the msgid would cut it
   * short for translators (xgettext stops at G_GINT64_FORMAT).
   */
  status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         /* Translators: %d is a number of seconds */
                                         "The site syncs every %d second.",
                                         "The site syncs every %d seconds.",
                                         (gulong) interval),
                            (int) interval);
  gtk_label_set_label (self->status_label, status);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
}

static void
oms_sync_settings_group_field_changed_cb (OmsSyncSettingsGroup *self,
                                          GtkEditable          *editable)
{
  if (self->loading)
    return;

  self->edited = TRUE;

  /* A result no longer describes the fields once they change. */
  oms_sync_settings_group_clear_rungs (self);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);
}

static void
oms_sync_settings_group_entry_activated_cb (OmsSyncSettingsGroup *self,
                                            AdwEntryRow          *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "sync-settings.save", NULL);
}

static void
oms_sync_settings_group_interval_changed_cb (OmsSyncSettingsGroup *self,
                                             GtkSpinButton        *spin)
{
  oms_sync_settings_group_update_interval_action (self);
}

static void
oms_sync_settings_group_dispose (GObject *object)
{
  OmsSyncSettingsGroup *self = (OmsSyncSettingsGroup *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->store_signals != NULL)
    g_signal_group_set_target (self->store_signals, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), OMS_TYPE_SYNC_SETTINGS_GROUP);

  g_clear_object (&self->store_signals);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->sync_settings);

  G_OBJECT_CLASS (oms_sync_settings_group_parent_class)->dispose (object);
}

static void
oms_sync_settings_group_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  OmsSyncSettingsGroup *self = OMS_SYNC_SETTINGS_GROUP (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, oms_sync_settings_group_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_sync_settings_group_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  OmsSyncSettingsGroup *self = OMS_SYNC_SETTINGS_GROUP (object);

  switch (prop_id)
    {
    case PROP_STORE:
      oms_sync_settings_group_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_sync_settings_group_class_init (OmsSyncSettingsGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = oms_sync_settings_group_dispose;
  object_class->get_property = oms_sync_settings_group_get_property;
  object_class->set_property = oms_sync_settings_group_set_property;

  /**
   * OmsSyncSettingsGroup:store:
   *
   * The store the settings are read from and saved to.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         OMS_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OmsSyncSettingsGroup:busy:
   *
   * Whether a check with the central server is running.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/omsync/OmSync/ui/"
                                                             "oms-sync-settings-group.ui");
  gtk_widget_class_bind_template_child (widget_class, OmsSyncSettingsGroup, busy_label);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncSettingsGroup, error);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncSettingsGroup, interval_row);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncSettingsGroup, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncSettingsGroup, metered_switch);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncSettingsGroup, password_row);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncSettingsGroup, rungs_list);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncSettingsGroup, site_row);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncSettingsGroup, spinner);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncSettingsGroup, status_label);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncSettingsGroup, data_used_row);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncSettingsGroup, url_row);
  gtk_widget_class_bind_template_callback (widget_class,
                                           oms_sync_settings_group_entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class,
                                           oms_sync_settings_group_field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class,
                                           oms_sync_settings_group_interval_changed_cb);

  gtk_widget_class_install_action (widget_class, "sync-settings.save", NULL,
                                   oms_sync_settings_group_save_action);
  gtk_widget_class_install_action (widget_class, "sync-settings.test", NULL,
                                   oms_sync_settings_group_test_action);
  gtk_widget_class_install_action (widget_class, "sync-settings.save-interval", NULL,
                                   oms_sync_settings_group_save_interval_action);

  g_type_ensure (OMS_TYPE_INLINE_ERROR);
}

static void
oms_sync_settings_group_init (OmsSyncSettingsGroup *self)
{
  self->cancellable = g_cancellable_new ();
  self->saved_interval = OMS_SYNC_DEFAULT_INTERVAL_SECONDS;

  gtk_widget_init_template (GTK_WIDGET (self));
  oms_value_widget_scroll_only_when_focused (GTK_WIDGET (self->interval_spin));

  self->store_signals = g_signal_group_new (OMS_TYPE_STORE);
  g_signal_group_connect_object (self->store_signals, "changed",
                                 G_CALLBACK (oms_sync_settings_group_store_changed_cb), self,
                                 G_CONNECT_SWAPPED);

  oms_sync_settings_group_update_interval_action (self);

  /* A preference of this computer's connection, not of the site: GSettings, not the store. */
  self->sync_settings = g_settings_new (SYNC_SCHEMA_ID);
  g_settings_bind (self->sync_settings, "sync-on-metered", self->metered_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}

/**
 * oms_sync_settings_group_get_store:
 * @self: an #OmsSyncSettingsGroup
 *
 * Returns: (transfer none) (nullable): the store
 */
OmsStore *
oms_sync_settings_group_get_store (OmsSyncSettingsGroup *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_SETTINGS_GROUP (self), NULL);

  return self->store;
}

void
oms_sync_settings_group_set_store (OmsSyncSettingsGroup *self,
                                   OmsStore             *store)
{
  g_return_if_fail (OMS_IS_SYNC_SETTINGS_GROUP (self));
  g_return_if_fail (store == NULL || OMS_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  g_signal_group_set_target (self->store_signals, store);
  self->edited = FALSE;
  oms_sync_settings_group_clear_feedback (self);
  oms_sync_settings_group_clear_rungs (self);
  oms_sync_settings_group_load (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

gboolean
oms_sync_settings_group_get_busy (OmsSyncSettingsGroup *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_SETTINGS_GROUP (self), FALSE);

  return gtk_spinner_get_spinning (self->spinner);
}

/**
 * oms_sync_settings_group_get_busy_text:
 * @self: an #OmsSyncSettingsGroup
 *
 * Returns: (nullable): the "checking" line while it shows, else %NULL
 */
const char *
oms_sync_settings_group_get_busy_text (OmsSyncSettingsGroup *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_SETTINGS_GROUP (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->busy_label)))
    return NULL;

  return gtk_label_get_label (self->busy_label);
}

/**
 * oms_sync_settings_group_get_error:
 * @self: an #OmsSyncSettingsGroup
 *
 * Returns: (transfer none): the inline error under the fields
 */
OmsInlineError *
oms_sync_settings_group_get_error (OmsSyncSettingsGroup *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_SETTINGS_GROUP (self), NULL);

  return self->error;
}

/**
 * oms_sync_settings_group_get_status:
 * @self: an #OmsSyncSettingsGroup
 *
 * Returns: (nullable): the success line shown, or %NULL when none is
 */
const char *
oms_sync_settings_group_get_status (OmsSyncSettingsGroup *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_SETTINGS_GROUP (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->status_label)))
    return NULL;

  return gtk_label_get_label (self->status_label);
}

/**
 * oms_sync_settings_group_focus:
 * @self: an #OmsSyncSettingsGroup
 *
 * Moves the keyboard focus to the first field, which scrolls the section into view.
 */
void
oms_sync_settings_group_focus (OmsSyncSettingsGroup *self)
{
  g_return_if_fail (OMS_IS_SYNC_SETTINGS_GROUP (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->url_row));
}

/**
 * oms_sync_settings_group_get_metered_switch:
 *
 * Returns: (transfer none): the "Sync on metered connections" switch, for tests
 */
GtkWidget *
oms_sync_settings_group_get_metered_switch (OmsSyncSettingsGroup *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_SETTINGS_GROUP (self), NULL);

  return GTK_WIDGET (self->metered_switch);
}
