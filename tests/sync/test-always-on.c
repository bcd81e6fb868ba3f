/* test-always-on.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <unistd.h>

#include <glib/gstdio.h>

#include "oms-autostart.h"
#include "oms-background-portal.h"
#include "oms-central-server.h"
#include "oms-scheduler.h"
#include "oms-site-owner.h"
#include "oms-sync-settings.h"
#include "oms-test-central.h"
#include "oms-test-util.h"

/* Always on: one owner per data directory on a private session bus (two connections stand
 * for two processes), the autostart entry, and the Background portal (a fake one on the bus).
 */

typedef struct
{
  GTestDBus       *bus;
  char            *data_dir;
} BusFixture;

static GDBusConnection *
new_connection (BusFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection;

  connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (fixture->bus),
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_set_exit_on_close (connection, FALSE);

  return connection;
}

static void
bus_fixture_set_up (BusFixture    *fixture,
                    gconstpointer  user_data)
{
  g_setenv ("OMSYNC_HARDWARE_ID", "test-always-on", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  fixture->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (fixture->bus);
  fixture->data_dir = oms_test_make_tmp_dir ("oms-always-on-XXXXXX");
}

static void
bus_fixture_tear_down (BusFixture    *fixture,
                       gconstpointer  user_data)
{
  g_test_dbus_down (fixture->bus);
  g_clear_object (&fixture->bus);
  oms_test_remove_dir (fixture->data_dir);
  g_clear_pointer (&fixture->data_dir, g_free);
}

/* Spins until @owner's is-owner is @expected, for at most @seconds. */
static gboolean
spin_until_owner (OmsSiteOwner *owner,
                  gboolean      expected,
                  guint         seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (oms_site_owner_get_is_owner (owner) != expected && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);

  return oms_site_owner_get_is_owner (owner) == expected;
}

static void
test_bus_name (void)
{
  g_autoptr(OmsTestTmpDir) dir = oms_test_make_tmp_dir ("oms-always-on-XXXXXX");
  g_autoptr(OmsTestTmpDir) other = oms_test_make_tmp_dir ("oms-always-on-XXXXXX");
  g_autofree char *link = g_strconcat (other, "/link", NULL);
  g_autofree char *slashed = g_strconcat (dir, "/", NULL);
  g_autofree char *name = oms_site_bus_name_for_data_dir (dir);
  g_autofree char *name_slashed = oms_site_bus_name_for_data_dir (slashed);
  g_autofree char *name_link = NULL;
  g_autofree char *name_other = oms_site_bus_name_for_data_dir (other);

  g_assert_cmpint (symlink (dir, link), ==, 0);
  name_link = oms_site_bus_name_for_data_dir (link);

  g_assert_true (g_dbus_is_name (name) && !g_dbus_is_unique_name (name));
  g_assert_cmpstr (name, ==, name_slashed);
  g_assert_cmpstr (name, ==, name_link);
  g_assert_cmpstr (name, !=, name_other);

  g_assert_cmpint (g_unlink (link), ==, 0);
}

typedef struct
{
  OmsSiteOwner *owner;
  char         *description;
  gboolean      done;
} DescriptionCall;

static gpointer
description_thread (gpointer data)
{
  DescriptionCall *call = data;

  call->description = oms_site_owner_dup_owner_description (call->owner);
  g_atomic_int_set (&call->done, TRUE);

  return NULL;
}

/* The owner answers on this thread's main context: ask from another thread, as another
 * process would, and keep the context turning meanwhile.
 */
static char *
dup_description_in_thread (OmsSiteOwner *owner)
{
  DescriptionCall call = { owner, NULL, FALSE };
  GThread *thread = g_thread_new ("description", description_thread, &call);

  while (!g_atomic_int_get (&call.done))
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_thread_join (thread);

  return call.description;
}

/* The first process owns the site, the second views it; when the first stops, the second
 * owns it at once; and when it dies (its connection closes) the same happens.
 */
static void
test_one_owner_and_takeover (BusFixture    *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GDBusConnection) first_bus = new_connection (fixture);
  g_autoptr(GDBusConnection) second_bus = new_connection (fixture);
  g_autoptr(GDBusConnection) third_bus = new_connection (fixture);
  g_autoptr(OmsSiteOwner) first = oms_site_owner_new (fixture->data_dir, "first");
  g_autoptr(OmsSiteOwner) second = oms_site_owner_new (fixture->data_dir, "second");
  g_autoptr(OmsSiteOwner) third = oms_site_owner_new (fixture->data_dir, "third");
  g_autofree char *description = NULL;
  g_autofree char *expected = g_strdup_printf ("first (process %u)", (guint) getpid ());

  oms_site_owner_start (first, first_bus);
  g_assert_true (oms_site_owner_get_has_bus (first));
  g_assert_true (oms_site_owner_get_is_owner (first));

  oms_site_owner_start (second, second_bus);
  g_assert_true (oms_site_owner_get_has_bus (second));
  g_assert_false (oms_site_owner_get_is_owner (second));
  description = dup_description_in_thread (second);
  g_assert_cmpstr (description, ==, expected);

  /* Stopping hands the site to the next in the queue. */
  oms_site_owner_stop (first);
  g_assert_true (spin_until_owner (second, TRUE, 10));
  g_assert_false (oms_site_owner_get_is_owner (first));

  /* A owner that dies: its connection closes, and the next one takes over. */
  oms_site_owner_start (third, third_bus);
  g_assert_false (oms_site_owner_get_is_owner (third));
  g_dbus_connection_close_sync (second_bus, NULL, NULL);
  g_assert_true (spin_until_owner (third, TRUE, 10));

  oms_site_owner_stop (second);
  oms_site_owner_stop (third);
}

