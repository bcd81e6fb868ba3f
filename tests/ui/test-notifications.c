/* test-notifications.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-notifications"

#include "config.h"

#include <gtk/gtk.h>

#include "oms-application.h"
#include "oms-central-server.h"
#include "oms-locale.h"
#include "oms-protocol-error.h"
#include "oms-sync-engine-private.h"
#include "oms-sync-log.h"
#include "oms-sync-notifier.h"
#include "oms-sync-window.h"
#include "oms-test-central.h"
#include "oms-window.h"
#include "ui-test-util.h"

/* What reaches someone who is not looking, seen where the desktop would see it: on the session
 * bus. A fake desktop owns org.gtk.Notifications (where GLib sends a GNotification when that
 * name has an owner) and org.gnome.SessionManager (where GTK 4.8 sends
 * gtk_application_inhibit() when that name has an owner at start-up) and records every call.
 * It answers from its own thread and connection, because GTK calls Inhibit synchronously
 * from the main thread.
 */

#define USEC_PER_DAY (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)

static const char fake_desktop_xml[] =
  "<node>"
  "  <interface name='org.gtk.Notifications'>"
  "    <method name='AddNotification'>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/>"
  "    </method>"
  "    <method name='RemoveNotification'>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "    </method>"
  "  </interface>"
  "  <interface name='org.gnome.SessionManager'>"
  "    <method name='Inhibit'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "      <arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='Uninhibit'>"
  "      <arg type='u' direction='in'/>"
  "    </method>"
  "    <method name='IsInhibited'>"
  "      <arg type='u' direction='in'/><arg type='b' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

typedef struct
{
  GThread         *thread;
  GMainContext    *context;
  GMainLoop       *loop;
  GDBusConnection *connection;
  GDBusNodeInfo   *node;
  guint            registrations[2];
  guint            owners[2];

  GMutex           lock;
  GCond            cond;
  guint            names_acquired;
  gboolean         failed;
  /* Under lock: */
  GPtrArray       *calls;          /* "AddNotification <id>", "Inhibit <flags> <reason>", … */
  GHashTable      *added;          /* id → the last AddNotification's notification (a{sv}) */
  char            *app_sender;     /* the unique bus name that sent notifications */
  guint            held;           /* inhibitors held now */
  guint            next_cookie;
} FakeDesktop;

static void
fake_desktop_method_cb (GDBusConnection       *connection,
                        const char            *sender,
                        const char            *object_path,
                        const char            *interface_name,
                        const char            *method_name,
                        GVariant              *parameters,
                        GDBusMethodInvocation *invocation,
                        gpointer               user_data)
{
  FakeDesktop *fake = user_data;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&fake->lock);

  if (g_str_equal (method_name, "AddNotification"))
    {
      const char *app_id, *id;
      GVariant *notification;

      g_variant_get (parameters, "(&s&s@a{sv})", &app_id, &id, &notification);
      g_ptr_array_add (fake->calls, g_strdup_printf ("AddNotification %s", id));
      g_hash_table_replace (fake->added, g_strdup (id), notification);
      g_free (fake->app_sender);
      fake->app_sender = g_strdup (sender);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "RemoveNotification"))
    {
      const char *app_id, *id;

      g_variant_get (parameters, "(&s&s)", &app_id, &id);
      g_ptr_array_add (fake->calls, g_strdup_printf ("RemoveNotification %s", id));
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "Inhibit"))
    {
      const char *app_id, *reason;
      guint32 xid, flags;

      g_variant_get (parameters, "(&su&su)", &app_id, &xid, &reason, &flags);
      g_ptr_array_add (fake->calls, g_strdup_printf ("Inhibit %u %s", flags, reason));
      fake->held++;
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(u)", ++fake->next_cookie));
    }
  else if (g_str_equal (method_name, "Uninhibit"))
    {
      guint32 cookie;

      g_variant_get (parameters, "(u)", &cookie);
      g_ptr_array_add (fake->calls, g_strdup_printf ("Uninhibit %u", cookie));
      if (cookie >= 1 && cookie <= fake->next_cookie && fake->held > 0)
        fake->held--;
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    {
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(b)", fake->held > 0));
    }
}

