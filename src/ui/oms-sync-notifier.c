/* oms-sync-notifier.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-notifier"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-protocol-error.h"
#include "oms-sync-notifier.h"
#include "oms-sync-summary.h"

/* What reaches a person who is not looking at omsync: a desktop notification when a sync fails
 * while no omsync window is in front (one, kept until a sync succeeds, not one per failed
 * run), another when no sync has succeeded for a day, and a suspend inhibitor while a run
 * goes so the machine does not sleep in the middle of it. Activating a notification opens
 * the sync status window (app.show-sync).
 */

/* How often to look again whether the last success has become a day old, between runs. */
#define STALE_CHECK_SECONDS (15 * 60)

struct _OmsSyncNotifier
{
  GObject          parent_instance;

  GtkApplication  *application;   /* not owned: it owns this object */
  OmsSyncEngine   *engine;
  guint            inhibit_cookie;
  guint            stale_check_id;
  gboolean         failure_sent;
  gboolean         stale_sent;
  gboolean         withdrawn_once; /* what an earlier omsync left is withdrawn at a success */
};

G_DEFINE_FINAL_TYPE (OmsSyncNotifier, oms_sync_notifier, G_TYPE_OBJECT)

/* Whether an omsync window is on screen and has the focus: then the window says it all. */
static gboolean
someone_is_looking (OmsSyncNotifier *self)
{
  for (const GList *l = gtk_application_get_windows (self->application); l; l = l->next)
    {
      if (gtk_widget_get_visible (GTK_WIDGET (l->data)) && gtk_window_is_active (l->data))
        return TRUE;
    }

  return FALSE;
}

static gboolean
name_is_known (GDBusConnection *bus,
               const char      *method,
               const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) names = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", method,
                                       g_str_equal (method, "NameHasOwner")
                                         ? g_variant_new ("(s)", name) : NULL,
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 2000, NULL, &error);
  if (reply == NULL)
    {
      g_debug ("%s failed: %s", method, error->message);
      return FALSE;
    }

  if (g_str_equal (method, "NameHasOwner"))
    {
      gboolean owned;

      g_variant_get (reply, "(b)", &owned);
      return owned;
    }

  names = g_variant_get_child_value (reply, 0);
  for (gsize i = 0; i < g_variant_n_children (names); i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (names, i);

      if (g_str_equal (g_variant_get_string (child, NULL), name))
        return TRUE;
    }

  return FALSE;
}

/* GLib sends to org.gtk.Notifications when it has an owner, else to
 * org.freedesktop.Notifications, and warns when that fails. A session with neither (a bare X
 * server, a test bus) gets nothing rather than a warning on every start.
 */
static gboolean
notifications_available (OmsSyncNotifier *self)
{
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (self->application));

  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    return TRUE;
  if (bus == NULL)
    return FALSE;

  return name_is_known (bus, "NameHasOwner", "org.gtk.Notifications") ||
         name_is_known (bus, "NameHasOwner", "org.freedesktop.Notifications") ||
         name_is_known (bus, "ListActivatableNames", "org.freedesktop.Notifications");
}

static void
send_notification (OmsSyncNotifier *self,
                   const char      *id,
                   const char      *title,
                   const char      *body)
{
  g_autoptr(GNotification) notification = NULL;

  if (!notifications_available (self))
    {
      g_debug ("No notification service on the session bus: not sending “%s”", title);
      return;
    }

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_default_action (notification, "app.show-sync");
  g_application_send_notification (G_APPLICATION (self->application), id, notification);
}

static void
withdraw_all (OmsSyncNotifier *self)
{
  /* A notification left by an earlier omsync (the shell keeps them) goes at the first success
   * too; after that only those this one sent.
   */
  if ((self->failure_sent || self->stale_sent || !self->withdrawn_once) &&
      notifications_available (self))
    {
      g_application_withdraw_notification (G_APPLICATION (self->application),
                                           OMS_NOTIFICATION_SYNC_FAILED);
      g_application_withdraw_notification (G_APPLICATION (self->application),
                                           OMS_NOTIFICATION_SYNC_STALE);
    }

  self->failure_sent = FALSE;
  self->stale_sent = FALSE;
  self->withdrawn_once = TRUE;
}