/* A site's side, as one process holds it. */
typedef struct
{
  OmsStore      *store;
  OmsSyncEngine *engine;
  OmsScheduler  *scheduler;
  OmsSiteOwner  *owner;
  int            n_finished;
  gboolean       saw_remote_syncing;
} Side;

static void
side_run_finished_cb (OmsSyncEngine *engine,
                      gboolean       success,
                      Side          *side)
{
  side->n_finished++;
}

static void
side_is_syncing_cb (OmsSyncEngine *engine,
                    GParamSpec    *pspec,
                    Side          *side)
{
  if (oms_sync_engine_get_is_syncing (engine))
    side->saw_remote_syncing = TRUE;
}

/* Spins until *@count reaches @expected, for at most @seconds. */
static gboolean
spin_until_count (int   *count,
                  int    expected,
                  guint  seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (*count < expected && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);

  return *count >= expected;
}

static void
side_open (Side            *side,
           const char      *data_dir,
           const char      *program,
           GDBusConnection *connection)
{
  g_autoptr(GError) error = NULL;

  side->store = oms_store_open (data_dir, &error);
  g_assert_no_error (error);
  side->engine = oms_sync_engine_new (side->store);
  side->scheduler = oms_scheduler_new (side->engine);
  side->owner = oms_site_owner_new (data_dir, program);
  oms_site_owner_set_engine (side->owner, side->engine);
  oms_site_owner_set_scheduler (side->owner, side->scheduler);
  g_signal_connect (side->engine, "run-finished", G_CALLBACK (side_run_finished_cb), side);
  g_signal_connect (side->engine, "notify::is-syncing", G_CALLBACK (side_is_syncing_cb), side);
  oms_site_owner_start (side->owner, connection);
}

static void
side_close (Side *side)
{
  oms_site_owner_stop (side->owner);
  oms_scheduler_stop (side->scheduler);
  oms_test_spin_for (200);
  g_assert_finalize_object (g_steal_pointer (&side->owner));
  g_assert_finalize_object (g_steal_pointer (&side->scheduler));
  g_assert_finalize_object (g_steal_pointer (&side->engine));
  g_assert_finalize_object (g_steal_pointer (&side->store));
}

static void
sync_finished_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  OmsTestResult *out = user_data;

  out->ok = FALSE;
  if (!oms_site_call_sync_finish (G_DBUS_CONNECTION (object), result, &out->ok, &out->error))
    out->ok = FALSE;
  out->done = TRUE;
}

/* Sync now in a viewer runs in the owner; the viewer shows the owner's run as it goes; a
 * caller that waits hears how the run ended. The viewer never runs one itself.
 */