static const GDBusInterfaceVTable fake_desktop_vtable = { fake_desktop_method_cb, NULL, NULL };

static void
fake_desktop_name_cb (GDBusConnection *connection,
                      const char      *name,
                      gpointer         user_data)
{
  FakeDesktop *fake = user_data;

  g_mutex_lock (&fake->lock);
  fake->names_acquired++;
  g_cond_signal (&fake->cond);
  g_mutex_unlock (&fake->lock);
}

static void
fake_desktop_name_lost_cb (GDBusConnection *connection,
                           const char      *name,
                           gpointer         user_data)
{
  FakeDesktop *fake = user_data;

  g_mutex_lock (&fake->lock);
  fake->failed = TRUE;
  g_cond_signal (&fake->cond);
  g_mutex_unlock (&fake->lock);
}

static gpointer
fake_desktop_thread (gpointer user_data)
{
  static const struct { const char *name, *path, *interface; } services[] = {
    { "org.gtk.Notifications", "/org/gtk/Notifications", "org.gtk.Notifications" },
    { "org.gnome.SessionManager", "/org/gnome/SessionManager", "org.gnome.SessionManager" },
  };
  FakeDesktop *fake = user_data;
  g_autofree char *address = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (fake->context);

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  fake->connection = g_dbus_connection_new_for_address_sync (
    address,
    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
    G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
    NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      GDBusInterfaceInfo *info = g_dbus_node_info_lookup_interface (fake->node,
                                                                    services[i].interface);

      fake->registrations[i] =
        g_dbus_connection_register_object (fake->connection, services[i].path, info,
                                           &fake_desktop_vtable, fake, NULL, &error);
      g_assert_no_error (error);
      fake->owners[i] =
        g_bus_own_name_on_connection (fake->connection, services[i].name,
                                      G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                      fake_desktop_name_cb, fake_desktop_name_lost_cb,
                                      fake, NULL);
    }

  g_main_loop_run (fake->loop);

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      g_bus_unown_name (fake->owners[i]);
      g_dbus_connection_unregister_object (fake->connection, fake->registrations[i]);
    }
  g_dbus_connection_flush_sync (fake->connection, NULL, NULL);
  g_dbus_connection_close_sync (fake->connection, NULL, NULL);
  g_clear_object (&fake->connection);
  while (g_main_context_iteration (fake->context, FALSE))
    ;
  g_main_context_pop_thread_default (fake->context);

  return NULL;
}

static FakeDesktop *
fake_desktop_start (void)
{
  FakeDesktop *fake = g_new0 (FakeDesktop, 1);
  g_autoptr(GError) error = NULL;

  g_mutex_init (&fake->lock);
  g_cond_init (&fake->cond);
  fake->calls = g_ptr_array_new_with_free_func (g_free);
  fake->added = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_variant_unref);
  fake->node = g_dbus_node_info_new_for_xml (fake_desktop_xml, &error);
  g_assert_no_error (error);
  fake->context = g_main_context_new ();
  fake->loop = g_main_loop_new (fake->context, FALSE);
  fake->thread = g_thread_new ("fake-desktop", fake_desktop_thread, fake);

  /* Both names owned before omsync starts: GTK looks for the session manager at start-up. */
  g_mutex_lock (&fake->lock);
  while (fake->names_acquired < 2 && !fake->failed)
    g_cond_wait (&fake->cond, &fake->lock);
  g_mutex_unlock (&fake->lock);
  g_assert_false (fake->failed);

  return fake;
}

