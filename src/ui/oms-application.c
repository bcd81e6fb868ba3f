/* oms-application.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-application"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "oms-a11y-names.h"
#include "oms-application-private.h"
#include "oms-autostart.h"
#include "oms-background-portal.h"
#include "oms-coldchain-keeper.h"
#include "oms-coldchain-server.h"
#include "oms-coldchain-url.h"
#include "oms-demo-central.h"
#include "oms-remove-tree.h"
#include "oms-file-sync.h"
#include "oms-scheduler.h"
#include "oms-sync-notifier.h"
#include "oms-site-owner.h"
#include "oms-sync-settings.h"
#include "oms-window.h"

struct _OmsApplication
{
  AdwApplication  parent_instance;

  /* Owned references */
  OmsStore       *store;
  GError         *store_error;
  OmsSyncEngine  *engine;
  OmsScheduler   *scheduler;
  OmsFileSync    *file_sync;
  OmsSyncNotifier *notifier;          /* notifications and the suspend inhibitor */
  OmsDemoCentral *demo_central;
  GCancellable   *cancellable;
  OmsColdchainServer *coldchain_server;
  OmsColdchainKeeper *coldchain_keeper; /* starts it again when it stops or cannot start */
  guint           signal_ids[3];      /* SIGTERM, SIGINT, SIGHUP: quit as Ctrl+Q does */
  OmsSiteOwner   *site_owner;         /* whether this process or another serves the site */
  GSettings      *settings;

  /* State */
  OmsBackgroundPermission background_permission;
  gboolean        services_running;   /* scheduler, file sync and cold chain server */
  gboolean        held;               /* running on with no window (background mode) */
  gboolean        background_requested; /* the Background portal was asked */
  gboolean        start_in_background; /* --background: the first activation shows nothing */
  char           *data_dir;           /* as requested, NULL for the default */
  char           *resolved_data_dir;  /* the directory actually opened */
  char           *demo_data_dir;      /* --demo: a temporary site, removed at exit */
};

G_DEFINE_FINAL_TYPE (OmsApplication, oms_application, ADW_TYPE_APPLICATION)

/* The schema id stays fixed when the application id gains a development suffix. */
#define OMS_SETTINGS_SCHEMA_ID "io.github.omsync.OmSync"

enum {
  PROP_0,
  PROP_DATA_DIR,
  PROP_STORE,
  PROP_BACKGROUND_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const GOptionEntry main_entries[] = {
  { "data-dir", 'd', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Keep the store database in DIR instead of the default"), N_("DIR") },
  { "background", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Start without a window: sync and serve the cold chain phones in the background"),
    NULL },
  { "demo", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Start a demo central server (site “demo”, password “pass”) and sync a temporary "
       "site with it"), NULL },
  { NULL }
};

/* Which program serves @data_dir, as "omsync (process 1234)", or NULL when none does. */
static char *
dup_site_owner_description (const char *data_dir)
{
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autofree char *bus_name = NULL;

  if (connection == NULL)
    return NULL;

  bus_name = oms_site_bus_name_for_data_dir (data_dir);
  return oms_site_dup_owner_description (connection, bus_name);
}

static int
oms_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  OmsApplication *self = OMS_APPLICATION (app);
  g_autofree char *data_dir = NULL;
  gboolean is_service;

  if (g_variant_dict_lookup (options, "data-dir", "^ay", &data_dir))
    oms_application_set_data_dir (self, data_dir);

  if (g_variant_dict_contains (options, "demo"))
    {
      g_autoptr(GError) error = NULL;

      /* The demo central is new each time, so the site that syncs with it is too. */
      self->demo_data_dir = g_dir_make_tmp ("omsync-demo-XXXXXX", &error);
      if (self->demo_data_dir == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      oms_application_set_data_dir (self, self->demo_data_dir);
    }

  if (g_variant_dict_contains (options, "background"))
    self->start_in_background = TRUE;
  is_service = (g_application_get_flags (app) & G_APPLICATION_IS_SERVICE) != 0;

  /* Launching omsync again shows the window of the omsync that already serves this site,
   * rather than a second one; with --background there is nothing to show. A D-Bus activation
   * (`--gapplication-service`) must go on and own the application id instead.
   */
  if (self->demo_data_dir == NULL && !is_service)
    {
      g_autofree char *resolved = oms_store_resolve_data_dir (self->data_dir);
      g_autoptr(GError) error = NULL;

      if (self->start_in_background)
        {
          g_autofree char *owner = dup_site_owner_description (resolved);

          if (owner != NULL)
            {
              /* Translators: %s names a program, e.g. "omsync (process 1234)". */
              g_printerr (_("%s already serves this site.\n"), owner);
              return 0;
            }
        }
      else if (oms_site_call_activate (resolved, &error))
        return 0;
      else
        g_debug ("No omsync window to show for %s: %s", resolved, error->message);
    }

  /* Only the window of the default site owns the application id on the session bus, so that
   * the launcher and a notification's click reach it, or start it through D-Bus activation
   * (`--gapplication-service`, which must own the id). A window on a data directory of its
   * own is an instance of its own.
   */
  if (self->data_dir != NULL && !is_service)
    g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);