static void
test_viewer_sync_runs_in_owner (BusFixture    *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(GDBusConnection) owner_bus = new_connection (fixture);
  g_autoptr(GDBusConnection) viewer_bus = new_connection (fixture);
  g_autoptr(OmsTestTmpDir) central_dir = oms_test_make_tmp_dir ("oms-central-XXXXXX");
  g_autoptr(OmsCentralServer) central = oms_test_central_new_demo (central_dir);
  g_autoptr(GError) error = NULL;
  OmsTestResult result = { 0 };
  Side owner = { 0 };
  Side viewer = { 0 };
  const OmsSyncRun *run;

  side_open (&owner, fixture->data_dir, "owner", owner_bus);
  g_assert_true (oms_site_owner_get_is_owner (owner.owner));
  oms_scheduler_start (owner.scheduler);

  /* The site is set up in the viewer, as on a window's first-run page: the owner, started
   * before, learns of it when asked to sync.
   */
  side_open (&viewer, fixture->data_dir, "viewer", viewer_bus);
  g_assert_false (oms_site_owner_get_is_owner (viewer.owner));
  g_assert_true (oms_test_save_settings (viewer.store, central, "pass", &error));
  g_assert_no_error (error);
  oms_sync_engine_refresh (viewer.engine);

  /* Fire and forget, as the window's Sync now. */
  g_assert_true (oms_site_owner_sync_now (viewer.owner));
  g_assert_true (spin_until_count (&owner.n_finished, 1, OMS_TEST_SYNC_TIMEOUT_SECONDS));
  g_assert_cmpint (viewer.n_finished, ==, 0);

  /* The viewer followed: it showed the run going, and now shows it ended, with no run of
   * its own.
   */
  oms_test_spin_for (1000);
  g_assert_true (viewer.saw_remote_syncing);
  g_assert_false (oms_sync_engine_get_is_syncing (viewer.engine));
  run = oms_sync_engine_get_latest_run (viewer.engine);
  g_assert_nonnull (run);
  g_assert_true (oms_sync_run_is_successful (run));
  g_assert_cmpint (oms_sync_engine_get_mode (viewer.engine), ==, OMS_SYNC_MODE_OPERATIONAL);

  /* Waiting for the run, as omsync-cli sync does. */
  oms_site_call_sync_async (viewer_bus, oms_site_owner_get_bus_name (viewer.owner), TRUE, NULL,
                            sync_finished_cb, &result);
  g_assert_true (oms_test_spin_until (&result.done, OMS_TEST_SYNC_TIMEOUT_SECONDS));
  g_assert_no_error (result.error);
  g_assert_true (result.ok);
  g_assert_cmpint (owner.n_finished, ==, 2);
  g_assert_cmpint (viewer.n_finished, ==, 0);
  g_assert_cmpint (oms_test_query_int (owner.store, "SELECT count(*) FROM sync_log"), ==, 2);

  side_close (&viewer);
  side_close (&owner);
  g_assert_finalize_object (g_steal_pointer (&central));
}