static void
fake_desktop_stop (FakeDesktop *fake)
{
  g_main_loop_quit (fake->loop);
  g_thread_join (fake->thread);
  g_main_loop_unref (fake->loop);
  g_main_context_unref (fake->context);
  g_dbus_node_info_unref (fake->node);
  g_ptr_array_unref (fake->calls);
  g_hash_table_unref (fake->added);
  g_free (fake->app_sender);
  g_mutex_clear (&fake->lock);
  g_cond_clear (&fake->cond);
  g_free (fake);
}

/* How many recorded calls begin with @prefix. */
static guint
fake_desktop_count (FakeDesktop *fake,
                    const char  *prefix)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&fake->lock);
  guint n = 0;

  for (guint i = 0; i < fake->calls->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (fake->calls, i), prefix))
      n++;

  return n;
}

static guint
fake_desktop_held (FakeDesktop *fake)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&fake->lock);

  return fake->held;
}

/* The test */

typedef struct
{
  FakeDesktop      *fake;
  char             *central_dir;
  char             *data_dir;
  OmsCentralServer *central;
  OmsApplication   *app;
  OmsWindow        *window;
  OmsSyncEngine    *engine;
  guint             runs_seen;
  guint             runs_ended;
  guint             held_while_syncing;
  gboolean          ran;
} Fixture;

typedef struct
{
  Fixture    *f;
  const char *prefix;
  guint       count;
} CallWait;

static gboolean
calls_reached (gpointer data)
{
  CallWait *w = data;

  return fake_desktop_count (w->f->fake, w->prefix) >= w->count;
}

static void
wait_for_calls (Fixture    *f,
                const char *prefix,
                guint       count)
{
  CallWait w = { f, prefix, count };

  if (!oms_test_wait_until (calls_reached, &w))
    g_error ("Waited in vain for %u calls “%s…” (saw %u)", count, prefix,
             fake_desktop_count (f->fake, prefix));
}

static gboolean
nothing_held (gpointer data)
{
  return fake_desktop_held (((Fixture *) data)->fake) == 0;
}

/* Each time a run starts, what the desktop holds then: the notifier's handler ran first. */
static void
is_syncing_cb (Fixture *f)
{
  if (!oms_sync_engine_get_is_syncing (f->engine))
    {
      f->runs_ended++;
      return;
    }

  f->runs_seen++;
  if (fake_desktop_held (f->fake) > 0)
    f->held_while_syncing++;
}

typedef struct
{
  Fixture *f;
  guint    ended;
} RunWait;

static gboolean
run_ended (gpointer data)
{
  RunWait *w = data;

  return w->f->runs_ended >= w->ended && !oms_sync_engine_get_is_syncing (w->f->engine);
}

/* Starts a run as the scheduler's timer would and waits for its end. */
static void
run_once (Fixture *f)
{
  RunWait w = { f, f->runs_ended + 1 };

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "sync-now", NULL);
  g_assert_true (oms_test_wait_until (run_ended, &w));
}

static OmsSyncWindow *
find_sync_window (OmsApplication *app)
{
  for (const GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (OMS_IS_SYNC_WINDOW (l->data))
      return l->data;

  return NULL;
}

static gboolean
sync_window_shown (gpointer data)
{
  OmsSyncWindow *window = find_sync_window (((Fixture *) data)->app);

  return window != NULL && gtk_widget_get_visible (GTK_WIDGET (window));
}

/* The notification @id as the desktop got it: its title, its body, and that activating it
 * opens the sync status window.
 */
static void
check_notification (Fixture    *f,
                    const char *id,
                    const char *title,
                    const char *body_start)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&f->fake->lock);
  GVariant *notification = g_hash_table_lookup (f->fake->added, id);
  const char *text = NULL;

  g_assert_nonnull (notification);
  g_assert_true (g_variant_lookup (notification, "title", "&s", &text));
  g_assert_cmpstr (text, ==, title);
  g_assert_true (g_variant_lookup (notification, "body", "&s", &text));
  g_assert_true (g_str_has_prefix (text, body_start));
  g_assert_true (g_variant_lookup (notification, "default-action", "&s", &text));
  g_assert_cmpstr (text, ==, "app.show-sync");
}