  /* Carry on with the default processing: register, then activate. */
  return -1;
}

static void
oms_application_open_store (OmsApplication *self)
{
  g_autoptr(GError) error = NULL;

  g_assert (OMS_IS_APPLICATION (self));
  g_assert (self->store == NULL);

  g_free (self->resolved_data_dir);
  self->resolved_data_dir = oms_store_resolve_data_dir (self->data_dir);
  self->store = oms_store_open (self->resolved_data_dir, &error);

  if (self->store == NULL)
    {
      g_debug ("Cannot open the store in %s: %s", self->resolved_data_dir, error->message);
      g_clear_error (&self->store_error);
      self->store_error = g_steal_pointer (&error);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

static void
oms_application_demo_failed (OmsApplication *self,
                             const GError   *error)
{
  OmsWindow *window = _oms_application_get_main_window (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Translators: %s is the reason, an error message. The demo is omsync with a built-in example
   * central server. */
  g_printerr (_("The demo could not start: %s\n"), error->message);
  if (window != NULL)
    oms_window_show_demo_error (window, error);
}

static void
oms_application_demo_configured_cb (GObject      *object,
                                    GAsyncResult *result,
                                    gpointer      user_data)
{
  g_autoptr(OmsApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!oms_sync_settings_save_finish (OMS_STORE (object), result, &error))
    {
      oms_application_demo_failed (self, error);
      return;
    }

  /* Configured: the scheduler's start-up run initialises the demo site at once; the demo
   * asked for it, so it does not wait on a metered connection either.
   */
  oms_sync_engine_refresh (self->engine);
  oms_scheduler_start (self->scheduler);
  if (!oms_sync_engine_get_is_syncing (self->engine))
    oms_scheduler_trigger (self->scheduler);
}

static void
oms_application_demo_started_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(OmsApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!oms_demo_central_start_finish (OMS_DEMO_CENTRAL (object), result, &error))
    {
      oms_application_demo_failed (self, error);
      return;
    }

  oms_sync_settings_save_async (self->store, oms_demo_central_get_url (self->demo_central),
                                OMS_DEMO_SITE_NAME, OMS_DEMO_SITE_PASSWORD,
                                OMS_SYNC_DEFAULT_INTERVAL_SECONDS, self->cancellable,
                                oms_application_demo_configured_cb, g_object_ref (self));
}

static void
oms_application_start_demo (OmsApplication *self)
{
  self->demo_central = oms_demo_central_new ();
  oms_demo_central_start_async (self->demo_central, self->cancellable,
                                oms_application_demo_started_cb, g_object_ref (self));
}

/* A signal ends omsync the way Ctrl+Q does, so the demo's child server and temporary data go
 * with it at shutdown instead of outliving a `kill`, Ctrl+C or a closed terminal.
 */
static gboolean
oms_application_quit_signal_cb (gpointer user_data)
{
  OmsApplication *self = user_data;

  g_debug ("Quitting on a signal");
  g_action_group_activate_action (G_ACTION_GROUP (self), "quit", NULL);

  return G_SOURCE_CONTINUE;
}

static void
oms_application_watch_quit_signals (OmsApplication *self)
{
  const int signums[G_N_ELEMENTS (self->signal_ids)] = { SIGTERM, SIGINT, SIGHUP };

  for (guint i = 0; i < G_N_ELEMENTS (signums); i++)
    self->signal_ids[i] = g_unix_signal_add (signums[i], oms_application_quit_signal_cb, self);
}

/* The site's services: only the process that owns the site runs them (see OmsSiteOwner). */
static void
oms_application_start_services (OmsApplication *self)
{
  if (self->services_running)
    return;
  self->services_running = TRUE;

  /* Attached files go after each successful sync, as in Open mSupply's server. */
  oms_file_sync_start (self->file_sync);

  /* The QR code's URL; the keeper starts the server and tries again while it cannot. */
  oms_coldchain_server_set_not_running_reason (self->coldchain_server, NULL);
  oms_coldchain_keeper_start (self->coldchain_keeper);

  if (self->demo_data_dir != NULL && self->demo_central == NULL)
    oms_application_start_demo (self);
  else if (self->demo_data_dir == NULL)
    oms_scheduler_start (self->scheduler);
}

static void
oms_application_stop_services (OmsApplication *self)
{
  if (!self->services_running)
    return;
  self->services_running = FALSE;

  oms_scheduler_stop (self->scheduler);
  oms_file_sync_stop (self->file_sync);
  oms_coldchain_keeper_stop (self->coldchain_keeper);
}

static void oms_application_update_background (OmsApplication *self);

/* This process took the site over, or another one serves it: start or stop what it runs. */
static void
oms_application_owner_changed (OmsApplication *self)
{
  if (oms_site_owner_get_is_owner (self->site_owner))
    {
      g_debug ("This omsync serves %s", self->resolved_data_dir);
      oms_application_start_services (self);
    }
  else
    {
      g_autofree char *owner = oms_site_owner_dup_owner_description (self->site_owner);
      g_autoptr(GError) reason = NULL;

      oms_application_stop_services (self);

      reason = g_error_new (G_IO_ERROR, G_IO_ERROR_BUSY,
                            /* Translators: %s names a program, e.g. “omsync-cli serve (process
                             * 1234)”. */
                            _("%s serves this site and its cold chain server; this window "
                              "shows what it does."),
                            owner != NULL ? owner : _("Another omsync program"));
      oms_coldchain_server_set_not_running_reason (self->coldchain_server, reason);
    }

  oms_application_update_background (self);
}

static gboolean
oms_application_wants_background (OmsApplication *self)
{
  return self->demo_data_dir == NULL && self->site_owner != NULL &&
         oms_site_owner_get_is_owner (self->site_owner) &&
         g_settings_get_boolean (self->settings, "run-in-background");
}

/* "Start at login": an autostart entry that starts `omsync --background` on this site, once
 * the site is configured. A site not configured yet leaves any entry as it is (it may be
 * another site's); turning either setting off removes it. A sandboxed omsync gets it from the
 * Background portal instead, when it asks for permission.
 */
static void
oms_application_update_autostart (OmsApplication *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *program = NULL;
  gboolean enabled;

  if (self->demo_data_dir != NULL || oms_background_portal_is_sandboxed ())
    return;

  enabled = g_settings_get_boolean (self->settings, "start-at-login") &&
            g_settings_get_boolean (self->settings, "run-in-background");

  if (enabled && oms_sync_engine_get_mode (self->engine) == OMS_SYNC_MODE_UNCONFIGURED)
    return;
  if (!enabled && !oms_autostart_get_enabled ())
    return;

  /* This very program, so a build run from its tree starts itself and not another omsync. */
  program = g_file_read_link ("/proc/self/exe", NULL);
  if (!oms_autostart_set_enabled (enabled, program != NULL ? program : "omsync",
                                  self->resolved_data_dir, &error))
    /* Translators: “Start at login” is the name of a setting; %s is the reason it could not be
     * changed, an error message. */
    g_printerr (_("Start at login: %s\n"), error->message);
}

static void
oms_application_background_answered_cb (GObject      *object,
                                        GAsyncResult *result,
                                        gpointer      user_data)
{
  g_autoptr(OmsApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  OmsBackgroundPermission permission;

  permission = oms_background_portal_request_finish (result, NULL, &error);
  if (permission == OMS_BACKGROUND_PERMISSION_UNKNOWN)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* A portal that fails to answer is no refusal: go on as without one. */
      g_debug ("The Background portal failed: %s", error->message);
      permission = OMS_BACKGROUND_PERMISSION_NO_PORTAL;
    }

  self->background_permission = permission;
  oms_application_update_background (self);
}

static void
oms_application_request_background (OmsApplication *self)
{
  const char *commandline[] = { "omsync", "--background", NULL };
  gboolean autostart;

  /* Asked once per start; "pending" is UNKNOWN with the request going. */
  self->background_requested = TRUE;
  autostart = oms_background_portal_is_sandboxed () &&
              g_settings_get_boolean (self->settings, "start-at-login") &&
              oms_sync_engine_get_mode (self->engine) != OMS_SYNC_MODE_UNCONFIGURED;

  oms_background_portal_request_async (NULL,
                                       _("omsync keeps syncing this store and receiving the "
                                         "cold chain phones’ temperatures when its window is "
                                         "closed."),
                                       autostart, commandline, self->cancellable,
                                       oms_application_background_answered_cb,
                                       g_object_ref (self));
}

/* Background mode: while this process serves the site and may run on, it holds itself, so
 * closing the window ends nothing; Quit (Ctrl+Q) still ends everything.
 */
static void
oms_application_update_background (OmsApplication *self)
{
  gboolean wanted = oms_application_wants_background (self);

  if (wanted && !self->background_requested)
    oms_application_request_background (self);

  wanted = wanted && self->background_permission != OMS_BACKGROUND_PERMISSION_DENIED;
  if (wanted != self->held)
    {
      self->held = wanted;
      if (wanted)
        g_application_hold (G_APPLICATION (self));
      else
        g_application_release (G_APPLICATION (self));
    }

  if (self->site_owner != NULL && oms_site_owner_get_is_owner (self->site_owner))
    oms_application_update_autostart (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKGROUND_STATUS]);
}

static gboolean
oms_application_site_activate_cb (OmsApplication *self)
{
  g_application_activate (G_APPLICATION (self));
  return TRUE;
}

/* Whether timed syncs may use a metered connection is this computer's preference; the binding
 * keeps the GSettings object as long as the scheduler lives.
 */
static void
bind_sync_on_metered (OmsScheduler *scheduler)
{
  g_autoptr(GSettings) sync_settings = g_settings_new ("io.github.omsync.OmSync.sync");

  g_settings_bind (sync_settings, "sync-on-metered", scheduler, "sync-on-metered",
                   G_SETTINGS_BIND_GET);
}

/* GTK takes the layout's direction from its own catalogue (gtk40's "default:LTR"), and GTK
 * has none for some of our languages (Dari, prs): the window would stay left to right around
 * right-to-left words. omsync's own catalogue decides when its words are written right to
 * left: the script of the first letter of a translated word.
 */
static void
oms_application_follow_catalogue_direction (void)
{
  const char *word = _("Overview");

  for (const char *p = word; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeScript script;

      if (!g_unichar_isalpha (c))
        continue;
      script = g_unichar_get_script (c);
      if (script == G_UNICODE_SCRIPT_ARABIC || script == G_UNICODE_SCRIPT_HEBREW
          || script == G_UNICODE_SCRIPT_SYRIAC || script == G_UNICODE_SCRIPT_THAANA
          || script == G_UNICODE_SCRIPT_NKO)
        gtk_widget_set_default_direction (GTK_TEXT_DIR_RTL);
      return;
    }
}

static void
oms_application_startup (GApplication *app)
{
  OmsApplication *self = OMS_APPLICATION (app);

  G_APPLICATION_CLASS (oms_application_parent_class)->startup (app);

  oms_application_follow_catalogue_direction ();

  _oms_application_actions_init (self);
  oms_application_watch_quit_signals (self);
  oms_application_open_store (self);

  if (self->store == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  self->engine = oms_sync_engine_new (self->store);
  self->scheduler = oms_scheduler_new (self->engine);
  self->notifier = oms_sync_notifier_new (GTK_APPLICATION (self), self->engine);
  bind_sync_on_metered (self->scheduler);
  self->file_sync = oms_file_sync_new (self->engine);
  /* The QR code's URL; sync goes on when the port is taken, Settings shows why in place of
   * the code, and the keeper tries again until the port is free (only while this process
   * serves the site: see oms_application_start_services()).
   */
  self->coldchain_server = oms_coldchain_server_new (self->store);
  oms_coldchain_server_set_listen_address (self->coldchain_server,
                                           oms_coldchain_get_listen_address ());
  self->coldchain_keeper = oms_coldchain_keeper_new (self->coldchain_server);

  self->settings = g_settings_new (OMS_SETTINGS_SCHEMA_ID);
  g_signal_connect_object (self->settings, "changed::run-in-background",
                           G_CALLBACK (oms_application_update_background), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::start-at-login",
                           G_CALLBACK (oms_application_update_background), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::mode",
                           G_CALLBACK (oms_application_update_background), self,
                           G_CONNECT_SWAPPED);

  /* One process serves a data directory; a second omsync on it views what the first does. */
  self->site_owner = oms_site_owner_new (self->resolved_data_dir, "omsync");
  oms_site_owner_set_engine (self->site_owner, self->engine);
  oms_site_owner_set_scheduler (self->site_owner, self->scheduler);
  g_signal_connect_object (self->site_owner, "activate",
                           G_CALLBACK (oms_application_site_activate_cb), self,
                           G_CONNECT_SWAPPED);
  oms_site_owner_start (self->site_owner, NULL);
  if (!oms_site_owner_get_has_bus (self->site_owner))
    g_message ("No session bus: this omsync serves %s on its own; the store's lock keeps its "
               "syncs apart from other programs'", self->resolved_data_dir);
  g_signal_connect_object (self->site_owner, "notify::is-owner",
                           G_CALLBACK (oms_application_owner_changed), self, G_CONNECT_SWAPPED);
  oms_application_owner_changed (self);
}

static void
oms_application_remove_demo_site (OmsApplication *self)
{
  if (self->demo_data_dir != NULL)
    {
      oms_remove_tree (self->demo_data_dir, NULL);
      g_clear_pointer (&self->demo_data_dir, g_free);
    }
}

static void
oms_application_shutdown (GApplication *app)
{
  OmsApplication *self = OMS_APPLICATION (app);

  for (guint i = 0; i < G_N_ELEMENTS (self->signal_ids); i++)
    g_clear_handle_id (&self->signal_ids[i], g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->site_owner != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->site_owner, self);
      oms_application_stop_services (self);
      /* The name goes last, so a waiting omsync takes over only once this one has stopped. */
      oms_site_owner_stop (self->site_owner);
    }
  if (self->demo_central != NULL)
    oms_demo_central_stop (self->demo_central);
  /* Before GTK's own shutdown, which the inhibitor's release still needs. */
  g_clear_object (&self->notifier);
  /* Now rather than at dispose: a save or a run cut short by quitting (Ctrl+Q or a signal in
   * the middle of the first sync) still holds a reference to the application at exit.
   */
  oms_application_remove_demo_site (self);

  G_APPLICATION_CLASS (oms_application_parent_class)->shutdown (app);
}

static void
oms_application_activate (GApplication *app)
{
  OmsApplication *self = OMS_APPLICATION (app);
  OmsWindow *window;

  window = _oms_application_get_main_window (self);

  /* omsync --background: serve, and show the window only when launched again. */
  if (window == NULL && self->start_in_background)
    {
      self->start_in_background = FALSE;
      if (self->held)
        return;
      g_printerr ("%s\n", _("omsync cannot run in the background here; opening its window."));
    }

  if (window == NULL)
    {
      GtkWidget *shortcuts;

      window = oms_window_new (self, self->store);
      oms_a11y_names_name_library_parts (GTK_WIDGET (window));
      /* GtkApplication built the shortcuts window when the window joined it. */
      shortcuts = GTK_WIDGET (gtk_application_window_get_help_overlay (
                                GTK_APPLICATION_WINDOW (window)));
      if (shortcuts != NULL)
        oms_a11y_names_name_library_parts (shortcuts);

      if (self->coldchain_server != NULL)
        g_signal_connect_object (self->coldchain_server, "device-connected",
                                 G_CALLBACK (oms_window_set_last_device), window,
                                 G_CONNECT_SWAPPED);

      if (self->store == NULL)
        oms_window_show_store_error (window, self->resolved_data_dir, self->store_error);
    }

  gtk_window_present (GTK_WINDOW (window));
}

static void
oms_application_dispose (GObject *object)
{
  OmsApplication *self = (OmsApplication *)object;

  g_clear_object (&self->site_owner);
  g_clear_object (&self->settings);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->file_sync);
  g_clear_object (&self->engine);
  g_clear_object (&self->demo_central);
  g_clear_object (&self->coldchain_keeper);
  g_clear_object (&self->coldchain_server);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);

  oms_application_remove_demo_site (self);

  G_OBJECT_CLASS (oms_application_parent_class)->dispose (object);
}