static void
check_stale (OmsSyncNotifier *self)
{
  const OmsSyncRun *success = oms_sync_engine_get_last_successful_run (self->engine);
  gint64 now = g_get_real_time ();
  g_autofree char *when = NULL;
  g_autofree char *body = NULL;

  /* A site that has never synced gets the failure notification instead. */
  if (self->stale_sent || success == NULL || success->finished <= 0 ||
      now - success->finished < OMS_SYNC_NOTIFIER_STALE_AFTER || someone_is_looking (self))
    return;

  when = oms_sync_summary_format_time (success->finished, now);
  /* Translators: %s is a date and time ("12/05/26 14:05"). */
  body = g_strdup_printf (_("The last successful sync was at %s. Records entered since then "
                            "have not reached the central server."), when);
  send_notification (self, OMS_NOTIFICATION_SYNC_STALE,
                     _("No successful sync for more than a day"), body);
  self->stale_sent = TRUE;
}

static gboolean
stale_check_cb (gpointer user_data)
{
  check_stale (user_data);

  return G_SOURCE_CONTINUE;
}

static void
run_finished_cb (OmsSyncNotifier *self,
                 gboolean         success,
                 OmsSyncEngine   *engine)
{
  const OmsSyncRun *run = oms_sync_engine_get_latest_run (engine);
  OmsSyncErrorVariant variant;

  if (success)
    {
      withdraw_all (self);
      return;
    }

  /* A run cut short (omsync quitting, a cancel) is not a failure to report. */
  if (run == NULL || run->interrupted || !oms_sync_engine_get_error (engine, &variant, NULL))
    return;

  if (!self->failure_sent && !someone_is_looking (self))
    {
      send_notification (self, OMS_NOTIFICATION_SYNC_FAILED, _("Sync failed"),
                         oms_sync_error_variant_get_message (variant));
      self->failure_sent = TRUE;
    }

  check_stale (self);
}

/* Keeps the machine awake while a run goes, whatever way the run ends. */
static void
is_syncing_changed_cb (OmsSyncNotifier *self)
{
  gboolean syncing = oms_sync_engine_get_is_syncing (self->engine);

  if (syncing && self->inhibit_cookie == 0)
    {
      self->inhibit_cookie =
        gtk_application_inhibit (self->application, NULL, GTK_APPLICATION_INHIBIT_SUSPEND,
                                 /* Translators: Why the computer should not sleep now, shown
                                  * by the desktop when someone tries to suspend it.
                                  */
                                 _("Syncing with the central server"));
      g_debug ("Suspend inhibited (cookie %u)", self->inhibit_cookie);
    }
  else if (!syncing && self->inhibit_cookie != 0)
    {
      gtk_application_uninhibit (self->application, self->inhibit_cookie);
      g_debug ("Suspend allowed again (cookie %u)", self->inhibit_cookie);
      self->inhibit_cookie = 0;
    }
}

static void
oms_sync_notifier_dispose (GObject *object)
{
  OmsSyncNotifier *self = (OmsSyncNotifier *)object;

  g_clear_handle_id (&self->stale_check_id, g_source_remove);
  if (self->inhibit_cookie != 0)
    {
      gtk_application_uninhibit (self->application, self->inhibit_cookie);
      self->inhibit_cookie = 0;
    }
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (oms_sync_notifier_parent_class)->dispose (object);
}

static void
oms_sync_notifier_class_init (OmsSyncNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = oms_sync_notifier_dispose;
}

static void
oms_sync_notifier_init (OmsSyncNotifier *self)
{
}

/**
 * oms_sync_notifier_new:
 * @application: the application, registered, that sends the notifications and holds the
 *   inhibitor; it must outlive the notifier (drop the notifier before its shutdown ends)
 * @engine: the engine whose runs to follow
 *
 * Returns: (transfer full): a new #OmsSyncNotifier, already following @engine
 */
OmsSyncNotifier *
oms_sync_notifier_new (GtkApplication *application,
                       OmsSyncEngine  *engine)
{
  OmsSyncNotifier *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (OMS_IS_SYNC_ENGINE (engine), NULL);

  self = g_object_new (OMS_TYPE_SYNC_NOTIFIER, NULL);
  self->application = application;
  self->engine = g_object_ref (engine);

  g_signal_connect_object (engine, "notify::is-syncing", G_CALLBACK (is_syncing_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "run-finished", G_CALLBACK (run_finished_cb), self,
                           G_CONNECT_SWAPPED);
  self->stale_check_id = g_timeout_add_seconds (STALE_CHECK_SECONDS, stale_check_cb, self);
  is_syncing_changed_cb (self);

  return self;
}