static void
body (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sender = NULL;
  OmsSyncErrorVariant variant;

  g_signal_connect_swapped (f->engine, "notify::is-syncing", G_CALLBACK (is_syncing_cb), f);

  /* The window is hidden (omsync in the background). The start-up run fails: one
   * notification that it failed, and one that no sync has succeeded for two days.
   */
  wait_for_calls (f, "AddNotification " OMS_NOTIFICATION_SYNC_FAILED, 1);
  wait_for_calls (f, "AddNotification " OMS_NOTIFICATION_SYNC_STALE, 1);
  g_assert_true (oms_sync_engine_get_error (f->engine, &variant, NULL));
  check_notification (f, OMS_NOTIFICATION_SYNC_FAILED, "Sync failed",
                      oms_sync_error_variant_get_message (variant));
  check_notification (f, OMS_NOTIFICATION_SYNC_STALE, "No successful sync for more than a day",
                      "The last successful sync was at ");

  /* Each run held a suspend inhibitor, with a reason, and let it go at its end. */
  wait_for_calls (f, "Inhibit 4 Syncing with the central server", 1);
  g_assert_true (oms_test_wait_until (nothing_held, f));
  g_assert_cmpuint (fake_desktop_count (f->fake, "Uninhibit "), ==,
                    fake_desktop_count (f->fake, "Inhibit "));

  /* The next scheduled run fails too: no second notification, the first one stays. */
  run_once (f);
  g_assert_cmpuint (f->runs_seen, ==, 1);
  g_assert_cmpuint (f->held_while_syncing, ==, 1);
  g_assert_true (oms_test_wait_until (nothing_held, f));
  oms_test_spin_for (300);
  g_assert_cmpuint (fake_desktop_count (f->fake, "AddNotification "), ==, 2);
  g_assert_cmpuint (fake_desktop_count (f->fake, "RemoveNotification "), ==, 0);

  /* Activating the notification, as the desktop does (org.gtk.Actions on the application's
   * object path), opens the sync status window.
   */
  g_assert_null (find_sync_window (f->app));
  g_mutex_lock (&f->fake->lock);
  sender = g_strdup (f->fake->app_sender);
  g_mutex_unlock (&f->fake->lock);
  g_dbus_connection_call (f->fake->connection, sender,
                          g_application_get_dbus_object_path (G_APPLICATION (f->app)),
                          "org.gtk.Actions", "Activate",
                          g_variant_new ("(sava{sv})", "show-sync", NULL, NULL),
                          NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
  g_assert_true (oms_test_wait_until (sync_window_shown, f));
  gtk_widget_set_visible (GTK_WIDGET (find_sync_window (f->app)), FALSE);

  /* The central answers again: the next run succeeds and both notifications are withdrawn. */
  oms_central_server_clear_faults (f->central, NULL);
  run_once (f);
  g_assert_nonnull (oms_sync_engine_get_last_successful_run (f->engine));
  g_assert_cmpint (oms_sync_engine_get_error (f->engine, NULL, NULL), ==, FALSE);
  wait_for_calls (f, "RemoveNotification " OMS_NOTIFICATION_SYNC_FAILED, 1);
  wait_for_calls (f, "RemoveNotification " OMS_NOTIFICATION_SYNC_STALE, 1);
  g_assert_cmpuint (f->runs_seen, ==, 2);
  g_assert_cmpuint (f->held_while_syncing, ==, 2);
  g_assert_true (oms_test_wait_until (nothing_held, f));
  g_assert_cmpuint (fake_desktop_count (f->fake, "AddNotification "), ==, 2);

  /* A failure after that is told again. */
  g_assert_true (oms_central_server_add_fault (f->central, "*:status=503,body=down", &error));
  g_assert_no_error (error);
  run_once (f);
  wait_for_calls (f, "AddNotification " OMS_NOTIFICATION_SYNC_FAILED, 2);
  g_assert_cmpuint (fake_desktop_count (f->fake, "AddNotification " OMS_NOTIFICATION_SYNC_STALE),
                    ==, 1);
  g_assert_true (oms_test_wait_until (nothing_held, f));

  g_signal_handlers_disconnect_by_func (f->engine, is_syncing_cb, f);
}

static void
activate_after_cb (OmsApplication *app,
                   Fixture        *f)
{
  g_signal_handlers_disconnect_by_func (app, activate_after_cb, f);

  for (const GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (OMS_IS_WINDOW (l->data))
      f->window = l->data;
  g_assert_nonnull (f->window);
  /* Hidden before the main loop turns, so before the start-up run can end. */
  gtk_widget_set_visible (GTK_WIDGET (f->window), FALSE);
  f->engine = oms_application_get_engine (app);
  g_assert_nonnull (f->engine);
  oms_sync_engine_set_timing (f->engine, 20, 3000, 20, 3000);

  body (f);
  f->ran = TRUE;

  g_application_quit (G_APPLICATION (app));
}

/* A site set up against the central, whose last successful sync was two days ago. */
static void
make_stale_site (Fixture *f)
{
  g_autoptr(OmsStore) store = NULL;
  g_autoptr(OmsSyncRun) run = NULL;
  g_autoptr(GError) error = NULL;
  gint64 then = g_get_real_time () - 2 * USEC_PER_DAY;

  store = oms_store_open (f->data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (oms_test_save_settings (store, f->central, "pass", &error));
  g_assert_no_error (error);

  run = oms_sync_log_start_run (store, then, &error);
  g_assert_no_error (error);
  g_assert_true (oms_sync_log_finish (store, run, then + 10 * G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
}

static void
test_notifications (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) windows = NULL;
  char *argv[] = { (char *) "omsync", (char *) "--data-dir", NULL, NULL };

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_test_skip ("Needs a private session bus (dbus-run-session)");
      return;
    }

  f.fake = fake_desktop_start ();
  f.central_dir = oms_test_make_tmp_dir ("omsync-test-central-XXXXXX");
  f.data_dir = oms_test_make_tmp_dir ("omsync-test-notifications-XXXXXX");
  f.central = oms_test_central_new_demo (f.central_dir);
  make_stale_site (&f);

  /* The central fails every request until the test says otherwise. */
  g_assert_true (oms_central_server_add_fault (f.central, "*:status=503,body=down", &error));
  g_assert_no_error (error);

  f.app = oms_application_new ();
  g_signal_connect_after (f.app, "activate", G_CALLBACK (activate_after_cb), &f);
  argv[2] = f.data_dir;
  g_assert_cmpint (g_application_run (G_APPLICATION (f.app), 3, argv), ==, 0);
  g_assert_true (f.ran);

  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (f.app)));
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (GTK_WINDOW (l->data));
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_finalize_object (f.app);
  g_assert_finalize_object (f.central);
  fake_desktop_stop (f.fake);
  oms_test_remove_dir (f.data_dir);
  oms_test_remove_dir (f.central_dir);
  g_free (f.data_dir);
  g_free (f.central_dir);
}

int
main (int   argc,
      char *argv[])
{
  /* The strings compared below are the English ones. */
  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("OMSYNC_HARDWARE_ID", "test-notifications", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  oms_test_use_free_coldchain_port ();

  oms_locale_init ();
  oms_test_gtk_init (&argc, &argv);
  oms_test_set_wait_timeout (60);
  adw_init ();

  g_test_add_func ("/oms/ui/notifications/failed-stale-inhibit", test_notifications);

  return g_test_run ();
}
