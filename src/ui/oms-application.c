/* oms-application.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-application"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "oms-application-private.h"
#include "oms-coldchain-server.h"
#include "oms-coldchain-url.h"
#include "oms-demo-central.h"
#include "oms-remove-tree.h"
#include "oms-file-sync.h"
#include "oms-scheduler.h"
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
  OmsDemoCentral *demo_central;
  GCancellable   *cancellable;
  OmsColdchainServer *coldchain_server;
  GError         *coldchain_error;    /* why the cold chain server is not running */

  /* State */
  char           *data_dir;           /* as requested, NULL for the default */
  char           *resolved_data_dir;  /* the directory actually opened */
  char           *demo_data_dir;      /* --demo: a temporary site, removed at exit */
};

G_DEFINE_FINAL_TYPE (OmsApplication, oms_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_DATA_DIR,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const GOptionEntry main_entries[] = {
  { "data-dir", 'd', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Keep the store database in DIR instead of the default"), N_("DIR") },
  { "demo", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Start a demo central server (site “demo”, password “pass”) and sync a temporary "
       "site with it"), NULL },
  { NULL }
};

static int
oms_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  OmsApplication *self = OMS_APPLICATION (app);
  g_autofree char *data_dir = NULL;

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

static void
oms_application_startup (GApplication *app)
{
  OmsApplication *self = OMS_APPLICATION (app);

  G_APPLICATION_CLASS (oms_application_parent_class)->startup (app);

  _oms_application_actions_init (self);
  oms_application_open_store (self);

  if (self->store == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  self->engine = oms_sync_engine_new (self->store);
  self->scheduler = oms_scheduler_new (self->engine);
  bind_sync_on_metered (self->scheduler);
  /* Attached files go after each successful sync, as in Open mSupply's server. */
  self->file_sync = oms_file_sync_new (self->engine);
  oms_file_sync_start (self->file_sync);

  /* The QR code's URL; sync goes on when the port is taken, and Settings shows why. */
  self->coldchain_server = oms_coldchain_server_new (self->store);
  oms_coldchain_server_set_listen_address (self->coldchain_server,
                                           oms_coldchain_get_listen_address ());
  if (!oms_coldchain_server_start (self->coldchain_server, &self->coldchain_error))
    g_debug ("Cold chain server not started: %s", self->coldchain_error->message);

  if (self->demo_data_dir != NULL)
    oms_application_start_demo (self);
  else
    oms_scheduler_start (self->scheduler);
}

static void
oms_application_shutdown (GApplication *app)
{
  OmsApplication *self = OMS_APPLICATION (app);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->scheduler != NULL)
    oms_scheduler_stop (self->scheduler);
  if (self->file_sync != NULL)
    oms_file_sync_stop (self->file_sync);
  if (self->coldchain_server != NULL)
    oms_coldchain_server_stop (self->coldchain_server);
  if (self->demo_central != NULL)
    oms_demo_central_stop (self->demo_central);

  G_APPLICATION_CLASS (oms_application_parent_class)->shutdown (app);
}

static void
oms_application_activate (GApplication *app)
{
  OmsApplication *self = OMS_APPLICATION (app);
  OmsWindow *window;

  window = _oms_application_get_main_window (self);

  if (window == NULL)
    {
      window = oms_window_new (self, self->store);

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

  g_clear_object (&self->scheduler);
  g_clear_object (&self->file_sync);
  g_clear_object (&self->engine);
  g_clear_object (&self->demo_central);
  g_clear_object (&self->coldchain_server);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);

  if (self->demo_data_dir != NULL)
    {
      oms_remove_tree (self->demo_data_dir, NULL);
      g_clear_pointer (&self->demo_data_dir, g_free);
    }

  G_OBJECT_CLASS (oms_application_parent_class)->dispose (object);
}

static void
oms_application_finalize (GObject *object)
{
  OmsApplication *self = (OmsApplication *)object;

  g_clear_error (&self->store_error);
  g_clear_error (&self->coldchain_error);
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
                       "flags", G_APPLICATION_NON_UNIQUE,
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

  return self->coldchain_error;
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

  if (self->coldchain_server == NULL)
    return FALSE;

  oms_coldchain_server_stop (self->coldchain_server);
  g_clear_error (&self->coldchain_error);

  oms_coldchain_server_set_port (self->coldchain_server,
                                 (guint)oms_coldchain_get_port (self->store));
  oms_coldchain_server_set_use_https (self->coldchain_server,
                                      !oms_coldchain_get_use_http (self->store));

  if (!oms_coldchain_server_start (self->coldchain_server, &self->coldchain_error))
    {
      g_debug ("Cold chain server not restarted: %s", self->coldchain_error->message);
      return FALSE;
    }

  return TRUE;
}
