/* oms-application-actions.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-application-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-a11y-names.h"
#include "oms-application-private.h"
#include "oms-sync-window.h"

static void
oms_application_actions_quit (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  OmsApplication *self = user_data;
  g_autoptr(GList) windows = NULL;

  g_assert (OMS_IS_APPLICATION (self));

  /* Close every window rather than stopping the main loop at once, so each one saves its
   * state in its close-request handler.
   */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));

  g_application_quit (G_APPLICATION (self));
}

static void
oms_application_actions_about (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  static const char *developers[] = {
    "The omsync authors",
    NULL
  };
  OmsApplication *self = user_data;
  AdwAboutWindow *about;
  OmsWindow *window;

  g_assert (OMS_IS_APPLICATION (self));

  window = _oms_application_get_main_window (self);

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  adw_about_window_set_application_icon (about, APP_ID);
  adw_about_window_set_application_name (about, "omsync");
  adw_about_window_set_comments (about, _("Synchronise an Open mSupply store with its central "
                                          "servers."));
  adw_about_window_set_copyright (about, "© 2026 The omsync authors");
  adw_about_window_set_developer_name (about, "The omsync authors");
  adw_about_window_set_developers (about, developers);
  adw_about_window_set_issue_url (about, "https://github.com/omsync/omsync/issues");
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  /* Translators: Replace "translator-credits" with your name and email address, one per line. */
  adw_about_window_set_translator_credits (about, _("translator-credits"));
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_website (about, "https://github.com/omsync/omsync");

  oms_a11y_names_name_library_parts (GTK_WIDGET (about));
  gtk_window_set_application (GTK_WINDOW (about), GTK_APPLICATION (self));
  if (window != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (about), GTK_WINDOW (window));
  gtk_window_set_modal (GTK_WINDOW (about), TRUE);
  gtk_window_present (GTK_WINDOW (about));
}

static void
oms_application_actions_preferences (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data)
{
  OmsApplication *self = user_data;
  OmsWindow *window;

  g_assert (OMS_IS_APPLICATION (self));

  window = _oms_application_get_main_window (self);
  if (window == NULL)
    {
      g_application_activate (G_APPLICATION (self));
      window = _oms_application_get_main_window (self);
    }

  g_assert (window != NULL);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "settings");
  gtk_window_present (GTK_WINDOW (window));
}

static void
oms_application_actions_sync_now (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  OmsApplication *self = user_data;
  OmsSiteOwner *site_owner = _oms_application_get_site_owner (self);

  /* Runs now, or once more after the current run; nothing to do while unconfigured. When
   * another program serves this site, that program runs it.
   */
  if (site_owner != NULL)
    oms_site_owner_sync_now (site_owner);
}

static void
oms_application_actions_show_sync (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  OmsApplication *self = user_data;
  OmsSyncWindow *sync_window = NULL;
  OmsWindow *window;

  g_assert (OMS_IS_APPLICATION (self));

  window = _oms_application_get_main_window (self);
  if (window == NULL)
    {
      g_application_activate (G_APPLICATION (self));
      window = _oms_application_get_main_window (self);
    }

  for (const GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    {
      if (OMS_IS_SYNC_WINDOW (l->data))
        {
          sync_window = l->data;
          break;
        }
    }

  /* One sync status window: asking again brings it to the front. */
  if (sync_window == NULL)
    {
      sync_window = oms_sync_window_new (oms_application_get_engine (self));
      if (oms_application_get_scheduler (self) != NULL)
        oms_sync_window_set_scheduler (sync_window, oms_application_get_scheduler (self));
      gtk_window_set_application (GTK_WINDOW (sync_window), GTK_APPLICATION (self));
      if (window != NULL)
        gtk_window_set_transient_for (GTK_WINDOW (sync_window), GTK_WINDOW (window));
    }

  gtk_window_present (GTK_WINDOW (sync_window));
}

static void
oms_application_actions_sync_settings (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data)
{
  OmsApplication *self = user_data;
  OmsWindow *window = _oms_application_get_main_window (self);

  if (window == NULL)
    {
      g_application_activate (G_APPLICATION (self));
      window = _oms_application_get_main_window (self);
    }

  if (window != NULL)
    oms_window_show_sync_settings (window);
}

/* The Retry button shown in place of the QR code while the cold chain server is not running. */
static void
oms_application_actions_coldchain_retry (GSimpleAction *action,
                                         GVariant      *parameter,
                                         gpointer       user_data)
{
  _oms_application_retry_coldchain_server (OMS_APPLICATION (user_data));
}

static const GActionEntry app_entries[] = {
  { "about", oms_application_actions_about },
  { "coldchain-retry", oms_application_actions_coldchain_retry },
  { "preferences", oms_application_actions_preferences },
  { "quit", oms_application_actions_quit },
  { "show-sync", oms_application_actions_show_sync },
  { "sync-now", oms_application_actions_sync_now },
  { "sync-settings", oms_application_actions_sync_settings },
};

void
_oms_application_actions_init (OmsApplication *self)
{
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    /* Ctrl+Alt+S as the Open mSupply docs say, Alt+Shift+S as Open mSupply does (UI.md A4). */
    { "app.show-sync", { "<Control><Alt>s", "<Alt><Shift>s", NULL } },
  };

  g_assert (OMS_IS_APPLICATION (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_entries,
                                   G_N_ELEMENTS (app_entries),
                                   self);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           accels[i].action,
                                           accels[i].accels);

  /* GtkApplication binds Ctrl+? to the help overlay on its own; set it here as well so every
   * global accelerator is declared in one place.
   */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                         "win.show-help-overlay",
                                         (const char *[]) { "<Control>question", NULL });
}