/* Without a session bus a process owns its site, as before, and says it has no bus. */
static void
test_no_bus (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(OmsTestTmpDir) dir = oms_test_make_tmp_dir ("oms-always-on-XXXXXX");
      g_autoptr(OmsSiteOwner) owner = oms_site_owner_new (dir, "alone");

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/omsync-test-bus", TRUE);
      g_unsetenv ("DISPLAY");
      oms_site_owner_start (owner, NULL);
      g_assert_true (oms_site_owner_get_is_owner (owner));
      g_assert_false (oms_site_owner_get_has_bus (owner));
      g_assert_false (oms_site_owner_sync_now (owner));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* The autostart entry starts `omsync --background` on the data directory, whatever
 * characters its path holds, and turning it off removes it.
 */
static void
test_autostart_entry (void)
{
  const char *data_dir = "/srv/store data/\"quoted\" $HOME `x` back\\slash 100%";
  g_autofree char *path = oms_autostart_dup_path ();
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *start_group = NULL;
  g_autofree char *exec = NULL;
  g_auto(GStrv) argv = NULL;

  g_assert_true (g_str_has_prefix (path, g_get_user_config_dir ()));
  g_assert_false (oms_autostart_get_enabled ());

  g_assert_true (oms_autostart_set_enabled (TRUE, "/usr/bin/omsync", data_dir, &error));
  g_assert_no_error (error);
  g_assert_true (oms_autostart_get_enabled ());

  g_assert_true (g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  start_group = g_key_file_get_start_group (key_file);
  g_assert_cmpstr (start_group, ==, "Desktop Entry");
  exec = g_key_file_get_string (key_file, "Desktop Entry", "Exec", &error);
  g_assert_no_error (error);

  /* Field codes are %-escaped; quoting then follows the shell's double quotes. */
  {
    g_autoptr(GString) unescaped = g_string_new (exec);

    g_string_replace (unescaped, "%%", "%", 0);
    g_assert_true (g_shell_parse_argv (unescaped->str, NULL, &argv, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (g_strv_length (argv), ==, 4);
  g_assert_cmpstr (argv[0], ==, "/usr/bin/omsync");
  g_assert_cmpstr (argv[1], ==, "--background");
  g_assert_cmpstr (argv[2], ==, "--data-dir");
  g_assert_cmpstr (argv[3], ==, data_dir);

  g_assert_true (oms_autostart_set_enabled (FALSE, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (oms_autostart_get_enabled ());
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  /* Removing what is not there is no error. */
  g_assert_true (oms_autostart_set_enabled (FALSE, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* A fake Background portal: answers every request with @grant and remembers the options. */
typedef struct
{
  gboolean  grant;
  GVariant *options;
  guint     registration_id;
  gboolean  name_acquired;
} FakePortal;

static const char fake_portal_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.Background'>"
  "    <method name='RequestBackground'>"
  "      <arg type='s' name='parent_window' direction='in'/>"
  "      <arg type='a{sv}' name='options' direction='in'/>"
  "      <arg type='o' name='handle' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static void
fake_portal_method_cb (GDBusConnection       *connection,
                       const char            *sender,
                       const char            *object_path,
                       const char            *interface_name,
                       const char            *method_name,
                       GVariant              *parameters,
                       GDBusMethodInvocation *invocation,
                       gpointer               user_data)
{
  FakePortal *portal = user_data;
  g_autoptr(GVariantBuilder) results = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  g_autofree char *escaped = g_strdup (sender + 1);
  g_autofree char *handle = NULL;
  const char *token = NULL;

  g_clear_pointer (&portal->options, g_variant_unref);
  portal->options = g_variant_get_child_value (parameters, 1);
  g_assert_true (g_variant_lookup (portal->options, "handle_token", "&s", &token));

  g_strdelimit (escaped, ".", '_');
  handle = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", escaped, token);
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", handle));

  g_variant_builder_add (results, "{sv}", "background", g_variant_new_boolean (portal->grant));
  g_variant_builder_add (results, "{sv}", "autostart", g_variant_new_boolean (FALSE));
  g_dbus_connection_emit_signal (connection, sender, handle, "org.freedesktop.portal.Request",
                                 "Response", g_variant_new ("(ua{sv})", 0, results), NULL);
}

static const GDBusInterfaceVTable fake_portal_vtable = { fake_portal_method_cb, NULL, NULL, { 0 } };

static void
fake_portal_acquired_cb (GDBusConnection *connection,
                         const char      *name,
                         gpointer         user_data)
{
  FakePortal *portal = user_data;

  portal->name_acquired = TRUE;
}

static void
request_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static OmsBackgroundPermission
request_background (GDBusConnection *connection,
                    gboolean         autostart)
{
  const char *commandline[] = { "omsync", "--background", NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  OmsBackgroundPermission permission;

  oms_background_portal_request_async (connection, "a reason", autostart, commandline, NULL,
                                       request_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  permission = oms_background_portal_request_finish (result, NULL, &error);
  g_assert_no_error (error);

  return permission;
}

static void
test_portal_none (BusFixture    *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GDBusConnection) connection = new_connection (fixture);

  g_assert_cmpint (request_background (connection, FALSE), ==,
                   OMS_BACKGROUND_PERMISSION_NO_PORTAL);
}

static void
test_portal_answers (BusFixture    *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GDBusConnection) app_bus = new_connection (fixture);
  g_autoptr(GDBusConnection) portal_bus = new_connection (fixture);
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (fake_portal_xml, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree const char **commandline = NULL;
  FakePortal portal = { 0 };
  gboolean autostart = FALSE;
  const char *reason = NULL;
  guint owner_id;

  portal.registration_id =
    g_dbus_connection_register_object (portal_bus, "/org/freedesktop/portal/desktop",
                                       info->interfaces[0], &fake_portal_vtable, &portal, NULL,
                                       &error);
  g_assert_no_error (error);
  owner_id = g_bus_own_name_on_connection (portal_bus, "org.freedesktop.portal.Desktop",
                                           G_BUS_NAME_OWNER_FLAGS_NONE,
                                           fake_portal_acquired_cb, NULL, &portal, NULL);
  g_assert_true (oms_test_spin_until (&portal.name_acquired, 10));

  portal.grant = TRUE;
  g_assert_cmpint (request_background (app_bus, TRUE), ==, OMS_BACKGROUND_PERMISSION_GRANTED);
  g_assert_true (g_variant_lookup (portal.options, "reason", "&s", &reason));
  g_assert_cmpstr (reason, ==, "a reason");
  g_assert_true (g_variant_lookup (portal.options, "autostart", "b", &autostart));
  g_assert_true (autostart);
  g_assert_true (g_variant_lookup (portal.options, "commandline", "^a&s", &commandline));
  g_assert_cmpstr (commandline[1], ==, "--background");

  portal.grant = FALSE;
  g_assert_cmpint (request_background (app_bus, FALSE), ==, OMS_BACKGROUND_PERMISSION_DENIED);

  g_bus_unown_name (owner_id);
  g_dbus_connection_unregister_object (portal_bus, portal.registration_id);
  g_clear_pointer (&portal.options, g_variant_unref);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, BusFixture, NULL, bus_fixture_set_up, func, bus_fixture_tear_down)

  g_test_add_func ("/oms/site-owner/bus-name", test_bus_name);
  g_test_add_func ("/oms/site-owner/no-bus", test_no_bus);
  ADD ("/oms/site-owner/one-owner-and-takeover", test_one_owner_and_takeover);
  ADD ("/oms/site-owner/viewer-sync-runs-in-owner", test_viewer_sync_runs_in_owner);
  g_test_add_func ("/oms/autostart/entry", test_autostart_entry);
  ADD ("/oms/background-portal/none", test_portal_none);
  ADD ("/oms/background-portal/answers", test_portal_answers);

#undef ADD

  return g_test_run ();
}