static void
oms_application_finalize (GObject *object)
{
  OmsApplication *self = (OmsApplication *)object;

  g_clear_error (&self->store_error);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->resolved_data_dir, g_free);

  G_OBJECT_CLASS (oms_application_parent_class)->finalize (object);
}

static void
oms_application_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  OmsApplication *self = OMS_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;

    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_BACKGROUND_STATUS:
      g_value_take_string (value, oms_application_dup_background_status (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_application_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  OmsApplication *self = OMS_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      oms_application_set_data_dir (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_application_class_init (OmsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = oms_application_dispose;
  object_class->finalize = oms_application_finalize;
  object_class->get_property = oms_application_get_property;
  object_class->set_property = oms_application_set_property;

  app_class->activate = oms_application_activate;
  app_class->handle_local_options = oms_application_handle_local_options;
  app_class->startup = oms_application_startup;
  app_class->shutdown = oms_application_shutdown;

  /**
   * OmsApplication:data-dir:
   *
   * The data directory asked for on the command line, or %NULL for the one
   * oms_store_resolve_data_dir() picks. It is read when the application starts up.
   */
  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OmsApplication:store:
   *
   * The store opened at startup, or %NULL when it could not be opened.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         OMS_TYPE_STORE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OmsApplication:background-status:
   *
   * Whether omsync goes on when its window is closed, and why, for Settings.
   */
  properties[PROP_BACKGROUND_STATUS] =
    g_param_spec_string ("background-status", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
oms_application_init (OmsApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Synchronise an Open mSupply store with its "
                                              "central servers."));
}

OmsApplication *
oms_application_new (void)
{
  /* The resource base path stays fixed even if the application id gains a suffix, so
   * gtk/help-overlay.ui and style.css are always found.
   */
  return g_object_new (OMS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/omsync/OmSync",
                       NULL);
}

/**
 * oms_application_get_data_dir:
 * @self: an #OmsApplication
 *
 * Returns: (nullable): the data directory asked for, or %NULL for the default
 */
const char *
oms_application_get_data_dir (OmsApplication *self)
{
  g_return_val_if_fail (OMS_IS_APPLICATION (self), NULL);

  return self->data_dir;
}

void
oms_application_set_data_dir (OmsApplication *self,
                              const char     *data_dir)
{
  g_return_if_fail (OMS_IS_APPLICATION (self));

  if (g_strcmp0 (self->data_dir, data_dir) == 0)
    return;

  g_free (self->data_dir);
  self->data_dir = g_strdup (data_dir);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATA_DIR]);
}

/**
 * oms_application_get_store:
 * @self: an #OmsApplication
 *
 * Returns: (transfer none) (nullable): the store, or %NULL before startup or when it
 *   could not be opened
 */
OmsStore *
oms_application_get_store (OmsApplication *self)
{
  g_return_val_if_fail (OMS_IS_APPLICATION (self), NULL);

  return self->store;
}

/**
 * oms_application_get_store_error:
 * @self: an #OmsApplication
 *
 * Returns: (transfer none) (nullable): why the store could not be opened
 */
const GError *
oms_application_get_store_error (OmsApplication *self)
{
  g_return_val_if_fail (OMS_IS_APPLICATION (self), NULL);

  return self->store_error;
}

OmsWindow *
_oms_application_get_main_window (OmsApplication *self)
{
  GList *windows;

  g_assert (OMS_IS_APPLICATION (self));

  windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (const GList *l = windows; l != NULL; l = l->next)
    {
      if (OMS_IS_WINDOW (l->data))
        return OMS_WINDOW (l->data);
    }

  return NULL;
}

/**
 * oms_application_get_engine:
 *
 * Returns: (transfer none) (nullable): the sync engine, or %NULL when the store could not be
 *   opened
 */
OmsSyncEngine *
oms_application_get_engine (OmsApplication *self)
{
  g_return_val_if_fail (OMS_IS_APPLICATION (self), NULL);

  return self->engine;
}

/**
 * oms_application_get_scheduler:
 *
 * Returns: (transfer none) (nullable): the scheduler that runs syncs
 */
OmsScheduler *
oms_application_get_scheduler (OmsApplication *self)
{
  g_return_val_if_fail (OMS_IS_APPLICATION (self), NULL);

  return self->scheduler;
}

/**
 * _oms_application_get_coldchain_server:
 *
 * Returns: (transfer none) (nullable): the cold chain server, running or not, or %NULL
 *   when the store could not be opened
 */
OmsColdchainServer *
_oms_application_get_coldchain_server (OmsApplication *self)
{
  g_return_val_if_fail (OMS_IS_APPLICATION (self), NULL);

  return self->coldchain_server;
}

/**
 * _oms_application_get_coldchain_error:
 *
 * Returns: (transfer none) (nullable): why the cold chain server could not start
 */
const GError *
_oms_application_get_coldchain_error (OmsApplication *self)
{
  g_return_val_if_fail (OMS_IS_APPLICATION (self), NULL);

  if (self->coldchain_server == NULL)
    return NULL;

  return oms_coldchain_server_get_start_error (self->coldchain_server);
}

/**
 * _oms_application_retry_coldchain_server:
 *
 * Starts the cold chain server now if it is not running (the Retry button in place of the QR
 * code), or again if the LAN addresses changed.
 *
 * Returns: %TRUE when the server runs
 */
gboolean
_oms_application_retry_coldchain_server (OmsApplication *self)
{
  g_return_val_if_fail (OMS_IS_APPLICATION (self), FALSE);

  /* Another program serves this site's phones: nothing to start here. */
  if (self->coldchain_keeper == NULL || !self->services_running)
    return FALSE;

  return oms_coldchain_keeper_check (self->coldchain_keeper);
}

/**
 * _oms_application_restart_coldchain_server:
 *
 * Stops the cold chain server and starts it again with the port and scheme the store now
 * holds, after Settings → Cold chain devices changed them. Why it cannot start is kept for
 * _oms_application_get_coldchain_error().
 *
 * Returns: %TRUE when the server runs again
 */
gboolean
_oms_application_restart_coldchain_server (OmsApplication *self)
{
  g_return_val_if_fail (OMS_IS_APPLICATION (self), FALSE);

  /* Another program serves this site's phones: its server is the one to restart. */
  if (self->coldchain_server == NULL || !self->services_running)
    return FALSE;

  oms_coldchain_server_stop (self->coldchain_server);

  oms_coldchain_server_set_port (self->coldchain_server,
                                 (guint)oms_coldchain_get_port (self->store));
  oms_coldchain_server_set_use_https (self->coldchain_server,
                                      !oms_coldchain_get_use_http (self->store));

  return oms_coldchain_keeper_check (self->coldchain_keeper);
}

/**
 * oms_application_dup_background_status:
 * @self: an #OmsApplication
 *
 * Returns: (transfer full): whether omsync goes on when its window is closed, and why, as
 *   Settings shows it
 */
char *
oms_application_dup_background_status (OmsApplication *self)
{
  g_return_val_if_fail (OMS_IS_APPLICATION (self), NULL);

  if (self->demo_data_dir != NULL)
    return g_strdup (_("Not for the demo: closing its window ends it."));

  if (self->site_owner != NULL && !oms_site_owner_get_is_owner (self->site_owner))
    {
      g_autofree char *owner = oms_site_owner_dup_owner_description (self->site_owner);

      /* Translators: %s names a program, e.g. "omsync-cli serve (process 1234)". */
      return g_strdup_printf (_("%s serves this site and goes on when this window is closed."),
                              owner != NULL ? owner : _("Another omsync program"));
    }

  if (self->settings == NULL || !g_settings_get_boolean (self->settings, "run-in-background"))
    return g_strdup (_("Off: closing the window stops syncing and the cold chain server."));

  switch (self->background_permission)
    {
    case OMS_BACKGROUND_PERMISSION_UNKNOWN:
      return g_strdup (_("Asking the system for permission…"));
    case OMS_BACKGROUND_PERMISSION_NO_PORTAL:
      return g_strdup (_("On. No background portal on this system: allowed."));
    case OMS_BACKGROUND_PERMISSION_GRANTED:
      return g_strdup (_("On. Allowed by the system."));
    case OMS_BACKGROUND_PERMISSION_DENIED:
    default:
      return g_strdup (_("Not allowed by the system, so closing the window stops omsync. "
                         "Allow omsync to run in the background in the system’s settings."));
    }
}

/**
 * _oms_application_get_site_owner:
 *
 * Returns: (transfer none) (nullable): whether this process or another serves the site
 */
OmsSiteOwner *
_oms_application_get_site_owner (OmsApplication *self)
{
  g_return_val_if_fail (OMS_IS_APPLICATION (self), NULL);

  return self->site_owner;
}
